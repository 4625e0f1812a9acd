"""Colours and line styles shared by the pictures and the interactive page."""

from __future__ import annotations

from mesokg.evidence.scale import LEVEL_COLOURS as SCALE_COLOURS
from mesokg.evidence.scale import USAGE_ONLY_COLOUR

#: edge colour by CEBM notation: the project's one ordered scale (mesokg/evidence/scale.py), darker =
#: stronger, in level order; edges with usage claims only are grey, after level 5
LEVEL_COLOURS: dict[str, str] = {**SCALE_COLOURS, "usage": USAGE_ONLY_COLOUR}
FALLBACK_COLOUR = "#444444"

#: matplotlib dash patterns by aggregate polarity (solid supports, dashed refutes, dotted mixed)
POLARITY_DASHES: dict[str, object] = {
    "supports": "solid",
    "refutes": (0, (6, 3)),
    "mixed": (0, (1, 2)),
    "conflicting": (0, (6, 2, 1, 2)),
    "insufficient": (0, (1, 5)),
}
#: the same for Cytoscape.js: (line-style, line-dash-pattern)
POLARITY_CSS: dict[str, tuple[str, list[int]]] = {
    "supports": ("solid", []),
    "refutes": ("dashed", [6, 3]),
    "mixed": ("dotted", []),
    "conflicting": ("dashed", [6, 2, 1, 2]),
    "insufficient": ("dashed", [1, 5]),
}
POLARITY_MEANING: dict[str, str] = {
    "supports": "supports",
    "refutes": "refutes",
    "mixed": "mixed",
    "conflicting": "conflicting (supports and refutes)",
    "insufficient": "insufficient",
}

KIND_COLOURS: dict[str, str] = {
    "substance": "#1f77b4",
    "formulation": "#9467bd",
    "procedure": "#8c564b",
    "technique": "#e377c2",
    "indication": "#2ca02c",
    "adverse-event": "#d62728",
    "mechanism": "#ff7f0e",
    "other": "#7f7f7f",
}
#: colours for object groups (indication areas), assigned in group order
GROUP_PALETTE: tuple[str, ...] = (
    "#1b9e77",
    "#d95f02",
    "#7570b3",
    "#e7298a",
    "#66a61e",
    "#e6ab02",
    "#a6761d",
    "#1f78b4",
    "#b15928",
    "#666666",
    "#6a3d9a",
    "#33a02c",
)


def level_colour(notation: str) -> str:
    return LEVEL_COLOURS.get(str(notation), FALLBACK_COLOUR)
