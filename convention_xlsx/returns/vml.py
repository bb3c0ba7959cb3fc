"""Comments placed beside their cell, in LibreOffice as in Excel.

openpyxl writes each comment's box with an absolute position and no ``<x:Anchor>``: Excel places it
from the cell, LibreOffice draws every box at the same spot in the top-left corner. This adds the anchor
(two columns right of the cell, from its row down as far as the box is tall) to the comment drawings of a
workbook openpyxl just saved — our own output, never an input.
"""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

_NOTE = re.compile(r'<(?P<p>[\w]+):ClientData ObjectType="Note">(?P<body>.*?)</(?P=p):ClientData>', re.S)
_SHAPE_HEIGHT = re.compile(r"height:(\d+)px")


def _anchored(vml: str) -> str:
    heights = [int(h) for h in _SHAPE_HEIGHT.findall(vml)]
    count = 0

    def add(match: re.Match) -> str:
        nonlocal count
        prefix, body = match.group("p"), match.group("body")
        height = heights[count] if count < len(heights) else 80
        count += 1
        if f"<{prefix}:Anchor>" in body:
            return match.group(0)
        row = int(re.search(rf"<{prefix}:Row>(\d+)</{prefix}:Row>", body).group(1))
        col = int(re.search(rf"<{prefix}:Column>(\d+)</{prefix}:Column>", body).group(1))
        top = max(row - 1, 0)
        corners = f"{col + 1}, 15, {top}, 4, {col + 4}, 15, {top + max(3, height // 20)}, 4"
        anchor = f"<{prefix}:Anchor>{corners}</{prefix}:Anchor>"
        return f'<{prefix}:ClientData ObjectType="Note">{anchor}{body}</{prefix}:ClientData>'

    return _NOTE.sub(add, vml)


def anchor_comments(path: Path) -> None:
    """Rewrite ``path`` (an xlsx we wrote) with every comment anchored beside its cell."""
    path = Path(path)
    with zipfile.ZipFile(path) as source:
        names = source.namelist()
        drawings = [n for n in names if n.startswith("xl/drawings/") and n.endswith(".vml")]
        if not drawings:
            return
        patched = path.with_name(path.name + ".vml")
        with zipfile.ZipFile(patched, "w", zipfile.ZIP_DEFLATED) as target:
            for info in source.infolist():
                data = source.read(info)
                if info.filename in drawings:
                    data = _anchored(data.decode("utf-8")).encode("utf-8")
                target.writestr(info, data)
    shutil.move(patched, path)
