"""The convention's settings and the référentiel, loaded from data files.

What the référent changes without touching code lives in ``convention.toml``: the
convention period, the sections expected to report, the alert thresholds. The
référentiel of establishments is a CSV file named by the configuration.

Lookup: an explicit ``--config FICHIER``; else ``modeles/convention.toml`` in the
working directory when it exists; else the copy shipped inside the package, so that
``pip install`` alone gives a working tool.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import re
import sys
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from .declaration import FILE as DASHBOARD_FILE
from .declaration import Dashboard, DeclarationError, load_dashboard
from .errors import describe_os_error
from .schema import Spec
from .spec import SPEC_FILE, SpecError, default_spec, load_spec
from .text import closest, fold

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

LOCAL_CONFIG = Path("modeles") / "convention.toml"


class ConfigError(Exception):
    """The configuration or the référentiel cannot be used; the message is French."""


@dataclass(frozen=True)
class Establishment:
    """A site of the référentiel (a penitentiary establishment, a territory…) and the group it belongs to."""

    code: str
    name: str
    type: str = ""
    commune: str = ""
    departement: str = ""
    group: str = ""
    """The site's group (a DISP for penitentiary establishments, a region for territories)."""

    @property
    def disp(self) -> str:
        return self.group


@dataclass(frozen=True)
class Referentiel:
    """The sites (penitentiary establishments, territories…), by code, in the file's order.

    ``site_label``/``group_label``: how the configuration names a site and its group (« établissement »,
    « DISP »; « département », « région »)."""

    establishments: tuple[Establishment, ...]
    source: str = ""
    date: str = ""
    site_label: str = "établissement"
    group_label: str = "DISP"
    group_column: str = "disp"
    """The CSV column the groups come from."""

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(e.code for e in self.establishments)

    def __contains__(self, code: object) -> bool:
        return code in self._by_code

    def __getitem__(self, code: str) -> Establishment:
        return self._by_code[code]

    def __len__(self) -> int:
        return len(self.establishments)

    @property
    def _by_code(self) -> dict[str, Establishment]:
        cached = self.__dict__.get("_by_code_cache")
        if cached is None:
            cached = {e.code: e for e in self.establishments}
            object.__setattr__(self, "_by_code_cache", cached)
        return cached

    def canonical(self, typed: str) -> str | None:
        """The code a volunteer meant when the only difference is case, accents or spaces."""
        key = fold(typed).replace(" ", "-")
        for code in self.codes:
            if fold(code) == key:
                return code
        return None

    def resolve(self, typed: str) -> str | None:
        """The code a volunteer meant by what they typed or chose: the code itself (case, accents and
        spaces aside), the dropdown's label « CODE · Nom », or the name of exactly one establishment."""
        text = typed.strip()
        if text in self:
            return text
        for separator in (" · ", " - ", " – "):
            head = text.split(separator, 1)[0].strip()
            if separator in text and self.canonical(head):
                return self.canonical(head)
        code = self.canonical(text)
        if code:
            return code
        by_name = [e.code for e in self.establishments if fold(e.name) == fold(text)]
        return by_name[0] if len(by_name) == 1 else None

    def suggest(self, typed: str) -> str:
        """The closest code to what was typed, matching codes, names and communes."""
        labels: dict[str, str] = {}
        for e in self.establishments:
            for label in (e.code, e.name, e.commune):
                labels.setdefault(label, e.code)
        best = closest(typed, labels)
        return labels.get(best, "")


@dataclass(frozen=True)
class ExpectedSection:
    association: str
    name: str
    establishments: tuple[str, ...]
    email: str

    @property
    def key(self) -> tuple[str, str]:
        return section_key(self.association, self.name)


def section_key(association: str, name: str) -> tuple[str, str]:
    """How a workbook is matched to an expected section: association and folded name."""
    return (fold(association), fold(name))


