"""Recommendations drawn from the declared indicators, each citing its clause and its evidence.

Rules over the figures, never over a programmer's idea of the convention:

- a site where only one party (or none) is present, when the declaration says what to do about it —
  the sites listed where it matters most first (the most volunteers of the present party);
- a validity period expiring soon, or expired — counted per site;
- an indicator below its yearly target — for a share, the records that fall short, per site;
- an indicator that fell from N−1 to N by more than the declared share (over the same months of each
  year while N is not over);
- an obligation missed in a completed period of N;
- sections late or missing; the convention's own end when the arrêté falls in its last year or after.

Each carries a stable ``key`` that the référents' observations hang on.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import pandas as pd

from .. import french
from ..declaration import FUNNEL, OBLIGATION, PRESENCE, SHARE, VALIDITY, Indicator
from ..text import ascii_name
from .bilan import Recommendation, completeness_recommendations
from .periods import EXPIRED, EXPIRING, periods_missed
from .sites import NONE

SHOWN = 12


def ranked(items: Iterable[str], where: str = "", most: int = SHOWN) -> str:
    """The first ``most`` of a ranked list, then how many more and where they all are."""
    items = list(items)
    shown = ", ".join(items[:most])
    if len(items) <= most:
        return shown
    rest = f" et {len(items) - most} autres"
    return shown + rest + (f" (la liste complète est dans la feuille « {where} »)" if where else "")


def _plural(n: float, one: str, many: str) -> str:
    return f"{french.number(n)} {one if n == 1 else many}"


def recommendations(b, f) -> list[Recommendation]:
    out: list[Recommendation] = []
    for ind in b.board.indicators:
        if ind.kind == PRESENCE:
            out += _presence(b, f, ind)
        elif ind.kind == VALIDITY:
            out += _validity(b, f, ind)
        elif ind.kind == OBLIGATION:
            out += _obligation(b, f, ind)
        elif ind.kind != FUNNEL and ind.bilan:
            target = _target(b, f, ind)
            out += target or _fall(b, f, ind)
    out += completeness_recommendations(f.sending.table, b.board.clause_follow_up)
    out += _end(b)
    return out


def _per_site(rows: pd.DataFrame, names: dict[str, str], where: str = "") -> str:
    """« Fresnes (3), Nanterre (1) »: the sites concerned, most records first."""
    if "establishment" not in rows:
        return ""
    counts = rows["establishment"].fillna("hors établissement").value_counts()
    ordered = sorted(counts.items(), key=lambda item: (-item[1], names.get(item[0], item[0])))
    return ranked((f"{names.get(code, code)} ({n})" for code, n in ordered), where)


def _presence(b, f, ind: Indicator) -> list[Recommendation]:
    out = []
    site = b.config.referentiel.site_label
    for party in (*b.spec.party_names, "aucune"):
        text = ind.by_status.get(party)
        if not text or f.sites.empty:
            continue
        status = NONE if party == "aucune" else f"{party} seule"
        rows = f.sites[f.sites["status"] == status]
        if rows.empty:
            continue
        headcount = b.spec.party(party).headcount if party != "aucune" else ""
        lead = ""
        if headcount and headcount in rows:
            rows = rows.assign(_h=pd.to_numeric(rows[headcount], errors="coerce").fillna(0)).sort_values(
                ["_h", "name"], ascending=[False, True])
            names = [f"{n} ({french.number(h)})" if h else n for n, h in zip(rows["name"], rows["_h"], strict=True)]
            lead = f"Entre parenthèses, « {b.spec.sites.column(headcount).label} » ; les plus nombreux d'abord : "
        else:
            names = list(rows.sort_values("name")["name"])
        where = "seule " + b.spec.in_sentence(party) + " est présente" if party != "aucune" else \
            "aucune partie n'est présente"
        out.append(Recommendation(ind.clause, f"{_plural(len(rows), site, site + 's')} où {where} : {text}",
                                  lead + ranked(names, ind.sheet_title),
                                  f"presence-{ascii_name(party, keep_case=False)}"))
    return out


def _validity(b, f, ind: Indicator) -> list[Recommendation]:
    table = f.validity.get(ind.key)
    out = []
    if table is None or table.empty:
        return out
    limit = b.arrete + dt.timedelta(days=b.alert_days(ind))
    for state, name, default in ((EXPIRING, "a_renouveler", "{n} [période se termine|périodes se terminent] avant "
                                  "le {date} : [la|les] renouveler"),
                                 (EXPIRED, "expire", "{n} [période a|périodes ont] expiré : [la|les] renouveler")):
        rows = table[table["state"] == state]
        if rows.empty:
            continue
        text = french.agree(ind.by_status.get(name, default), len(rows))
        text = text.replace("{n}", french.number(len(rows))).replace("{date}", french.date(limit))
        evidence = _per_site(rows.rename(columns={}), b.names, ind.sheet_title)
        out.append(Recommendation(ind.clause, text, (f"Par {b.config.referentiel.site_label} : " + evidence)
                                  if evidence else "", f"{ind.key}-{name}"))
    return out


def _target(b, f, ind: Indicator) -> list[Recommendation]:
    if ind.target is None or not b.window_n or not b.dated(ind):
        return []
    value = f.values[ind.key].year
    if not isinstance(value, int | float) or value is None:
        return []
    if (value <= ind.target) if ind.lower_is_better else (value >= ind.target):
        return []
    missing = 0.0
    evidence = ""
    if ind.kind == SHARE:
        num, den = b.board.indicator(ind.numerator), b.board.indicator(ind.denominator)
        den_rows = b.rows(den, b.window_n)
        num_rows = b.rows(num, b.window_n)
        short = den_rows.drop(index=num_rows.index, errors="ignore")
        missing = float(len(short))
        evidence = _per_site(short, b.names, b.spec.sheet(den.sheet).name if den.sheet else "")
    else:
        missing = float(ind.target - value)
        evidence = (f"{french.shown(value, ind.display)} en {b.n}, pour un objectif de "
                    f"{french.shown(ind.target, ind.display)}")
        if b.window_n[1] < dt.date(b.n, 12, 31):
            evidence += f" (du {french.date(b.window_n[0])} au {french.date(b.window_n[1])})"
    text = ind.recommendation or (f"« {ind.label} » : {french.shown(value, ind.display)} en {{annee}}, sous "
                                  f"l'objectif de {french.shown(ind.target, ind.display)}")
    text = _fill(text, b, value, f.values[ind.key].previous, ind, missing)
    return [Recommendation(ind.clause, text, evidence, f"objectif-{ind.key}")]


def _fall(b, f, ind: Indicator) -> list[Recommendation]:
    v = f.values.get(ind.key)
    if v is None or not b.window_n or not b.window_n1:
        return []
    now, before = v.year, v.previous
    span = ""
    if b.dated(ind) and b.window_n[1] < dt.date(b.n, 12, 31):  # N is not over: the same months of N−1
        end = b.window_n[1]
        try:
            same = (max(b.window_n1[0], dt.date(b.n - 1, 1, 1)), end.replace(year=b.n - 1))
        except ValueError:  # 29 February
            same = (b.window_n1[0], end.replace(year=b.n - 1, day=28))
        before = b.measure(ind, same)
        span = f" (du 1er janvier au {end:%d/%m} de chaque année)"
    if not all(isinstance(x, int | float) and x == x for x in (now, before)) or not before:
        return []
    if ind.fall is None and ind.kind != SHARE and ind.display == "nombre" and before < b.board.fall_minimum:
        return []  # « 3 → 2 » is no trend, unless the declaration asks for any fall
    change = (now - before) / before
    limit = b.board.fall_share if ind.fall is None else ind.fall
    bad = change > limit if ind.lower_is_better else -change > limit
    if not bad:
        return []
    kind = "part" if ind.kind == SHARE else ind.display
    text = (f"« {v.label} » : {french.shown(before, kind)} en {b.n - 1}, {french.shown(now, kind)} en {b.n} "
            f"({french.signed(now - before, kind)}) : en chercher les raisons avec les sections"
            + (f" ({ind.clause})" if ind.clause else ""))
    evidence = f"{'Hausse' if change > 0 else 'Baisse'} de {french.percent(abs(change))}{span}"
    return [Recommendation(ind.clause, text, evidence, f"baisse-{ind.key}")]


def _obligation(b, f, ind: Indicator) -> list[Recommendation]:
    grid = f.obligations.get(ind.key)
    if grid is None or grid.empty or not b.window_n:
        return []
    year = grid[grid["year"] == b.n]
    done = int((~year["ongoing"].astype(bool)).sum())
    out = []
    for value in grid.columns[4:]:
        missed = periods_missed(grid, value, ind.minimum, b.n)
        if not missed:
            continue
        who = b.spec.in_sentence(value)
        text = (ind.recommendation or "obligation non tenue par {partie}").replace("{partie}", who)
        out.append(Recommendation(ind.clause, f"{ranked(missed, ind.sheet_title, 6)} : {text}",
                                  f"{french.counted(len(missed), 'période manquée', 'périodes manquées')} sur "
                                  f"{french.counted(done, 'écoulée', 'écoulées')} en {b.n}",
                                  f"{ind.key}-{value.lower()}"))
    return out


def _end(b) -> list[Recommendation]:
    end = b.config.period_end
    if b.arrete.year < end.year:
        return []
    when = "a pris fin" if b.arrete >= end else "prend fin"
    clause = b.board.clause_end
    text = (f"La convention {when} le {french.date(end)} : préparer le bilan final pour les présidents et décider "
            "de son renouvellement (nouvelle période, sections, indicateurs)" + (f" ({clause})" if clause else ""))
    return [Recommendation(clause, text, f"Période de la convention : du {french.date(b.config.period_start)} au "
                           f"{french.date(end)}", "fin-de-convention")]


def _fill(text: str, b, value: float, previous: object, ind: Indicator, missing: float) -> str:
    """The declared text with its values; « [singulier|pluriel] » agrees with {manque} when the text shows it,
    else with the value."""
    raw = text
    kind = "part" if ind.kind == SHARE else ind.display
    values = {"annee": str(b.n), "n": french.shown(value, kind), "cible": french.shown(ind.target, kind),
              "manque": french.number(missing),
              "n1": french.shown(previous, kind) if isinstance(previous, int | float) else "–"}
    for key, shown in values.items():
        text = text.replace("{" + key + "}", shown)
    return french.agree(text, missing if "{manque}" in raw else value)
