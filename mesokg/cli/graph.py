"""The graph-management commands: build, validate, reason, export, stats, load, push.

Thin wrappers: they parse options, call library functions and print. Heavy imports happen
inside each command.
"""

from __future__ import annotations

import sys

import click

from mesokg.cli.options import hermit_heap_option, input_options, seed_files, store_options, use_hermit_heap


def _console(err: bool = False):
    from rich.console import Console

    return Console(stderr=err, highlight=False)


@click.command("build")
@click.option(
    "--out", default="dist", show_default=True, type=click.Path(file_okay=False), help="Folder for the release files."
)
@click.option("--use-cache", is_flag=True, help="Reuse cached inferences when the inputs are unchanged.")
@click.option("--quiet", "-q", is_flag=True, help="Print only the summary line.")
@hermit_heap_option
@input_options
def build_cmd(out, use_cache, quiet, hermit_heap, files, seeds_dir):
    """Build the graph (shipped seeds, or --seeds DIR, plus FILES): load, reason (HermiT),
    validate, and write release files with a manifest."""
    from mesokg.knowledge.build import build

    use_hermit_heap(hermit_heap)
    inputs = {"extra_files": files, "seeds": seed_files(seeds_dir)}
    err = _console(err=True)
    if quiet:
        result = build(out, use_cache=use_cache, **inputs)
    else:
        with err.status("building") as status:
            result = build(out, use_cache=use_cache, progress=lambda m: status.update(m), **inputs)
    m = result.manifest
    if not quiet:
        from rich.table import Table

        table = Table(title=f"mesokg {m['version']} release in {out}/", title_justify="left")
        for col in ("file", "statements", "bytes", "sha256"):
            table.add_column(col, justify="right" if col in ("statements", "bytes") else "left")
        for name, f in m["files"].items():
            table.add_row(name, str(f.get("statements", "")), str(f["bytes"]), f["sha256"][:16] + "…")
        _console().print(table)
    c = m["counts"]
    t = result.timings
    click.echo(
        f"built {c['total']} statements ({c['curated']} curated, {c['ontology']} ontology, "
        f"{c['mappings']} mappings, {c['inferred']} inferred) in {t['total']:.1f} s "
        f"[reasoning and validation in parallel {t['reason']:.1f} s, writing {t['write']:.1f} s]"
    )


@click.command("validate")
@input_options
@click.option(
    "--report",
    "report_path",
    type=click.Path(dir_okay=False),
    help="Also write the machine-readable SHACL report (Turtle) to FILE.",
)
@click.option("--no-warnings", is_flag=True, help="List violations only.")
@click.option("--all", "show_all", is_flag=True, help="With FILES: also list the shipped graph's own problems.")
def validate_cmd(files, seeds_dir, report_path, no_warnings, show_all):
    """Validate the shipped graph (or --seeds DIR), plus FILES if given, against the shapes and
    curation checks.

    With FILES (Turtle, or claims.tsv / nodes.tsv), each problem of those files is one line
    `file:line: node property: rule and fix` (`file:row:column` for tables); the shipped graph's
    own warnings only with --all. Exit status 1 when it does not conform,
    2 when a file cannot be parsed.
    """
    from mesokg.knowledge.assemble import curated_quads
    from mesokg.knowledge.build import validate_quads
    from mesokg.rdfio import write_atomic

    if files and seeds_dir is None:
        from mesokg.curation import check_files

        problems, hidden, report = check_files(files, show_all=show_all)
        for p in problems.sorted():
            if p.severity == "error" or not no_warnings:
                click.echo(str(p))
        verdict = "does NOT validate" if problems.errors else "validates"
        more = f"; {hidden} result(s) of the shipped graph not shown (--all shows them)" if hidden else ""
        click.echo(
            f"{', '.join(files)}: {verdict}: {len(problems.errors)} error(s), {len(problems.warnings)} warning(s){more}"
        )
        if report_path and report is not None:
            write_atomic(report_path, report.report_graph.serialize(format="turtle").encode())
        if problems.errors:
            sys.exit(1)
        return
    report, failures = validate_quads(curated_quads(extra_files=files, seeds=seed_files(seeds_dir)))
    click.echo(report.text(warnings=not no_warnings))
    if failures:
        click.echo("")
        click.echo(f"curation checks: {len(failures)} failure(s)")
        by_check: dict[str, list] = {}
        for f in failures:
            by_check.setdefault(f.check, []).append(f)
        for name, fs in by_check.items():
            click.echo(f"  {name}: {fs[0].title} — fix: {fs[0].fix}")
            for f in fs:
                click.echo(f"    {f.node}: {f.problem}")
    else:
        click.echo("curation checks: all passed")
    if report_path:
        write_atomic(report_path, report.report_graph.serialize(format="turtle").encode())
    if not report.conforms or failures:
        sys.exit(1)


