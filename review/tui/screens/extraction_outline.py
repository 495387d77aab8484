"""The extraction form's outline and pages: what the left list holds and
which fields the right side shows.

The outline lists the form's once-per-study pages, each repeating group and
its rows; highlighting one mounts that page's fields. The form screen
(`extraction_form`) builds on this with row editing and saving.
"""

from __future__ import annotations

from textual import getters
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Static
from textual.widgets.option_list import Option

from review.errors import UsageError
from review.extraction.form import STUDY_LEVEL, GroupSpec, group_key_of, groups
from review.extraction.session import ExtractionSession
from review.models import Record
from review.protocol.form import FormFieldRef
from review.tui.widgets.form_field import FormFieldView
from review.tui.widgets.form_outline import FormOutline
from review.wording import counted

SECTION, GROUP, ROW = "s:", "g:", "r:"
"""Outline option ids: a section's once-per-study page, a repeating group, one row."""


class FormPages(Screen[None]):
    """One study's form as an outline of pages; the page under the highlight is shown."""

    outline = getters.query_one("#form-outline", FormOutline)
    page = getters.query_one("#form-page", VerticalScroll)

    def __init__(self, session: ExtractionSession, reports: list[Record]) -> None:
        super().__init__()
        self.session = session
        self.reports = reports
        self._page_id = ""

    async def load_outline(self, keep: str | None = None) -> None:
        """List pages, groups and rows; highlight `keep` (an option id) if still there."""
        options: list[Option] = []
        for section in self.session.sections:
            if section.fields or any(not g.is_repeating for g in section.groups):
                options.append(
                    Option(Content.styled(section.label, "bold"), id=SECTION + section.id)
                )
        for spec in groups(self.session.protocol):
            if not spec.repeating:
                continue
            rows = self.session.rows(spec.key)
            label = f"{spec.section.label}: {spec.group.label} ({len(rows)})"
            options.append(Option(Content.styled(label, "bold"), id=GROUP + spec.key))
            options += [Option(f"  {row.name}", id=ROW + row.id) for row in rows]
        self.outline.set_options(options)
        ids = [option.id for option in options]
        at = (
            ids.index(keep)
            if keep in ids
            else (ids.index(self._page_id) if self._page_id in ids else 0)
        )
        self.outline.highlighted = at
        await self.show_page(ids[at] or "")
        self._update_subtitle()

    async def show_page(self, page_id: str) -> None:
        """Mount the fields of one page (cheap: a page is one section or one row)."""
        self._page_id = page_id
        widgets: list[Static | FormFieldView] = []
        if page_id.startswith(SECTION):
            section = next(s for s in self.session.sections if s.id == page_id[2:])
            if section.help:
                widgets.append(Static(section.help, classes="form-page-help", markup=False))
            refs = [r for r in self.session.refs.values() if r.section is section]
            widgets += self._fields([r for r in refs if group_key_of(r) is None], STUDY_LEVEL)
        elif page_id.startswith(GROUP):
            spec = self._spec(page_id[2:])
            rows = self.session.rows(spec.key)
            help = spec.group.help or spec.section.help or ""
            text = f"{help}\n\n" if help else ""
            text += (
                f"{counted(len(rows), 'row')}. a adds one, Enter on a row opens it."
                if rows
                else "No rows yet: press a (or Enter) to add one."
            )
            widgets.append(Static(text, classes="form-page-help", markup=False))
        elif page_id.startswith(ROW) and (row := self.session.row(page_id[2:])) is not None:
            spec = self._spec_of_row(row.id)
            widgets.append(
                Static(f"{spec.group.label}: {row.name}", classes="form-row-title", markup=False)
            )
            refs = [r for r in self.session.refs.values() if group_key_of(r) == spec.key]
            widgets += self._fields(refs, row.id)
        with self.app.batch_update():
            await self.page.remove_children()
            await self.page.mount_all(widgets)
        self.page.scroll_home(animate=False)

    def _fields(self, refs: list[FormFieldRef], instance: str) -> list[Static | FormFieldView]:
        out: list[Static | FormFieldView] = []
        group = None
        for ref in refs:
            if ref.group is not None and ref.group is not group and instance == STUDY_LEVEL:
                out.append(Static(ref.group.label, classes="form-group-title", markup=False))
            group = ref.group
            out.append(FormFieldView(ref, instance, self.session.cell(ref.key, instance)))
        return out

    def action_page(self, step: int) -> None:
        count = self.outline.option_count
        if count:
            self.outline.highlighted = ((self.outline.highlighted or 0) + step) % count

    def _current(self) -> str:
        """The outline's highlighted option: it moves as the key is handled, while
        the page follows a message later (a burst's `↓ a` adds to the new one)."""
        option = self.outline.highlighted_option
        return option.id if option is not None and option.id else self._page_id

    def _update_subtitle(self) -> None:
        self.sub_title = f"{self.session.reviewer} · {self.session.status}"

    def _spec(self, key: str) -> GroupSpec:
        return next(spec for spec in groups(self.session.protocol) if spec.key == key)

    def _spec_of_row(self, row_id: str) -> GroupSpec:
        for spec in groups(self.session.protocol):
            if spec.repeating and any(r.id == row_id for r in self.session.rows(spec.key)):
                return spec
        raise UsageError(f"no row {row_id!r} in this form", field="instance")

    def _view_of(self, widget: object) -> FormFieldView | None:
        node = widget
        while node is not None and node is not self:
            if isinstance(node, FormFieldView):
                return node
            node = getattr(node, "parent", None)
        return None
