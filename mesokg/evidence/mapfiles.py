"""Writing the gap map: ``.png``, ``.svg`` (matplotlib), ``.html`` (one offline file) and ``.csv``."""

from __future__ import annotations

import csv
import html
import io
import json
import re
from pathlib import Path

from mesokg.errors import InputError

from .scale import scale_json

STATIC = Path(__file__).resolve().with_name("static")
FORMATS = ("png", "svg", "html", "csv")
CSV_COLUMNS = (
    "group",
    "subject",
    "subject_label",
    "area",
    "indication",
    "indication_label",
    "sources",
    "claims",
    "usage_claims",
    "best_level",
    "certainty",
    "direction",
    "conflict",
    "adverse_events",
)


def format_for(path: str | Path) -> str:
    ext = Path(path).suffix.lower().lstrip(".")
    if ext == "htm":
        ext = "html"
    if ext not in FORMATS:
        raise InputError(f"{path}: unknown map format {ext or '(none)'!r}: use .png, .svg, .html or .csv")
    return ext


def to_csv(gm) -> bytes:
    """One row per non-empty cell (gaps are the pairs not listed)."""
    buf = io.StringIO()
    w = csv.DictWriter(buf, CSV_COLUMNS, lineterminator="\n")
    w.writeheader()
    cols = {c.iri: c for c in gm.columns}
    for r in gm.rows:
        for c_iri, col in cols.items():
            cell = gm.cell(r.iri, c_iri)
            if cell is None:
                continue
            b = cell.brief()
            s = cell.summary
            w.writerow(
                {
                    "group": r.group,
                    "subject": s.subject["id"],
                    "subject_label": r.label,
                    "area": col.area_label,
                    "indication": s.indication["id"],
                    "indication_label": col.label,
                    "sources": b["sources"],
                    "claims": b["claims"],
                    "usage_claims": b["usage"],
                    "best_level": b["best_level"] or "",
                    "certainty": b["certainty"],
                    "direction": b["direction"],
                    "conflict": "yes" if b["conflict"] else "",
                    "adverse_events": r.harms,
                }
            )
    return buf.getvalue().encode("utf-8")


def page_data(gm, title: str) -> dict:
    """Everything the page needs, each claim once (cells refer to claims by id)."""
    claims: dict[str, dict] = {}
    cells: dict[str, dict] = {}
    adverse: dict[str, list] = {}
    for cell in gm.cells.values():
        j = cell.summary.to_json()
        for c in j["claims"] + j["usage"]:
            claims.setdefault(c["claim"], c)
        subject_id = j["subject"]["id"]
        adverse.setdefault(subject_id, j["adverse_events"])
        cells[f"{subject_id}|{j['indication']['id']}"] = {
            **{k: v for k, v in j.items() if k not in ("claims", "usage", "adverse_events")},
            "best_level_against": cell.summary.best_level_against,
            "claims": [c["claim"] for c in j["claims"]],
            "usage": [c["claim"] for c in j["usage"]],
        }
    short = {r.iri: None for r in gm.rows}
    for (r_iri, _c), cell in gm.cells.items():
        short[r_iri] = cell.summary.subject["id"]
    col_ids = {}
    for (_r, c_iri), cell in gm.cells.items():
        col_ids[c_iri] = cell.summary.indication["id"]
    from .summary import _short

    return {
        "title": title,
        "filters": gm.filters,
        "scale": scale_json(),
        "rows": [
            {"id": short[r.iri] or _short(r.iri), "label": r.label, "group": r.group, "harms": r.harms} for r in gm.rows
        ],
        "columns": [
            {"id": col_ids.get(c.iri) or _short(c.iri), "label": c.label, "area_label": c.area_label, "depth": c.depth}
            for c in gm.columns
        ],
        "cells": cells,
        "claims": claims,
        "adverse": adverse,
    }


def _script_safe(text: str) -> str:
    """Text that cannot end the ``<script>`` element it is inlined in."""
    return re.sub(r"</(script)", r"<\\/\1", text, flags=re.I).replace("<!--", "<\\!--")


def to_html(gm, title: str = "Evidence and gap map") -> bytes:
    data = json.dumps(page_data(gm, title), ensure_ascii=False, separators=(",", ":"))
    css = (STATIC / "map.css").read_text(encoding="utf-8")
    js = (STATIC / "sof.js").read_text(encoding="utf-8") + "\n" + (STATIC / "map.js").read_text(encoding="utf-8")
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)} — mesokg</title>
<style>{css}</style></head>
<body>
<header><h1>{html.escape(title)}</h1>
<div id="legend"></div>
<div class="hint">Rows: substances, formulations and procedures by class; columns: indications by area (an umbrella counts its
narrower forms). Hover a cell for its claims and sources; click it (or Enter) for the summary of findings.</div></header>
<div id="wrap"><table id="map"></table></div>
<div id="tip" hidden></div>
<aside id="panel" hidden><button id="panel-close" type="button">close</button><div id="panel-body"></div></aside>
<script type="application/json" id="map-data">{_script_safe(data)}</script>
<script>{_script_safe(js)}</script>
</body></html>
"""
    return page.encode("utf-8")


def render(gm, fmt: str, title: str = "Evidence and gap map") -> bytes:
    if fmt in ("png", "svg"):
        from . import mapdraw

        return mapdraw.save(gm, "", fmt, title)
    if fmt == "html":
        return to_html(gm, title)
    if fmt == "csv":
        return to_csv(gm)
    raise InputError(f"unknown map format {fmt!r}: use {', '.join(FORMATS)}")


#: largest map drawn as a picture (rows x columns); beyond it a one-line refusal says how to narrow it
MAX_PICTURE_CELLS = 40_000
#: largest map written as an HTML page
MAX_PAGE_CELLS = 250_000


def write(gm, path: str | Path, title: str = "Evidence and gap map") -> str:
    """Write the map to ``path`` (format from the extension), atomically; returns the format.

    A picture (PNG/SVG) of more than :data:`MAX_PICTURE_CELLS` cells, or a page of more than
    :data:`MAX_PAGE_CELLS`, is refused in one line before anything is drawn (at 10 copies of the
    seeds an unfiltered map is 1,000 rows by 600 columns: minutes of drawing and gigabytes for a
    picture nobody can read); the CSV has no limit.
    """
    from mesokg.rdfio import write_atomic

    fmt = format_for(path)
    check_size(path, len(gm.rows), len(gm.columns))
    write_atomic(path, render(gm, fmt, title))
    return fmt


def cell_limit(path: str | Path) -> int | None:
    """The most cells a map written to ``path`` may have (None: no limit, as for CSV)."""
    return {"png": MAX_PICTURE_CELLS, "svg": MAX_PICTURE_CELLS, "html": MAX_PAGE_CELLS}.get(format_for(path))


def check_size(path: str | Path, rows: int, columns: int, at_least: bool = False) -> None:
    """Refuse, in one line with the way to narrow it, a map too big for ``path``'s format
    (``at_least``: ``rows`` is a lower bound)."""
    from mesokg.errors import InputError

    limit, cells = cell_limit(path), rows * columns
    if limit is not None and cells > limit:
        more = "at least " if at_least else ""
        raise InputError(
            f"{path}: the map has {more}{rows} rows x {columns} indications ({more}{cells:,} cells), "
            f"more than a {format_for(path)} can show legibly ({limit:,}); narrow it with --area, "
            "--substance-class or --min-level, or write a .csv"
        )
