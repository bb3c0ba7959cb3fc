"""The demo's fictitious people and the small draws every demo makes (names, dates, file-name fragments)."""

from __future__ import annotations

import datetime as dt
import random

from ..text import ascii_name

FIRST_NAMES = (
    "Anne", "Bernard", "Camille", "Claire", "Colette", "Daniel", "Dominique", "Élise", "Étienne",
    "Françoise", "François", "Gérard", "Hélène", "Henri", "Isabelle", "Jacques", "Jeanne", "Jean-Marc",
    "Josiane", "Laurent", "Lucie", "Marc", "Marie", "Martine", "Michel", "Monique", "Nathalie",
    "Nicole", "Olivier", "Pascale", "Patrick", "Philippe", "Pierre", "Sophie", "Sylvie", "Thierry",
    "Valérie", "Yves",
)  # fmt: skip
LAST_NAMES = (
    "Aubert", "Barbier", "Benoît", "Bertin", "Blanchard", "Bonnet", "Brunet", "Carpentier", "Chevalier",
    "Colin", "Da Silva", "Denis", "Dubois", "Dumont", "Dupuis", "Fabre", "Faure", "Fleury", "Garnier",
    "Gauthier", "Gilbert", "Girard", "Guérin", "Hamon", "Julien", "Lacroix", "Lambert", "Leclerc",
    "Lefèvre", "Lemaire", "Leroy", "Marchand", "Martin", "Mercier", "Meunier", "Morel", "Moulin",
    "Noël", "Perrin", "Picard", "Renard", "Riviere", "Roche", "Rousseau", "Roux", "Schmitt", "Vidal",
)  # fmt: skip


def slug(text: str) -> str:
    """A portable, readable, lower-case fragment of a file name or e-mail address."""
    return ascii_name(text, keep_case=False).replace(".", "-").replace("_", "-")


def random_date(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randint(0, max(0, (end - start).days)))


def person(rng: random.Random) -> tuple[str, str]:
    """A fictitious volunteer: (last name, first name)."""
    return rng.choice(LAST_NAMES), rng.choice(FIRST_NAMES)
