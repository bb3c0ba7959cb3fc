"""Drive LibreOffice like a volunteer, through UNO: open a workbook, read its cells, type, save.

Run with Debian's own ``/usr/bin/python3`` (``uno`` is not importable from a venv)::

    /usr/bin/python3 tests/lo_driver.py PLAN.json

PLAN is a list of steps; the results (one per step) are printed as JSON on standard output:

- ``{"open": path}``: open the document (hidden);
- ``{"cell": [sheet, ref]}``: its string, formula, whether it is locked and its comment;
- ``{"type": [sheet, ref, text]}``: type ``text`` as a person would (``FormulaLocal``, fr-FR);
- ``{"comments": sheet}``: each comment's cell and whether its box sits beside the cell;
- ``{"calculate": true}``; ``{"save_as": [path, filter]}``; ``{"close": true}``.

The driver starts its own ``soffice --headless`` on a free port with a private profile set to fr-FR,
and stops it at the end.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import uno  # noqa: F401 - Debian's python3-uno
from com.sun.star.beans import PropertyValue

PROFILE_XCU = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Setup/L10N"><prop oor:name="ooSetupSystemLocale" oor:op="fuse">
<value>fr-FR</value></prop></item>
<item oor:path="/org.openoffice.Setup/L10N"><prop oor:name="ooLocale" oor:op="fuse"><value>fr-FR</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Misc"><prop oor:name="FirstRun" oor:op="fuse">
<value>false</value></prop></item>
</oor:items>
"""


def prop(name: str, value: object) -> PropertyValue:
    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start() -> tuple[subprocess.Popen, object, str]:
    profile = tempfile.mkdtemp(prefix="lo-driver-")
    user = Path(profile) / "user"
    user.mkdir(parents=True)
    (user / "registrymodifications.xcu").write_text(PROFILE_XCU, encoding="utf-8")
    port = free_port()
    soffice = shutil.which("soffice") or "soffice"
    process = subprocess.Popen([soffice, "--headless", "--invisible", "--norestore", "--nologo",
                                f"-env:UserInstallation={Path(profile).as_uri()}",
                                f"--accept=socket,host=127.0.0.1,port={port};urp;"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    deadline = time.monotonic() + 90
    while True:
        try:
            ctx = resolver.resolve(f"uno:socket,host=127.0.0.1,port={port};urp;StarOffice.ComponentContext")
            break
        except Exception:  # noqa: BLE001 - not listening yet
            if time.monotonic() > deadline or process.poll() is not None:
                raise
            time.sleep(0.5)
    desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
    return process, desktop, profile


def address(sheet, ref: str):
    return sheet.getCellRangeByName(ref)


def run(plan: list[dict]) -> list[object]:
    process, desktop, profile = start()
    doc = None
    out: list[object] = []
    try:
        for step in plan:
            if "open" in step:
                url = uno.systemPathToFileUrl(os.path.abspath(step["open"]))
                doc = desktop.loadComponentFromURL(url, "_blank", 0, (prop("Hidden", True),))
                out.append([doc.Sheets.getByIndex(i).Name for i in range(doc.Sheets.Count)])
            elif "cell" in step:
                name, ref = step["cell"]
                cell = address(doc.Sheets.getByName(name), ref)
                annotation = cell.getAnnotation().getString()
                out.append({"string": cell.getString(), "formula": cell.getFormula(),
                            "locked": bool(cell.getPropertyValue("CellProtection").IsLocked), "comment": annotation})
            elif "type" in step:
                name, ref, text = step["type"]
                address(doc.Sheets.getByName(name), ref).setPropertyValue("FormulaLocal", text)
                out.append(True)
            elif "comments" in step:
                sheet = doc.Sheets.getByName(step["comments"])
                found = []
                annotations = sheet.getAnnotations()
                for i in range(annotations.getCount()):
                    a = annotations.getByIndex(i)
                    pos = a.getPosition()
                    cell = sheet.getCellByPosition(pos.Column, pos.Row)
                    box = a.getAnnotationShape().getPosition()
                    where = cell.getPropertyValue("Position")
                    size = cell.getPropertyValue("Size")
                    right = where.X + size.Width
                    beside = right - 200 <= box.X <= right + 6000 and where.Y - 3000 <= box.Y <= where.Y + 3000
                    found.append({"cell": cell.AbsoluteName.split(".")[-1].replace("$", ""), "beside": beside,
                                  "box": [box.X, box.Y], "cell_xy": [where.X, where.Y]})
                out.append(found)
            elif "calculate" in step:
                doc.calculateAll()
                out.append(True)
            elif "save_as" in step:
                path, filter_name = step["save_as"]
                url = uno.systemPathToFileUrl(os.path.abspath(path))
                doc.storeToURL(url, (prop("FilterName", filter_name), prop("Overwrite", True)))
                out.append(True)
            elif "close" in step:
                doc.close(True)
                doc = None
                out.append(True)
    finally:
        try:
            if doc is not None:
                doc.close(True)
            desktop.terminate()
        except Exception:  # noqa: BLE001 - the office may already be gone
            pass
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()
        shutil.rmtree(profile, ignore_errors=True)
    return out


if __name__ == "__main__":
    print(json.dumps(run(json.loads(Path(sys.argv[1]).read_text("utf-8"))), ensure_ascii=False))
