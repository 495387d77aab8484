"""Title/abstract and full-text screening: decisions replayed into queues,
conflicts and agreement (`state`, `agreement`), the units a decision covers
(`units`), and one reviewer's session over a live review file (`session`)."""