@click.command("reason")
@click.option("--limit", default=50, show_default=True, help="How many inferred statements to list.")
@hermit_heap_option
@input_options
def reason_cmd(limit, hermit_heap, files, seeds_dir):
    """Run HermiT on the shipped graph (or --seeds DIR) plus FILES: report consistency and
    unsatisfiable classes, list what was inferred."""
    from mesokg.knowledge.assemble import curated_quads
    from mesokg.knowledge.reason import reason

    use_hermit_heap(hermit_heap)
    result = reason(curated_quads(extra_files=files, seeds=seed_files(seeds_dir)))
    click.echo(
        f"consistent: yes; unsatisfiable classes: none; {len(result.inferred)} inferred statements "
        f"in {result.seconds:.1f} s"
    )
    for kind, n in sorted(result.summary().items()):
        click.echo(f"  {kind}: {n}")
    from mesokg.query.results import term_python

    def short(t):
        v = str(term_python(t))
        return (
            v.replace("https://w3id.org/mesokg/id/", "mkd:")
            .replace("https://w3id.org/mesokg/", "mk:")
            .replace("http://www.w3.org/1999/02/22-rdf-syntax-ns#", "rdf:")
            .replace("http://www.w3.org/2000/01/rdf-schema#", "rdfs:")
        )

    for t in sorted(result.inferred, key=lambda t: (t.predicate.value, t.object.value, t.subject.value))[:limit]:
        click.echo(f"  {short(t.subject)} {short(t.predicate)} {short(t.object)}")
    if len(result.inferred) > limit:
        click.echo(f"  … {len(result.inferred) - limit} more (use --limit)")


@click.command("export")
@click.option(
    "--format",
    "fmt",
    default="turtle",
    show_default=True,
    help="turtle, nt, nq, trig, jsonld, xml (RDF/XML), or kgx (KGX TSV + JSON Lines with Biolink types, into the folder -o).",
)
@click.option("--output", "-o", type=click.Path(), help="File to write (default: stdout); for kgx, the folder.")
@click.option(
    "--graph",
    "which",
    default="curated",
    show_default=True,
    type=click.Choice(["curated", "inferred", "ontology", "full"]),
    help="curated = ontology + seeds + mappings; full adds the inferences.",
)
@store_options
def export_cmd(fmt, output, which, store_path, endpoint):
    """Write the graph in an RDF format (stdout by default)."""
    from mesokg.rdfio import (
        GRAPH_CURATED,
        GRAPH_INFERRED,
        GRAPH_MAPPINGS,
        GRAPH_ONTOLOGY,
        format_name,
        serialize,
        write_atomic,
    )

    kgx = fmt.lower() == "kgx"
    if kgx:
        if not output:
            from mesokg.errors import InputError

            raise InputError("--format kgx writes several files: give the folder with -o DIR")
        which = "full"  # KGX takes the inferred classes too
    else:
        fmt = format_name(fmt)
    graphs = {
        "curated": {GRAPH_ONTOLOGY, GRAPH_CURATED, GRAPH_MAPPINGS},
        "inferred": {GRAPH_INFERRED},
        "ontology": {GRAPH_ONTOLOGY},
        "full": {GRAPH_ONTOLOGY, GRAPH_CURATED, GRAPH_MAPPINGS, GRAPH_INFERRED},
    }[which]
    if store_path or endpoint:
        from mesokg.cli.options import open_from_options

        store = open_from_options(store_path, endpoint)
        quads = [q for g in graphs for q in store.quads(g)]
    else:
        from mesokg.knowledge.dataset import dataset_quads

        quads = [q for q in dataset_quads() if q.graph_name in graphs]
    if kgx:
        from mesokg.export.kgx import build_kgx, write_kgx

        n = write_kgx(build_kgx(quads), output)
        click.echo(f"wrote {n['nodes']} nodes and {n['edges']} edges to {output}/ (nodes/edges .tsv and .jsonl)")
        return
    data = serialize(quads, fmt)
    if output:
        write_atomic(output, data)
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()


