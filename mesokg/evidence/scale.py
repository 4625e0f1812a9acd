"""The one colour scale for evidence levels, used by every picture and page of the project.

Ordered and sequential (ColorBrewer YlGnBu, sampled from 1.0 down to 0.22): the stronger the
evidence, the darker the colour, so CEBM 1a is the darkest and 5 the palest, and every legend lists
the levels in this order. Cells and edges without efficacy evidence (usage claims only) are grey,
off the scale; empty cells (gaps) are white. Text on a coloured cell uses :func:`text_colour`.

>>> list(LEVEL_COLOURS)[:3]
['1a', '1b', '1c']
>>> text_colour(LEVEL_COLOURS["1a"]), text_colour(LEVEL_COLOURS["5"])
('#ffffff', '#000000')
"""

from __future__ import annotations

#: CEBM notation -> colour, in level order (best first)
LEVEL_COLOURS: dict[str, str] = {
    "1a": "#081d58",
    "1b": "#1c2d81",
    "1c": "#24449c",
    "2a": "#2262aa",
    "2b": "#1e85ba",
    "2c": "#2da2c2",
    "3a": "#4cbac2",
    "3b": "#76cabc",
    "4": "#a7dcb7",
    "5": "#d0edb3",
}
LEVELS: tuple[str, ...] = tuple(LEVEL_COLOURS)
USAGE_ONLY_COLOUR = "#c8c8c8"  # usage claims only: no efficacy evidence
GAP_COLOUR = "#ffffff"
FALLBACK_COLOUR = "#444444"
CONFLICT_MARK = "⚡"  # sources disagree (inconsistent direction)
HARM_MARK = "!"  # adverse events reported for the subject
LEVEL_MEANING: dict[str, str] = {
    "1a": "systematic review of RCTs",
    "1b": "randomised controlled trial",
    "1c": "all-or-none",
    "2a": "systematic review of cohort studies",
    "2b": "cohort study or weak RCT",
    "2c": "outcomes research",
    "3a": "systematic review of case-control studies",
    "3b": "case-control study",
    "4": "case series or case report",
    "5": "expert opinion or narrative review",
}


def level_colour(notation) -> str:
    """The colour of a CEBM notation (``"1a"`` … ``"5"``)."""
    return LEVEL_COLOURS.get(str(notation), FALLBACK_COLOUR)


def text_colour(background: str) -> str:
    """Black or white, whichever reads better on ``background`` (``#rrggbb``)."""
    r, g, b = (int(background[i : i + 2], 16) / 255 for i in (1, 3, 5))
    return "#ffffff" if 0.2126 * r + 0.7152 * g + 0.0722 * b < 0.5 else "#000000"


def scale_json() -> dict:
    """The scale for pages: levels in order with colours and meanings."""
    return {
        "levels": [{"level": k, "colour": v, "meaning": LEVEL_MEANING[k]} for k, v in LEVEL_COLOURS.items()],
        "usage_only": USAGE_ONLY_COLOUR,
        "gap": GAP_COLOUR,
    }
