"""The dashboard's indicators, declared in data (``indicateurs.toml`` beside ``convention.toml``).

The engine offers a small set of kinds — count (``nombre``), sum (``somme``), share (``part``), distinct
count (``distincts``), obligation per period (``obligation``), funnel (``entonnoir``), validity periods
with expiry (``validite``), presence per site and party (``presence``) — each declared with a label, the
clause or objective it serves, filters and an optional target. Synthèse, Évolution, the bilan and its
recommendations are built from these declarations; the engine names no convention's column or value:
they are all here, checked against the workbook's description (a filter naming a value the dropdown does
not offer is a French error with its line).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from .schema import Kind, Spec
from .tomlfile import TomlReader, load_toml, read_text

KINDS = ("nombre", "somme", "part", "distincts", "obligation", "entonnoir", "validite", "presence")
COUNT, SUM, SHARE, DISTINCT, OBLIGATION, FUNNEL, VALIDITY, PRESENCE = KINDS
PERIODS = ("mois", "trimestre", "annee")
WINDOWS = ("convention", "annee")
DISPLAYS = ("nombre", "part", "montant", "decimal")
CHARTS = ("mois", "repartition", "parts", "entonnoir", "presence", "presence_groupes", "evolution")
"""Synthèse charts; ``evolution`` charts go to the Évolution sheet (month by month)."""
SITE_KINDS = ("nombre", "somme", "derniere_date")
SITES = "@sites"
"""The sheet name of an indicator over the resolved sites (one row per site of the référentiel, each party's
own columns taken from its own report)."""
FILE = "indicateurs.toml"


class DeclarationError(Exception):
    """The indicators' declaration cannot be used; the message (French) names the file and the line."""


@dataclass(frozen=True)
class Condition:
    """``column`` in ``values`` (when given), not in ``excluded``, filled or empty (``filled``)."""

    column: str
    values: tuple[str, ...] = ()
    excluded: tuple[str, ...] = ()
    filled: bool | None = None


@dataclass(frozen=True)
class Filter:
    """Every condition of ``all`` holds, and (when ``any`` is given) all the conditions of one of its groups."""

    all: tuple[Condition, ...] = ()
    any: tuple[tuple[Condition, ...], ...] = ()

    @property
    def empty(self) -> bool:
        return not self.all and not self.any


@dataclass(frozen=True)
class Indicator:
    key: str
    label: str
    kind: str
    clause: str = ""
    sheet: str = ""
    columns: tuple[str, ...] = ()
    filter: Filter = Filter()
    numerator: str = ""
    denominator: str = ""
    steps: tuple[str, ...] = ()
    start: str = ""
    end: str = ""
    alert_days: int | None = None
    """``validite``: days before the end from which a period is « à renouveler » (None: the configuration's)."""
    by: str = ""
    """``obligation``: one obligation per value of this column (per party); ``repartition`` charts use it too."""
    period: str = "trimestre"
    minimum: int = 1
    group: str = ""
    """The Synthèse group its tile sits in ("" for no tile)."""
    tile: str = ""
    """The tile's label when it differs from ``label`` (``{annee}`` is the bilan's year)."""
    sheet_title: str = ""
    """``presence``/``validite``: the name of the dashboard sheet that lists the sites or the periods."""
    detail: str = ""
    """The tile's second line, where ``{cle}`` is another indicator's value."""
    window: str = "convention"
    display: str = "nombre"
    target: float | None = None
    lower_is_better: bool = False
    fall: float | None = None
    """The fall from N−1 to N (a share) beyond which a recommendation is given, for this indicator (``baisse``;
    0: any fall); None: the dashboard's ``baisse_signalee``, on bases of at least ``baisse_minimum``."""
    bilan: bool = True
    evolution: bool = False
    recommendation: str = ""
    by_status: dict[str, str] = field(default_factory=dict, hash=False)
    """``presence``: party name (or « aucune ») → what to recommend where only that party (or none) is present."""
    labels: dict[str, str] = field(default_factory=dict, hash=False)
    """``presence``: party name (or « aucune ») → the label of that status in the bilan."""

    @property
    def share(self) -> bool:
        return self.kind == SHARE or self.display == "part"


@dataclass(frozen=True)
class Group:
    key: str
    title: str


@dataclass(frozen=True)
class Chart:
    title: str
    kind: str
    indicators: tuple[str, ...] = ()
    by: str = ""
    """``repartition``: the column whose values are the categories; ``mois``: stacked by this column."""


