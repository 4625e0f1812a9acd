"""The evidence and gap map (mesokg map): cells agree with the summaries, files in every format,
legible pictures (no overlapping text, also at ten times the rows), an offline page in Chromium."""

from __future__ import annotations

import copy
import csv
import io
import xml.etree.ElementTree as ET
from urllib.parse import urlparse

import pytest

from mesokg.errors import InputError
from mesokg.evidence import mapdraw, mapfiles
from mesokg.evidence.gapmap import build_map
from mesokg.evidence.scale import LEVEL_COLOURS, LEVELS, text_colour
from mesokg.evidence.summary import summarize


@pytest.fixture(scope="module")
def gm(memory_store):
    return build_map(memory_store)


def overlaps(fig) -> list[tuple[str, str]]:
    boxes = sorted(mapdraw.text_boxes(fig), key=lambda tb: tb[1][1])  # sweep over y
    bad = []
    for i, (ta, a) in enumerate(boxes):
        for tb, b in boxes[i + 1 :]:
            if b[1] >= a[3] - 0.5:
                break
            if a[0] < b[2] - 0.5 and b[0] < a[2] - 0.5:
                bad.append((ta, tb))
    return bad


def test_scale_is_ordered_and_darker_for_stronger_levels():
    assert LEVELS == ("1a", "1b", "1c", "2a", "2b", "2c", "3a", "3b", "4", "5")

    def luminance(h):
        r, g, b = (int(h[i : i + 2], 16) / 255 for i in (1, 3, 5))
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    lum = [luminance(LEVEL_COLOURS[k]) for k in LEVELS]
    assert lum == sorted(lum) and len(set(lum)) == len(lum)
    assert text_colour(LEVEL_COLOURS["1a"]) == "#ffffff" and text_colour(LEVEL_COLOURS["5"]) == "#000000"


def test_cells_are_the_summaries_of_their_pairs(memory_store, gm):
    assert gm.rows and gm.columns and gm.cells
    checked = 0
    for (r, c), cell in list(gm.cells.items())[::7]:
        s = summarize(memory_store, r, c)
        assert cell.summary.to_json() == s.to_json()
        checked += 1
    assert checked > 20


def test_rows_grouped_and_columns_by_area(gm):
    groups = [g for g, _ in gm.groups()]
    assert len(groups) == len(set(groups))  # each group once, contiguous
    areas = [a for a, _ in gm.areas()]
    assert len(areas) == len(set(areas))
    # an umbrella comes before its narrower forms
    labels = [c.label for c in gm.columns]
    assert (
        labels.index("hair loss (alopecia)")
        < labels.index("androgenetic alopecia")
        < labels.index("female pattern hair loss")
    )


def test_filters(memory_store, gm):
    hair = build_map(memory_store, areas=["hair"], substance_classes=["vitamin"], min_level="2b")
    assert {c.area for c in hair.columns} == {"hair"}
    assert hair.rows and all(r.group == "vitamin" for r in hair.rows)
    for cell in hair.cells.values():
        assert cell.summary.claims and all(c["rank"] <= 5 for c in cell.summary.claims)
        assert not cell.summary.usage
    assert "hair" in hair.filters and "2b" in hair.filters
    with pytest.raises(InputError, match="unknown evidence level"):
        build_map(memory_store, min_level="7z")


def test_png_has_no_overlapping_text(gm):
    fig = mapdraw.draw(gm)
    assert overlaps(fig) == []
    w, h = fig.get_size_inches()
    assert w * 100 < 6000 and h > len(gm.rows) * mapdraw.CELL_H


def test_ten_times_the_rows_stay_legible(memory_store):
    gm = build_map(memory_store, areas=["hair"])  # the hair columns keep the test quick on a shared machine
    big = copy.copy(gm)
    big.rows = []
    big.cells = dict(gm.cells)
    for k in range(10):
        for r in gm.rows:
            clone = copy.copy(r)
            clone.iri = f"{r.iri}-copy{k}"
            clone.label = f"{r.label} {k}"
            big.rows.append(clone)
            for c in gm.columns:
                if (r.iri, c.iri) in gm.cells:
                    big.cells[(clone.iri, c.iri)] = gm.cells[(r.iri, c.iri)]
    big.rows.sort(key=lambda r: r.group)
    fig = mapdraw.draw(big)
    fonts = {t.get_fontsize() for ax in fig.axes for t in ax.texts}
    assert min(fonts) >= 5  # the text does not shrink: the picture grows
    assert fig.get_size_inches()[1] > len(big.rows) * mapdraw.CELL_H  # one fixed-height line per row
    assert overlaps(fig) == []


