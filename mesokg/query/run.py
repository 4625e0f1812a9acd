"""Answer a query for the command line: a saved query's name, a query string or a .rq file.

:func:`answer` does the work of ``mesokg query`` and returns the bytes to print; the click command
(:mod:`mesokg.cli.query`) and the click-free fast path (:func:`fast_query`, used by
``mesokg.cli.main`` for the common case so a cold ``mesokg query NAME`` starts quickly) both call it.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

FORMATS = ("table", "csv", "tsv", "json", "xml", "md", "csv-plain", "tsv-plain", "turtle", "jsonld", "nt")


def answer(
    query: str | None,
    params=(),
    file: str | None = None,
    fmt: str = "table",
    limit: int | None = None,
    store_path: str | None = None,
    endpoint: str | None = None,
    columns: str | None = None,
) -> bytes:
    """The formatted answer of a saved query (by name), a SPARQL string or a query file."""
    from mesokg.errors import InputError
    from mesokg.query.saved import get_saved, load_file, parse_assignments, parse_saved

    if file and query:
        raise InputError("give a saved query name, a query string or --file, not two of them")
    if not file and not query:
        raise InputError("give a saved query name (see `mesokg queries`), a SPARQL query string or --file FILE")
    if not file and query.endswith(".rq") and Path(query).is_file():
        file, query = query, None  # `mesokg query my.rq` reads the file
    if file:
        saved = load_file(file)
    elif re.fullmatch(r"[A-Za-z0-9_.-]+", query):
        saved = get_saved(query)
    else:
        saved = parse_saved(query, "query")
    raw = parse_assignments(params)
    from mesokg.query.guard import check_query

    check_query(saved.text)  # refuse before loading anything
    args = (saved, raw, file, fmt, limit, store_path, endpoint, columns)
    if endpoint:  # the remote server evaluates it: this process only talks HTTP
        out, notes = _evaluate(*args)
    else:  # evaluated here: in a child process cut off the network (mesokg.sandbox)
        from mesokg.sandbox import run_sandboxed

        out, notes = run_sandboxed(_evaluate, *args, fresh=bool(store_path))
    for note in notes:
        print(note, file=sys.stderr)
    return out if out.endswith(b"\n") else out + b"\n"


def _evaluate(saved, raw, file, fmt, limit, store_path, endpoint, columns) -> tuple[bytes, list[str]]:
    """Open the store and run the query: the formatted answer and the notes for stderr."""
    from mesokg.errors import InputError
    from mesokg.query.saved import bind_params as bind
    from mesokg.query.saved import execute, format_result, limit_result
    from mesokg.store import open_store

    store = open_store(path=store_path, endpoint=endpoint)
    notes: list[str] = []
    try:
        bindings = bind(saved, raw, store)  # the store resolves labels and synonyms of IRI parameters
        try:
            res = execute(store, saved.text, bindings)
        except InputError as e:
            if file and re.match(r"^\d+:\d+: ", str(e)):
                raise InputError(f"{file}:{e}") from None
            raise
        if res.kind == "select" and not res.rows:
            notes = _note_unknown_terms(store, bindings)
        if columns:
            res = select_columns(res, columns)
        title = saved.title if saved.path is not None and not file else None
        return format_result(limit_result(res, limit), fmt, title), notes
    finally:
        store.close()


def select_columns(res, columns: str):
    """Keep only the named columns of a SELECT result, in the order given."""
    from mesokg.errors import InputError
    from mesokg.query.results import QueryResult

    if res.kind != "select":
        raise InputError("--columns applies to SELECT results only")
    names = [c.strip().lstrip("?") for c in columns.split(",") if c.strip()]
    unknown = [n for n in names if n not in res.variables]
    if unknown:
        raise InputError(f"--columns: no column {', '.join(unknown)}; the columns are {', '.join(res.variables)}")
    idx = [res.variables.index(n) for n in names]
    return QueryResult("select", names, [tuple(row[i] for i in idx) for row in res.rows])


def write_stdout(out: bytes) -> None:
    stream = getattr(sys.stdout, "buffer", None)
    if stream is None:  # a text-only stdout (some test runners, IDE consoles)
        sys.stdout.write(out.decode("utf-8"))
        return
    sys.stdout.flush()
    stream.write(out)
    stream.flush()


def fast_query(args: list[str]) -> bool:
    """Run ``mesokg query ...`` without click when the arguments are the plain common kind.

    Returns False (and does nothing) for anything else — help, unknown options, bad values — so
    the click command handles it with its usual messages.
    """
    opts: dict[str, object] = {"params": [], "file": None, "fmt": "table", "limit": None}
    opts.update(store_path=None, endpoint=None, columns=None)
    names = {"--param": "params", "-p": "params", "--file": "file", "-f": "file", "--format": "fmt"}
    names.update({"--limit": "limit", "--store": "store_path", "--endpoint": "endpoint", "--columns": "columns"})
    query = None
    i = 0
    while i < len(args):
        a = args[i]
        if a.startswith("-"):
            key, eq, value = a.partition("=")
            if key not in names:
                return False
            if not eq:
                if i + 1 >= len(args):
                    return False
                value = args[i + 1]
                i += 1
            dest = names[key]
            if dest == "params":
                opts["params"].append(value)
            else:
                opts[dest] = value
        elif query is None:
            query = a
        else:
            return False
        i += 1
    if opts["fmt"] not in FORMATS:
        return False
    if opts["limit"] is not None:
        if not str(opts["limit"]).isdigit():
            return False
        opts["limit"] = int(opts["limit"])
    write_stdout(answer(query, **opts))
    return True


def _note_unknown_terms(store, bindings: dict) -> list[str]:
    """An empty answer often means a mistyped id: notes naming the IRI parameters the graph lacks."""
    import pyoxigraph as ox

    from mesokg.query.saved import shorten

    notes = []
    for name, term in bindings.items():
        if not isinstance(term, ox.NamedNode):
            continue
        # the term was parsed from the user's text, so its N-Triples form is safe to write here
        ask = f"ASK {{ VALUES ?x {{ {term} }} {{ ?x ?p ?o }} UNION {{ ?s ?p ?x }} }}"
        if not store.query(ask).boolean:
            notes.append(
                f"mesokg: note: {name}={shorten(term)} does not occur in the graph; "
                f"look it up with `mesokg query find-term --param text=...`"
            )
    return notes
