"""The gap map as a picture (PNG or SVG), drawn with matplotlib.

Fixed cell size in inches, so the picture grows with the graph instead of shrinking its text: at
ten times the rows it is ten times taller, with the same 7-point labels. Group names (classes of
rows, areas of columns) are header lines of their own, never squeezed beside a one-row group.
"""

from __future__ import annotations

import textwrap

from .scale import LEVEL_COLOURS, USAGE_ONLY_COLOUR, text_colour

CELL_W = 0.30  # inches
CELL_H = 0.22
FONT = 7.0
CHAR_W = 0.058  # inches per character at FONT (DejaVu Sans, generous)
CONFLICT_COLOUR = "#d62728"
HARM_COLOUR = "#b2182b"


def cell_text(cell) -> tuple[str, str]:
    """(text, fill) of a cell: ``sources/claims`` on the level colour, ``u<n>`` on grey, or empty."""
    if cell is None:
        return "", "#ffffff"
    b = cell.brief()
    if b["claims"] and b["best_level"]:
        return f"{b['sources']}/{b['claims']}", LEVEL_COLOURS.get(b["best_level"], "#444444")
    if b["claims"]:  # efficacy claims, none supporting: the level of the evidence against, marked "−"
        return f"−{b['sources']}/{b['claims']}", LEVEL_COLOURS.get(b["best_level_against"], "#444444")
    return f"u{b['usage']}", USAGE_ONLY_COLOUR


def _box(x: float, y: float) -> list[tuple[float, float]]:
    return [(x, y), (x + CELL_W, y), (x + CELL_W, y + CELL_H), (x, y + CELL_H)]


def _layout(gm):
    """Row lines (group headers and rows) top to bottom, and the sizes of the margins."""
    lines = []
    for group, rows in gm.groups():
        lines.append(("group", group))
        lines.extend(("row", r) for r in rows)
    label_w = max([len(r.label) for r in gm.rows] + [len(g) + 2 for g, _ in gm.groups()] + [10]) * CHAR_W + 0.25
    col_h = max([len(c.label) + 2 * c.depth for c in gm.columns] + [6]) * CHAR_W + 0.15
    return lines, label_w, col_h


