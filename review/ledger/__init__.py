"""The ledger: append-only events turned into state by one replay rule.

`order` states the rule every event kind follows; the other modules fold one
kind of event each (labels, full texts, study links, duplicate groups,
entities — the arms and results that repeat —, extraction values; screening
decisions fold in `review.screening.state` by the same rule) and `resolver`
turns records, duplicate groups and study links into the units a decision
covers and the studies PRISMA, extraction and risk of bias count. `bulk`
keeps a million-event replay clear of the cycle collector.
Pure: no SQL, no UI; the store hands it events, it hands back state.
"""
