"""Every figure of the dashboard and the bilan, computed from a :class:`Consolidation` and the indicators
its convention declares (``indicateurs.toml``).

Pure: no file access, no spreadsheet library. :func:`compute` returns a :class:`Figures` that the dashboard
writer lays out without computing anything. See :mod:`.board` for how each kind of indicator is counted.
"""

from __future__ import annotations

from .bilan import Recommendation
from .board import Figures, Value, compute

__all__ = ["Figures", "Recommendation", "Value", "compute"]