@dataclass(frozen=True)
class Config:
    title: str
    period_start: dt.date
    period_end: dt.date
    mandate_expiry_days: int
    report_day: int
    referents: dict[str, str]
    sections: tuple[ExpectedSection, ...]
    referentiel: Referentiel
    spec: Spec = field(default_factory=default_spec)
    """The section workbook's description (``[convention] classeur``)."""
    dashboard: Dashboard | None = None
    """The declared indicators (``[convention] indicateurs``)."""
    extension: str = ""
    """The package of ``convention_xlsx.conventions`` for what its data cannot say (``[convention] extension``)."""
    source: str = ""
    extra: dict = field(default_factory=dict)
    """The tables of the file this module does not read (``[courriel]``…), as TOML gave them, for the
    modules that own them (see :mod:`convention_xlsx.mail.settings`)."""

    def in_period(self, day: dt.date) -> bool:
        return self.period_start <= day <= self.period_end

    @property
    def years(self) -> tuple[int, ...]:
        return tuple(range(self.period_start.year, self.period_end.year + 1))

    def expected(self, association: str, name: str) -> ExpectedSection | None:
        return self._by_key.get(section_key(association, name))

    @functools.cached_property
    def _by_key(self) -> dict[tuple[str, str], ExpectedSection]:
        """Expected sections by key, the first one declared winning (asked once per workbook: a list
        scan was files × sections)."""
        return {s.key: s for s in reversed(self.sections)}


def default_config_path() -> Path | None:
    """``modeles/convention.toml`` in the working directory when it exists, else None."""
    return LOCAL_CONFIG if LOCAL_CONFIG.is_file() else None


def load_config(path: str | Path | None = None) -> Config:
    """Load the configuration (and its référentiel) from ``path`` or the default places."""
    if path is None:
        path = default_config_path()
    if path is None:
        text = resources.files("convention_xlsx").joinpath("data/convention.toml").read_text("utf-8")
        return parse_config(text, base=None, source="configuration livrée avec convention-xlsx")
    path = Path(path)
    try:
        text = path.read_text("utf-8")
    except OSError as err:
        raise ConfigError(f"Impossible de lire la configuration {path} : {describe_os_error(err)}.") from err
    except UnicodeDecodeError as err:
        raise ConfigError(f"La configuration {path} n'est pas un texte UTF-8 : enregistrez-la en UTF-8.") from err
    return parse_config(text, base=path.parent, source=str(path))


def parse_config(text: str, base: Path | None, source: str) -> Config:
    """Parse the TOML text of a configuration; ``base`` is where relative paths start."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(_toml_message(err, source)) from err
    conv = _table(data, "convention", source)
    try:
        start, end = conv["debut"], conv["fin"]
    except KeyError as err:
        raise ConfigError(
            f"La configuration {source} doit donner [convention] debut et fin (aaaa-mm-jj)."
        ) from err
    if (not _is_day(start) or not _is_day(end)) or end < start:
        raise ConfigError(
            f"Dans {source}, [convention] debut et fin doivent être des dates sans heure (aaaa-mm-jj), "
            "la fin après le début."
        )
    spec = _spec(conv.get("classeur"), base, source)
    dashboard = _dashboard(conv.get("indicateurs"), base, source, spec)
    extension = _extension(conv.get("extension"), source)
    ref = _table(data, "referentiel", source)
    group = str(ref.get("groupe", "disp"))
    referentiel = load_referentiel(_referentiel_path(ref.get("fichier", conv.get("referentiel")), base), group)
    referentiel = Referentiel(
        referentiel.establishments, referentiel.source, str(ref.get("date", conv.get("date_referentiel", ""))),
        str(ref.get("libelle_site", "établissement")), str(ref.get("libelle_groupe", "DISP")), group,
    )
    thresholds = _table(data, "seuils", source)
    raw_sections = data.get("sections", [])
    if not isinstance(raw_sections, list) or not all(isinstance(s, dict) for s in raw_sections):
        raise ConfigError(f"Dans {source}, les sections s'écrivent chacune sous un titre [[sections]].")
    sections = tuple(_section(s, source, referentiel, spec.party_names) for s in raw_sections)
    seen: set[tuple[str, str]] = set()
    for section in sections:
        if section.key in seen:
            raise ConfigError(
                f"Dans {source}, la section {section.association} « {section.name} » est listée deux fois "
                "(les noms sont comparés sans accents ni majuscules) : gardez-en une seule."
            )
        seen.add(section.key)
    return Config(
        title=str(conv.get("titre", "Convention de partenariat")),
        period_start=start,
        period_end=end,
        mandate_expiry_days=_integer(thresholds, "mandat_expiration_jours", 60, 0, None, source),
        report_day=_integer(thresholds, "jour_envoi", 5, 1, 28, source),
        referents={str(k): str(v) for k, v in _table(data, "referents", source).items()},
        sections=sections,
        referentiel=referentiel,
        spec=spec,
        dashboard=dashboard,
        extension=extension,
        source=source,
        extra={k: v for k, v in data.items() if k not in _READ_HERE},
    )


_READ_HERE = ("convention", "referentiel", "referents", "seuils", "sections")


_TOML_PLACE = re.compile(r"at line (\d+), column (\d+)")


def _toml_message(err: Exception, source: str) -> str:
    """tomllib's error in French: only the place is taken from its English sentence."""
    place = _TOML_PLACE.search(str(err))
    where = f" (ligne {place.group(1)}, colonne {place.group(2)})" if place else ""
    return (
        f"La configuration {source} n'est pas un fichier TOML valide{where} : vérifiez les crochets "
        "des titres, les guillemets des textes et les signes = (voir modeles/convention.toml)."
    )


