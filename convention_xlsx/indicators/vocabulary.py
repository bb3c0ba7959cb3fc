"""The choice values the figures rely on, read from the workbook's description (never spelled here).

Each value comes from a column's ``termes`` (or its ``commun_si``, its ``choix``) in the spec file:
renaming « Nouvelles du partenaire » in the spec renames it here too.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..schema import Spec


@dataclass(frozen=True)
class Vocabulary:
    parties: tuple[str, ...]
    action_types: tuple[str, ...]
    joint_action: str
    """Actions « Associations » value of an action carried out together."""
    no: str
    """Meetings: the « represented » value that means not represented."""
    by_other: tuple[str, ...]
    """Meetings: represented by the other party (one value per party column)."""
    news: str
    """Communication « Nature » of a partner news (§3)."""
    filed: tuple[str, ...]
    accepted: str
    in_preparation: str
    carriers: tuple[str, ...]
    joint_carrier: str
    cp_roles: tuple[str, ...]
    visitor_roles: tuple[str, ...]
    visitor_and_cp: str


def vocabulary(spec: Spec) -> Vocabulary:
    """The values of ``spec`` that the ANVP–Auxilia figures use."""
    actions, meetings, calls = spec.sheet("actions"), spec.sheet("meetings"), spec.sheet("calls")
    role = spec.sheet("volunteers").column("role")
    status = calls.column("status")
    represented = [c for c in meetings.columns if "par_l_autre" in c.terms]
    return Vocabulary(
        parties=spec.party_names,
        action_types=actions.column("action_type").choices,
        joint_action=actions.joint_value or "",
        no=represented[0].term("non"),
        by_other=tuple(c.term("par_l_autre") for c in represented),
        news=spec.sheet("communication").column("nature").term("nouvelles_du_partenaire"),
        filed=status.term_values("deposes"),
        accepted=status.term("accepte"),
        in_preparation=status.term("en_preparation"),
        carriers=calls.column("carrier").choices,
        joint_carrier=calls.joint_value or "",
        cp_roles=role.term_values("cp"),
        visitor_roles=role.term_values("visiteur"),
        visitor_and_cp=role.term("visiteur_et_cp"),
    )
