"""Network files: GraphML, GEXF, Cytoscape.js JSON (elements format) and a CSV edge list.

Every attribute is a scalar (str, int, float or bool), so GraphML and GEXF keep them typed.
All functions return bytes; :func:`write` picks the format from the file suffix and writes
atomically.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
from pathlib import Path

import networkx as nx

from .errors import InputError
from .network_layout import circular_layout, layered_layout
from .rdfio import write_atomic

#: file suffix -> format name
SUFFIXES = {
    ".png": "png",
    ".svg": "svg",
    ".html": "html",
    ".htm": "html",
    ".graphml": "graphml",
    ".gexf": "gexf",
    ".json": "json",
    ".csv": "csv",
}

COLUMN_GAP = 720.0  # px between the two columns of the interactive page
ROW_GAP = 24.0  # px between rows


def format_for(path: str | Path) -> str:
    """The output format for a file name, or a one-line error naming the suffixes."""
    suffix = Path(path).suffix.lower()
    if suffix not in SUFFIXES:
        raise InputError(
            f"{path}: unknown output suffix {suffix or '(none)'!r}: use one of "
            + ", ".join(s for s in SUFFIXES if s != ".htm")
        )
    return SUFFIXES[suffix]


def graphml(G: nx.Graph) -> bytes:
    buf = io.BytesIO()
    nx.write_graphml(G, buf, encoding="utf-8", prettyprint=True)
    return buf.getvalue()


def gexf(G: nx.Graph) -> bytes:
    buf = io.BytesIO()
    nx.write_gexf(G, buf, encoding="utf-8", prettyprint=True)
    return buf.getvalue()


def positions(G: nx.Graph) -> dict[str, tuple[float, float]]:
    """Screen positions (px, y down) for the interactive page: two columns, or a circle."""
    if any(d.get("role") == "object" for _, d in G.nodes(data=True)):
        lay = layered_layout(G)
        rows = max(lay.max_slots() - 1, 1)
        return {n: (x * COLUMN_GAP, (1 - y) * rows * ROW_GAP) for n, (x, y) in lay.positions().items()}
    r = max(220.0, len(G) * 34.0 / (2 * math.pi))
    return {n: (r + r * x, r - r * y) for n, (x, y) in circular_layout(G).items()}


def cytoscape(G: nx.Graph, with_positions: bool = True) -> dict:
    """The network in Cytoscape.js elements format (also readable by ``nx.cytoscape_graph``).

    Nodes: ``data`` holds ``id`` (the IRI), ``value`` (the same), ``name`` (the label) and every
    node attribute; edges: ``id``, ``source``, ``target`` and every edge attribute.
    """
    pos = positions(G) if with_positions else {}
    nodes = []
    for n, d in G.nodes(data=True):
        el = {"data": {"id": str(n), "value": str(n), "name": d.get("label", str(n)), **d}}
        if n in pos:
            el["position"] = {"x": round(pos[n][0], 2), "y": round(pos[n][1], 2)}
        nodes.append(el)
    edges = [
        {"data": {"id": f"e{i}", "source": str(s), "target": str(t), **d}}
        for i, (s, t, d) in enumerate(G.edges(data=True))
    ]
    return {
        "data": dict(G.graph),
        "directed": G.is_directed(),
        "multigraph": G.is_multigraph(),
        "elements": {"nodes": nodes, "edges": edges},
    }


def cytoscape_json(G: nx.Graph) -> bytes:
    return json.dumps(cytoscape(G), ensure_ascii=False, indent=1).encode("utf-8")


def edge_columns(G: nx.Graph) -> list[str]:
    keys: list[str] = []
    for _, _, d in G.edges(data=True):
        keys.extend(k for k in d if k not in keys)
    return keys


def csv_edges(G: nx.Graph) -> bytes:
    """One row per edge: source, source_label, target, target_label, then the edge attributes."""
    buf = io.StringIO()
    keys = edge_columns(G)
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["source", "source_label", "target", "target_label", *keys])
    for s, t, d in G.edges(data=True):
        w.writerow(
            [s, G.nodes[s].get("label", s), t, G.nodes[t].get("label", t), *(_csv_value(d.get(k, "")) for k in keys)]
        )
    return buf.getvalue().encode("utf-8")


def _csv_value(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)


def export(
    G: nx.Graph,
    fmt: str,
    *,
    width: int | None = None,
    height: int | None = None,
    dpi: float = 100,
    title: str | None = None,
) -> bytes:
    """The network in ``fmt`` (png, svg, html, graphml, gexf, json, csv) as bytes."""
    if fmt in ("png", "svg"):
        from .network_render import render

        return render(G, fmt, width=width, height=height, dpi=dpi, title=title)
    if fmt == "html":
        from .network_html import page

        return page(G, title=title).encode("utf-8")
    writers = {"graphml": graphml, "gexf": gexf, "json": cytoscape_json, "csv": csv_edges}
    if fmt not in writers:
        raise InputError(f"unknown output format {fmt!r}")
    return writers[fmt](G)


def write(G: nx.Graph, path: str | Path, **kwargs) -> str:
    """Write ``G`` to ``path`` in the format its suffix names (atomically). Returns the format."""
    fmt = format_for(path)
    write_atomic(path, export(G, fmt, **kwargs))
    readable(path)
    return fmt


def readable(path: str | Path) -> None:
    """Give a written file the usual permissions (the atomic writer's temporary file is private)."""
    mask = os.umask(0)
    os.umask(mask)
    try:
        os.chmod(path, 0o666 & ~mask)
    except OSError:
        pass
