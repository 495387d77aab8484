"""Commands that set a review up and report on it: init, import, status, sample…"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from review.cli.base import FILE, cli, open_review, progress_line, warn_location
from review.errors import ProtocolError
from review.ingest import ImportOptions, ImportResult, import_paths, import_report
from review.models import OtherMethod, SourceKind
from review.review_file import create_review
from review.wording import counted


def protocol_template() -> Path:
    """`protocols/template.yaml`: inside an installed wheel (`review/_sample`,
    see pyproject's force-include), else at the top of a clone."""
    package = Path(__file__).resolve().parents[1]
    packaged = package / "_sample" / "protocols" / "template.yaml"
    return packaged if packaged.exists() else package.parent / "protocols" / "template.yaml"


@cli.command()
@FILE
@click.option(
    "--protocol",
    "protocol_path",
    required=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="The review protocol (YAML); a missing one is answered with where the "
    "commented template is.",
)
def init(file: Path, protocol_path: Path) -> None:
    """Create a review file under a protocol.

    Example: review init rt-io.db --protocol protocols/rt-io-head-neck.yaml
    """
    if not protocol_path.exists():
        # An installed package keeps the template out of sight: name it.
        raise ProtocolError(
            "no protocol file here",
            path=protocol_path,
            hint=f"start from the commented template: copy {protocol_template()} to "
            f"{protocol_path}, edit it and check it with `review protocol check`",
        )
    with create_review(file, protocol_path) as store:
        warn_location(store.location_warning)
    click.echo(f"Created {file} under protocol {protocol_path}.")


@cli.command(name="import")
@FILE
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path, exists=False))
@click.option(
    "--kind",
    type=click.Choice([k.value for k in SourceKind]),
    required=True,
    help="PRISMA 2020 source: database, register, or other methods.",
)
@click.option("--source", "source_name", required=True, help="E.g. PubMed, Embase, CENTRAL.")
@click.option(
    "--method",
    type=click.Choice([m.value for m in OtherMethod]),
    help="For --kind other: website, organisation or citation (searching).",
)
@click.option("--search-date", help="When the search was run, as YYYY-MM-DD.")
@click.option("--encoding", help="The files' encoding when not UTF-8/UTF-16 (e.g. cp1252).")
@click.option("--format", "format_name", help="Skip sniffing and read as this format.")
@click.option("--force", is_flag=True, help="Import a file again even if already imported.")
@click.option("--reviewer", envvar="REVIEW_REVIEWER", help="Who imported (or $REVIEW_REVIEWER).")
def import_(
    file: Path,
    paths: tuple[Path, ...],
    kind: str,
    source_name: str,
    method: str | None,
    search_date: str | None,
    encoding: str | None,
    format_name: str | None,
    force: bool,
    reviewer: str | None,
) -> None:
    """Import search results (files or folders) into a review file.

    Example: review import rt-io.db pubmed.nbib --kind database --source PubMed
    """
    options = ImportOptions(
        kind=SourceKind(kind),
        source_name=source_name,
        method=method,
        search_date=search_date,
        reviewer=reviewer,
        encoding=encoding,
        format_name=format_name,
        force=force,
    )
    with open_review(file) as store:
        warn_location(store.location_warning)
        results = import_paths(store, list(paths), options, progress=progress_line())
    _print_import_summary(results)


@cli.command()
@FILE
@click.option("--json", "as_json", is_flag=True, help="Print the counts as JSON.")
def status(file: Path, as_json: bool) -> None:
    """Counts of records, sources, warnings and decisions."""
    from review.status import review_status  # deferred: dedup and numpy, not needed to import

    with open_review(file) as store:
        warn_location(store.location_warning)
        report = review_status(store)
    if as_json:
        click.echo(json.dumps(report, indent=2, ensure_ascii=False))
        return
    _print_status(file, report)


@cli.group()
def protocol() -> None:
    """Work with protocol files."""


@protocol.command("check")
@click.argument("path", type=click.Path(path_type=Path, dir_okay=False))
def protocol_check(path: Path) -> None:
    """Report every problem in a protocol file at once."""
    from review.protocol.loader import load_protocol

    loaded = load_protocol(path)
    click.echo(f"{path}: OK ({loaded.protocol.review.title})")


@cli.command()
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False), default="sample-review.db")
def sample(file: Path) -> None:
    """Build the sample review (seeds/ under protocols/rt-io-head-neck.yaml)."""
    from review.sample import build_sample

    with build_sample(file) as store:
        count = store.records.record_count()
    click.echo(f"Created {file} with {count} sample records. Open it with: review {file}")


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path, dir_okay=False))
@click.option("--encoding", help="The files' encoding when not UTF-8/UTF-16 (e.g. cp1252).")
def formats(paths: tuple[Path, ...], encoding: str | None) -> None:
    """List the formats `review import` reads; with files, the format and
    encoding each would be read as (the home screen's file picker shows the same).

    Example: review formats pubmed.nbib scopus.csv
    """
    from review.errors import ImportFormatError
    from review.importers import formats as all_formats
    from review.importers import sniff_file

    if not paths:
        for fmt in all_formats():
            click.echo(f"{fmt.name:14} {fmt.label}")
        return
    failed: list[ImportFormatError] = []
    for path in paths:
        try:
            fmt, found = sniff_file(path, encoding=encoding)
        except ImportFormatError as exc:
            click.echo(f"error: {exc}", err=True)
            failed.append(exc)
            continue
        click.echo(f"{path}: {fmt.name} ({fmt.label}), {found}")
    if failed:
        raise ImportFormatError(
            f"{len(failed)} of {counted(len(paths), 'file')} not recognised (above)"
        )


