"""Pictures of networks (PNG, SVG) with matplotlib's Agg canvas; no display needed.

Bipartite views: subjects in the left column grouped by kind, objects in the right column grouped
by indication area; edge colour is the best evidence level, line style the aggregate polarity
(solid supports, dashed refutes, dotted mixed), line width the number of claims. The projection is
drawn on a circle. The picture is exactly ``width`` × ``height`` pixels at ``dpi``; without a
height, it is as tall as the labels need so that none overlap.
"""

from __future__ import annotations

import io
import math

import networkx as nx
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.lines import Line2D

from mesokg.errors import InputError
from mesokg.network.layout import KIND_HEADINGS, KIND_ORDER, circular_order, layered_layout
from mesokg.network.model import VIEWS, summary
from mesokg.network.style import (
    GROUP_PALETTE,
    KIND_COLOURS,
    LEVEL_COLOURS,
    POLARITY_DASHES,
    POLARITY_MEANING,
    level_colour,
)

LABEL_PT = 9.0
MIN_LABEL_PT = 4.5
LINE = 1.5  # line height / font size
MAX_LABEL_CHARS = 48
DEFAULT_WIDTH = 1600
DEFAULT_DPI = 100
LABEL_GID = "mesokg-label"
MAX_AUTO_HEIGHT = 16000  # px: taller pictures are refused unless --height is given  # every node label carries this gid, so tests can find them


def _px(pt: float, dpi: float) -> float:
    return pt * dpi / 72.0


class _Measure:
    """Text widths in pixels for a given figure (uses the Agg renderer, no artists)."""

    def __init__(self, fig: Figure):
        self.renderer = fig.canvas.get_renderer()

    def width(self, text: str, size: float, weight: str = "normal") -> float:
        w, _, _ = self.renderer.get_text_width_height_descent(
            text, FontProperties(size=size, weight=weight), ismath=False
        )
        return w

    def fit(self, text: str, size: float, max_px: float) -> str:
        """``text`` shortened with an ellipsis until it fits ``max_px``."""
        if len(text) > MAX_LABEL_CHARS:
            text = text[: MAX_LABEL_CHARS - 1].rstrip() + "…"
        if self.width(text, size) <= max_px:
            return text
        lo, hi = 1, len(text)
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if self.width(text[:mid].rstrip() + "…", size) <= max_px:
                lo = mid
            else:
                hi = mid - 1
        return text[:lo].rstrip() + "…"


def _new_figure(width: int, height: int, dpi: float) -> tuple[Figure, object]:
    fig = Figure(figsize=(width / dpi, height / dpi), dpi=dpi, facecolor="white")
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, width)
    ax.set_ylim(0, height)
    ax.set_axis_off()
    return fig, ax


def _title_lines(G: nx.Graph, title: str | None) -> tuple[str, str]:
    v = VIEWS.get(G.graph.get("view", ""))
    main = title or (v.title if v else G.graph.get("title", "mesokg network"))
    s = summary(G)
    filters = G.graph.get("filters") or "none"
    if v and not v.projection:
        counts = f"{s['subjects']} {v.subjects}, {s['objects']} {v.objects}, {s['edges']} edges"
    else:
        counts = f"{s['nodes']} nodes, {s['edges']} edges"
    return main, f"Filters: {filters}  ·  {counts}  ·  source: mesokg knowledge graph"


def _legends(
    fig: Figure, blocks: list[tuple[str, list, list]], width: int, margin: float, size: float, dpi: float
) -> float:
    """Place legend blocks side by side along the bottom; return the height they take (px)."""
    measure = fig.canvas.get_renderer()
    for shrink in (0, 1, 2, 3, 9):
        legends = []
        for title, handles, labels in blocks:
            ncol = max(1, min(len(handles), max(1, math.ceil(len(handles) / 2)) - shrink))
            if shrink == 9:
                ncol = 1
            lg = fig.legend(
                handles,
                labels,
                title=title,
                loc="lower left",
                bbox_to_anchor=(0, 0),
                ncol=ncol,
                fontsize=size,
                title_fontsize=size,
                frameon=False,
                handlelength=3.2,
                columnspacing=1.4,
                alignment="left",
            )
            legends.append(lg)
        widths = [lg.get_window_extent(measure).width for lg in legends]
        gap = _px(14, dpi)
        if sum(widths) + gap * (len(widths) - 1) <= width - 2 * margin or shrink == 9:
            break
        for lg in legends:
            lg.remove()
    total = sum(widths) + gap * (len(widths) - 1)
    x = max(margin, (width - total) / 2)
    heights = []
    for lg, w in zip(legends, widths, strict=True):
        lg.set_bbox_to_anchor((x / width, margin / fig.bbox.height), transform=fig.transFigure)
        x += w + gap
        heights.append(lg.get_window_extent(measure).height)
    return max(heights) + margin