@dataclass(frozen=True)
class SiteColumn:
    """A column of the sites table aggregated from another sheet, per site (joint actions in 12 months…)."""

    key: str
    label: str
    kind: str
    sheet: str
    column: str = ""
    filter: Filter = Filter()
    days: int = 0
    """Only rows dated in the last ``days`` days before the arrêté (0: all)."""
    by_group: bool = False
    """Also summed per group (« Par DISP »)."""
    printed: bool = True
    """Among the columns of the sites sheet that are printed (the others are for the screen only)."""


@dataclass(frozen=True)
class Dashboard:
    title: str
    groups: tuple[Group, ...]
    indicators: tuple[Indicator, ...]
    charts: tuple[Chart, ...] = ()
    site_columns: tuple[SiteColumn, ...] = ()
    fall_share: float = 0.2
    """An indicator that falls by more than this share from N−1 to N gets a recommendation."""
    fall_minimum: float = 5
    """A count below this in N−1 is too small for its fall to mean anything."""
    clause_follow_up: str = ""
    """The clause that asks sections to report (the recommendation to remind late ones cites it)."""
    clause_end: str = ""
    """The clause of the convention's term (the recommendation to prepare its end cites it)."""
    source: str = ""

    def indicator(self, key: str) -> Indicator:
        for i in self.indicators:
            if i.key == key:
                return i
        raise KeyError(key)

    @property
    def presence(self) -> Indicator | None:
        return next((i for i in self.indicators if i.kind == PRESENCE), None)


_TOP = ("tableau", "groupes", "indicateurs", "graphiques", "sites")
_BOARD = ("titre", "baisse_signalee", "baisse_minimum", "clause_suivi", "clause_fin")
_INDICATOR = ("cle", "libelle", "type", "clause", "feuille", "colonne", "colonnes", "filtre", "numerateur",
              "denominateur", "etapes", "debut", "fin", "alerte_jours", "par", "periode", "minimum", "groupe",
              "detail", "fenetre", "format", "cible", "plus_bas_mieux", "baisse", "bilan", "evolution",
              "recommandation", "recommandations", "tuile", "onglet", "libelles")
_CHART = ("titre", "type", "indicateurs", "par")
_SITE_COLUMN = ("cle", "libelle", "type", "feuille", "colonne", "filtre", "jours", "par_groupe", "imprimer")


def packaged_text() -> str:
    return resources.files("convention_xlsx").joinpath(f"data/{FILE}").read_text("utf-8")


def load_dashboard(path: str | Path | None, spec: Spec) -> Dashboard:
    """Read a declaration file (None: the packaged one) and check it against the workbook's ``spec``."""
    if path is None:
        return parse_dashboard(packaged_text(), "déclaration livrée avec convention-xlsx", spec)
    text = read_text(path, "la déclaration des indicateurs", DeclarationError)
    return parse_dashboard(text, str(path), spec)


def parse_dashboard(text: str, source: str, spec: Spec) -> Dashboard:
    data = load_toml(text, f"La déclaration des indicateurs {source}", DeclarationError)
    return _Reader(text, source, spec).dashboard(data)