def _is_day(value: object) -> bool:
    """A TOML date (``2021-01-01``), not a date with a time, which is a ``datetime``."""
    return isinstance(value, dt.date) and not isinstance(value, dt.datetime)


def _table(data: dict, key: str, source: str) -> dict:
    value = data.get(key, {})
    if not isinstance(value, dict):
        raise ConfigError(f"Dans {source}, {key} doit être une table, sous un titre [{key}].")
    return value


def _integer(table: dict, key: str, default: int, low: int, high: int | None, source: str) -> int:
    """An integer threshold of [seuils], between ``low`` and ``high`` (inclusive)."""
    value = table.get(key, default)
    ok = isinstance(value, int) and not isinstance(value, bool) and low <= value and (high is None or value <= high)
    if not ok:
        bounds = f"entre {low} et {high}" if high is not None else f"supérieur ou égal à {low}"
        raise ConfigError(
            f"Dans {source}, [seuils] {key} doit être un nombre entier {bounds}, sans guillemets "
            f"(trouvé : « {value} »)."
        )
    return value


def _section(raw: dict, source: str, referentiel: Referentiel, parties: tuple[str, ...]) -> ExpectedSection:
    association = str(raw.get("association", ""))
    if association not in parties:
        raise ConfigError(
            f"Dans {source}, une section a l'association « {association} » : "
            f"attendu {' ou '.join(parties)}."
        )
    name = str(raw.get("nom", "")).strip()
    if not name:
        raise ConfigError(f"Dans {source}, une section {association} n'a pas de nom (clé nom).")
    raw_codes = raw.get("etablissements", [])
    if not isinstance(raw_codes, list) or not all(isinstance(c, str) for c in raw_codes):
        raise ConfigError(
            f"Dans {source}, la section {association} {name} : etablissements doit être une liste de "
            'codes entre crochets, par exemple etablissements = ["MA-AGEN"].'
        )
    codes = tuple(c.strip() for c in raw_codes)
    for code in codes:
        if code not in referentiel:
            hint = referentiel.suggest(code)
            raise ConfigError(
                f"Dans {source}, la section {association} {name} cite l'établissement inconnu "
                f"« {code} »" + (f" (vouliez-vous dire {hint} ?)" if hint else "") + "."
            )
    return ExpectedSection(association, name, codes, str(raw.get("courriel", "")))


