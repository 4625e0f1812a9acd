"""One small store interface, three implementations.

- :class:`OxigraphStore` in memory (default): the built graph, queried by Oxigraph's engine.
- :class:`OxigraphStore` on disk (``path=...``): built once, reused without re-parsing.
- :class:`RemoteStore` (``endpoint=...``): any SPARQL 1.1 server, through the SPARQL Protocol for
  queries and the Graph Store Protocol for loading.

Queries go straight to ``pyoxigraph.Store.query`` with ``substitutions`` for parameters, never
through rdflib's ``Graph.query`` (which silently falls back to rdflib's slow engine).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox

from mesokg.errors import InputError, MesokgError
from mesokg.query.guard import check_query
from mesokg.query.results import QueryResult


def _syntax_error(e: SyntaxError) -> InputError:
    msg = str(e)
    # pyoxigraph 0.5 says "error at 3:1: expected ..."; older versions "... line 3 column 1: ..."
    m = re.search(r"error at (\d+):(\d+): ", msg) or re.search(r"line (\d+) column (\d+)", msg)
    loc = f"{m.group(1)}:{m.group(2)}: " if m else ""
    reason = msg[m.end() :] if m and m.re.pattern.startswith("error at") else msg.split(": ", 1)[-1]
    reason = reason.splitlines()[0].strip() if reason.strip() else "syntax error"
    if len(reason) > 160:  # the list of expected tokens can be long: keep one readable line
        reason = reason[: reason.rfind(", ", 0, 150)] + ", …"
    return InputError(f"{loc}{reason}")


class Store:
    """What every store offers: ``query``, ``add``, ``quads``, ``run_saved``, ``close``."""

    kind = "abstract"

    def query(self, sparql: str, substitutions: dict | None = None, *, check: bool = True) -> QueryResult:
        raise NotImplementedError

    def add(self, quads: Iterable[ox.Quad]) -> None:
        raise NotImplementedError

    def quads(self, graph: ox.NamedNode | None = None) -> list[ox.Quad]:
        raise NotImplementedError

    def count(self) -> int:
        res = self.query("SELECT (COUNT(*) AS ?n) WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }")
        return int(res.rows[0][0].value)

    def run_saved(self, name: str, **params):
        """Run a saved query by name: rows as dicts of plain values, or a DataFrame with ``as_frame=True``."""
        from mesokg.query.saved import run_saved

        return run_saved(self, name, **params)

    def evidence(self, subject: str, indication: str):
        """The summary of findings for a pair (names, short ids, CURIEs or IRIs): ``mesokg evidence``."""
        from mesokg.evidence import summarize

        return summarize(self, subject, indication)

    def close(self) -> None:
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class OxigraphStore(Store):
    """Oxigraph, in memory (``path=None``) or on disk. Default graph is the union of named graphs."""

    def __init__(self, path: str | Path | None = None, read_only: bool = False):
        self.path = Path(path) if path else None
        self.kind = "disk" if path else "memory"
        try:
            if path and read_only:
                self._s = ox.Store.read_only(str(path))
            else:
                self._s = ox.Store(str(path)) if path else ox.Store()
        except OSError as e:
            raise MesokgError(f"{path}: cannot open store ({e}); is another mesokg using it?") from None

    @property
    def raw(self) -> ox.Store:
        """The underlying ``pyoxigraph.Store``."""
        return self._s

    def query(self, sparql: str, substitutions: dict | None = None, *, check: bool = True) -> QueryResult:
        if check:
            check_query(sparql)
        subs = {ox.Variable(k) if isinstance(k, str) else k: v for k, v in (substitutions or {}).items()}
        try:
            res = self._s.query(sparql, use_default_graph_as_union=True, substitutions=subs or None)
        except SyntaxError as e:
            raise _syntax_error(e) from None
        except RuntimeError as e:  # e.g. a parameter that the query does not project
            raise InputError(f"cannot run the query: {e}") from None
        return QueryResult.from_oxigraph(res)

    def add(self, quads: Iterable[ox.Quad]) -> None:
        self._s.extend(quads)  # transactional: all or nothing

    def quads(self, graph: ox.NamedNode | None = None) -> list[ox.Quad]:
        return list(self._s.quads_for_pattern(None, None, None, graph))

    def count(self) -> int:
        return len(self._s)

    def is_empty(self) -> bool:
        return len(self._s) == 0

    def close(self) -> None:
        if self.kind == "disk":
            try:
                self._s.flush()
            except (OSError, RuntimeError):  # RuntimeError: a read-only store has nothing to flush
                pass
        del self._s


def inject_values(sparql: str, bindings: dict[str, object]) -> str:
    """Bind variables for a remote server by a VALUES block placed first in the WHERE clause.

    Terms are written from parsed RDF terms (their N-Triples form), never pasted from user text.
    """
    if not bindings:
        return sparql
    names = list(bindings)
    row = " ".join(str(bindings[n]) for n in names)  # pyoxigraph terms print as N-Triples
    block = f" VALUES ({' '.join('?' + n for n in names)}) {{ ({row}) }} "
    from mesokg.query.guard import where_brace

    at = where_brace(sparql)
    if at is None:
        raise InputError("cannot bind parameters: the query has no WHERE clause")
    return sparql[: at + 1] + block + sparql[at + 1 :]


class RemoteStore(Store):
    """A SPARQL 1.1 server: queries by the Protocol, loading by the Graph Store Protocol."""

    kind = "remote"

    def __init__(self, endpoint: str, gsp: str | None = None, timeout: float = 60.0):
        if not re.match(r"^https?://", endpoint or ""):
            raise InputError(f"endpoint {endpoint!r} is not an http(s) URL (e.g. http://127.0.0.1:7878/query)")
        self.endpoint = endpoint
        self.gsp = gsp or re.sub(r"/(query|sparql)$", "/store", endpoint)
        self.timeout = timeout

    def _request(self, url: str, data: bytes | None, headers: dict, method: str) -> tuple[bytes, str]:
        import urllib.error
        import urllib.request  # only remote stores need it; local queries start faster without

        req = urllib.request.Request(url, data=data, headers=headers, method=method)
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as r:  # noqa: S310 (http(s) checked)
                return r.read(), r.headers.get("Content-Type", "")
        except urllib.error.HTTPError as e:
            body = e.read().decode("utf-8", "replace").strip().splitlines()
            detail = body[0][:200] if body else e.reason
            if e.code == 400:
                raise InputError(f"{url}: the server rejected the query: {detail}") from None
            raise MesokgError(f"{url}: HTTP {e.code}: {detail}") from None
        except (urllib.error.URLError, OSError) as e:
            reason = getattr(e, "reason", e)
            raise MesokgError(f"{url}: cannot connect ({reason}); is the server running?") from None

    def query(self, sparql: str, substitutions: dict | None = None, *, check: bool = True) -> QueryResult:
        if check:
            check_query(sparql)
        import urllib.parse

        text = inject_values(sparql, {str(k).lstrip("?"): v for k, v in (substitutions or {}).items()})
        body = urllib.parse.urlencode({"query": text}).encode()
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Accept": "application/sparql-results+json, application/n-triples;q=0.9",
        }
        data, ctype = self._request(self.endpoint, body, headers, "POST")
        ctype = ctype.split(";")[0].strip()
        if ctype in ("application/sparql-results+json", "application/json"):
            res = ox.parse_query_results(data, format=ox.QueryResultsFormat.JSON)
        elif ctype in ("application/sparql-results+xml", "application/xml"):
            res = ox.parse_query_results(data, format=ox.QueryResultsFormat.XML)
        else:
            fmt = ox.RdfFormat.from_media_type(ctype) or ox.RdfFormat.N_TRIPLES
            return QueryResult("graph", triples=[q.triple for q in ox.parse(data, format=fmt)])
        return QueryResult.from_oxigraph(res)

    def add(self, quads: Iterable[ox.Quad], graph: str | None = None, replace: bool = False) -> None:
        """Send quads by the Graph Store Protocol, one request per named graph."""
        import urllib.parse

        by_graph: dict[str, list] = {}
        for q in quads:
            g = graph or (q.graph_name.value if isinstance(q.graph_name, ox.NamedNode) else "")
            by_graph.setdefault(g, []).append(ox.Triple(q.subject, q.predicate, q.object))
        for g, triples in by_graph.items():
            url = self.gsp + ("?" + urllib.parse.urlencode({"graph": g}) if g else "?default")
            data = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
            self._request(url, data, {"Content-Type": "application/n-triples"}, "PUT" if replace else "POST")

    def count(self) -> int:
        # servers may make the default graph the union of the named graphs, so count only the
        # named graphs (mesokg puts everything in named graphs)
        res = self.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
        return int(res.rows[0][0].value)

    def quads(self, graph: ox.NamedNode | None = None) -> list[ox.Quad]:
        q = "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH %s { ?s ?p ?o } }" % (str(graph) if graph else "?g")
        return [ox.Quad(t.subject, t.predicate, t.object, graph or ox.DefaultGraph()) for t in self.query(q).triples]


def open_store(
    path: str | Path | None = None,
    endpoint: str | None = None,
    *,
    gsp: str | None = None,
    build: bool = True,
    read_only: bool = False,
) -> Store:
    """Open the store the user asked for.

    - neither: an in-memory Oxigraph store holding the built graph (curated + inferred);
    - ``path``: an on-disk Oxigraph store, built from the shipped graph the first time;
    - ``endpoint``: a remote SPARQL 1.1 server.
    """
    if path and endpoint:
        raise InputError("give either --store PATH or --endpoint URL, not both")
    if endpoint:
        return RemoteStore(endpoint, gsp=gsp)
    if path:
        p = Path(path)
        if p.exists() and not p.is_dir():
            raise InputError(f"{p}: is a file; --store needs a folder for the on-disk store")
        if not p.exists() and not p.absolute().parent.is_dir():
            raise InputError(
                f"{p}: its parent folder {p.absolute().parent} does not exist; create it first "
                "(mkdir -p) or give a --store path inside an existing folder"
            )
        fresh = not p.exists() or not any(p.iterdir())
        store = OxigraphStore(p, read_only=read_only and not fresh)
        if fresh and build:
            from mesokg.knowledge.dataset import load_dataset

            load_dataset(store.raw)
        return store
    store = OxigraphStore()
    if build:
        from mesokg.knowledge.dataset import load_dataset

        load_dataset(store.raw)
    return store
