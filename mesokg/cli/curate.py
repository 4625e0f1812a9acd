"""``mesokg curate``: template tables -> checked Turtle additions (or the empty templates)."""

from __future__ import annotations

import sys

import click


@click.command("curate")
@click.argument("tables", nargs=-1, type=click.Path())
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write the Turtle here (default: stdout).")
@click.option(
    "--into",
    "into",
    type=click.Path(file_okay=False),
    metavar="SEEDS",
    help="Also append the additions to the topic files in this folder (seeds/ of a checkout).",
)
@click.option(
    "--template",
    "template",
    is_flag=True,
    help="Write empty templates (claims.tsv, nodes.tsv, mesokg-curation.xlsx) instead.",
)
@click.option(
    "--dir", "folder", default=".", show_default=True, type=click.Path(file_okay=False), help="Folder for --template."
)
@click.option("--force", is_flag=True, help="With --template: overwrite existing templates.")
@click.option("--now", metavar="TIME", help="Curation time for rows without curated_on (default: now, UTC).")
def curate_cmd(tables, output, into, template, folder, force, now):
    """Turn CLAIMS.tsv [NODES.tsv] into Turtle that follows seeds/README.md.

    claims.tsv has one row per claim (subject, predicate, object, polarity, design, level, numbers,
    source, curator, summary); nodes.tsv adds new substances, indications, ... Names may be labels,
    synonyms, short ids or CURIEs; an empty level is derived from the design by the rubric. The
    result is validated with the shipped graph: every problem is one line `file:row:column` with the
    fix, and nothing is written unless there is none. `.xlsx` workbooks from --template are read too.
    """
    from mesokg.curation import curate, into_seeds, write_templates
    from mesokg.curation.table import table_kind
    from mesokg.errors import InputError
    from mesokg.rdfio import write_atomic

    if template:
        for p in write_templates(folder, force=force):
            click.echo(f"wrote {p}")
        return
    if not tables:
        raise InputError("give claims.tsv (and nodes.tsv), or --template to write empty ones")
    claims = nodes = None
    for t in tables:
        kind = "claims" if str(t).lower().endswith(".xlsx") else table_kind(t)
        if kind == "nodes" and nodes is None:
            nodes = t
        elif kind == "claims" and claims is None:
            claims = t
        elif str(t).lower().endswith(".xlsx") and nodes is None:
            nodes = t
        else:
            raise InputError(
                f"{t}: not a claims or nodes table (its header needs subject, predicate, object "
                "or type, label), or a second table of the same kind"
            )
    if str(claims or "").lower().endswith(".xlsx") and nodes is None:
        nodes = claims  # a workbook holds both sheets
    result = curate(claims, nodes, now=now)
    for p in result.problems.sorted():
        click.echo(str(p), err=True)
    text = result.turtle()
    if output:
        write_atomic(output, text.encode())
    elif not into:
        sys.stdout.write(text)
    claims_n = sum(b.kind == "claim" for b in result.blocks)
    others = len(result.blocks) - claims_n
    summary = f"{claims_n} claim(s) and {others} other node(s)"
    if into:
        counts = into_seeds(result, into)
        summary += " filed into " + ", ".join(f"{p.name} ({n})" for p, n in sorted(counts.items()))
    click.echo(
        f"curated {summary}; checked with the shipped graph: no errors, "
        f"{len(result.problems.warnings)} warning(s)" + (f"; wrote {output}" if output else ""),
        err=True,
    )
