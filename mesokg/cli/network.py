"""``mesokg network``: build a network view, print its statistics, write pictures and files.

Only click is imported at module level; the network libraries load when the command runs.
"""

from __future__ import annotations

import click

from mesokg.cli.options import store_options

VIEW_NAMES = (
    "substance-indication",
    "substance-adverse-event",
    "substance-mechanism",
    "technique-indication",
    "projection",
)


@click.command("network")
@click.option(
    "--view",
    default="substance-indication",
    show_default=True,
    metavar="VIEW",
    help="One of: " + ", ".join(VIEW_NAMES) + ".",
)
@click.option(
    "--area",
    multiple=True,
    metavar="AREA",
    help="Keep indications of this area (e.g. hair, skin, body-fat); repeatable.",
)
@click.option(
    "--substance-class",
    "substance_class",
    multiple=True,
    metavar="CLASS",
    help="Keep subjects of this class or its subclasses (e.g. vitamin, plant-extract, procedure); repeatable.",
)
@click.option(
    "--min-level",
    metavar="LEVEL",
    help="Keep edges whose best evidence is this CEBM level or better (1a 1b 1c 2a 2b 2c 3a 3b 4 5).",
)
@click.option(
    "--polarity",
    metavar="POLARITY",
    help="Keep edges with this aggregate polarity: supports, refutes, mixed, conflicting, insufficient.",
)
@click.option("--stats", "show_stats", is_flag=True, help="Print statistics (the default when no --out is given).")
@click.option(
    "--format",
    "fmt",
    default="table",
    show_default=True,
    metavar="table|csv",
    help="Format of --stats: a table of the top nodes, or CSV of every node.",
)
@click.option("--top", default=10, show_default=True, type=click.IntRange(1), help="Rows per table in --stats.")
@click.option(
    "--out",
    "outs",
    multiple=True,
    metavar="FILE",
    help="Write the network; format by suffix: .png .svg .html .graphml .gexf .json .csv. Repeatable.",
)
@click.option("--width", type=click.IntRange(200, 20000), default=None, help="Picture width in pixels [1600].")
@click.option(
    "--height",
    type=click.IntRange(200, 20000),
    default=None,
    help="Picture height in pixels [as tall as the labels need].",
)
@click.option("--dpi", type=click.IntRange(20, 1200), default=100, show_default=True, help="Picture resolution.")
@click.option("--title", default=None, help="Replace the title of pictures and pages.")
@store_options
def network_cmd(
    view,
    area,
    substance_class,
    min_level,
    polarity,
    show_stats,
    fmt,
    top,
    outs,
    width,
    height,
    dpi,
    title,
    store_path,
    endpoint,
):
    """Networks of substances, procedures and techniques with indications, adverse events or mechanisms.

    Edges join a subject and an object with at least one claim; they carry the best evidence level,
    the aggregate polarity (supports, refutes, mixed, conflicting), the number of claims and of
    distinct sources. `projection` links substances that share indications.

    \b
    Examples:
      mesokg network --stats
      mesokg network --area hair --min-level 2b --out hair.png --out hair.html
      mesokg network --view projection --out substances.graphml
    """
    from mesokg.cli.options import open_from_options
    from mesokg.errors import InputError
    from mesokg.network.export import format_for, write
    from mesokg.network.model import build_network, get_view, make_filters, vocabulary

    v = get_view(view)
    if fmt not in ("table", "csv"):
        raise InputError(f"unknown --format {fmt!r}: use table or csv")
    formats = [format_for(p) for p in outs]  # fail on a bad suffix before any work
    store = open_from_options(store_path, endpoint)
    vocab = vocabulary(store)
    filters = make_filters(vocab, v, area=area, substance_class=substance_class, min_level=min_level, polarity=polarity)
    G = build_network(store, v, filters, vocab=vocab)
    for path, f in zip(outs, formats, strict=True):
        write(G, path, width=width, height=height, dpi=dpi, title=title)
        click.echo(f"wrote {path} ({f}: {G.number_of_nodes()} nodes, {G.number_of_edges()} edges)", err=True)
    if show_stats or not outs:
        if fmt == "csv":
            click.echo(stats_csv(G), nl=False)
        else:
            print_stats(G, top)


def stats_csv(G) -> str:
    """Every node with its statistics, as CSV (most connected first)."""
    import csv
    import io

    from mesokg.network.model import top_nodes

    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    cols = ["id", "label", "role", "kind", "category", "degree", "weighted_degree", "betweenness", "community"]
    w.writerow(cols)
    for n, d in top_nodes(G, None, len(G)):
        w.writerow([n, *(d.get(c, "") for c in cols[1:])])
    return buf.getvalue()


def print_stats(G, top: int = 10) -> None:
    """Summary line, most connected subjects and objects, and communities, as tables."""
    from rich.console import Console
    from rich.table import Table

    from mesokg.network.model import VIEWS, communities, summary, top_nodes

    con = Console(highlight=False)
    s = summary(G)
    v = VIEWS[s["view"]]
    con.print(f"[bold]{v.title}[/bold]")
    con.print(
        f"filters: {s['filters'] or 'none'}; {s['nodes']} nodes ({s['subjects']} subjects, "
        f"{s['objects']} objects), {s['edges']} edges, {s['components']} connected components, "
        f"{s['communities']} communities, density {s['density']}"
    )
    groups = [("subject", f"Most connected {v.subjects}")]
    if not v.projection:
        groups.append(("object", f"Most connected {v.objects}"))
    for role, caption in groups:
        t = Table(title=caption, title_justify="left")
        for col, just in (
            ("#", "right"),
            ("label", "left"),
            ("category", "left"),
            ("degree", "right"),
            ("evidence-weighted" if not v.projection else "weighted", "right"),
            ("betweenness", "right"),
            ("community", "right"),
        ):
            t.add_column(col, justify=just)
        for i, (_, d) in enumerate(top_nodes(G, role, top), 1):
            t.add_row(
                str(i),
                d["label"],
                d.get("category", ""),
                str(d["degree"]),
                f"{d['weighted_degree']:g}",
                f"{d['betweenness']:.3f}",
                str(d["community"]),
            )
        con.print(t)
    comms = communities(G)
    t = Table(title="Communities (greedy modularity)", title_justify="left")
    t.add_column("#", justify="right")
    t.add_column("size", justify="right")
    t.add_column("members (most connected first)")
    for i, c in enumerate(comms[:top]):
        members = sorted(c, key=lambda n: (-G.nodes[n].get("degree", 0), G.nodes[n]["label"].lower()))
        names = ", ".join(G.nodes[n]["label"] for n in members[:8]) + (" …" if len(members) > 8 else "")
        t.add_row(str(i), str(len(c)), names)
    con.print(t)