def _draw_titles(
    fig: Figure, ax, G: nx.Graph, title: str | None, width: int, height: int, margin: float, dpi: float
) -> float:
    """Draw title and subtitle at the top; return the y (px) below them."""
    main, sub = _title_lines(G, title)
    m = _Measure(fig)
    tsize, ssize = 14.0, 9.5
    main = m.fit(main, tsize, width - 2 * margin) if m.width(main, tsize) > width - 2 * margin else main
    sub = m.fit(sub, ssize, width - 2 * margin) if m.width(sub, ssize) > width - 2 * margin else sub
    y = height - margin
    ax.text(width / 2, y, main, ha="center", va="top", fontsize=tsize, fontweight="bold", color="#222222")
    y -= _px(tsize, dpi) * 1.45
    ax.text(width / 2, y, sub, ha="center", va="top", fontsize=ssize, color="#444444")
    y -= _px(ssize, dpi) * 1.6
    return y - _px(6, dpi)


def _edge_blocks(G: nx.Graph) -> list[tuple[str, list, list]]:
    levels = sorted(
        {d["level"] for _, _, d in G.edges(data=True)},
        key=lambda n: list(LEVEL_COLOURS).index(n) if n in LEVEL_COLOURS else 99,
    )
    pols = [p for p in POLARITY_DASHES if any(d["polarity"] == p for _, _, d in G.edges(data=True))]
    lh = [Line2D([], [], color=level_colour(n), lw=2.4) for n in levels]
    ph = [Line2D([], [], color="#333333", lw=1.6, linestyle=POLARITY_DASHES[p]) for p in pols]
    return [
        (
            "Best efficacy evidence (CEBM, 1a best)",
            lh,
            [f"level {n}" if n != "usage" else "usage claims only" for n in levels],
        ),
        ("Polarity of the claims", ph, [POLARITY_MEANING[p] for p in pols]),
    ]


def _bipartite(
    fig: Figure, ax, G: nx.Graph, top: float, bottom: float, width: int, margin: float, dpi: float, size: float
) -> None:
    lay = layered_layout(G)
    m = _Measure(fig)
    pos = lay.positions()
    # object groups get palette colours in column order
    groups = [v for k, v in lay.right.slots if k == "heading"]
    group_colour = {g: GROUP_PALETTE[i % len(GROUP_PALETTE)] for i, g in enumerate(groups)}
    pad = _px(4, dpi)
    max_side = (width - 2 * margin) * 0.36
    labels = {n: str(d.get("label", n)) for n, d in G.nodes(data=True)}
    lw = max([m.width(m.fit(t, size, max_side), size) for n, t in labels.items() if pos[n][0] == 0] + [0])
    rw = max([m.width(m.fit(t, size, max_side), size) for n, t in labels.items() if pos[n][0] == 1] + [0])
    hw_l = max([m.width(t, size, "bold") for x, _, t in lay.headings() if x == 0] + [0])
    hw_r = max([m.width(t, size, "bold") for x, _, t in lay.headings() if x == 1] + [0])
    dot = min(_px(3.2, dpi), (top - bottom) / max(lay.max_slots(), 1) * 0.3)
    rmax = dot * 1.9
    x_left = margin + min(max(lw, hw_l), max_side) + pad + rmax
    x_right = width - margin - min(max(rw, hw_r), max_side) - pad - rmax

    def xy(node: str) -> tuple[float, float]:
        x, y = pos[node]
        return (x_left if x == 0 else x_right), bottom + y * (top - bottom)

    # edges: worst evidence first, so the best lie on top
    for s, o, d in sorted(G.edges(data=True), key=lambda e: -e[2]["level_rank"]):
        (x0, y0), (x1, y1) = xy(s), xy(o)
        ax.plot(
            [x0, x1],
            [y0, y1],
            color=level_colour(d["level"]),
            linestyle=POLARITY_DASHES.get(d["polarity"]),
            linewidth=min(0.9 + 0.6 * (d["n_claims"] - 1), 3.5),
            alpha=0.85,
            solid_capstyle="butt",
            zorder=2 + (10 - d["level_rank"]) / 20,
        )
    for n, d in G.nodes(data=True):
        x, y = xy(n)
        colour = (
            KIND_COLOURS.get(d.get("kind", "other"), KIND_COLOURS["other"])
            if pos[n][0] == 0
            else group_colour.get(lay.group_of[n], "#2ca02c")
        )
        r = dot * (1 + 0.15 * min(G.degree(n) - 1, 6))
        ax.scatter([x], [y], s=(r * 72 / dpi) ** 2 * math.pi, color=colour, edgecolor="white", linewidth=0.5, zorder=5)
        left = pos[n][0] == 0
        off = pad + r
        text = m.fit(labels[n], size, (x_left - margin - off) if left else (width - margin - x_right - off))
        t = ax.text(
            x - off if left else x + off,
            y,
            text,
            ha="right" if left else "left",
            va="center",
            fontsize=size,
            color="#111111",
            zorder=6,
        )
        t.set_gid(LABEL_GID)
    for x, y, text in lay.headings():
        left = x == 0
        colour = "#333333" if left else group_colour.get(text, "#333333")
        yy = bottom + y * (top - bottom)
        t = ax.text(
            (x_left - pad) if left else (x_right + pad),
            yy,
            text,
            ha="right" if left else "left",
            va="center",
            fontsize=size,
            fontweight="bold",
            color=colour,
            zorder=6,
        )
        t.set_gid(LABEL_GID)


