"""All section workbooks → one DataFrame per sheet with provenance, and the report.

The path of the data: list the input files → read them (isolated, in parallel) →
parse and validate each one → keep the newest workbook of each section → build one
typed table per sheet with every row's provenance → cross-row rules (the same
establishment claimed twice, joint records reported by both associations, presence
disagreements). ``valider`` and ``consolider`` both run it; the report is the same.
"""

from __future__ import annotations

import datetime as dt
import functools
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from . import normalize as norm
from .config import Config, section_key
from .findings import Finding
from .mail.provenance import Provenance, annotate, attribute_unexpected, load_provenance
from .parse import Context, ParsedWorkbook, parse_workbook, read_and_parse
from .reading.model import FileInfo, RawWorkbook, ReadFailure
from .report import IGNORED, READ, REJECTED, FileRecord, Report
from .rules import Period, RowIssue
from .schema import Sheet, Spec
from .table_rules import claimed_twice, copies, joint_duplicates, presence_disagreements
from .tables import COPY, JOINT_DUPLICATE, build_frame

Progress = Callable[[int, int], None]


@dataclass
class Consolidation:
    """The outcome of a run, which the indicators and the dashboard read.

    ``tables`` maps each table sheet's key (``establishments``, ``volunteers``,
    ``actions``, ``meetings``, ``referrals``, ``trainings``, ``communication``,
    ``calls``) to its typed frame (see :mod:`convention_xlsx.tables`): the rows that
    passed validation, from the retained (newest) workbook of each section.
    ``report.files`` is the run manifest (retained, ignored and rejected files).
    """

    config: Config
    arrete: dt.date
    today: dt.date
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    report: Report = field(default_factory=Report)
    source_dir: Path | None = None
    """The folder the workbooks were read from (file paths of the report are relative to it)."""
    timings: dict[str, float] = field(default_factory=dict)
    """Seconds: ``fichiers`` and ``analyse``, summed over the reading pool's children (reading the files,
    parsing them with the row rules), and ``regles``, the rules between rows in this process."""


def default_arrete(config: Config, today: dt.date) -> tuple[dt.date, str]:
    """Today, or the convention's end when today is past it (with a French note saying so).

    Raises :class:`~convention_xlsx.errors.ArreteError` when the convention has not started
    yet: no date of arrêté falls inside it.
    """
    from .errors import ArreteError

    if today < config.period_start:
        raise ArreteError(
            f"La convention ne commence que le {config.period_start:%d/%m/%Y} : il n'y a encore rien à "
            "arrêter (vérifiez [convention] debut dans la configuration)."
        )
    if today > config.period_end:
        return config.period_end, (
            f"La convention a pris fin le {config.period_end:%d/%m/%Y} : le tableau de bord est arrêté "
            "à cette date (option --arrete pour une autre date)."
        )
    return today, ""


def consolidate_folder(
    folder: Path,
    config: Config,
    *,
    arrete: dt.date | None = None,
    today: dt.date | None = None,
    password: str | None = None,
    progress: Progress | None = None,
) -> Consolidation:
    """Read, validate and consolidate every workbook under ``folder`` (recursively)."""
    from .reading.files import list_inputs
    from .reading.pool import read_many

    today = today or dt.date.today()
    arrete = arrete or default_arrete(config, today)[0]
    candidates, skipped = list_inputs(folder)
    provenance = load_provenance(folder, config)
    reader = functools.partial(read_and_parse, parse_context(config, today, arrete, provenance.senders))
    outcomes = read_many(candidates, root=folder, password=password, progress=progress, reader=reader)
    skipped_records = [
        FileRecord(path=p.relative_to(folder).as_posix(), status=IGNORED,
                   reason="fichier temporaire, de verrouillage ou caché")
        for p in skipped
    ]
    cons = consolidate(outcomes, config, arrete=arrete, today=today, skipped=skipped_records, provenance=provenance)
    cons.source_dir = folder.resolve()
    return cons