def _print_import_summary(results: list[ImportResult]) -> None:
    if sys.stderr.isatty():
        click.echo(err=True)
    for line in import_report(results):
        click.echo(line)


def _print_status(file: Path, report: dict[str, Any]) -> None:
    click.echo(
        f"{file}: {counted(report['records'], 'record')} from "
        f"{counted(len(report['sources']), 'source')}"
    )
    for source in report["sources"]:
        method = f"/{source['method']}" if source.get("method") else ""
        click.echo(
            f"  #{source['id']} {source['name']} [{source['kind']}{method}] "
            f"{source['file_name']}: {counted(source['records'], 'record')}, "
            f"{counted(source['warnings'], 'warning')}"
        )
        for notice in source.get("notices", []):
            click.echo(f"    warning: {notice}")
    if report["warnings"]:
        click.echo("Warnings by kind:")
        for kind, count in report["warnings"].items():
            click.echo(f"  {kind}: {count}")
    dups = report["duplicates"]
    how = ", ".join(f"{n} by {k}" for k, n in sorted(dups["groups_by"].items()))
    click.echo(
        f"Duplicates: {counted(dups['groups'], 'group')}{f' ({how})' if how else ''}, "
        f"{counted(dups['records_removed'], 'record')} removed, "
        f"{counted(dups['pairs_waiting'], 'pair')} waiting for a reviewer; "
        f"{counted(dups['unique_records'], 'unique record')}"
    )
    if report["decisions"]:
        click.echo("Screening (maybe counts as include):")
        for stage, counts in report["decisions"].items():
            outcomes = ", ".join(
                f"{name} {counts[name]}"
                for name in ("include", "exclude", "conflict", "partial", "undecided")
                if counts[name]
            )
            click.echo(f"  {stage}: {counted(counts['units'], 'record')} to screen: {outcomes}")
            for who, mine in counts["by_reviewer"].items():
                parts = ", ".join(f"{k} {v}" for k, v in mine.items())
                click.echo(f"    {who}: {parts}")
    if report["stages"]:
        _print_stages(report["stages"])
    _print_prioritisation(report.get("prioritisation", {}))


def _print_stages(stages: dict[str, Any]) -> None:
    """What the home screen shows after the imports, as lines."""
    click.echo("Progress per reviewer (done / to do / conflicts):")
    for stage, counts in stages["screening"].items():
        people = ", ".join(
            f"{who} {c['done']}/{c['to_do']}/{c['conflicts']}"
            for who, c in counts["by_reviewer"].items()
        )
        click.echo(
            f"  {stage}: {counted(counts['units'], 'unit')}, {counts['open']} open, "
            f"{counted(counts['conflicts'], 'conflict')}" + (f"; {people}" if people else "")
        )
    click.echo(f"Included studies: {stages['included_studies']}")
    ext = stages["extraction"]
    click.echo(
        f"Extraction ({counted(ext['extractors_per_study'], 'extractor')} per study): "
        f"{_three(ext)}" + "".join(f"; {who}: {_three(c)}" for who, c in ext["by_reviewer"].items())
    )
    for line in ext.get("shared_arms", {}).get("lines", []):
        click.echo(f"  warning: {line}")
    rob = stages["risk_of_bias"]
    if "problem" in rob:
        click.echo(f"Risk of bias: {rob['problem']}")
    else:
        no_tool = rob["no_tool"]
        click.echo(
            f"Risk of bias: {counted(rob['assessments'], 'assessment')}: {_three(rob)}"
            + (f"; {counted(no_tool, 'study', 'studies')} without a tool" if no_tool else "")
            + "".join(f"; {who}: {_three(c)}" for who, c in rob["by_reviewer"].items())
        )
    prisma = stages["prisma"]
    if "problem" in prisma:
        click.echo(f"PRISMA: {prisma['problem']}")
        return
    click.echo(
        f"PRISMA: identified {prisma['identified']}, duplicates removed "
        f"{prisma['duplicates_removed']}, screened {prisma['screened']}, sought "
        f"{prisma['sought']}, not retrieved {prisma['not_retrieved']}, assessed "
        f"{prisma['assessed']}, included {prisma['included_studies']} studies "
        f"({prisma['included_reports']} reports)"
        + ("; still in progress" if prisma["in_progress"] else "")
    )
    for problem in prisma["contradictions"]:
        click.echo(f"  does not add up: {problem}")


def _three(counts: dict[str, int]) -> str:
    return (
        f"complete {counts['complete']}, in progress {counts['in_progress']}, "
        f"not started {counts['not_started']}"
    )


def _print_prioritisation(report: dict[str, Any]) -> None:
    """Who screened in ranked order, with which model, and where they stopped:
    the sentences the export's Methods sheet holds."""
    if not report:
        return
    click.echo("Prioritised screening (for the methods section):")
    stopped = False
    for stage, reviewers in report.items():
        for who, mine in reviewers.items():
            state = "on" if mine["on"] else "off" if mine["model"] else "never prioritised"
            click.echo(f"  {stage} {who}: {state}")
            for line in mine["methods"]:
                click.echo(f"    {line}")
            stopped = stopped or mine["stopped"] is not None
    if stopped:
        from review.prioritise.stopping import CITATION

        click.echo(f"  Cite the stopping rule as: {CITATION}")
