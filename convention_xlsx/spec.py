"""The workbook's description file (TOML, edited by the référent) → :class:`schema.Spec`.

Every mistake a person can make while editing it gets a French message naming the file and the
line: a TOML typo (from tomllib's position), an unknown key (with the closest known one), a type
that does not exist, a choice list that is not declared, a term whose value is not in its list, a
joint key naming a column the sheet does not have… The shipped description is the package's
``data/classeur.toml``; ``modeles/classeur.toml`` is the copy the référent edits (a test keeps the
two identical).
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from importlib import resources
from pathlib import Path

from .schema import (
    CHANGE_ACTIONS,
    FIELDS,
    SECTION_KEYS,
    TABLE,
    TEXT,
    Change,
    Column,
    Kind,
    Party,
    Sheet,
    Span,
    Spec,
    Version,
)
from .text import closest, fold
from .tomlfile import TomlReader, load_toml, read_text

SPEC_FILE = "classeur.toml"
PACKAGED = "configuration livrée avec convention-xlsx"


class SpecError(Exception):
    """The workbook's description cannot be used; the message (French) names the file and the line."""


LAYOUTS = (TABLE, FIELDS, TEXT)
_TOP = ("modele", "versions", "parties", "listes", "feuilles")
_MODEL = ("titre", "feuille_listes", "feuille_referentiel", "feuille_retour", "oui", "non", "lisez_moi")
NOTICE = ("but", "recueilli", "pourquoi", "destinataires")
"""The texts of the Lisez-moi that belong to the convention (``[modele.lisez_moi]``)."""
_VERSION = ("version", "date", "notes", "changements")
_CHANGE = ("action", "feuille", "colonne", "ancien", "nouveau")
_PARTY = ("nom", "en_phrase", "presence", "effectif")
_SHEET = ("cle", "nom", "disposition", "aide", "lignes_preparees", "cle_commune", "commun_si", "date", "alias",
          "periodes", "demo_lignes", "colonnes")
_COLUMN = ("cle", "libelle", "type", "aide", "choix", "obligatoire", "identite", "dans_periode",
           "pas_apres_le_traitement", "personnel", "texte_libre", "verrouille", "largeur", "alias", "partie",
           "termes", "exige", "demo_valeurs")
_FLAGS = {"obligatoire": "required", "identite": "identity", "dans_periode": "in_period",
          "pas_apres_le_traitement": "not_future", "personnel": "personal", "texte_libre": "free_text",
          "verrouille": "locked"}
_KEY = re.compile(r"^[a-z][a-z0-9_]*$")


@functools.lru_cache(maxsize=8)
def packaged_text() -> str:
    return resources.files("convention_xlsx").joinpath(f"data/{SPEC_FILE}").read_text("utf-8")


@functools.lru_cache(maxsize=1)
def default_spec() -> Spec:
    """The description shipped with the package (the ANVP–Auxilia workbook)."""
    return parse_spec(packaged_text(), PACKAGED)


def load_spec(path: str | Path | None) -> Spec:
    """Read a description file; None gives the packaged one."""
    if path is None:
        return default_spec()
    text = read_text(path, "la description du classeur", SpecError)
    return parse_spec(text, str(path))


def parse_spec(text: str, source: str) -> Spec:
    """Parse and check the TOML text of a description; :class:`SpecError` on any mistake."""
    data = load_toml(text, f"La description du classeur {source}", SpecError)
    return _Reader(text, source).spec(data)


