"""The bar above the records table while a merge is begun: what `m` would do.

A reviewer's merge takes two presses of `m`, one on each record. The second
press is the confirmation, so the first must say plainly what is pending and,
as the cursor moves, which unit the merge keeps (its decisions stay with it)
and which records join it — before anything is written.
"""

from __future__ import annotations

from textual.widgets import Static

from review.dedup.manual import MergePlan
from review.dedup.undo import Undone
from review.wording import counted


class MergeBar(Static):
    """Hidden until a record is marked; then one line about the pending merge."""

    def show_marked(self, first: int) -> None:
        self.set_class(True, "-marked")
        self.update(
            f"Merging record {first}: highlight the record it reports the same study as "
            "and press m · m here or Esc cancels"
        )

    def show_plan(self, first: int, other: int, plan: MergePlan) -> None:
        self.set_class(True, "-marked")
        if not plan.joining:
            self.update(f"Record {other} is screened with record {first} already · Esc cancels")
            return
        verb = "joins" if len(plan.joining) == 1 else "join"
        self.update(
            f"m merges: {kept(plan)} is kept (its decisions stay), "
            f"{ids(plan.joining)} {verb} it · Esc cancels"
        )

    def hide(self) -> None:
        self.set_class(False, "-marked")


def ids(record_ids: tuple[int, ...]) -> str:
    """`record 5`, `records 3, 4`, or the first five and how many more."""
    if len(record_ids) == 1:
        return f"record {record_ids[0]}"
    shown = ", ".join(str(i) for i in record_ids[:5])
    more = f" … (+{len(record_ids) - 5})" if len(record_ids) > 5 else ""
    return f"records {shown}{more}"


def kept(plan: MergePlan) -> str:
    """The unit a merge keeps, named by its first record."""
    first = plan.kept_records[0]
    if len(plan.kept_records) == 1:
        return f"record {first}"
    return f"record {first}'s unit ({counted(len(plan.kept_records), 'record')})"


def merged_message(plan: MergePlan) -> str:
    return f"Merged: {kept(plan)} kept, {ids(plan.joining)} joined · x undoes"


def undone_message(done: Undone | str, record_id: int) -> str:
    """What `x` did: a merge undone (and rule groups whole again), or one record out."""
    if isinstance(done, str):
        return f"Record {record_id} is screened on its own now"
    again = f"; {', '.join(done.rule_groups)} whole again" if done.rule_groups else ""
    return f"Merge undone: {ids(done.record_ids)} back as before{again}"