STATS_QUERIES = {
    "class": """SELECT ?key (COUNT(DISTINCT ?s) AS ?n) WHERE {
        GRAPH ?g { ?s a ?key } FILTER(?g != <https://w3id.org/mesokg/graph/ontology>) } GROUP BY ?key ORDER BY DESC(?n) ?key""",
    "predicate": """SELECT ?key (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?key ?o }
        FILTER(?g != <https://w3id.org/mesokg/graph/ontology>) } GROUP BY ?key ORDER BY DESC(?n) ?key""",
    "evidence level": """PREFIX mk: <https://w3id.org/mesokg/>
        PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        SELECT ?key (COUNT(DISTINCT ?c) AS ?n) WHERE { ?c a mk:Claim ; mk:evidenceLevel ?l .
        ?l skos:notation ?key ; mk:rank ?r } GROUP BY ?key ?r ORDER BY ?r""",
    "polarity": """PREFIX mk: <https://w3id.org/mesokg/>
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        SELECT ?key (COUNT(DISTINCT ?c) AS ?n) WHERE { ?c a mk:Claim ; mk:polarity ?p . ?p rdfs:label ?key }
        GROUP BY ?key ORDER BY DESC(?n)""",
}


def compute_stats(store) -> dict[str, list[tuple[str, int]]]:
    """Counts per class and predicate (curated and inferred data), claims per level and polarity."""
    from mesokg.query.results import term_python

    out = {}
    for name, q in STATS_QUERIES.items():
        rows = store.query(q).rows
        out[name] = [(str(term_python(k)), int(n.value)) for k, n in rows]
    return out


@click.command("stats")
@click.option("--format", "fmt", default="table", type=click.Choice(["table", "json", "csv"]), show_default=True)
@store_options
def stats_cmd(fmt, store_path, endpoint):
    """Counts per class and predicate; claims per evidence level and polarity."""
    from mesokg.cli.options import open_from_options

    stats = compute_stats(open_from_options(store_path, endpoint))

    def short(v: str) -> str:
        for ns, p in (
            ("https://w3id.org/mesokg/id/", "mkd:"),
            ("https://w3id.org/mesokg/", "mk:"),
            ("http://www.w3.org/1999/02/22-rdf-syntax-ns#", "rdf:"),
            ("http://www.w3.org/2000/01/rdf-schema#", "rdfs:"),
            ("http://www.w3.org/2002/07/owl#", "owl:"),
            ("http://www.w3.org/2004/02/skos/core#", "skos:"),
        ):
            if v.startswith(ns):
                return p + v[len(ns) :]
        return v

    if fmt == "json":
        import json

        click.echo(json.dumps({k: {short(a): b for a, b in v} for k, v in stats.items()}, indent=2))
        return
    if fmt == "csv":
        click.echo("kind,key,count")
        for kind, rows in stats.items():
            for k, n in rows:
                click.echo(f"{kind},{short(k)},{n}")
        return
    from rich.table import Table

    con = _console()
    for kind, rows in stats.items():
        t = Table(title=f"per {kind}", title_justify="left")
        t.add_column(kind)
        t.add_column("count", justify="right")
        for k, n in rows:
            t.add_row(short(k), str(n))
        con.print(t)


@click.command("load")
@click.argument("files", nargs=-1, required=True, type=click.Path())
@click.option("--store", "store_path", required=True, metavar="PATH", help="On-disk store to add to.")
def load_cmd(files, store_path):
    """Add curated FILES (Turtle, or claims.tsv / nodes.tsv tables) to an on-disk store, only if the result validates.

    If a file does not parse or the result does not conform, nothing is added and the store is
    exactly as it was.
    """
    from mesokg.store.load import load_into_store

    added = load_into_store(files, store_path)
    click.echo(f"added {added.curated} curated and {added.inferred} inferred statements to {store_path}")


@click.command("push")
@click.option(
    "--endpoint", required=True, metavar="URL", help="SPARQL query endpoint, e.g. http://127.0.0.1:7878/query."
)
@click.option("--gsp", metavar="URL", help="Graph Store Protocol URL (default: the endpoint with /query → /store).")
@click.option("--graph", metavar="IRI", help="Put everything into this one named graph instead of mesokg's own graphs.")
@click.option("--replace", is_flag=True, help="Replace the target graphs instead of adding to them.")
def push_cmd(endpoint, gsp, graph, replace):
    """Send the built graph to a SPARQL 1.1 server through the Graph Store Protocol."""
    from mesokg.knowledge.dataset import dataset_quads
    from mesokg.store import RemoteStore

    quads = dataset_quads()
    RemoteStore(endpoint, gsp=gsp).add(quads, graph=graph, replace=replace)
    click.echo(f"pushed {len(quads)} statements to {gsp or endpoint}")
