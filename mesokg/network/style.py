"""Colours and line styles shared by the pictures and the interactive page."""

from __future__ import annotations

#: edge colour by CEBM notation, dark blue (best) through green and orange to grey (expert opinion)
LEVEL_COLOURS: dict[str, str] = {
    "1a": "#08306b",
    "1b": "#2171b5",
    "1c": "#6baed6",
    "2a": "#00441b",
    "2b": "#238b45",
    "2c": "#74c476",
    "3a": "#a63603",
    "3b": "#fd8d3c",
    "4": "#cb181d",
    "5": "#8c8c8c",
}
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
