"""``mesokg evidence SUBJECT INDICATION`` and ``mesokg map --out FILE`` (issue 10)."""

from __future__ import annotations

import sys

import click

from mesokg.cli.options import store_options


def _write(text: str) -> None:
    stream = getattr(sys.stdout, "buffer", None)
    data = text if text.endswith("\n") else text + "\n"
    if stream is None:
        click.echo(data, nl=False)
        return
    sys.stdout.flush()
    stream.write(data.encode("utf-8"))
    stream.flush()


@click.command("evidence")
@click.argument("subject")
@click.argument("indication")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "md", "json", "csv"]),
    default="table",
    show_default=True,
    help="Summary as a terminal table, markdown, JSON or CSV (one row per claim and adverse event).",
)
@store_options
def evidence_cmd(subject, indication, fmt, store_path, endpoint):
    """Summary of findings for SUBJECT (substance, formulation, procedure) and INDICATION.

    Both take a label or synonym, a short id, a CURIE or an IRI. The indication's narrower forms,
    the formulations containing the subject and its named variants are included and marked.
    Certainty follows GRADE-style rules (see mesokg/evidence/grade.py); usage-only claims and
    adverse events are listed apart and never raise it.

    \b
    mesokg evidence minoxidil "hair loss"
    mesokg evidence mesotherapy "musculoskeletal pain" --format json
    """
    from mesokg.cli.options import open_from_options
    from mesokg.evidence.formats import render
    from mesokg.evidence.summary import summarize

    store = open_from_options(store_path, endpoint)
    try:
        out = render(summarize(store, subject, indication), fmt)
    finally:
        store.close()
    _write(out)


@click.command("map")
@click.option("--out", "out", required=True, metavar="FILE", help="Output file: .png, .svg, .html or .csv.")
@click.option(
    "--area", multiple=True, metavar="AREA", help="Keep indications of this area (hair, skin, ...); repeatable."
)
@click.option(
    "--substance-class",
    "substance_class",
    multiple=True,
    metavar="CLASS",
    help="Keep rows of this class or its subclasses (vitamin, drug, procedure, ...); repeatable.",
)
@click.option(
    "--min-level", metavar="LEVEL", help="Keep cells whose efficacy evidence reaches this CEBM level (1a ... 5)."
)
@click.option(
    "--title", default="Evidence and gap map of mesotherapy", show_default=True, help="Title of the picture or page."
)
@store_options
def map_cmd(out, area, substance_class, min_level, title, store_path, endpoint):
    """Evidence and gap map: interventions x indications, coloured by the best efficacy level.

    \b
    mesokg map --out map.html      # hover a cell for its claims, click for the summary of findings
    mesokg map --out map.png --area hair --min-level 4
    """
    from mesokg.cli.options import open_from_options
    from mesokg.evidence import mapfiles
    from mesokg.evidence.gapmap import build_map

    mapfiles.format_for(out)  # a bad suffix fails before the graph is loaded
    store = open_from_options(store_path, endpoint)
    try:
        gm = build_map(
            store,
            areas=area,
            substance_classes=substance_class,
            min_level=min_level,
            too_big=lambda rows, columns, at_least: mapfiles.check_size(out, rows, columns, at_least),
        )
    finally:
        store.close()
    fmt = mapfiles.write(gm, out, title)
    click.echo(
        f"wrote {out} ({fmt}): {len(gm.rows)} rows x {len(gm.columns)} indications, "
        f"{len(gm.cells)} cells with claims; {gm.filters}",
        err=True,
    )
