"""``mesokg queries`` and ``mesokg query``: list and run saved queries, query files and query strings.

Only click is imported at module level; pyoxigraph, rich and the store load when a command runs.
"""

from __future__ import annotations

import click

from mesokg.cli.options import store_options
from mesokg.query.run import FORMATS


@click.command("queries")
@click.argument("name", required=False)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "md", "json"]),
    default="table",
    show_default=True,
    help="How to print the list.",
)
def queries_cmd(name, fmt):
    """List the saved queries (name, title, parameters), or describe the one called NAME."""
    from mesokg.query.saved import get_saved, list_saved

    saved = [get_saved(name)] if name else list_saved()
    if fmt == "json":
        import json

        click.echo(json.dumps([q.describe() for q in saved], indent=2, ensure_ascii=False))
        return
    if name:
        click.echo(_details(saved[0]), nl=False)
        return
    rows = [(q.name, q.title, ", ".join(p.usage() for p in q.params) or "-") for q in saved]
    if fmt == "md":
        lines = ["| name | title | parameters |", "| --- | --- | --- |"]
        lines += ["| " + " | ".join(c.replace("|", "\\|") for c in r) + " |" for r in rows]
        click.echo("\n".join(lines))
        return
    from rich.console import Console
    from rich.table import Table

    from mesokg.query.saved import table_width

    table = Table(
        title=f"{len(saved)} saved queries: mesokg query NAME [--param name=value ...]",
        title_justify="left",
        header_style="bold",
    )
    table.add_column("name", no_wrap=True)
    table.add_column("title", overflow="fold")
    table.add_column("parameters", overflow="fold")
    for r in rows:
        table.add_row(*r)
    Console(highlight=False, width=table_width()).print(table)


def _details(q) -> str:
    lines = [f"{q.name}: {q.title}", "", q.description, ""]
    if q.params:
        lines.append("parameters (--param name=value):")
        for p in q.params:
            kind = "one of " + ", ".join(p.allowed) if p.type == "enum" else p.type
            default = f"; default {p.default}" if p.default is not None else ""
            lines.append(f"  {p.name} ({kind}{default}): {p.help}")
    else:
        lines.append("parameters: none")
    lines += [f"columns: {', '.join(q.columns)}", f"keywords: {', '.join(q.keywords)}"]
    if q.path:
        lines.append(f"file: {q.path}")
    return "\n".join(lines) + "\n"


@click.command("query")
@click.argument("query", required=False)
@click.option(
    "--param",
    "-p",
    "params",
    multiple=True,
    metavar="NAME=VALUE",
    help="A parameter of the saved query (repeatable), e.g. indication=androgenetic-alopecia.",
)
@click.option(
    "--file",
    "-f",
    "file",
    type=click.Path(dir_okay=False),
    default=None,
    help="Run the query in FILE (a header of '# param:' lines declares its parameters).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="table",
    show_default=True,
    help="table, md, a W3C results format (csv, tsv, json, xml) or csv-plain / tsv-plain for spreadsheets "
    "(plain values, IRIs as CURIEs); graphs: turtle, jsonld, nt.",
)
@click.option(
    "--limit",
    type=click.IntRange(min=0),
    default=None,
    metavar="N",
    help="Print only the first N rows (the query itself is unchanged).",
)
@click.option(
    "--columns",
    metavar="A,B,...",
    default=None,
    help="Show only these columns, in this order (names as in the header).",
)
@store_options
def query_cmd(query, params, file, fmt, limit, columns, store_path, endpoint):
    """Run QUERY: a saved query's name (see `mesokg queries`), a SPARQL query string or a .rq file.

    \b
    mesokg query substances-for-indication --param indication=androgenetic-alopecia
    mesokg query evidence-for-pair -p subject=dutasteride -p indication=female-pattern-hair-loss --format csv
    mesokg query --file my-query.rq
    mesokg query 'SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }' --format json
    """
    from mesokg.query.run import answer, write_stdout

    write_stdout(answer(query, params, file, fmt, limit, store_path, endpoint, columns=columns))
