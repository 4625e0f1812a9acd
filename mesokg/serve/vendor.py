"""Copy YASGUI from ``node_modules`` into ``mesokg/serve/static/vendor/``.

The package pinned in ``package.json`` (``@zazuko/yasgui``) is installed by ``npm install``; this
copies its built files, with the licence texts of everything bundled in them, so the installed
package serves the query page with no internet and no ``node_modules``::

    npm install && python -m mesokg.serve.vendor
"""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path

from mesokg.errors import MesokgError
from mesokg.rdfio import write_atomic

VENDOR = Path(__file__).resolve().with_name("static") / "vendor"
PACKAGE = "@zazuko/yasgui"
FILES = {"build/yasgui.min.js": "yasgui.min.js", "build/yasgui.min.css": "yasgui.min.css"}
#: YASGUI's own licence (MIT, as its package.json declares; the text as in the YASGUI repository)
MIT = """The MIT License (MIT)

Copyright (c) {holders}

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in
all copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN
THE SOFTWARE.
"""
_LICENCE_NAMES = re.compile(r"^(licen[cs]e|copying)(\.(md|txt))?$", re.I)


def _package_json(base: Path) -> dict:
    return json.loads((base / "package.json").read_text(encoding="utf-8"))


def _bundled(node_modules: Path, name: str, seen: dict[str, Path]) -> None:
    """``name`` and its dependencies, recursively (what the YASGUI bundle contains)."""
    base = node_modules / name
    if name in seen or not (base / "package.json").is_file():
        return
    seen[name] = base
    for dep in _package_json(base).get("dependencies", {}):
        _bundled(node_modules, dep, seen)


def licences(node_modules: Path) -> str:
    """YASGUI's licence, then the licence of every package bundled in it."""
    seen: dict[str, Path] = {}
    _bundled(node_modules, PACKAGE, seen)
    meta = _package_json(seen[PACKAGE])
    holders = meta.get("author", "Triply")
    holders = holders.get("name", "Triply") if isinstance(holders, dict) else holders.split("<")[0].strip()
    contributors = [c.get("name", "") if isinstance(c, dict) else str(c) for c in meta.get("contributors", [])]
    parts = [
        f"YASGUI ({PACKAGE} {meta['version']}, {meta.get('license', 'MIT')})\n\n"
        + MIT.format(holders=", ".join([holders, *contributors]))
    ]
    for name, base in sorted(seen.items()):
        if name.startswith("@zazuko/"):
            continue
        m = _package_json(base)
        files = sorted(p for p in base.iterdir() if _LICENCE_NAMES.match(p.name))
        text = files[0].read_text(encoding="utf-8", errors="replace").strip() if files else ""
        parts.append(
            f"{name} {m.get('version', '')} ({m.get('license', 'see package')})\n\n"
            + (text or f"Licence: {m.get('license', 'unknown')} (no licence file in the package)")
        )
    rule = "\n\n" + "-" * 78 + "\n\n"
    return rule.join(parts) + "\n"


def vendor(node_modules: str | Path = "node_modules") -> list[Path]:
    """Copy the files; return the paths written."""
    nm = Path(node_modules)
    base = nm / PACKAGE
    if not (base / "package.json").is_file():
        raise MesokgError(f"{base}: not found; run `npm install` in the repository first")
    version = _package_json(base)["version"]
    VENDOR.mkdir(parents=True, exist_ok=True)
    written = []
    for src, dest in FILES.items():
        data = (base / src).read_bytes()
        # no source-map comment: the map is not shipped, so nothing would answer it
        data = re.sub(rb"\n?//# sourceMappingURL=\S+\s*$", b"\n", data)
        data = re.sub(rb"/\*# sourceMappingURL=\S+ \*/\s*$", b"\n", data)
        write_atomic(VENDOR / dest, data)
        written.append(VENDOR / dest)
    write_atomic(VENDOR / "yasgui.LICENSE", licences(nm).encode("utf-8"))
    note = (
        f"YASGUI {version} ({PACKAGE}, MIT licence; it bundles the packages listed with their licences in\n"
        "yasgui.LICENSE), copied from the npm package pinned in package.json by\n"
        "`npm install && python -m mesokg.serve.vendor`. The query page of `mesokg serve` loads it from\n"
        "here, so it works offline and the installed package needs no node_modules.\n"
    )
    write_atomic(VENDOR / "README", note.encode("utf-8"))
    written += [VENDOR / "yasgui.LICENSE", VENDOR / "README"]
    for p in written:
        os.chmod(p, 0o644)
    return written


if __name__ == "__main__":  # python -m mesokg.serve.vendor [NODE_MODULES]
    for p in vendor(sys.argv[1] if len(sys.argv) > 1 else "node_modules"):
        print(p)
