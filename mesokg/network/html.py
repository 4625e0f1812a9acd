"""The interactive network page: one self-contained HTML file that works offline.

Cytoscape.js is inlined from the copy vendored in ``mesokg/network/static/vendor/`` (taken from the npm
package pinned in ``package.json``; refresh it with ``python -m mesokg.network.html vendor``), the
page script and style from ``mesokg/network/static/``, and the network as Cytoscape.js elements. The page
sets a Content-Security-Policy that forbids every network request.
"""

from __future__ import annotations

import html
import json
import re
import sys
from pathlib import Path

import networkx as nx

from mesokg.errors import MesokgError
from mesokg.network.elements import cytoscape
from mesokg.network.layout import KIND_ORDER, layered_layout
from mesokg.network.model import POLARITIES
from mesokg.network.render import _title_lines
from mesokg.network.style import (
    FALLBACK_COLOUR,
    GROUP_PALETTE,
    KIND_COLOURS,
    LEVEL_COLOURS,
    POLARITY_CSS,
    POLARITY_MEANING,
)
from mesokg.rdfio import readable, write_atomic

STATIC = Path(__file__).resolve().with_name("static")
VENDOR = STATIC / "vendor"
VENDORED_FILES = {"dist/cytoscape.min.js": "cytoscape.min.js", "LICENSE": "cytoscape.LICENSE"}


def _script_safe(text: str) -> str:
    """Text that cannot end the ``<script>`` element it is inlined in."""
    return re.sub(r"</(script)", r"<\\/\1", text, flags=re.I).replace("<!--", "<\\!--")


def cytoscape_js() -> str:
    """The vendored, minified Cytoscape.js."""
    path = VENDOR / "cytoscape.min.js"
    if not path.is_file():
        raise MesokgError(f"{path} is missing; run `npm install` and `python -m mesokg.network.html vendor`")
    return path.read_text(encoding="utf-8")


def page_data(G: nx.Graph) -> dict:
    """What the page script needs: elements, filter choices and colours."""
    doc = cytoscape(G)
    projection = not any(d.get("role") == "object" for _, d in G.nodes(data=True))
    groups: list[str] = []
    if not projection and len(G):
        lay = layered_layout(G)
        groups = [v for k, v in lay.right.slots if k == "heading"]
        for el in doc["elements"]["nodes"]:
            el["data"]["column_group"] = lay.group_of.get(el["data"]["id"], "")
    edges = [d for _, _, d in G.edges(data=True)]
    levels = sorted({(d["level_rank"], d["level"]) for d in edges if "level_rank" in d})
    areas = sorted(
        {
            (d.get("area"), d.get("area_label"))
            for n, d in G.nodes(data=True)
            if d.get("role") == "object" and d.get("area")
        },
        key=lambda a: a[1].lower(),
    )
    kinds = [
        k for k in KIND_ORDER if any(d.get("kind") == k and d.get("role") == "subject" for _, d in G.nodes(data=True))
    ]
    return {
        "projection": projection,
        "elements": doc["elements"],
        "levels": [{"rank": r, "notation": n} for r, n in levels],
        "areas": [{"id": a, "label": lbl} for a, lbl in areas],
        "polarities": [p for p in POLARITIES if any(d.get("polarity") == p for d in edges)],
        "kinds": kinds,
        "groupList": groups,
        "maxWeight": max([d.get("weight", 1) for d in edges] + [1]) if projection else 1,
        "style": {
            "levels": LEVEL_COLOURS,
            "fallback": FALLBACK_COLOUR,
            "kinds": KIND_COLOURS,
            "groups": {g: GROUP_PALETTE[i % len(GROUP_PALETTE)] for i, g in enumerate(groups)},
            "palette": list(GROUP_PALETTE),
            "polarity": {p: list(v) for p, v in POLARITY_CSS.items()},
            "polarityMeaning": POLARITY_MEANING,
        },
    }


def page(G: nx.Graph, title: str | None = None) -> str:
    """The complete HTML page for ``G``."""
    main, sub = _title_lines(G, title)
    template = (STATIC / "network-page.html").read_text(encoding="utf-8")
    values = {
        "TITLE": html.escape(main),
        "SUBTITLE": html.escape(sub + "  ·  edge colour: best evidence level; line style: polarity"),
        "CSS": (STATIC / "network-page.css").read_text(encoding="utf-8"),
        "DATA": _script_safe(json.dumps(page_data(G), ensure_ascii=False, separators=(",", ":"))),
        "CYTOSCAPE": _script_safe(cytoscape_js()),
        "APP": _script_safe((STATIC / "network-page.js").read_text(encoding="utf-8")),
    }
    return re.sub(r"__(TITLE|SUBTITLE|CSS|DATA|CYTOSCAPE|APP)__", lambda m: values[m.group(1)], template)


def vendor(node_modules: str | Path = "node_modules") -> list[Path]:
    """Copy Cytoscape.js and its licence from an npm install into ``mesokg/network/static/vendor/``."""
    base = Path(node_modules) / "cytoscape"
    if not (base / "package.json").is_file():
        raise MesokgError(f"{base}: not found; run `npm install` in the repository first")
    version = json.loads((base / "package.json").read_text(encoding="utf-8"))["version"]
    written = []
    for src, dest in VENDORED_FILES.items():
        target = VENDOR / dest
        write_atomic(target, (base / src).read_bytes())
        readable(target)
        written.append(target)
    note = (
        f"Cytoscape.js {version} (MIT licence, see cytoscape.LICENSE), copied from the npm package pinned in\n"
        "package.json by `npm install && python -m mesokg.network.html vendor`. It is inlined into the\n"
        "interactive network pages, so they work offline and the wheel needs no node_modules.\n"
    )
    write_atomic(VENDOR / "README", note.encode("utf-8"))
    readable(VENDOR / "README")
    return [*written, VENDOR / "README"]


if __name__ == "__main__":  # python -m mesokg.network.html vendor [NODE_MODULES]
    if len(sys.argv) >= 2 and sys.argv[1] == "vendor":
        for p in vendor(sys.argv[2] if len(sys.argv) > 2 else "node_modules"):
            print(p)
    else:
        print("usage: python -m mesokg.network.html vendor [NODE_MODULES]", file=sys.stderr)
        sys.exit(2)