def _projection(
    fig: Figure, ax, G: nx.Graph, top: float, bottom: float, width: int, margin: float, dpi: float, size: float
) -> None:
    order = circular_order(G)
    m = _Measure(fig)
    n = max(len(order), 1)
    labels = {v: m.fit(str(G.nodes[v].get("label", v)), size, width * 0.2) for v in order}
    lab_w = max([m.width(t, size) for t in labels.values()] + [0])
    cx, cy = width / 2, (top + bottom) / 2
    r = max(min(width / 2 - margin, (top - bottom) / 2) - lab_w - _px(8, dpi), _px(30, dpi))
    pos = {
        v: (cx + r * math.sin(2 * math.pi * i / n), cy + r * math.cos(2 * math.pi * i / n)) for i, v in enumerate(order)
    }
    maxw = max([d.get("weight", 1) for _, _, d in G.edges(data=True)] + [1])
    for a, b, d in sorted(G.edges(data=True), key=lambda e: e[2].get("weight", 1)):
        w = d.get("weight", 1)
        (x0, y0), (x1, y1) = pos[a], pos[b]
        ax.plot(
            [x0, x1],
            [y0, y1],
            color="#3a6ea5",
            alpha=0.25 + 0.6 * w / maxw,
            linewidth=0.6 + 2.6 * (w - 1) / max(maxw - 1, 1),
            zorder=2,
        )
    for i, v in enumerate(order):
        x, y = pos[v]
        comm = G.nodes[v].get("community", 0)
        ax.scatter(
            [x], [y], s=28, color=GROUP_PALETTE[comm % len(GROUP_PALETTE)], edgecolor="white", linewidth=0.5, zorder=5
        )
        angle = 90 - 360 * i / n
        right = math.sin(2 * math.pi * i / n) >= 0
        ax.text(
            x + _px(5, dpi) * math.cos(math.radians(angle)),
            y + _px(5, dpi) * math.sin(math.radians(angle)),
            labels[v],
            rotation=angle if right else angle + 180,
            rotation_mode="anchor",
            ha="left" if right else "right",
            va="center",
            fontsize=size,
            zorder=6,
        ).set_gid(LABEL_GID)


def auto_height(G: nx.Graph, width: int = DEFAULT_WIDTH, dpi: float = DEFAULT_DPI) -> int:
    """A height (px) that gives every label its own line at the normal label size."""
    v = VIEWS.get(G.graph.get("view", ""))
    bands = _px(14 * 1.45 + 9.5 * 1.6 + 8.5 * 9, dpi) + 60
    if v and v.projection:
        return int(max(600, min(width, 2400) + bands * 0.5))
    slots = layered_layout(G).max_slots() if len(G) else 1
    return int(max(500, slots * _px(LABEL_PT, dpi) * LINE + bands))


