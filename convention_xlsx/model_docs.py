"""``docs/modele.md``: the section workbook as volunteers and référents read it, generated from its description.

Sheets in their order, each with its help and its columns (header, what to type, required, dropdown values,
help, other accepted headers), then the versions and what each changed. Pure: a spec in, Markdown out;
``python -m convention_xlsx.cli.reference`` writes it and ``tests/test_docs.py`` checks it is current.
"""

from __future__ import annotations

from .schema import FIELDS, TABLE, Column, Sheet, Spec

SHOWN_VALUES = 12
"""Dropdown values listed in full up to this many (the référentiel's codes are never listed)."""


def _cell(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def _values(col: Column) -> str:
    if not col.allowed:
        return ""
    shown = ", ".join(f"« {v} »" for v in col.allowed[:SHOWN_VALUES])
    more = len(col.allowed) - SHOWN_VALUES
    return shown + (f" et {more} autres" if more > 0 else "")


def _sheet(sheet: Sheet, spec: Spec) -> list[str]:
    out = [f"## {sheet.name}", ""]
    if sheet.help:
        out += [_cell(sheet.help), ""]
    facts = []
    if sheet.date_key:
        facts.append(f"chaque ligne est datée par « {sheet.column(sheet.date_key).label} »")
    if sheet.joint_key:
        keys = ", ".join(f"« {sheet.column(k).label} »" for k in sheet.joint_key)
        when = (f" quand « {sheet.column(sheet.joint_when[0]).label} » vaut « {sheet.joint_when[1]} »"
                if sheet.joint_when else "")
        facts.append(f"un enregistrement déclaré par les deux parties{when} compte une fois (même {keys})")
    for span in sheet.spans:
        facts.append(f"« {sheet.column(span.start).label} » et « {sheet.column(span.end).label} » font une "
                     "période à durée déterminée : les deux dates, la fin après le début")
    if facts:
        out += ["- " + f[:1].upper() + f[1:] + "." for f in facts] + [""]
    if sheet.layout == FIELDS:
        out += ["| Champ | À saisir | Obligatoire | Aide |", "|---|---|---|---|"]
        out += [f"| {_cell(c.label)} | {c.kind.description} | {'oui' if c.required else ''} | {_cell(c.help)} |"
                for c in sheet.columns if not c.locked]
        return out + [""]
    out += ["| En-tête | À saisir | Obligatoire | Valeurs | Aide | Autres en-têtes reconnus |",
            "|---|---|---|---|---|---|"]
    for col in sheet.columns:
        kind = "rempli par le modèle" if col.derived else col.kind.description
        party = f" (fait foi : {col.party})" if col.party else ""
        required = "oui" if col.required else ""
        aliases = ", ".join(f"« {a} »" for a in col.aliases)
        out.append(f"| {_cell(col.label)} | {kind}{party} | {required} | {_cell(_values(col))} | "
                   f"{_cell(col.help)} | {_cell(aliases)} |")
    return out + [""]


def model_markdown(spec: Spec) -> str:
    """The whole workbook's description, in French Markdown."""
    parties = ", ".join(p.name for p in spec.parties)
    out = [f"# {spec.title} : le modèle de classeur (version {spec.version})", "",
           "Généré à partir de la description du classeur (`modeles/classeur.toml`, commande "
           "`python -m convention_xlsx.cli.reference`) : ne pas modifier à la main.", "",
           f"Parties de la convention : {parties}. Les listes déroulantes sont dans la feuille cachée "
           f"« {spec.lists_sheet} » ; le référentiel des sites dans « {spec.referentiel_sheet} ».", ""]
    for sheet in spec.sheets:
        if sheet.layout in (TABLE, FIELDS):
            out += _sheet(sheet, spec)
    out += ["## Versions du modèle", ""]
    for version in spec.versions:
        line = f"- **{version.version}**" + (f" ({version.date})" if version.date else "")
        out.append(line + (f" : {_cell(version.notes)}" if version.notes else ""))
        for change in version.changes:
            what = " → ".join(x for x in (change.old, change.new) if x)
            where = f"« {spec.sheet(change.sheet).name} »" if spec.has_sheet(change.sheet) else change.sheet
            out.append(f"  - {change.action} dans {where}" + (f" : {what}" if what else ""))
    return "\n".join(out) + "\n"