def draw(gm, title: str = "Evidence and gap map"):
    """A matplotlib Figure of the map (the caller saves it)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.collections import PolyCollection
    from matplotlib.patches import Polygon, Rectangle

    lines, label_w, col_h = _layout(gm)
    ncols = len(gm.columns) + 1  # + the harm column
    area_h = 0.42
    title_h = 0.55
    legend_h = 1.05
    grid_w = ncols * CELL_W
    grid_h = len(lines) * CELL_H
    fig_w = max(label_w + grid_w + 0.4, 9.0)
    fig_h = title_h + area_h + col_h + grid_h + legend_h + 0.2
    fig = plt.figure(figsize=(fig_w, fig_h), dpi=100)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, fig_w)
    ax.set_ylim(fig_h, 0)  # y grows downwards, in inches
    ax.axis("off")

    x0 = label_w
    y_grid = title_h + area_h + col_h
    ax.text(0.15, 0.3, title, fontsize=11, fontweight="bold", va="center")
    ax.text(0.15, 0.5, gm.filters, fontsize=FONT, va="center", color="#444444")

    # area headers: a band per area, its name wrapped and shrunk to fit the band
    col_x = {}
    x = x0
    for area, cols in gm.areas():
        span = len(cols) * CELL_W
        ax.add_patch(Rectangle((x, title_h), span, area_h - 0.04, facecolor="#f0f0f0", edgecolor="#999999", lw=0.5))
        chars = max(3, int(span / (CHAR_W * 0.85)))
        text = "\n".join(textwrap.wrap(area, chars)[:2])
        size = (
            FONT
            if max(len(t) for t in text.split("\n")) * CHAR_W <= span
            else FONT * span / (max(len(t) for t in text.split("\n")) * CHAR_W)
        )
        ax.text(
            x + span / 2,
            title_h + (area_h - 0.04) / 2,
            text,
            fontsize=max(size, 4.5),
            ha="center",
            va="center",
            linespacing=0.95,
        )
        for c in cols:
            col_x[c.iri] = x
            x += CELL_W
    harm_x = x
    # column labels, rotated, umbrella forms bold, narrower forms indented
    for c in gm.columns:
        ax.text(
            col_x[c.iri] + CELL_W / 2,
            y_grid - 0.05,
            "  " * c.depth + c.label,
            rotation=90,
            fontsize=FONT,
            ha="center",
            va="bottom",
            fontweight="bold" if c.depth == 0 else "normal",
        )
    ax.text(
        harm_x + CELL_W / 2,
        y_grid - 0.05,
        "adverse events",
        rotation=90,
        fontsize=FONT,
        ha="center",
        va="bottom",
        color=HARM_COLOUR,
    )

    cells, fills, marks = [], [], []  # one collection each: 40,000 single patches take a minute to add
    y = y_grid
    for kind, item in lines:
        if kind == "group":
            ax.add_patch(Rectangle((0.1, y), x0 - 0.1 + grid_w, CELL_H, facecolor="#f0f0f0", edgecolor="none"))
            ax.text(0.15, y + CELL_H / 2, item, fontsize=FONT, fontweight="bold", va="center")
            y += CELL_H
            continue
        ax.text(x0 - 0.08, y + CELL_H / 2, item.label, fontsize=FONT, ha="right", va="center")
        for c in gm.columns:
            cell = gm.cell(item.iri, c.iri)
            text, fill = cell_text(cell)
            cx = col_x[c.iri]
            cells.append(_box(cx, y))
            fills.append(fill)
            if text:
                ax.text(
                    cx + CELL_W / 2,
                    y + CELL_H / 2,
                    text,
                    fontsize=FONT - 1.5,
                    ha="center",
                    va="center",
                    color=text_colour(fill),
                )
            if cell is not None and cell.conflict:
                marks.append([(cx + CELL_W * 0.62, y), (cx + CELL_W, y), (cx + CELL_W, y + CELL_H * 0.5)])
        cells.append(_box(harm_x, y))
        fills.append("#ffffff")
        if item.harms:
            ax.text(
                harm_x + CELL_W / 2,
                y + CELL_H / 2,
                f"!{item.harms}",
                fontsize=FONT - 1.5,
                ha="center",
                va="center",
                color=HARM_COLOUR,
                fontweight="bold",
            )
        y += CELL_H

    ax.add_collection(
        PolyCollection(cells, facecolors=fills, edgecolors="#bbbbbb", linewidths=0.4, zorder=1), autolim=False
    )
    if marks:
        ax.add_collection(PolyCollection(marks, facecolors=CONFLICT_COLOUR, edgecolors="none", zorder=2), autolim=False)

    # legend: the level scale in level order, then the other marks
    ly = y + 0.3
    ax.text(0.15, ly, "best efficacy level (CEBM; darker = stronger):", fontsize=FONT, va="center")
    lx = 0.15 + 3.0
    for level, colour in LEVEL_COLOURS.items():
        ax.add_patch(Rectangle((lx, ly - CELL_H / 2), CELL_W, CELL_H, facecolor=colour, edgecolor="#bbbbbb", lw=0.4))
        ax.text(lx + CELL_W / 2, ly, level, fontsize=FONT - 1, ha="center", va="center", color=text_colour(colour))
        lx += CELL_W + 0.04
    ly += 0.32
    items = [
        (USAGE_ONLY_COLOUR, "u2", "usage claims only (not evidence of benefit)"),
        ("#ffffff", "", "empty: no claim (a gap)"),
    ]
    lx = 0.15
    for fill, text, meaning in items:
        ax.add_patch(Rectangle((lx, ly - CELL_H / 2), CELL_W, CELL_H, facecolor=fill, edgecolor="#999999", lw=0.5))
        ax.text(lx + CELL_W / 2, ly, text, fontsize=FONT - 1.5, ha="center", va="center")
        ax.text(lx + CELL_W + 0.08, ly, meaning, fontsize=FONT, va="center")
        lx += CELL_W + 0.16 + len(meaning) * CHAR_W
    ly += 0.32
    ax.add_patch(
        Polygon(
            [(0.15 + CELL_W * 0.62, ly - CELL_H / 2), (0.15 + CELL_W, ly - CELL_H / 2), (0.15 + CELL_W, ly)],
            closed=True,
            facecolor=CONFLICT_COLOUR,
        )
    )
    ax.add_patch(Rectangle((0.15, ly - CELL_H / 2), CELL_W, CELL_H, facecolor="none", edgecolor="#999999", lw=0.5))
    note = "sources disagree    3/5 = independent sources / efficacy claims (colour: best supporting level; −: none supports)    !n = adverse events of the row"
    ax.text(0.15 + CELL_W + 0.08, ly, note, fontsize=FONT, va="center")
    return fig


def text_boxes(fig) -> list[tuple[str, tuple[float, float, float, float]]]:
    """(text, (x0, y0, x1, y1)) in pixels for every non-empty text of the figure (for overlap tests)."""
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    out = []
    for ax in fig.axes:
        for t in ax.texts:
            if t.get_text().strip():
                bb = t.get_window_extent(renderer)
                out.append((t.get_text(), (bb.x0, bb.y0, bb.x1, bb.y1)))
    return out


def save(gm, path: str, fmt: str, title: str = "Evidence and gap map") -> bytes:
    """The picture as bytes (``png`` or ``svg``)."""
    import io

    import matplotlib.pyplot as plt

    fig = draw(gm, title)
    buf = io.BytesIO()
    fig.savefig(buf, format=fmt, dpi=110 if fmt == "png" else None, metadata={"Date": None} if fmt == "svg" else None)
    plt.close(fig)
    return buf.getvalue()
