"""The network as Cytoscape.js elements, with screen positions for the interactive page."""

from __future__ import annotations

import json
import math

import networkx as nx

from mesokg.network.layout import circular_layout, layered_layout

COLUMN_GAP = 720.0  # px between the two columns of the interactive page
ROW_GAP = 24.0  # px between rows


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
