"""Node positions shared by the pictures and the interactive page.

Bipartite views are drawn in two columns: subjects on the left grouped by kind, objects on the
right grouped by indication area, each group under a heading, and node order inside groups
chosen by the barycentre heuristic so that few edges cross. The projection is drawn on a circle,
ordered by community.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import networkx as nx

KIND_ORDER = ("substance", "formulation", "procedure", "technique", "indication", "adverse-event", "mechanism", "other")
KIND_HEADINGS = {
    "substance": "substances",
    "formulation": "formulations",
    "procedure": "procedures",
    "technique": "techniques",
    "indication": "indications",
    "adverse-event": "adverse events",
    "mechanism": "mechanisms",
    "other": "other",
}


@dataclass
class Column:
    """One column: its slots top to bottom, each a node or a group heading."""

    slots: list[tuple[str, str]] = field(default_factory=list)  # ("node", id) or ("heading", text)

    def nodes(self) -> list[str]:
        return [v for k, v in self.slots if k == "node"]


@dataclass
class Layered:
    """Two columns of slots; ``y`` of slot ``i`` in a column of ``n`` slots is ``1 - i / (n - 1)``."""

    left: Column
    right: Column
    group_of: dict[str, str]  # node -> heading of its group

    def y(self, column: Column, i: int) -> float:
        n = len(column.slots)
        return 0.5 if n <= 1 else 1.0 - i / (n - 1)

    def positions(self) -> dict[str, tuple[float, float]]:
        """Node → (x, y) in the unit square: x 0 for subjects, 1 for objects; y 1 at the top."""
        pos = {}
        for x, col in ((0.0, self.left), (1.0, self.right)):
            for i, (kind, v) in enumerate(col.slots):
                if kind == "node":
                    pos[v] = (x, self.y(col, i))
        return pos

    def headings(self) -> list[tuple[float, float, str]]:
        """(x, y, text) of every group heading."""
        out = []
        for x, col in ((0.0, self.left), (1.0, self.right)):
            for i, (kind, v) in enumerate(col.slots):
                if kind == "heading":
                    out.append((x, self.y(col, i), v))
        return out

    def max_slots(self) -> int:
        return max(len(self.left.slots), len(self.right.slots), 1)


def _object_group(d: dict) -> str:
    if d.get("area_label"):
        return d["area_label"]
    return KIND_HEADINGS.get(d.get("kind", "other"), "other")


def _subject_group(d: dict) -> str:
    return KIND_HEADINGS.get(d.get("kind", "other"), "other")


def _group_order(groups: set[str]) -> list[str]:
    order = [KIND_HEADINGS[k] for k in KIND_ORDER]
    return sorted(groups, key=lambda g: (g == "other", order.index(g) if g in order else len(order), g.lower()))


def layered_layout(G: nx.Graph, sweeps: int = 6) -> Layered:
    """Two-column layout of a bipartite network (nodes with ``role`` subject/object)."""
    subjects = [n for n, d in G.nodes(data=True) if d.get("role") == "subject"]
    objects = [n for n, d in G.nodes(data=True) if d.get("role") != "subject"]
    group_of = {n: _subject_group(G.nodes[n]) for n in subjects}
    group_of.update({n: _object_group(G.nodes[n]) for n in objects})
    label = {n: str(G.nodes[n].get("label", n)).lower() for n in G.nodes}
    U = G.to_undirected() if G.is_directed() else G

    def grouped(nodes: list[str]) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for g in _group_order({group_of[n] for n in nodes}):
            out[g] = sorted((n for n in nodes if group_of[n] == g), key=lambda n: (label[n], n))
        return out

    left, right = grouped(subjects), grouped(objects)

    def rank_of(groups: dict[str, list[str]]) -> dict[str, float]:
        flat = [n for members in groups.values() for n in members]
        return {n: i / max(len(flat) - 1, 1) for i, n in enumerate(flat)}

    def reorder(groups: dict[str, list[str]], other_rank: dict[str, float]) -> None:
        for g, members in groups.items():
            own = rank_of(groups)

            def key(n: str, own=own) -> tuple:
                nb = [other_rank[m] for m in U.neighbors(n) if m in other_rank]
                return (sum(nb) / len(nb) if nb else own[n], label[n], n)

            groups[g] = sorted(members, key=key)

    # objects first (they are grouped by area, the stronger structure), then alternate
    for _ in range(sweeps):
        reorder(left, rank_of(right))
        reorder(right, rank_of(left))

    def column(groups: dict[str, list[str]]) -> Column:
        col = Column()
        for g, members in groups.items():
            col.slots.append(("heading", g))
            col.slots.extend(("node", n) for n in members)
        return col

    return Layered(column(left), column(right), group_of)


def circular_order(G: nx.Graph) -> list[str]:
    """Nodes ordered by community, then label (so communities sit together on the circle)."""
    return sorted(G.nodes, key=lambda n: (G.nodes[n].get("community", 0), str(G.nodes[n].get("label", n)).lower()))


def circular_layout(G: nx.Graph) -> dict[str, tuple[float, float]]:
    """Node → (x, y) on the unit circle centred at 0, first node at the top, clockwise."""
    order = circular_order(G)
    n = max(len(order), 1)
    return {v: (math.sin(2 * math.pi * i / n), math.cos(2 * math.pi * i / n)) for i, v in enumerate(order)}