def _spec(name: object, base: Path | None, source: str) -> Spec:
    """The workbook's description named by ``[convention] classeur`` (relative to the configuration),
    else ``classeur.toml`` beside it, else the packaged one."""
    if name is not None and (not isinstance(name, str) or not name.strip()):
        raise ConfigError(f"Dans {source}, [convention] classeur est le nom du fichier qui décrit le classeur, "
                          f'entre guillemets (par exemple classeur = "{SPEC_FILE}").')
    path = None
    if name and base is None and not Path(name).is_absolute():
        return default_spec()  # the packaged configuration names the packaged description
    if name:
        path = Path(name) if Path(name).is_absolute() else base / name
        if not path.is_file():
            raise ConfigError(f"Dans {source}, [convention] classeur nomme {path}, qui n'existe pas.")
    elif base is not None and (base / SPEC_FILE).is_file():
        path = base / SPEC_FILE
    try:
        return load_spec(path)
    except SpecError as err:
        raise ConfigError(str(err)) from err


def _dashboard(name: object, base: Path | None, source: str, spec: Spec) -> Dashboard:
    """The indicators named by ``[convention] indicateurs``, else ``indicateurs.toml`` beside the
    configuration, else the packaged ones (for the packaged workbook), else none."""
    if name is not None and (not isinstance(name, str) or not name.strip()):
        raise ConfigError(f"Dans {source}, [convention] indicateurs est le nom du fichier qui déclare les "
                          'indicateurs, entre guillemets (par exemple indicateurs = "indicateurs.toml").')
    try:
        if name and base is None and not Path(name).is_absolute():
            return load_dashboard(None, spec)
        if name:
            path = Path(name) if Path(name).is_absolute() else base / name
            if not path.is_file():
                raise ConfigError(f"Dans {source}, [convention] indicateurs nomme {path}, qui n'existe pas.")
            return load_dashboard(path, spec)
        if base is not None and (base / DASHBOARD_FILE).is_file():
            return load_dashboard(base / DASHBOARD_FILE, spec)
        if spec is default_spec():  # a configuration written before indicators were data
            return load_dashboard(None, spec)
        return Dashboard(title="Tableau de bord", groups=(), indicators=())
    except DeclarationError as err:
        raise ConfigError(str(err)) from err


def _extension(name: object, source: str) -> str:
    if name is None or name == "":
        return ""
    from . import conventions

    if not isinstance(name, str) or not name.isidentifier():
        raise ConfigError(f"Dans {source}, [convention] extension est le nom d'un module de convention, par "
                          'exemple extension = "anvp_auxilia".')
    try:
        conventions.load(name)
    except ImportError as err:
        raise ConfigError(f"Dans {source}, [convention] extension nomme « {name} », qui n'est pas un module de "
                          "convention de convention-xlsx.") from err
    return name


def _referentiel_path(name: str | None, base: Path | None) -> Path | None:
    if name and base is not None:
        return base / name
    if name and Path(name).is_absolute():
        return Path(name)
    return None


def load_referentiel(path: Path | None = None, group: str = "disp") -> Referentiel:
    """Read the référentiel CSV: ``code,nom`` and the ``group`` column (``disp``), other columns optional
    (``type``, ``commune``, ``departement``)."""
    if path is None:
        ref = resources.files("convention_xlsx").joinpath("data/etablissements.csv")
        text, source = ref.read_text("utf-8-sig"), "référentiel livré avec convention-xlsx"
    else:
        try:
            text, source = Path(path).read_text("utf-8-sig"), str(path)
        except OSError as err:
            raise ConfigError(f"Impossible de lire le référentiel {path} : {describe_os_error(err)}.") from err
        except UnicodeDecodeError as err:
            raise ConfigError(f"Le référentiel {path} n'est pas un texte UTF-8 : enregistrez-le en UTF-8.") from err
    rows = list(csv.DictReader(text.splitlines()))
    needed = {"code", "nom", group}
    if not rows or not needed <= set(rows[0]):
        raise ConfigError(
            f"Le référentiel {source} doit avoir au moins les colonnes code, nom et {group} (le groupe de chaque "
            "site, voir [referentiel] groupe)."
        )

    def cell(row: dict, key: str) -> str:
        return (row.get(key) or "").strip()

    establishments = tuple(
        Establishment(cell(r, "code"), cell(r, "nom"), cell(r, "type"), cell(r, "commune"), cell(r, "departement"),
                      cell(r, group))
        for r in rows
        if cell(r, "code")
    )
    return Referentiel(establishments, source=source)
