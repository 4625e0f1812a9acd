"""Network files: GraphML, GEXF, Cytoscape.js JSON (elements format) and a CSV edge list.

Every attribute is a scalar (str, int, float or bool), so GraphML and GEXF keep them typed.
All functions return bytes; :func:`write` picks the format from the file suffix and writes
atomically.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import networkx as nx

from mesokg.errors import InputError
from mesokg.network.elements import cytoscape_json
from mesokg.rdfio import readable, write_atomic

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
        from mesokg.network.render import render

        return render(G, fmt, width=width, height=height, dpi=dpi, title=title)
    if fmt == "html":
        from mesokg.network.html import page

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