class _Reader(TomlReader):
    def __init__(self, text: str, source: str, spec: Spec) -> None:
        super().__init__(text, f"Indicateurs {source}", DeclarationError)
        self.source, self.spec = source, spec

    def dashboard(self, data: dict) -> Dashboard:
        self.known(data, _TOP, ("",), "le fichier")
        board = data.get("tableau", {})
        if not isinstance(board, dict):
            raise self.fail(("tableau",), "[tableau] doit être une table.")
        self.known(board, _BOARD, ("tableau",), "[tableau]")
        groups = []
        for i, table in enumerate(self.table_list(data, "groupes", ("groupes",))):
            where = ("groupes", i)
            self.known(table, ("cle", "titre"), where, "[[groupes]]")
            groups.append(Group(self.text(table, "cle", where, "[[groupes]]"),
                                self.text(table, "titre", where, "[[groupes]]")))
        raw = self.table_list(data, "indicateurs", ("indicateurs",))
        keys = [str(t.get("cle", "")) for t in raw]
        indicators = tuple(self._indicator(t, ("indicateurs", i), keys, {g.key for g in groups})
                           for i, t in enumerate(raw))
        for i, key in enumerate(keys):
            if key in keys[:i]:
                raise self.fail(("indicateurs", i), f"l'indicateur « {key} » est déclaré deux fois (ligne "
                                f"{self.line(('indicateurs', keys.index(key)))} et ici).")
        by_key = {i.key: i for i in indicators}
        for i, ind in enumerate(indicators):
            self._check_references(ind, by_key, ("indicateurs", i))
        charts = tuple(self._chart(t, ("graphiques", j), by_key)
                       for j, t in enumerate(self.table_list(data, "graphiques", ("graphiques",))))
        sites = data.get("sites", {})
        columns = ()
        if sites:
            if not isinstance(sites, dict):
                raise self.fail(("sites",), "[sites] doit être une table, avec des [[sites.colonnes]].")
            self.known(sites, ("colonnes",), ("sites",), "[sites]")
            columns = tuple(self._site_column(t, ("sites", "colonnes", k))
                            for k, t in enumerate(self.table_list(sites, "colonnes", ("sites", "colonnes"))))
        fall = self.number(board, "baisse_signalee", ("tableau",), "[tableau]")
        return Dashboard(title=str(board.get("titre", "Tableau de bord")), groups=tuple(groups),
                         indicators=indicators, charts=charts, site_columns=columns,
                         fall_share=0.2 if fall is None else fall,
                         fall_minimum=self.number(board, "baisse_minimum", ("tableau",), "[tableau]") or 5,
                         clause_follow_up=str(board.get("clause_suivi", "")),
                         clause_end=str(board.get("clause_fin", "")), source=self.source)

    # --- one indicator -------------------------------------------------------------------------

    def _indicator(self, table: dict, where: tuple, keys: list[str], groups: set[str]) -> Indicator:
        self.known(table, _INDICATOR, where, "[[indicateurs]]")
        key = self.text(table, "cle", where, "[[indicateurs]]")
        what = f"l'indicateur « {key} »"
        kind = self.text(table, "type", where, what)
        if kind not in KINDS:
            raise self.fail((*where, "type"), f"{what} : type « {kind} » inconnu. Types : {', '.join(KINDS)}.")
        sheet = str(table.get("feuille", ""))
        if sheet and sheet != SITES and not (self.spec.has_sheet(sheet) and self.spec.sheet(sheet).layout == "tableau"):
            raise self.fail((*where, "feuille"), f"{what} : la feuille « {sheet} » n'est pas une feuille-tableau du "
                            f"classeur (clés possibles : {', '.join(s.key for s in self.spec.table_sheets)}, "
                            f"ou {SITES}).")
        if kind in (COUNT, SUM, DISTINCT, OBLIGATION, VALIDITY) and not sheet:
            raise self.fail(where, f"{what} : « feuille » manque (la feuille dont il compte les lignes).")
        columns = self.texts(table, "colonnes", where, what) or (
            (self.text(table, "colonne", where, what),) if "colonne" in table else ())
        if kind in (SUM, DISTINCT) and not columns:
            verb = "additionner" if kind == SUM else "compter"
            raise self.fail(where, f"{what} : « colonne » manque (la colonne à {verb}).")
        for col in columns:
            self._column(sheet, col, (*where, "colonne"), what)
        group = str(table.get("groupe", ""))
        if group and group not in groups:
            raise self.fail((*where, "groupe"), f"{what} : le groupe « {group} » n'est pas déclaré dans [[groupes]].")
        period = str(table.get("periode", "trimestre"))
        if period not in PERIODS:
            raise self.fail((*where, "periode"), f"{what} : periode vaut {', '.join(PERIODS)}.")
        window = str(table.get("fenetre", "convention"))
        if window not in WINDOWS:
            raise self.fail((*where, "fenetre"), f"{what} : fenetre vaut {' ou '.join(WINDOWS)}.")
        display = str(table.get("format", "part" if kind == SHARE else "nombre"))
        if display not in DISPLAYS:
            raise self.fail((*where, "format"), f"{what} : format vaut {', '.join(DISPLAYS)}.")
        by = str(table.get("par", ""))
        if by:
            self._column(sheet, by, (*where, "par"), what)
        start, end = str(table.get("debut", "")), str(table.get("fin", ""))
        if kind == VALIDITY:
            for col, name in ((start, "debut"), (end, "fin")):
                if not col:
                    raise self.fail(where, f"{what} : « {name} » manque (la colonne de la date de {name}).")
                self._column(sheet, col, (*where, name), what)
        names = ("a_renouveler", "expire") if kind == VALIDITY else (*self.spec.party_names, "aucune")
        statuses = self._named(table, "recommandations", where, what, names)
        labels = self._named(table, "libelles", where, what, (*self.spec.party_names, "aucune"))
        return Indicator(
            key=key, label=self.text(table, "libelle", where, what), kind=kind, clause=str(table.get("clause", "")),
            sheet=sheet, columns=columns, filter=self._filter(table.get("filtre", {}), sheet, (*where, "filtre"), what),
            numerator=str(table.get("numerateur", "")), denominator=str(table.get("denominateur", "")),
            steps=self.texts(table, "etapes", where, what), start=start, end=end,
            alert_days=self.integer(table, "alerte_jours", where, what, 60, 0, 3650) if "alerte_jours" in table
            else None, by=by, period=period,
            minimum=self.integer(table, "minimum", where, what, 1, 1, 1000), group=group,
            tile=str(table.get("tuile", "")), sheet_title=self._sheet_title(table, where, what),
            detail=str(table.get("detail", "")), window=window, display=display,
            target=self.number(table, "cible", where, what),
            lower_is_better=self.flag(table, "plus_bas_mieux", where, what),
            fall=self.number(table, "baisse", where, what),
            bilan=table.get("bilan", True) is not False, evolution=self.flag(table, "evolution", where, what),
            recommendation=str(table.get("recommandation", "")), by_status=statuses, labels=labels)

    def _named(self, table: dict, key: str, where: tuple, what: str, names: tuple[str, ...]) -> dict[str, str]:
        raw = table.get(key, {})
        if not isinstance(raw, dict) or not all(isinstance(v, str) for v in raw.values()):
            raise self.fail((*where, key), f"{what} : {key} s'écrit {{ nom = \"texte\" }}.")
        for name in raw:
            if name not in names:
                raise self.fail((*where, key),
                                f"{what} : dans {key}, « {name} » n'est pas attendu ({', '.join(names)}).")
        return dict(raw)

    def _sheet_title(self, table: dict, where: tuple, what: str) -> str:
        title = str(table.get("onglet", ""))
        if len(title) > 31 or any(c in title for c in "[]:*?/\\"):
            raise self.fail((*where, "onglet"), f"{what} : « {title} » ne peut pas être un nom de feuille (31 "
                            "caractères au plus, sans [ ] : * ? / \\).")
        return title

    def _check_references(self, ind: Indicator, by_key: dict[str, Indicator], where: tuple) -> None:
        what = f"l'indicateur « {ind.key} »"
        if ind.kind == SHARE:
            for name, key in (("numerateur", ind.numerator), ("denominateur", ind.denominator)):
                if key not in by_key or by_key[key].kind not in (COUNT, SUM, DISTINCT):
                    raise self.fail((*where, name), f"{what} : {name} doit nommer un indicateur nombre, somme ou "
                                    f"distincts (reçu « {key} »).")
        if ind.kind == FUNNEL:
            if len(ind.steps) < 2:
                raise self.fail((*where, "etapes"),
                                f"{what} : un entonnoir a au moins deux étapes (clés d'indicateurs).")
            for key in ind.steps:
                if key not in by_key or by_key[key].kind not in (COUNT, SUM):
                    raise self.fail((*where, "etapes"), f"{what} : l'étape « {key} » n'est pas un indicateur nombre ou "
                                    "somme déclaré.")

    def _column(self, sheet: str, column: str, where: tuple, what: str) -> None:
        if sheet == SITES:
            sites = self.spec.sites
            if sites is None or not sites.has(column):
                raise self.fail(where, f"{what} : la colonne « {column} » n'est pas une colonne des sites.")
            return
        if not sheet or not self.spec.sheet(sheet).has(column):
            raise self.fail(where, f"{what} : la feuille « {sheet} » n'a pas de colonne « {column} » (donnez sa clé).")

    def _filter(self, raw: object, sheet: str, where: tuple, what: str) -> Filter:
        if not isinstance(raw, dict):
            raise self.fail(where, f"{what} : filtre s'écrit {{ colonne = \"valeur\" }}.")
        groups = raw.get("ou", [])
        if not isinstance(groups, list) or not all(isinstance(g, dict) for g in groups):
            raise self.fail(where, f"{what} : « ou » est une liste de filtres, [{{ colonne = \"valeur\" }}, …].")
        plain = {k: v for k, v in raw.items() if k != "ou"}
        return Filter(self._conditions(plain, sheet, where, what),
                      tuple(self._conditions(g, sheet, where, what) for g in groups))

    def _conditions(self, raw: dict, sheet: str, where: tuple, what: str) -> tuple[Condition, ...]:
        out = []
        for column, value in raw.items():
            self._column(sheet, column, where, what)
            col = self.spec.sites.column(column) if sheet == SITES else self.spec.sheet(sheet).column(column)
            if isinstance(value, dict):
                unknown = set(value) - {"sauf", "rempli"}
                if unknown:
                    raise self.fail(where, f"{what} : dans le filtre de « {column} », clé « {sorted(unknown)[0]} » "
                                    "inconnue (sauf, rempli).")
                excluded = value.get("sauf", [])
                excluded = [excluded] if isinstance(excluded, str) else excluded
                filled = value.get("rempli")
                if filled is not None and not isinstance(filled, bool):
                    raise self.fail(where, f"{what} : rempli vaut true ou false.")
                out.append(Condition(column, (), tuple(self._values(col, excluded, where, what)) if excluded else (),
                                     filled))
            else:
                values = [value] if isinstance(value, str | bool) else value
                out.append(Condition(column, tuple(self._values(col, values, where, what))))
        return tuple(out)

    def _values(self, col, values: object, where: tuple, what: str) -> list:
        if not isinstance(values, list) or not values:
            raise self.fail(where, f"{what} : le filtre de « {col.key} » vaut un texte ou une liste de textes.")
        out = []
        for v in values:
            if col.kind is Kind.BOOL and isinstance(v, bool):
                out.append(v)
                continue
            if col.kind is Kind.BOOL and v in (self.spec.yes, self.spec.no):
                out.append(v == self.spec.yes)
                continue
            if not isinstance(v, str) or (col.allowed and v not in col.allowed):
                allowed = ", ".join(col.allowed) if col.allowed else "un texte"
                raise self.fail(where, f"{what} : le filtre de « {col.key} » vaut « {v} », qui n'est pas une valeur "
                                f"de sa liste ({allowed}) : si vous avez renommé la valeur, renommez-la aussi ici.")
            out.append(v)
        return out

    # --- charts and site columns ---------------------------------------------------------------------

    def _chart(self, table: dict, where: tuple, by_key: dict[str, Indicator]) -> Chart:
        self.known(table, _CHART, where, "[[graphiques]]")
        title = self.text(table, "titre", where, "[[graphiques]]")
        kind = self.text(table, "type", where, f"le graphique « {title} »")
        if kind not in CHARTS:
            raise self.fail((*where, "type"), f"graphique « {title} » : type « {kind} » inconnu ({', '.join(CHARTS)}).")
        keys = self.texts(table, "indicateurs", where, f"le graphique « {title} »")
        for key in keys:
            if key not in by_key:
                raise self.fail((*where, "indicateurs"), f"graphique « {title} » : l'indicateur « {key} » n'est pas "
                                "déclaré.")
        by = str(table.get("par", ""))
        if by and keys:
            self._column(by_key[keys[0]].sheet, by, (*where, "par"), f"le graphique « {title} »")
        return Chart(title, kind, keys, by)

    def _site_column(self, table: dict, where: tuple) -> SiteColumn:
        self.known(table, _SITE_COLUMN, where, "[[sites.colonnes]]")
        key = self.text(table, "cle", where, "[[sites.colonnes]]")
        what = f"la colonne des sites « {key} »"
        kind = self.text(table, "type", where, what)
        if kind not in SITE_KINDS:
            raise self.fail((*where, "type"), f"{what} : type « {kind} » inconnu ({', '.join(SITE_KINDS)}).")
        sheet = self.text(table, "feuille", where, what)
        if not self.spec.has_sheet(sheet):
            raise self.fail((*where, "feuille"), f"{what} : la feuille « {sheet} » n'existe pas.")
        column = str(table.get("colonne", ""))
        if column:
            self._column(sheet, column, (*where, "colonne"), what)
        elif kind != "nombre":
            raise self.fail(where, f"{what} : « colonne » manque.")
        return SiteColumn(key, self.text(table, "libelle", where, what), kind, sheet, column,
                          self._filter(table.get("filtre", {}), sheet, (*where, "filtre"), what),
                          self.integer(table, "jours", where, what, 0, 0, 36500),
                          self.flag(table, "par_groupe", where, what),
                          table.get("imprimer", True) is not False)
