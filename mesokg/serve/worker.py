"""What a worker process does with one request: run it on its store, return serialized bytes.

Requests and replies are small tuples (pickled by :mod:`.pool`):

- ``("query", text, substitutions, select_format, graph_format, max_rows, default_graphs, named_graphs)``
  where ``substitutions`` maps variable names to terms written in N-Triples, the formats are names
  (``json``, ``xml``, ``csv``, ``tsv`` / ``turtle``, ``nt``, ``jsonld``, ``xml``) or ``None`` when
  the client accepts none, and the graph lists hold IRIs (``None``: the store's own dataset);
- ``("ping",)``.

Replies: ``("ok", media_type, body, info)`` with ``info = {"kind", "count", "truncated", "ms"}``, or
``("error", http_status, message)``. Nothing here raises: every failure becomes an error reply.
"""

from __future__ import annotations

import json
import time

import pyoxigraph as ox

from mesokg.errors import InputError, MesokgError, QueryRefused
from mesokg.query.guard import check_query
from mesokg.query.results import RESULT_FORMATS, term_json
from mesokg.query.saved import NETWORK_REFUSED
from mesokg.rdfio import FORMATS as RDF_FORMATS
from mesokg.rdfio import serialize as serialize_rdf

#: media type of each result format name
RESULT_MEDIA = {name: media for name, (_, media) in RESULT_FORMATS.items()}
GRAPH_MEDIA = {name: RDF_FORMATS[name][2] for name in ("turtle", "nt", "jsonld", "xml")}
TEXT_MEDIA = {"text/csv", "text/tab-separated-values", "text/turtle"}


def media_type(media: str) -> str:
    """The Content-Type header for a media type (text types say they are UTF-8)."""
    return f"{media}; charset=utf-8" if media in TEXT_MEDIA else media


def parse_term(nt: str):
    """An RDF term from its N-Triples form (``<iri>``, ``"text"@en``, ``"1"^^<…#integer>``)."""
    line = f"<urn:x:s> <urn:x:p> {nt} .\n".encode()
    quads = list(ox.parse(line, format=ox.RdfFormat.N_TRIPLES))
    if len(quads) != 1:
        raise ValueError(f"not one RDF term: {nt!r}")
    return quads[0].object


def select_json(variables: list[str], rows: list) -> bytes:
    """SPARQL 1.1 Query Results JSON for ``rows`` (tuples of terms or ``None``)."""
    memo: dict = {}

    def js(t) -> dict:
        d = memo.get(t)
        if d is None:
            d = memo[t] = term_json(t)
        return d

    bindings = [{v: js(t) for v, t in zip(variables, row, strict=False) if t is not None} for row in rows]
    doc = {"head": {"vars": variables}, "results": {"bindings": bindings}}
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _select_body(variables: list[str], rows: list, fmt: str) -> bytes:
    data = select_json(variables, rows)
    if fmt == "json":
        return data
    parsed = ox.parse_query_results(data, format=ox.QueryResultsFormat.JSON)
    return parsed.serialize(format=RESULT_FORMATS[fmt][0])


def _ask_body(value: bool, fmt: str) -> bytes:
    if fmt in ("csv", "tsv"):
        return b"true\n" if value else b"false\n"
    data = json.dumps({"head": {}, "boolean": value}).encode()
    if fmt == "json":
        return data
    return ox.parse_query_results(data, format=ox.QueryResultsFormat.JSON).serialize(format=RESULT_FORMATS[fmt][0])


def _not_acceptable(kind: str) -> tuple:
    if kind == "graph":
        offered = ", ".join(GRAPH_MEDIA.values())
        return ("error", 406, f"a CONSTRUCT or DESCRIBE result can be sent as {offered}; the request accepts none")
    offered = ", ".join(RESULT_MEDIA.values())
    return ("error", 406, f"a {kind.upper()} result can be sent as {offered}; the request accepts none")


def _first_line(e: BaseException) -> str:
    text = str(e).strip()
    return text.splitlines()[0] if text else type(e).__name__