def figure(
    G: nx.Graph, width: int | None = None, height: int | None = None, dpi: float = DEFAULT_DPI, title: str | None = None
) -> Figure:
    """A matplotlib figure of the network, exactly ``width`` × ``height`` pixels at ``dpi``."""
    width = int(width or DEFAULT_WIDTH)
    if width < 200 or (height is not None and height < 200) or dpi < 20:
        raise InputError("picture too small: use --width and --height of at least 200 px and --dpi of at least 20")
    if height is None:
        height = auto_height(G, width, dpi)
        if height > MAX_AUTO_HEIGHT:
            raise InputError(
                f"too many nodes for a legible picture: {G.number_of_nodes()} nodes need {height} px of height "
                f"(limit {MAX_AUTO_HEIGHT}); narrow the network with --area, --substance-class, --min-level or "
                "--polarity, give --height (labels shrink), or write .html or .graphml instead"
            )
    height = int(height)
    fig, ax = _new_figure(width, height, dpi)
    margin = _px(10, dpi)
    v = VIEWS.get(G.graph.get("view", ""))
    projection = bool(v and v.projection)
    legend_pt = 8.5
    top = _draw_titles(fig, ax, G, title, width, height, margin, dpi)
    if G.number_of_edges() == 0:
        ax.text(
            width / 2,
            height / 2,
            "No claims match these filters.",
            ha="center",
            va="center",
            fontsize=12,
            color="#666666",
        )
        return fig
    if projection:
        maxw = int(max([d.get("weight", 1) for _, _, d in G.edges(data=True)] + [1]))
        steps = sorted({1, (1 + maxw) // 2, maxw})
        blocks = [
            (
                "Line width: number of shared indications (node colour: community)",
                [Line2D([], [], color="#3a6ea5", lw=0.6 + 2.6 * (k - 1) / max(maxw - 1, 1)) for k in steps],
                [str(k) for k in steps],
            )
        ]
    else:
        kinds = [
            k
            for k in KIND_ORDER
            if any(d.get("kind") == k and d.get("role") == "subject" for _, d in G.nodes(data=True))
        ]
        kh = [Line2D([], [], marker="o", linestyle="", color=KIND_COLOURS[k], markersize=7) for k in kinds]
        blocks = _edge_blocks(G) + [("Left column: kind", kh, [KIND_HEADINGS[k] for k in kinds])]
    bottom = _legends(fig, blocks, width, margin, legend_pt, dpi) + _px(18, dpi)
    if projection:
        size = LABEL_PT
        n = G.number_of_nodes()
        r_guess = max(min(width, top - bottom) / 2 - width * 0.15, 40)
        size = max(MIN_LABEL_PT, min(LABEL_PT, 2 * math.pi * r_guess / max(n, 1) / _px(1, dpi) / LINE))
        _projection(fig, ax, G, top, bottom, width, margin, dpi, size)
    else:
        slots = layered_layout(G).max_slots()
        spacing = (top - bottom) / max(slots - 1, 1)
        size = max(MIN_LABEL_PT, min(LABEL_PT, spacing / _px(1, dpi) / LINE))
        _bipartite(fig, ax, G, top - _px(size, dpi) * 0.6, bottom + _px(size, dpi) * 0.6, width, margin, dpi, size)
    return fig


def render(
    G: nx.Graph,
    fmt: str = "png",
    width: int | None = None,
    height: int | None = None,
    dpi: float = DEFAULT_DPI,
    title: str | None = None,
    compact: bool = True,
) -> bytes:
    """The picture as PNG or SVG bytes.

    With ``compact``, the PNG is stored with a 256-colour palette (a chart has few colours; the file
    shrinks about fivefold and looks the same).
    """
    if fmt not in ("png", "svg"):
        raise InputError(f"unknown picture format {fmt!r}: use png or svg")
    fig = figure(G, width, height, dpi, title)
    buf = io.BytesIO()
    meta = {"Title": _title_lines(G, title)[0]}
    fig.savefig(buf, format=fmt, dpi=dpi, facecolor="white", metadata=meta)
    from PIL import Image, PngImagePlugin

    w, h = fig.canvas.get_width_height()
    if fmt != "png" or not compact or w * h > (Image.MAX_IMAGE_PIXELS or 0):
        return buf.getvalue()  # never re-open a picture PIL would refuse as a decompression bomb

    img = Image.open(io.BytesIO(buf.getvalue()))
    info = PngImagePlugin.PngInfo()
    for k, v in img.text.items():
        info.add_text(k, v)
    out = io.BytesIO()
    img.convert("RGB").quantize(256, method=Image.Quantize.FASTOCTREE).save(out, "png", optimize=True, pnginfo=info)
    return out.getvalue()


def label_overlaps(fig: Figure) -> list[tuple[str, str]]:
    """Pairs of node labels whose boxes overlap (for checking a layout; empty is good)."""
    renderer = fig.canvas.get_renderer()
    boxes = []
    for ax in fig.axes:
        for t in ax.texts:
            if t.get_gid() == LABEL_GID:
                boxes.append((t.get_text(), t.get_window_extent(renderer)))
    boxes.sort(key=lambda tb: tb[1].y0)
    hits = []
    for i, (ta, a) in enumerate(boxes):
        for tb, b in boxes[i + 1 :]:
            if b.y0 >= a.y1:
                break
            if a.overlaps(b) and min(a.x1, b.x1) - max(a.x0, b.x0) > 0.5 and min(a.y1, b.y1) - max(a.y0, b.y0) > 0.5:
                hits.append((ta, tb))
    return hits