def parse_context(config: Config, today: dt.date, arrete: dt.date, senders: Mapping | None = None) -> Context:
    return Context(config.referentiel, Period(config.period_start, config.period_end, today, arrete), config.spec,
                   senders or {}, config.extension)


def consolidate(
    outcomes: Sequence[RawWorkbook | ParsedWorkbook | ReadFailure],
    config: Config,
    *,
    arrete: dt.date,
    today: dt.date,
    skipped: Sequence[FileRecord] = (),
    provenance: Provenance | None = None,
) -> Consolidation:
    """Parse, validate and consolidate workbooks already read (pure: no file access); a
    workbook already parsed (by :func:`~convention_xlsx.parse.read_and_parse`) is taken as it is. ``provenance``: what
    the collection log says of the files (sender, date, subject; the sender's section)."""
    provenance = provenance or Provenance()
    ctx = parse_context(config, today, arrete, provenance.senders)
    report = Report(files=list(skipped))
    parsed: list[ParsedWorkbook] = []
    for outcome in outcomes:
        if isinstance(outcome, ReadFailure):
            report.files.append(_record(outcome.info, status=REJECTED, reason=outcome.reason))
            report.findings.append(Finding(code=outcome.code, file=outcome.info.path, message=outcome.reason))
            continue
        result = outcome if isinstance(outcome, ParsedWorkbook) else parse_workbook(outcome, ctx)
        attribute_unexpected(result, config, provenance)
        parsed.append(result)
    retained = _drop_older_sends(parsed, report, config.spec.section.name)
    retained_ids = {id(p) for p in retained}
    for p in parsed:
        record = _record(p.info, status=REJECTED if p.rejected else READ, parsed=p)
        if id(p) not in retained_ids:
            record.status, record.rows_read, record.rows_consolidated, record.rows_rejected = IGNORED, 0, 0, 0
            record.values_left_out = 0
            record.reason = "classeur plus ancien de la même section"
        elif p.rejected:
            record.reason = next((f.message for f in p.findings if f.is_error), "")
        report.files.append(record)
        if id(p) in retained_ids:
            report.findings.extend(p.findings)
    annotate(report.files, provenance)
    cons = Consolidation(config=config, arrete=arrete, today=today, report=report)
    keep = [p for p in retained if not p.rejected]
    for p in keep:
        if config.expected(p.association or "", p.section or "") is None:
            report.findings.append(Finding(
                "section-non-attendue", p.info.path, config.spec.section.name,
                value=f"{p.association} {p.section}",
                message=f"La section {p.association} « {p.section} » n'est pas dans la configuration : ses "
                "données sont consolidées ; ajoutez-la à convention.toml si elle doit rendre compte chaque "
                "mois, ou corrigez le nom de section.",
            ))
    cons.tables = _build_tables(keep, config.spec)
    started = time.perf_counter()
    report.findings.extend(_cross_row_findings(cons.tables, {p.info.path: p for p in keep}, config.spec))
    cons.timings = {"fichiers": sum(p.seconds.get("fichier", 0.0) for p in parsed),
                    "analyse": sum(p.seconds.get("analyse", 0.0) for p in parsed),
                    "regles": time.perf_counter() - started}
    return cons


def _record(info: FileInfo, status: str, reason: str = "", parsed: ParsedWorkbook | None = None) -> FileRecord:
    record = FileRecord(path=info.path, status=status, reason=reason, sha256=info.sha256, size=info.size,
                        modified=info.modified, format=info.format)
    if parsed is not None:
        record.association = parsed.association or ""
        record.section = parsed.section or ""
        record.email = parsed.email
        record.updated = parsed.updated
        record.template_version = parsed.template_version
        record.rows_read = parsed.rows_read
        record.rows_rejected = parsed.rows_read if parsed.rejected else parsed.rows_rejected
        record.values_left_out = 0 if parsed.rejected else parsed.values_left_out
        record.rows_consolidated = 0 if parsed.rejected else parsed.rows_read - parsed.rows_rejected
    return record


def _freshness(p: ParsedWorkbook) -> tuple:
    modified = p.info.modified or dt.datetime.min
    return (p.updated or modified.date(), modified, p.info.path)