class _Reader(TomlReader):
    """Builds the model from the parsed TOML, knowing where each table and key sits in the text."""

    def __init__(self, text: str, source: str) -> None:
        super().__init__(text, f"Description du classeur {source}", SpecError)
        self.source = source

    # --- the model ---------------------------------------------------------------------------

    def spec(self, data: dict) -> Spec:
        self.known(data, _TOP, ("",), "le fichier")
        model = data.get("modele", {})
        if not isinstance(model, dict):
            raise self.fail(("modele",), "[modele] doit être une table.")
        self.known(model, _MODEL, ("modele",), "[modele]")
        yes = self.text(model, "oui", ("modele",), "[modele]", "Oui")
        no = self.text(model, "non", ("modele",), "[modele]", "Non")
        versions = self._versions(data)
        parties = self._parties(data)
        lists = self._lists(data, parties)
        sheets = self._sheets(data, lists, parties, (yes, no))
        spec = Spec(sheets=sheets, parties=parties, versions=versions,
                    title=self.text(model, "titre", ("modele",), "[modele]", "Rapport de section"),
                    lists_sheet=self.text(model, "feuille_listes", ("modele",), "[modele]", "Listes"),
                    referentiel_sheet=self.text(model, "feuille_referentiel", ("modele",), "[modele]",
                                                 "Référentiel"),
                    return_sheet=self.text(model, "feuille_retour", ("modele",), "[modele]", "À corriger"),
                    yes=yes, no=no, source=self.source, notice=self._notice(model))
        self._check_whole(spec)
        return spec

    def _notice(self, model: dict) -> dict[str, str]:
        raw = model.get("lisez_moi", {})
        where = ("modele", "lisez_moi")
        if not isinstance(raw, dict):
            raise self.fail(where, "[modele.lisez_moi] doit être une table de textes.")
        self.known(raw, NOTICE, where, "[modele.lisez_moi]")
        return {key: self.text(raw, key, where, "[modele.lisez_moi]") for key in raw}

    def _versions(self, data: dict) -> tuple[Version, ...]:
        raw = self.table_list(data, "versions", ("versions",))
        if not raw:
            raise self.fail(("",), "aucune version : ajoutez un titre [[versions]] avec version = \"2026.1\".")
        out: list[Version] = []
        for i, table in enumerate(raw):
            where = ("versions", i)
            self.known(table, _VERSION, where, "[[versions]]")
            name = self.text(table, "version", where, "[[versions]]")
            if any(v.version == name for v in out):
                raise self.fail((*where, "version"), f"la version « {name} » est déclarée deux fois.")
            day = table.get("date", "")
            if isinstance(day, dt.date):
                day = day.isoformat()
            changes = []
            for j, change in enumerate(self.table_list(table, "changements", where)):
                cwhere = ("versions", i, "changements", j)
                self.known(change, _CHANGE, cwhere, "[[versions.changements]]")
                action = self.text(change, "action", cwhere, "[[versions.changements]]")
                if action not in CHANGE_ACTIONS:
                    hint = closest(action, CHANGE_ACTIONS)
                    raise self.fail((*cwhere, "action"), f"action « {action} » inconnue"
                                    + (f" (vouliez-vous dire « {hint} » ?)" if hint else "")
                                    + f" : {', '.join(CHANGE_ACTIONS)}.")
                changes.append(Change(action, self.text(change, "feuille", cwhere, "[[versions.changements]]"),
                                      str(change.get("colonne", "")), str(change.get("ancien", "")),
                                      str(change.get("nouveau", ""))))
            out.append(Version(name, str(day), str(table.get("notes", "")), tuple(changes)))
        return tuple(out)

    def _parties(self, data: dict) -> tuple[Party, ...]:
        raw = self.table_list(data, "parties", ("parties",))
        if not raw:
            raise self.fail(("",), "aucune partie : ajoutez un titre [[parties]] par association (nom = \"…\").")
        out: list[Party] = []
        for i, table in enumerate(raw):
            where = ("parties", i)
            self.known(table, _PARTY, where, "[[parties]]")
            name = self.text(table, "nom", where, "[[parties]]")
            if any(p.name == name for p in out):
                raise self.fail((*where, "nom"), f"la partie « {name} » est déclarée deux fois.")
            out.append(Party(name, self.text(table, "en_phrase", where, "[[parties]]", name),
                             str(table.get("presence", "")), str(table.get("effectif", ""))))
        return tuple(out)

    def _lists(self, data: dict, parties: tuple[Party, ...]) -> dict[str, tuple[str, ...]]:
        raw = data.get("listes", {})
        if not isinstance(raw, dict):
            raise self.fail(("listes",), "[listes] doit être une table de listes : nom = [\"A\", \"B\"].")
        lists = {"parties": tuple(p.name for p in parties)}
        for name, values in raw.items():
            if name in lists:
                raise self.fail(("listes", name), f"la liste « {name} » est faite des parties : ne la déclarez pas.")
            values = self.texts(raw, name, ("listes",), "[listes]")
            if not values:
                raise self.fail(("listes", name), f"la liste « {name} » est vide.")
            doubles = {fold(v) for v in values if [fold(x) for x in values].count(fold(v)) > 1}
            if doubles:
                raise self.fail(("listes", name), f"la liste « {name} » contient deux fois la même valeur "
                                f"({', '.join(sorted(doubles))}, sans tenir compte des accents ni des majuscules).")
            lists[name] = values
        return lists

    def _sheets(self, data: dict, lists: dict, parties: tuple[Party, ...],
                yes_no: tuple[str, str]) -> tuple[Sheet, ...]:
        raw = self.table_list(data, "feuilles", ("feuilles",))
        if not raw:
            raise self.fail(("",), "aucune feuille : ajoutez des titres [[feuilles]].")
        sheets: list[Sheet] = []
        for i, table in enumerate(raw):
            where = ("feuilles", i)
            self.known(table, _SHEET, where, "[[feuilles]]")
            key = self._key(table, where, "[[feuilles]]")
            name = self.text(table, "nom", where, f"la feuille « {key} »")
            if len(name) > 31 or any(c in name for c in "[]:*?/\\"):
                raise self.fail((*where, "nom"), f"« {name} » ne peut pas être un nom de feuille (31 caractères "
                                "au plus, sans [ ] : * ? / \\).")
            for other in sheets:
                if other.key == key or fold(other.name) == fold(name):
                    raise self.fail(where, f"deux feuilles ont la clé « {key} » ou le nom « {name} ».")
            layout = self.text(table, "disposition", where, f"la feuille « {name} »", TABLE)
            if layout not in LAYOUTS:
                raise self.fail((*where, "disposition"), f"disposition « {layout} » inconnue : {', '.join(LAYOUTS)}.")
            columns = tuple(self._column(c, (*where, "colonnes", j), name, lists, parties, yes_no)
                            for j, c in enumerate(self.table_list(table, "colonnes", (*where, "colonnes"))))
            self._unique_columns(columns, where, name)
            prepared = table.get("lignes_preparees", 0)
            if not isinstance(prepared, int) or isinstance(prepared, bool) or not 0 <= prepared <= 5000:
                raise self.fail((*where, "lignes_preparees"), "lignes_preparees est un nombre entier de 0 à 5000.")
            sheet = Sheet(key=key, name=name, help=self.text(table, "aide", where, f"la feuille « {name} »", ""),
                          layout=layout, columns=columns, prepared_rows=prepared,
                          joint_key=self.texts(table, "cle_commune", where, f"la feuille « {name} »"),
                          joint_when=self._joint_when(table, where, name, columns),
                          date_key=table.get("date"),
                          aliases=self.texts(table, "alias", where, f"la feuille « {name} »"),
                          spans=self._spans(table, where, name, columns),
                          demo_rows=self._range(table, "demo_lignes", where, f"la feuille « {name} »"))
            self._check_sheet(sheet, where)
            sheets.append(sheet)
        return tuple(sheets)

    def _spans(self, table: dict, where: tuple, name: str, columns: tuple[Column, ...]) -> tuple[Span, ...]:
        """``periodes = [{ debut = "…", fin = "…" }]``: two date columns of the sheet."""
        raw = table.get("periodes", [])
        if not isinstance(raw, list) or not all(isinstance(t, dict) for t in raw):
            raise self.fail((*where, "periodes"), f"dans « {name} », periodes s'écrit "
                            '[{ debut = "clé", fin = "clé" }].')
        keys = {c.key: c for c in columns}
        out = []
        for span in raw:
            self.known(span, ("debut", "fin"), (*where, "periodes"), "periodes")
            for word in ("debut", "fin"):
                key = span.get(word)
                if key not in keys or keys[key].kind is not Kind.DATE:
                    raise self.fail((*where, "periodes"), f"dans « {name} », periodes : {word} = « {key} » n'est "
                                    "pas une colonne de type date de la feuille.")
            out.append(Span(span["debut"], span["fin"]))
        return tuple(out)

    def _range(self, table: dict, key: str, where: tuple, what: str) -> tuple[float, float] | None:
        """``[minimum, maximum]`` (the demo's plausible volumes), or None when not given."""
        value = table.get(key)
        if value is None:
            return None
        if (not isinstance(value, list) or len(value) != 2 or not all(
                isinstance(v, int | float) and not isinstance(v, bool) for v in value) or value[0] > value[1]
                or value[0] < 0):
            raise self.fail((*where, key), f"{what} : {key} s'écrit [minimum, maximum], deux nombres ≥ 0.")
        return (value[0], value[1])

    def _key(self, table: dict, where: tuple, what: str) -> str:
        key = self.text(table, "cle", where, what)
        if not _KEY.match(key):
            raise self.fail((*where, "cle"), f"la clé « {key} » ne doit contenir que des lettres minuscules sans "
                            "accents, des chiffres et « _ » (elle est interne : ne la traduisez pas).")
        return key

    def _column(self, table: dict, where: tuple, sheet: str, lists: dict, parties: tuple[Party, ...],
                yes_no: tuple[str, str]) -> Column:
        self.known(table, _COLUMN, where, "[[feuilles.colonnes]]")
        key = self._key(table, where, f"une colonne de « {sheet} »")
        what = f"la colonne « {key} » de « {sheet} »"
        label = self.text(table, "libelle", where, what)
        word = self.text(table, "type", where, what)
        kinds = [k.value for k in Kind]
        if word not in kinds:
            hint = closest(word, kinds)
            raise self.fail((*where, "type"), f"{what} : type « {word} » inconnu"
                            + (f" (vouliez-vous dire « {hint} » ?)" if hint else "") + f". Types : {', '.join(kinds)}.")
        kind = Kind(word)
        choices: tuple[str, ...] = ()
        if "choix" in table:
            if kind is not Kind.CHOICE:
                raise self.fail((*where, "choix"), f"{what} : « choix » ne va qu'avec type = \"liste\".")
            choices = self._choices(table["choix"], (*where, "choix"), what, lists)
        elif kind is Kind.CHOICE:
            raise self.fail(where, f"{what} : une colonne « liste » doit dire ses valeurs "
                            "(choix = \"nom d'une liste\").")
        allowed = choices if kind is Kind.CHOICE else yes_no if kind is Kind.BOOL else ()
        width = table.get("largeur", 16)
        if not isinstance(width, int) or isinstance(width, bool) or not 4 <= width <= 100:
            raise self.fail((*where, "largeur"), f"{what} : largeur est un nombre entier de 4 à 100.")
        party = str(table.get("partie", ""))
        if party and party not in {p.name for p in parties}:
            raise self.fail((*where, "partie"), f"{what} : la partie « {party} » n'est pas déclarée dans [[parties]].")
        terms = self._terms(table.get("termes", {}), (*where, "termes"), what, allowed)
        flags = {attr: self.flag(table, word_, where, what) for word_, attr in _FLAGS.items()}
        requires = table.get("exige")
        if requires is not None:
            if not (isinstance(requires, dict) and set(requires) == {"colonne", "valeur"}
                    and all(isinstance(v, str) for v in requires.values())):
                raise self.fail((*where, "exige"), f'{what} : exige s\'écrit {{ colonne = "clé", valeur = "…" }}.')
            requires = (requires["colonne"], requires["valeur"])
        return Column(key=key, label=label, kind=kind, help=self.text(table, "aide", where, what, ""),
                      choices=choices, width=width, aliases=self.texts(table, "alias", where, what), party=party,
                      terms=terms, allowed=allowed, requires=requires,
                      demo_range=self._range(table, "demo_valeurs", where, what), **flags)

    def _choices(self, value: object, where: tuple, what: str, lists: dict) -> tuple[str, ...]:
        if isinstance(value, str):
            if value not in lists:
                hint = closest(value, list(lists))
                raise self.fail(where, f"{what} : la liste « {value} » n'est pas déclarée dans [listes]"
                                + (f" (vouliez-vous dire « {hint} » ?)" if hint else "") + ".")
            return lists[value]
        if isinstance(value, list) and value and all(isinstance(v, str) and v.strip() for v in value):
            return tuple(v.strip() for v in value)
        raise self.fail(where, f"{what} : « choix » est le nom d'une liste de [listes] ou une liste de textes.")

    def _terms(self, value: object, where: tuple, what: str, allowed: tuple[str, ...]) -> dict:
        if not isinstance(value, dict):
            raise self.fail(where, f"{what} : « termes » s'écrit {{ nom = \"valeur\" }}.")
        terms: dict[str, str | tuple[str, ...]] = {}
        for name, raw in value.items():
            values = [raw] if isinstance(raw, str) else raw
            if not isinstance(values, list) or not values or not all(isinstance(v, str) for v in values):
                raise self.fail(where, f"{what} : le terme « {name} » vaut un texte ou une liste de textes.")
            for v in values:
                if v not in allowed:
                    raise self.fail(where, f"{what} : le terme « {name} » vaut « {v} », qui n'est pas une valeur de "
                                    f"la liste ({', '.join(allowed) or 'aucune'}) : si vous avez renommé la valeur, "
                                    "renommez-la aussi ici.")
            terms[name] = raw if isinstance(raw, str) else tuple(values)
        return terms

    def _unique_columns(self, columns: tuple[Column, ...], where: tuple, sheet: str) -> None:
        seen: dict[str, str] = {}
        for col in columns:
            for spelling in (col.label, *col.aliases):
                other = seen.get(fold(spelling))
                if other is not None and other != col.key:
                    raise self.fail(where, f"dans « {sheet} », l'en-tête ou l'alias « {spelling} » désigne deux "
                                    f"colonnes ({other} et {col.key}).")
                seen[fold(spelling)] = col.key
        keys = [c.key for c in columns]
        doubles = sorted({k for k in keys if keys.count(k) > 1})
        if doubles:
            raise self.fail(where, f"dans « {sheet} », la clé de colonne « {doubles[0]} » figure deux fois.")

    def _joint_when(self, table: dict, where: tuple, name: str, columns: tuple[Column, ...]) -> tuple[str, str] | None:
        raw = table.get("commun_si")
        if raw is None:
            return None
        if not isinstance(raw, dict) or len(raw) != 1 or not all(isinstance(v, str) for v in raw.values()):
            raise self.fail((*where, "commun_si"), f"« {name} » : commun_si s'écrit {{ colonne = \"valeur\" }}.")
        key, value = next(iter(raw.items()))
        col = next((c for c in columns if c.key == key), None)
        if col is None or value not in col.allowed:
            raise self.fail((*where, "commun_si"), f"« {name} » : commun_si doit nommer une colonne « liste » de la "
                            f"feuille et une de ses valeurs (reçu {key} = « {value} »).")
        return key, value

    def _check_sheet(self, sheet: Sheet, where: tuple) -> None:
        keys = {c.key for c in sheet.columns}
        for key in sheet.joint_key:
            if key not in keys:
                raise self.fail((*where, "cle_commune"), f"« {sheet.name} » : cle_commune nomme la colonne « {key} » "
                                "qu'elle n'a pas.")
        if sheet.date_key is not None:
            col = next((c for c in sheet.columns if c.key == sheet.date_key), None)
            if col is None or col.kind not in (Kind.DATE, Kind.MONTH):
                raise self.fail((*where, "date"), f"« {sheet.name} » : date doit nommer une de ses colonnes de type "
                                "date ou mois.")
        if sheet.layout == TABLE and not sheet.data_columns:
            raise self.fail(where, f"la feuille « {sheet.name} » n'a aucune colonne à remplir.")
        for col in sheet.columns:
            if col.requires is None:
                continue
            other = next((c for c in sheet.columns if c.key == col.requires[0]), None)
            if other is None or col.requires[1] not in other.allowed:
                raise self.fail(where, f"« {sheet.name} » : la colonne « {col.key} » exige "
                                f"{col.requires[0]} = « {col.requires[1]} », qui n'est pas une colonne liste de la "
                                "feuille avec cette valeur : si vous avez renommé la valeur, renommez-la aussi ici.")

    def _check_whole(self, spec: Spec) -> None:
        fields = [s for s in spec.sheets if s.layout == FIELDS]
        if len(fields) != 1:
            raise self.fail(("feuilles",), "il faut exactement une feuille de disposition « champs » (qui envoie).")
        missing = [k for k in SECTION_KEYS if not fields[0].has(k)]
        if missing:
            raise self.fail(("feuilles",), f"la feuille « {fields[0].name} » doit avoir les champs "
                            f"{', '.join(SECTION_KEYS)} (il manque {', '.join(missing)}).")
        for key, name in (("feuille_listes", spec.lists_sheet), ("feuille_referentiel", spec.referentiel_sheet),
                          ("feuille_retour", spec.return_sheet)):
            if fold(name) in {fold(s.name) for s in spec.sheets}:
                raise self.fail(("modele", key), f"la feuille « {name} » ({key}) porte le nom d'une feuille du "
                                "classeur.")
        unread = {fold(spec.lists_sheet), fold(spec.referentiel_sheet)} | {fold(s.name) for s in spec.sheets
                                                                          if s.layout == TEXT}
        for sheet in spec.sheets:
            clash = [a for a in sheet.aliases if fold(a) in unread]
            if clash:  # the reader lists those sheets without their cells: the alias would read an empty sheet
                raise self.fail(("feuilles",), f"l'alias « {clash[0]} » de la feuille « {sheet.name} » est le nom "
                                "d'une feuille que l'outil ne lit pas (listes, référentiel ou notice).")
        for i, party in enumerate(spec.parties):
            for attr in ("presence", "headcount"):
                key = getattr(party, attr)
                if key and not any(s.has(key) for s in spec.table_sheets):
                    raise self.fail(("parties", i), f"la partie « {party.name} » cite la colonne « {key} », "
                                    "qu'aucune feuille n'a.")
        for i, version in enumerate(spec.versions):
            for j, change in enumerate(version.changes):
                self._check_change(spec, change, ("versions", i, "changements", j))

    def _check_change(self, spec: Spec, change: Change, where: tuple) -> None:
        if not spec.has_sheet(change.sheet):
            raise self.fail((*where, "feuille"), f"le changement « {change.action} » nomme la feuille "
                            f"« {change.sheet} » : donnez la clé d'une feuille (cle = \"…\").")
        sheet = spec.sheet(change.sheet)
        needs = {"colonne ajoutée": ("colonne",), "colonne retirée": ("colonne", "ancien"),
                 "colonne renommée": ("colonne", "ancien"), "valeur renommée": ("colonne", "ancien", "nouveau"),
                 "feuille renommée": ("ancien",)}[change.action]
        given = {"colonne": change.column, "ancien": change.old, "nouveau": change.new}
        for key in needs:
            if not given[key]:
                raise self.fail(where, f"le changement « {change.action} » doit dire « {key} ».")
        if change.action in ("colonne ajoutée", "colonne renommée", "valeur renommée") and not sheet.has(change.column):
            raise self.fail((*where, "colonne"), f"le changement « {change.action} » nomme la colonne "
                            f"« {change.column} » que « {sheet.name} » n'a pas (donnez sa clé).")
        if change.action == "valeur renommée" and change.new not in sheet.column(change.column).allowed:
            raise self.fail((*where, "nouveau"), f"« {change.new} » n'est pas une valeur de la colonne "
                            f"« {change.column} ».")