def _size(term) -> int:
    if term is None:
        return 0
    if isinstance(term, ox.Triple):
        return _size(term.subject) + _size(term.predicate) + _size(term.object)
    return len(term.value) + 16


def _take(results, max_rows: int, max_bytes: int, parts) -> tuple[list, bool]:
    """At most ``max_rows`` results whose terms hold at most about ``max_bytes``; and whether more were cut."""
    out: list = []
    size = 0
    for item in results:
        if len(out) >= max_rows:
            return out, True
        size += sum(_size(t) for t in parts(item))
        if size > max_bytes and out:
            return out, True
        out.append(tuple(item) if parts is tuple else item)
    return out, False


def run_query(store: ox.Store, req: tuple) -> tuple:
    """Evaluate one ``("query", …)`` request on ``store``."""
    _, text, subs_nt, select_fmt, graph_fmt, max_rows, default_graphs, named_graphs = req[:8]
    max_bytes = req[8] if len(req) > 8 else 1 << 62
    try:
        check_query(text)  # here, not in the server: a long query cannot hold up the event loop
    except QueryRefused as e:
        return ("error", 403, str(e))
    except InputError as e:
        return ("error", 400, str(e))
    try:
        subs = {ox.Variable(k): parse_term(v) for k, v in (subs_nt or {}).items()}
    except (ValueError, SyntaxError) as e:
        return ("error", 400, f"bad parameter value: {_first_line(e)}")
    kwargs: dict = {"substitutions": subs or None}
    if default_graphs is not None:
        kwargs["default_graph"] = [ox.NamedNode(g) for g in default_graphs]
    else:
        kwargs["use_default_graph_as_union"] = True
    if named_graphs is not None:
        kwargs["named_graphs"] = [ox.NamedNode(g) for g in named_graphs]
    try:
        res = store.query(text, **kwargs)
        if isinstance(res, ox.QueryBoolean):
            if select_fmt is None:
                return _not_acceptable("ask")
            return (
                "ok",
                RESULT_MEDIA[select_fmt],
                _ask_body(bool(res), select_fmt),
                {"kind": "ask", "count": 1, "truncated": False},
            )
        if isinstance(res, ox.QuerySolutions):
            if select_fmt is None:
                return _not_acceptable("select")
            variables = [v.value for v in res.variables]
            rows, truncated = _take(res, max_rows, max_bytes, tuple)
            body = _select_body(variables, rows, select_fmt)
            return (
                "ok",
                RESULT_MEDIA[select_fmt],
                body,
                {"kind": "select", "count": len(rows), "truncated": truncated},
            )
        if graph_fmt is None:
            return _not_acceptable("graph")
        triples, truncated = _take(res, max_rows, max_bytes, lambda t: (t.subject, t.predicate, t.object))
        body = serialize_rdf(triples, graph_fmt)
        return ("ok", GRAPH_MEDIA[graph_fmt], body, {"kind": "graph", "count": len(triples), "truncated": truncated})
    except SyntaxError as e:
        from mesokg.store import _syntax_error  # the same one-line message as the command line gives

        return ("error", 400, f"SPARQL syntax error: {_syntax_error(e)}")
    except PermissionError:  # the sandbox stopped a network connection the guard did not foresee
        return ("error", 403, NETWORK_REFUSED)
    except (ValueError, TypeError, RuntimeError, OSError, MesokgError) as e:
        return ("error", 400, f"the query failed: {_first_line(e)}")


def handle(store: ox.Store, req: tuple) -> tuple:
    """Answer one request; never raises."""
    try:
        kind = req[0]
        if kind == "query":
            t0 = time.perf_counter()
            reply = run_query(store, req)
            if reply[0] == "ok":
                reply[3]["ms"] = (time.perf_counter() - t0) * 1000
            return reply
        if kind == "ping":
            return ("ok", "text/plain", b"pong", {"kind": "ping", "count": 0, "truncated": False})
        return ("error", 500, f"unknown worker request {kind!r}")
    except Exception as e:  # a bug here must not kill the worker: report it in one line
        return ("error", 500, f"internal error: {type(e).__name__}: {_first_line(e)}")
