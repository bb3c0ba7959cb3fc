"""What the ANVP–Auxilia convention needs beyond its data (``modeles/classeur.toml``, ``modeles/indicateurs.toml``).

- A volunteer listed by both associations' sections (same name, first name and establishment, compared
  without case or accents) is one person, with what both lists say: a visitor on one list and a
  correspondent (CP) on the other is a visitor who is also CP; a membership stated on either list counts.
- A CP who is neither a member of Auxilia nor under a mandate current at the arrêté is flagged (§1).
- Each establishment's last meeting says who was represented (« Les deux (Auxilia par l'ANVP) »).
- An establishment where an association counts as absent although a meeting of the last twelve months says
  it was represented in person is flagged (``presence_check``): one of the two reports is out of date.

Every choice value comes from the workbook's description (its ``termes``), never from this code.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING

from ...rules import Period, RowIssue
from ...schema import Sheet, Spec
from ...text import fold

if TYPE_CHECKING:  # pandas is imported by the hooks over tables only: row_rules runs in the reading
    import pandas as pd  # pool's children, which then start without it

VOLUNTEERS, MEETINGS = "volunteers", "meetings"
site_labels = {"last_meeting_represented": "Représentées à la dernière réunion",
               "presence_check": "Présence à vérifier"}
site_printed: frozenset[str] = frozenset()
"""Neither is printed: the printed sites sheet keeps the dozen columns a president reads."""


def prepare_tables(tables: dict[str, pd.DataFrame], spec: Spec) -> dict[str, pd.DataFrame]:
    if VOLUNTEERS in tables and spec.has_sheet(VOLUNTEERS):
        tables = {**tables, VOLUNTEERS: merge_volunteers(tables[VOLUNTEERS], spec)}
    return tables


def merge_volunteers(frame: pd.DataFrame, spec: Spec) -> pd.DataFrame:
    """Each person once: the first row's provenance, what both rows say merged, whatever the files' order."""
    import pandas as pd

    if frame.empty:
        return frame
    key = (frame["last_name"].map(lambda v: fold(v or "")) + "\x1f"
           + frame["first_name"].map(lambda v: fold(v or "")) + "\x1f"
           + frame["establishment"].fillna("").astype(str))
    duplicated = key.duplicated()
    if not duplicated.any():
        return frame
    role_col = spec.sheet(VOLUNTEERS).column("role")
    both = role_col.term("visiteur_et_cp")
    groups = frame.groupby(key, sort=False)
    people = frame[~duplicated].set_index(key[~duplicated])
    is_cp = frame["role"].isin(role_col.term_values("cp"))
    is_visitor = frame["role"].isin(role_col.term_values("visiteur")).groupby(key, sort=False).any()
    first_cp = frame["role"].where(is_cp).groupby(key, sort=False).first()
    role = first_cp.where(first_cp.notna(), groups["role"].first())
    people["role"] = role.where(~(first_cp.notna() & is_visitor), both)
    for column in (c.key for c in spec.sheet(VOLUNTEERS).data_columns if c.kind.value == "oui-non"):
        values = frame[column]
        said_yes = values.fillna(False).astype(bool).groupby(key, sort=False).any()
        said = values.notna().groupby(key, sort=False).any()
        people[column] = said_yes.astype("boolean").where(said, pd.NA)
    for column in ("mandate_start", "mandate_end"):
        people[column] = groups[column].first()
    return people.reset_index(drop=True)


def row_rules(sheet: Sheet, row: Mapping[str, object], period: Period, spec: Spec) -> Iterator[RowIssue]:
    """A correspondent (CP) neither member of the partner association nor under a current mandate (§1)."""
    if sheet.key != VOLUNTEERS or "cp" not in sheet.column("role").terms:
        return
    if row.get("role") not in sheet.column("role").term_values("cp") or row.get("auxilia_member") is True:
        return
    start, end = row.get("mandate_start"), row.get("mandate_end")
    current = isinstance(start, dt.date) and isinstance(end, dt.date) and start <= period.as_of <= end
    if not current:
        partner = spec.party_names[-1]
        yield RowIssue(
            "cp-sans-adhesion-ni-mandat", "auxilia_member",
            f"Au {period.as_of:%d/%m/%Y}, ce correspondant de prison n'est pas adhérent {_of(partner)} et n'a pas de "
            "mandat en cours : indiquez son adhésion ou les dates de son mandat (§1 de la convention).",
        )


def _of(name: str) -> str:
    return f"d'{name}" if name[:1].lower() in "aeiouyh" else f"de {name}"


def site_columns(sites: pd.DataFrame, tables: dict[str, pd.DataFrame], spec: Spec,
                 arrete: dt.date) -> pd.DataFrame:
    """Who was represented at each establishment's last meeting with the direction or the SPIP."""
    if MEETINGS not in tables or sites.empty:
        return sites
    meetings = tables[MEETINGS]
    sheet = spec.sheet(MEETINGS)
    represented = [c for c in sheet.columns if "par_l_autre" in c.terms]
    rows = meetings[meetings["establishment"].notna()].sort_values("date", kind="stable")
    last = rows.groupby("establishment").tail(1).set_index("establishment")
    texts = {}
    for code, row in last.iterrows():
        present = [isinstance(row[c.key], str) and row[c.key] != c.term("non") for c in represented]
        parties = [c.party for c in represented]
        if all(present):
            text = "Les deux"
        elif any(present):
            text = f"{parties[present.index(True)]} seule"
        else:
            text = "Aucune"
        others = [f"{c.party} {row[c.key][0].lower()}{row[c.key][1:]}" for c in represented
                  if row[c.key] == c.term("par_l_autre")]
        texts[code] = f"{text} ({', '.join(others)})" if others else text
    checks = _presence_checks(sites, rows, represented, arrete)
    return sites.assign(last_meeting_represented=sites.index.map(texts),
                        presence_check=sites.index.map(lambda code: checks.get(code, "")))


def _presence_checks(sites: pd.DataFrame, meetings: pd.DataFrame, represented: list, arrete: dt.date
                     ) -> dict[str, str]:
    """Per establishment: the parties counted absent whom a meeting of the last 365 days shows represented
    in person (« Oui », not « par l'autre »), with the latest such meeting."""
    import pandas as pd

    since = pd.Timestamp(arrete) - pd.Timedelta(days=364)
    recent = meetings[(meetings["date"] >= since) & (meetings["date"] <= pd.Timestamp(arrete))]
    out: dict[str, str] = {}
    for column in represented:
        absent = sites.index[~sites[f"_present_{column.party}"].astype(bool)]
        said = recent[recent["establishment"].isin(absent) & (recent[column.key] == column.term("oui"))]
        for code, day in said.groupby("establishment")["date"].max().items():
            text = f"{column.party} absente, mais représentée à la réunion du {day:%d/%m/%Y}"
            out[code] = f"{out[code]} ; {text}" if code in out else text
    return out
