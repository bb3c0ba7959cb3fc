"""What the demo's fictitious sections write, read from data (``data/demo_<extension>.toml``).

The demo's code decides who reports what and when; the words it writes — roles, action types, funders,
typing mistakes — are the convention's, so they live beside its workbook description and are checked
against it: a value that is not in its dropdown is an error naming the file, never a demo that quietly
writes rejected rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources

from ..schema import Spec
from ..tomlfile import load_toml


class VocabularyError(Exception):
    """The demo's vocabulary does not match the workbook's description (French message)."""


@dataclass(frozen=True)
class Vocabulary:
    roles: dict[str, str]
    action_weights: dict[str, float]
    outside: tuple[str, ...]
    joint_actions: dict[str, float]
    national_day: str
    recruitment: str
    action_texts: dict[str, str]
    with_whom: dict[str, float]
    subjects: tuple[str, ...]
    funders: tuple[tuple[str, str], ...]
    call_titles: tuple[str, ...]
    statuses: dict[str, float]
    not_yet_judged: tuple[str, ...]
    joint_carrier: str
    themes: dict[str, float]
    places: tuple[str, ...]
    fundings: tuple[str, ...]
    comments: tuple[str, ...]
    sizes: dict[str, tuple[int, int]]
    typos: dict[tuple[str, str], dict[str, str]] = field(default_factory=dict)


def file_name(extension: str) -> str:
    return f"demo_{extension}.toml"


def has_vocabulary(extension: str) -> bool:
    return bool(extension) and resources.files("convention_xlsx").joinpath(f"data/{file_name(extension)}").is_file()


def load_vocabulary(extension: str, spec: Spec) -> Vocabulary:
    """The vocabulary of ``extension``'s demo, checked against ``spec``."""
    name = file_name(extension)
    data = load_toml(resources.files("convention_xlsx").joinpath(f"data/{name}").read_text("utf-8"),
                     f"Le vocabulaire de démonstration {name}", VocabularyError)
    a, m, c, t, e = (data[k] for k in ("actions", "reunions", "appels", "formations", "etablissements"))
    vocab = Vocabulary(
        roles=dict(data["roles"]), action_weights=dict(a["poids"]), outside=tuple(a["hors_etablissement"]),
        joint_actions=dict(a["communes"]), national_day=a["journees"], recruitment=a["recrutement"],
        action_texts=dict(a["textes"]), with_whom=dict(m["avec"]), subjects=tuple(m["sujets"]),
        funders=tuple((f[0], f[1]) for f in c["financeurs"]), call_titles=tuple(c["intitules"]),
        statuses=dict(c["statuts"]), not_yet_judged=tuple(c["pas_encore_juges"]), joint_carrier=c["commun"],
        themes=dict(t["themes"]), places=tuple(t["lieux"]), fundings=tuple(t["financements"]),
        comments=tuple(e["commentaires"]), sizes={k: (v[0], v[1]) for k, v in e["taille"].items()},
        typos={tuple(k.split(".", 1)): dict(v) for k, v in data.get("fautes", {}).items()},
    )
    _check(vocab, spec, name)
    return vocab


def _check(v: Vocabulary, spec: Spec, name: str) -> None:
    """Every value the demo types in a dropdown column is one of its values (a typo is meant to be wrong)."""
    wanted = [
        ("volunteers", "role", v.roles.values()),
        ("actions", "action_type", [*v.action_weights, *v.outside, *v.joint_actions, v.national_day,
                                    v.recruitment, *v.action_texts]),
        ("meetings", "with_whom", v.with_whom),
        ("calls", "funder_type", [kind for _, kind in v.funders]),
        ("calls", "status", [*v.statuses, *v.not_yet_judged]),
        ("calls", "carrier", [v.joint_carrier]),
        ("trainings", "theme", v.themes),
    ]
    for sheet, column, values in wanted:
        allowed = spec.sheet(sheet).column(column).allowed
        for value in values:
            if value not in allowed:
                raise VocabularyError(f"Dans {name}, « {value} » n'est pas une valeur de la colonne « "
                                      f"{spec.sheet(sheet).column(column).label} » du classeur.")
    for (sheet, column), typos in v.typos.items():
        allowed = spec.sheet(sheet).column(column).allowed
        for value, typo in typos.items():
            if value not in allowed or typo in allowed:
                raise VocabularyError(f"Dans {name}, la faute « {typo} » pour « {value} » doit partir d'une valeur "
                                      "de la liste et ne pas en être une.")
