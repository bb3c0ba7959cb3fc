"""The rules between rows, over the consolidated tables (pandas): an establishment claimed by two
sections, rows copied from another section's workbook, joint records reported by both parties, a
party's presence contradicted by the other one. Each yields :class:`~convention_xlsx.rules.RowIssue`
values at a row's index; the caller places them at the volunteer's cell."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

import pandas as pd

from .rules import RowIssue
from .schema import Kind, Sheet, Spec


def claimed_twice(establishments: pd.DataFrame, freshness: Mapping[str, tuple]) -> Iterator[tuple[int, RowIssue]]:
    """The same establishment in the sites sheet of two sections of one association. The figures
    used are those of the most recently updated workbook (``freshness``: file → sort key, the
    same order that keeps a section's newest workbook); the warning names it."""
    frame = establishments.dropna(subset=["establishment"])
    columns = ("association", "establishment", "section", "source_file", "excel_row")
    records = list(zip(frame.index, *(frame[c].tolist() for c in columns), strict=True))
    groups: dict[tuple, list[tuple]] = defaultdict(list)
    for record in records:
        groups[record[1], record[2]].append(record)
    for index, association, establishment, section, _, _ in records:
        same = groups[association, establishment]
        if len({r[3] for r in same if not pd.isna(r[3])}) < 2:
            continue
        others = sorted({r[3] for r in same if r[3] != section})
        winner = max(same, key=lambda r: (freshness.get(r[4], ()), r[5]))
        used = ("Ce sont les chiffres de cette ligne qui sont repris (classeur le plus récemment mis à jour)."
                if winner[0] == index else
                f"Ce sont ceux de la section {winner[3]} ({winner[4]}, ligne {winner[5]}), "
                "mise à jour le plus récemment, qui sont repris.")
        yield index, RowIssue(
            "etablissement-revendique", "establishment",
            f"{establishment} est aussi déclaré par la section {association} "
            f"{', '.join(others)} : les deux sections doivent se mettre d'accord. {used}",
        )


def copies(table: pd.DataFrame, sheet: Sheet) -> tuple[pd.Series, list[tuple[int, RowIssue]]]:
    """Records identical in every column in two workbooks of the same association (rows pasted from
    another section's file): a mask of the copies (True on all but the first file's), and an issue
    at each copy. Repeats inside one workbook are left alone (two events may look alike)."""
    mask = pd.Series(False, index=table.index)
    issues: list[tuple[int, RowIssue]] = []
    if table.empty:
        return mask, issues
    columns = [c.key for c in sheet.data_columns]
    key = pd.util.hash_pandas_object(table[[*columns, "association"]], index=False)
    repeated = key.duplicated(keep=False)
    if not repeated.any():
        return mask, issues
    first_column = columns[0]
    rows = table[repeated.to_numpy()]
    groups: dict[int, list[tuple]] = defaultdict(list)
    for record in zip(rows.index, key[repeated].tolist(), rows["source_file"].tolist(), rows["excel_row"].tolist(),
                      rows["section"].tolist(), strict=True):
        groups[record[1]].append(record)
    copied = []
    for group in groups.values():
        files = sorted({r[2] for r in group})
        if len(files) < 2:
            continue
        kept = next(r for r in group if r[2] == files[0])
        for index, _, source_file, _, _ in group:
            if source_file == files[0]:
                continue
            copied.append(index)
            issues.append((index, RowIssue(
                "enregistrement-copie", first_column,
                f"Cette ligne est identique en tout à la ligne {kept[3]} du classeur {kept[2]} "
                f"(section {kept[4]}) : elle ne compte qu'une fois. S'il s'agit d'un autre enregistrement, "
                "précisez ce qui le distingue (date, description…).",
            )))
    mask.loc[copied] = True
    return mask, issues


@dataclass(frozen=True)
class JointOutcome:
    """What :func:`joint_duplicates` found in one table."""

    mask: pd.Series
    """True on the reports that must not count (the second report of each joint record)."""
    issues: list[tuple[int, RowIssue]]
    own_values: dict[tuple[int, str], object]
    """(index of the counted report, column) → the value of a party's own column taken from that party's report."""


def joint_duplicates(table: pd.DataFrame, sheet: Sheet, spec: Spec) -> JointOutcome:
    """Joint records reported by both associations count once.

    Reports match on the sheet's joint key; an empty site column matches an empty one (a JNP stand reported
    by both head offices), any other empty key column never matches. The first report is counted; each
    party's own columns (``partie``) are taken from that party's report, so they never disagree; the other
    columns that differ give a ``commun-divergent`` warning.
    """
    mask = pd.Series(False, index=table.index)
    outcome = JointOutcome(mask, [], {})
    if not sheet.joint_key or table.empty:
        return outcome
    sites = {c.key for c in sheet.data_columns if c.kind is Kind.ESTABLISHMENT}
    required = [k for k in sheet.joint_key if k not in sites]
    keyed = table.dropna(subset=required) if required else table
    if sheet.joint_when is not None:
        column, value = sheet.joint_when
        keyed = keyed[keyed[column] == value]
    if keyed.empty:
        return outcome
    key = keyed[list(sheet.joint_key)].astype(object)
    key = key.where(key.notna(), "")
    groups: dict[tuple, list[int]] = defaultdict(list)
    associations: dict[tuple, set] = defaultdict(set)
    for index, association, *values in zip(keyed.index, keyed["association"].tolist(),
                                           *(key[c].tolist() for c in sheet.joint_key), strict=True):
        groups[tuple(values)].append(index)
        associations[tuple(values)].add(association)
    # Only keys reported by both associations can hold a joint record: the thousands of
    # single-report groups are left at once, and only the others' rows are looked at.
    joint = [members for k, members in groups.items() if len(associations[k]) > 1]
    if not joint:
        return outcome
    rows = keyed.loc[[i for members in joint for i in members]].to_dict("index")
    own = {c.key: c.party for c in sheet.data_columns if c.party}
    detail = [c.key for c in sheet.data_columns
              if c.key not in sheet.joint_key and not c.free_text and c.key not in own]
    counted_not = []
    for members in joint:
        kept_index = members[0]
        kept = rows[kept_index]
        first_assoc = kept["association"]
        for index in members[1:]:
            row = rows[index]
            if row["association"] == first_assoc:
                continue
            counted_not.append(index)
            for column, party in own.items():
                if party == row["association"] and not pd.isna(row[column]):
                    outcome.own_values[(kept_index, column)] = row[column]
            differing = [sheet.column(k).label for k in detail if not _same(kept[k], row[k])]
            if differing:
                outcome.issues.append((index, RowIssue(
                    "commun-divergent", sheet.joint_key[0],
                    f"Cet enregistrement commun est aussi déclaré par {spec.in_sentence(first_assoc)} "
                    f"({kept['section']}, "
                    f"ligne {kept['excel_row']}) avec d'autres valeurs pour : {', '.join(differing)}. "
                    "Il ne compte qu'une fois : accordez-vous sur les chiffres.",
                )))
    mask.loc[counted_not] = True
    return outcome


def presence_disagreements(establishments: pd.DataFrame, spec: Spec) -> Iterator[tuple[int, RowIssue]]:
    """A section's view of the other association's presence that contradicts that association."""
    for own, column in ((p.name, p.presence) for p in spec.parties if p.presence in establishments):
        truth = (establishments[establishments.association == own]
                 .dropna(subset=[column]).groupby("establishment")[column].max())
        views = establishments[(establishments.association != own) & establishments[column].notna()]
        for index, row in views.iterrows():
            said = truth.get(row.establishment)
            if said is not None and bool(said) != bool(row[column]):
                yield index, RowIssue(
                    "presence-divergente", column,
                    f"Pour {row.establishment}, {spec.in_sentence(own)} déclare {'une' if said else 'aucune'} "
                    "présence : "
                    f"c'est sa déclaration qui fait foi. Vérifiez avec la section {own}.",
                )


def _same(a: object, b: object) -> bool:
    a_missing, b_missing = pd.isna(a), pd.isna(b)
    if a_missing or b_missing:  # a value against pd.NA compares to NA, whose truth is ambiguous
        return bool(a_missing and b_missing)
    return bool(a == b)
