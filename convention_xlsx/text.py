"""Text normalisation shared by every matching of what volunteers type.

Headers, sheet names, section names and choice values are compared after
:func:`fold`: Unicode NFC, no accents, lower case, no NBSP/zero-width/BOM,
single spaces, no trailing ``*`` (the template marks required headers with it).
"""

from __future__ import annotations

import difflib
import functools
import re
import unicodedata
from collections.abc import Iterable

UNWRITABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff]")
"""Characters no cell of an .xlsx (its XML), no e-mail line can hold: control characters, the
non-characters U+FFFE/U+FFFF and lone surrogates (a damaged file yields them; openpyxl's own check
misses the last ones and writes a workbook no spreadsheet opens)."""
INVISIBLE = "\ufeff\u200b\u200c\u200d\u2060\u00ad"
"""Characters :func:`clean` drops (byte-order mark, zero-width spaces and joiners, soft hyphen)."""
_INVISIBLE = dict.fromkeys(map(ord, INVISIBLE), None)
_SPACES = re.compile(r"[\s\u00a0\u202f\u2007]+")
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'"})


@functools.lru_cache(maxsize=1 << 16, typed=True)
def clean(text: str) -> str:
    """Trim, NFC-normalise, drop invisible characters and fold runs of spaces (incl. NBSP).

    Cached (``typed``: ``1`` and ``True`` stay apart): dropdown values, dates typed as text and
    section names repeat across rows and files."""
    text = unicodedata.normalize("NFC", str(text)).translate(_INVISIBLE).translate(_APOSTROPHES)
    return _SPACES.sub(" ", text).strip()


@functools.lru_cache(maxsize=1 << 16)
def fold(text: str) -> str:
    """A comparison key: :func:`clean`, no accents, lower case, no trailing ``*``.

    Cached: the same few thousand strings (headers, dropdown values, codes, section names)
    are folded hundreds of thousands of times in a national run (measured: 45 % of the
    validation's time before the cache)."""
    text = clean(text).rstrip("*").strip()
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def closest(value: str, candidates: Iterable[str], cutoff: float = 0.5) -> str:
    """The candidate closest to ``value`` (folded comparison), or ``""`` when none is close.

    A candidate that contains every word typed wins first: volunteers shorten
    ("Rencontre arrivants" for "Rencontre quartier arrivants", "Nanterre" for "CP-NANTERRE").
    """
    candidates = list(candidates)
    key = fold(value)
    if not key:
        return ""
    folded = {fold(c): c for c in candidates}
    if key in folded:
        return folded[key]
    words = [w for w in re.split(r"[\s\-_/']+", key) if w]
    containing = [
        c for f, c in folded.items() if words and all(w in re.split(r"[\s\-_/']+", f) for w in words)
    ]
    if containing:
        return min(containing, key=lambda c: (len(c), c))
    match = difflib.get_close_matches(key, list(folded), n=1, cutoff=cutoff)
    return folded[match[0]] if match else ""


_LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "ß": "ss"})
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def ascii_name(text: str, keep_case: bool = True) -> str:
    """A portable fragment of a file name or e-mail address: ``Annœullin`` → ``Annoeullin``,
    ``Fleury-Mérogis`` → ``Fleury-Merogis``; anything else unsafe becomes ``-``."""
    plain = unicodedata.normalize("NFD", clean(text).translate(_LIGATURES))
    plain = "".join(c for c in plain if not unicodedata.combining(c))
    plain = _UNSAFE.sub("-", plain).strip("-.")
    return plain if keep_case else plain.lower()