@pytest.mark.parametrize("suffix", ["png", "svg", "csv", "html"])
def test_write_each_format(gm, tmp_path, suffix):
    out = tmp_path / f"map.{suffix}"
    assert mapfiles.write(gm, out) == suffix
    data = out.read_bytes()
    if suffix == "png":
        assert data[:8] == b"\x89PNG\r\n\x1a\n"
    elif suffix == "svg":
        ET.fromstring(data)
    elif suffix == "csv":
        rows = list(csv.DictReader(io.StringIO(data.decode())))
        assert len(rows) == len(gm.cells)
        assert {r["best_level"] for r in rows} <= set(LEVELS) | {""}
    else:
        text = data.decode()
        assert "<script src" not in text and "http://" not in text.replace("http://www.w3.org", "")
    with pytest.raises(InputError, match="unknown map format"):
        mapfiles.format_for(tmp_path / "map.jpg")


def test_page_in_chromium(browser, gm, tmp_path):
    path = tmp_path / "map.html"
    mapfiles.write(gm, path)
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    pg = context.new_page()
    outside, errors = [], []

    def route(r):
        url = r.request.url
        if url.startswith(("file:", "data:")) or urlparse(url).hostname == "127.0.0.1":
            r.continue_()
        else:
            outside.append(url)
            r.abort()

    pg.route("**/*", route)
    pg.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.goto(path.as_uri())
    pg.wait_for_selector("body[data-ready='1']", timeout=15000)
    assert pg.locator("td.cell[data-key]").count() == len(gm.cells)
    assert pg.locator("#legend .key").first.inner_text() == "1a"  # legend in level order
    key = "mesotherapy|musculoskeletal-pain"
    pg.hover(f"td[data-key='{key}']")
    assert "mesotherapy" in pg.inner_text("#tip")
    pg.click(f"td[data-key='{key}']")
    text = pg.inner_text("#panel-body")
    cell = gm.cell("https://w3id.org/mesokg/id/mesotherapy", "https://w3id.org/mesokg/id/musculoskeletal-pain")
    assert "Summary of findings: mesotherapy" in text and cell.summary.certainty.upper() in text
    assert outside == [] and errors == [], (outside, errors)
    context.close()


@pytest.mark.parametrize("suffix", ["png", "svg", "html"])
def test_a_map_too_big_to_read_is_refused_in_one_line(gm, tmp_path, monkeypatch, suffix):
    """Issue 14: at 10 copies of the seeds an unfiltered picture is refused, not drawn for minutes."""
    cells = len(gm.rows) * len(gm.columns)
    monkeypatch.setattr(mapfiles, "MAX_PICTURE_CELLS", cells - 1)
    monkeypatch.setattr(mapfiles, "MAX_PAGE_CELLS", cells - 1)
    out = tmp_path / f"map.{suffix}"
    with pytest.raises(InputError) as e:
        mapfiles.write(gm, out)
    assert "\n" not in str(e.value) and "--area" in str(e.value) and f"{cells:,} cells" in str(e.value)
    assert not out.exists()
    assert mapfiles.write(gm, tmp_path / "map.csv") == "csv"  # the table is never refused


def test_the_seed_map_fits_the_picture_limit(gm):
    assert len(gm.rows) * len(gm.columns) <= mapfiles.MAX_PICTURE_CELLS


@pytest.mark.parametrize("min_level", [None, "2b"])
def test_the_size_is_known_before_cells_are_summarised(memory_store, min_level):
    """A too-big map is refused before the costly summaries (109 s at 100 copies without this)."""
    seen = []
    built = build_map(memory_store, min_level=min_level, too_big=lambda *size: seen.append(size))
    assert seen[-1] == (len(built.rows), len(built.columns), False)
    if min_level is None:  # first a lower bound, before the claims are read
        assert len(seen) == 2 and 0 < seen[0][0] <= len(built.rows) and seen[0][1:] == (len(built.columns), True)

    def refuse(rows, cols, at_least):
        raise InputError("too big")

    with pytest.raises(InputError, match="too big"):
        build_map(memory_store, too_big=refuse)