def _drop_older_sends(parsed: list[ParsedWorkbook], report: Report, section_sheet: str) -> list[ParsedWorkbook]:
    """Keep the newest workbook of each section (by update date, then file time)."""
    groups: dict[tuple[str, str], list[ParsedWorkbook]] = {}
    for p in parsed:
        if not p.rejected:
            groups.setdefault(section_key(p.association or "", p.section or ""), []).append(p)
    retained = [p for p in parsed if p.rejected]
    for group in groups.values():
        group.sort(key=_freshness, reverse=True)
        newest = group[0]
        retained.append(newest)
        for older in group[1:]:
            when = f"du {older.updated:%d/%m/%Y}" if older.updated else "sans date de mise à jour"
            report.findings.append(Finding(
                "section-en-double", older.info.path, section_sheet,
                value=f"{older.association} {older.section}",
                message=f"La section {older.association} « {older.section} » a envoyé plusieurs classeurs : "
                f"celui-ci ({when}) est ignoré, le plus récent ({newest.info.path}) est retenu.",
                suggestion=newest.info.path,
            ))
    return retained


def _build_tables(parsed: list[ParsedWorkbook], spec: Spec) -> dict[str, pd.DataFrame]:
    tables = {}
    for sheet in spec.table_sheets:
        records = []
        for p in parsed:
            provenance = {"source_file": p.info.path, "section": p.section, "association": p.association}
            records.extend({**row, **provenance} for row in p.rows.get(sheet.key, ()))
        tables[sheet.key] = build_frame(sheet, records)
    return tables


def _cross_row_findings(tables: dict[str, pd.DataFrame], by_file: dict[str, ParsedWorkbook],
                        spec: Spec) -> list[Finding]:
    found: list[Finding] = []

    def place(sheet: Sheet, frame: pd.DataFrame, pairs) -> None:
        columns: dict[str, dict] = {}  # column → {index: value}, built once when a finding asks for it

        def value(index: int, column: str) -> object:
            if column not in columns:
                columns[column] = dict(zip(frame.index, frame[column].tolist(), strict=True))
            return columns[column][index]

        for index, issue in pairs:
            found.append(_finding_at(sheet, functools.partial(value, index), issue, by_file, spec))

    sites = spec.sites
    if sites is not None:
        frame = tables[sites.key]
        freshness = {path: _freshness(p) for path, p in by_file.items()}
        place(sites, frame, claimed_twice(frame, freshness))
        place(sites, frame, presence_disagreements(frame, spec))
    for sheet in spec.table_sheets:
        if sheet is not sites:
            frame = tables[sheet.key]
            mask, issues = copies(frame, sheet)
            frame[COPY] = mask.astype(bool)
            place(sheet, frame, issues)
        if sheet.joint_key:
            frame = tables[sheet.key]
            joint = joint_duplicates(frame, sheet, spec)
            frame[JOINT_DUPLICATE] = joint.mask.astype(bool)
            for (index, column), value in joint.own_values.items():
                frame.at[index, column] = value
            place(sheet, frame, joint.issues)
    return found


def _finding_at(sheet: Sheet, row: Callable[[str], object], issue: RowIssue, by_file: dict[str, ParsedWorkbook],
                spec: Spec) -> Finding:
    """The finding of ``issue`` at its cell; ``row(column)`` gives the row's value in a column (taking
    the whole row as a Series, or even ``frame.at``, cost seconds at a thousand workbooks)."""
    letter = by_file[row("source_file")].columns.get(sheet.key, {}).get(issue.column, "")
    value = row(issue.column)
    try:
        missing = bool(pd.isna(value))
    except (TypeError, ValueError):
        missing = False
    return Finding(issue.code, row("source_file"), row("sheet"), cell=f"{letter}{row('excel_row')}",
                   column=sheet.column(issue.column).label,
                   value="" if missing else norm.shown(value, spec.yes, spec.no),
                   message=issue.message, suggestion=issue.suggestion)
