"""The Starlette application: the SPARQL endpoint, the saved queries, the graph and the page.

Routes:

- ``GET|POST /sparql``: SPARQL 1.1 Protocol (query only); without a query, the Service Description;
- ``GET /queries``: the saved queries with their metadata (JSON);
- ``GET /queries/NAME?param=value``: run a saved query; parameters are type-checked (400 otherwise);
- ``GET /graph``: the whole dataset in an RDF format (``Accept`` or ``?format=``);
- ``GET /healthz``: liveness; ``GET /``: the query page; ``/static/…``: its files.

Every error is one message in JSON (or plain text when the client accepts only text), never a
traceback.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import html
import json
import logging
from collections import Counter
from pathlib import Path

import pyoxigraph as ox
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from mesokg import __version__
from mesokg.errors import InputError, MesokgError
from mesokg.query.saved import PREFIXES, bind_params, get_saved, list_saved
from mesokg.rdfio import FORMATS as RDF_FORMATS
from mesokg.rdfio import serialize as serialize_rdf
from mesokg.serve import negotiate
from mesokg.serve.config import ServeConfig
from mesokg.serve.description import description
from mesokg.serve.evidence import evidence_routes, names_store
from mesokg.serve.hosts import Guard
from mesokg.serve.pool import PoolError, WorkerPool
from mesokg.serve.protocol import ProtocolError, parse_request
from mesokg.serve.resolve import resolve_routes
from mesokg.serve.worker import media_type
from mesokg.serve.zygote import Zygote

log = logging.getLogger("mesokg.serve")
STATIC = Path(__file__).resolve().with_name("static")
CYTOSCAPE = Path(__file__).resolve().parent.parent / "network" / "static" / "vendor" / "cytoscape.min.js"
TRUNCATED = "X-Mesokg-Truncated"
GRAPH_CACHE_BYTES = 256 * 1024 * 1024  # the dataset serialized in each format, kept while within this
#: Content-Security-Policy of the page: it may talk to this server only
PAGE_CSP = (
    "default-src 'self'; connect-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "font-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
#: saved queries whose rows can be drawn as a network: (subject column, object column)
NETWORK_COLUMNS = (("substance", "indication"), ("procedure", "indication"), ("subject", "indication"))
DEFAULT_QUERY = """PREFIX mk: <https://w3id.org/mesokg/>
PREFIX mkd: <https://w3id.org/mesokg/id/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>

# Claims about hair loss, strongest evidence first (rank 1 = CEBM 1a)
SELECT ?subject ?relation ?indication ?polarity ?rank WHERE {
  ?claim a mk:Claim ;
         mk:subject/rdfs:label ?subject ;
         mk:predicate/rdfs:label ?relation ;
         mk:object ?object ;
         mk:polarity/rdfs:label ?polarity ;
         mk:evidenceLevel/mk:rank ?rank .
  ?object rdfs:label ?indication .
  FILTER(CONTAINS(LCASE(?indication), "hair"))
}
ORDER BY ?rank ?subject
LIMIT 50
"""


class Backend:
    """The loaded dataset (for /graph and counts) and the worker processes that answer queries.

    Build it *before* the server starts: it forks the zygote (see :mod:`.pool`) while the process
    is still single-threaded.
    """

    def __init__(self, config: ServeConfig, store: ox.Store, quads: list[ox.Quad], close_fds: tuple[int, ...] = ()):
        self.config = config
        self.quads = list(dict.fromkeys(quads))  # a file may state a quad twice
        sizes = Counter(q.graph_name.value for q in self.quads if isinstance(q.graph_name, ox.NamedNode))
        self.graph_sizes = dict(sorted(sizes.items()))
        self.total = len({(q.subject, q.predicate, q.object) for q in self.quads})  # the union default graph
        self.zygote = Zygote(store, config.max_memory, close_fds)
        self.pool: WorkerPool | None = None
        self._graph_cache: dict[str, bytes] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    async def start(self) -> None:
        cfg = self.config
        self.pool = WorkerPool(self.zygote, cfg.workers, cfg.timeout, burst=cfg.burst, per_client=cfg.per_client)
        await self.pool.start()

    async def close(self) -> None:
        if self.pool is not None:
            await self.pool.close()
        else:
            self.zygote.close()

    def _lock(self, key: str) -> asyncio.Lock:
        return self._locks.setdefault(key, asyncio.Lock())

    async def dataset(self, fmt: str) -> bytes:
        """The whole dataset in ``fmt`` (computed once per format)."""
        async with self._lock("graph:" + fmt):
            body = self._graph_cache.get(fmt)
            if body is None:
                body = await asyncio.to_thread(_serialize_dataset, self.quads, fmt)
                if sum(map(len, self._graph_cache.values())) + len(body) <= GRAPH_CACHE_BYTES:
                    self._graph_cache[fmt] = body  # bounded in bytes: past the bound, computed each time
        return body


def _serialize_dataset(quads: list[ox.Quad], fmt: str) -> bytes:
    if fmt in ("nq", "trig"):
        return serialize_rdf(quads, fmt)
    triples = list(dict.fromkeys(ox.Triple(q.subject, q.predicate, q.object) for q in quads))
    return serialize_rdf(triples, fmt)


# ---------------------------------------------------------------------------------------------
# responses
# ---------------------------------------------------------------------------------------------
def error_response(request: Request | None, status: int, message: str, headers: dict | None = None) -> Response:
    """One message, as JSON unless the client accepts only plain text."""
    accept = request.headers.get("accept") if request is not None else None
    kind = negotiate.pick(accept, negotiate.ERROR_OFFERS) or "json"
    if kind == "text":
        return Response(message + "\n", status, headers=headers, media_type="text/plain; charset=utf-8")
    body = json.dumps({"error": message, "status": status}, ensure_ascii=False).encode("utf-8")
    return Response(body, status, headers=headers, media_type="application/json")


def _reply_response(request: Request, reply: tuple, max_rows: int) -> Response:
    if reply[0] != "ok":
        return error_response(request, reply[1], reply[2])
    _, media, body, info = reply
    headers = {"Vary": "Accept"}
    if "ms" in info:
        headers["Server-Timing"] = f"query;dur={info['ms']:.2f}"
    if info.get("truncated"):
        headers[TRUNCATED] = str(info.get("count", max_rows))  # rows sent: the row or the byte cap cut it
    return Response(body, 200, headers=headers, media_type=media_type(media))


# ---------------------------------------------------------------------------------------------
# handlers
# ---------------------------------------------------------------------------------------------
def _backend(request: Request) -> Backend:
    return request.app.state.backend


async def _run(
    request: Request,
    backend: Backend,
    text: str,
    subs: dict[str, str],
    fmt: str | None,
    default_graphs=None,
    named_graphs=None,
) -> Response:
    cfg = backend.config
    try:
        select_fmt, graph_fmt = negotiate.formats(request.headers.get("accept"), fmt)
    except InputError as e:
        return error_response(request, 400, str(e))
    assert backend.pool is not None
    try:
        reply = await backend.pool.run(
            ("query", text, subs, select_fmt, graph_fmt, cfg.max_rows, default_graphs, named_graphs, cfg.max_bytes),
            client=request.client.host if request.client else "",
            arrived=request.scope.get("state", {}).get("arrival"),
        )
    except PoolError as e:
        retry = {"Retry-After": "1"} if e.retry or e.status == 429 else None
        return error_response(request, e.status, e.message, retry)
    return _reply_response(request, reply, cfg.max_rows)


async def sparql(request: Request) -> Response:
    """The SPARQL 1.1 Protocol endpoint."""
    backend = _backend(request)
    try:
        req = await parse_request(request, backend.config.max_body, backend.config.body_timeout)
    except ProtocolError as e:
        return error_response(request, e.status, e.message)
    if req is None:
        return service_description(request, backend)
    return await _run(request, backend, req.query, {}, req.format, req.default_graphs, req.named_graphs)


def service_description(request: Request, backend: Backend) -> Response:
    fmt = negotiate.pick(request.headers.get("accept"), negotiate.GRAPH_OFFERS)
    if fmt is None:
        return error_response(
            request, 406, "the service description is available as " + ", ".join(m for m, _ in negotiate.GRAPH_OFFERS)
        )
    endpoint = str(request.url.replace(query=None, fragment=None))
    cfg = backend.config
    body = description(
        endpoint,
        fmt,
        backend.graph_sizes,
        backend.total,
        timeout=cfg.timeout,
        max_rows=cfg.max_rows,
        max_body=cfg.max_body,
    )
    return Response(body, headers={"Vary": "Accept"}, media_type=media_type(RDF_FORMATS[fmt][2]))


def _network_pair(columns: tuple[str, ...]) -> list[str] | None:
    for s, o in NETWORK_COLUMNS:
        if s in columns and o in columns:
            return [s, o]
    return None


def saved_listing() -> list[dict]:
    """The saved queries with their metadata, as /queries lists them."""
    out = []
    for q in list_saved():
        out.append(
            {
                **q.describe(),
                "url": f"/queries/{q.name}",
                "network": _network_pair(q.columns),
                "query": q.text,
            }
        )
    return out


async def queries(request: Request) -> Response:
    body = request.app.state.queries_json
    return Response(body, media_type="application/json")


async def saved_query(request: Request) -> Response:
    """Run a saved query; URL parameters are its parameters (``format`` picks the format)."""
    backend = _backend(request)
    name = request.path_params["name"]
    try:
        saved = get_saved(name)
    except InputError as e:
        return error_response(request, 404, str(e))
    declared = {p.name for p in saved.params}
    raw: dict[str, str] = {}
    fmt = None
    for key, value in request.query_params.multi_items():
        if key == "format" and "format" not in declared:
            fmt = value
        else:
            raw[key] = value
    try:
        terms = bind_params(saved, raw, await names_store(backend))  # labels and synonyms for IRI parameters
    except MesokgError as e:
        return error_response(request, 400, str(e))
    subs = {k: str(v) for k, v in terms.items()}  # N-Triples forms
    return await _run(request, backend, saved.text, subs, fmt)


async def graph(request: Request) -> Response:
    """The whole dataset: curated, mappings and inferred graphs."""
    backend = _backend(request)
    try:
        fmt = negotiate.dataset_format(request.headers.get("accept"), request.query_params.get("format"))
    except InputError as e:
        return error_response(request, 400, str(e))
    if fmt is None:
        return error_response(
            request, 406, "the graph is available as " + ", ".join(m for m, _ in negotiate.DATASET_OFFERS)
        )
    body = await backend.dataset(fmt)
    _, suffix, media = RDF_FORMATS[fmt]
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    headers = {"Vary": "Accept", "ETag": etag, "Content-Disposition": f'inline; filename="mesokg{suffix}"'}
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)
    return Response(body, headers=headers, media_type=media_type(media))


async def healthz(request: Request) -> Response:
    backend = _backend(request)
    pool = backend.pool
    health = pool.health() if pool else {"status": "unavailable", "workers": 0}
    doc = {
        **health,
        "version": __version__,
        "workers_wanted": backend.config.workers,
        "sandbox": backend.zygote.sandbox,
        "connections": request.app.state.connections(),
        "triples": backend.total,
        "timeout": backend.config.timeout,
        "max_rows": backend.config.max_rows,
        "max_bytes": backend.config.max_bytes,
    }
    status = 503 if doc["status"] == "unavailable" else 200
    return Response(json.dumps(doc).encode(), status, media_type="application/json")


async def index(request: Request) -> Response:
    return Response(
        request.app.state.page, headers={"Content-Security-Policy": PAGE_CSP}, media_type="text/html; charset=utf-8"
    )


async def cytoscape_js(request: Request) -> Response:
    if not CYTOSCAPE.is_file():
        return error_response(request, 404, "cytoscape.min.js is not vendored; the network view is unavailable")
    return FileResponse(CYTOSCAPE, media_type="text/javascript")


def render_page(config: ServeConfig) -> bytes:
    """The query page, with its settings inlined as JSON data (not as script)."""
    from mesokg.network.style import FALLBACK_COLOUR, KIND_COLOURS, LEVEL_COLOURS

    settings = {
        "endpoint": "/sparql",
        "prefixes": PREFIXES,
        "version": __version__,
        "timeout": config.timeout,
        "maxRows": config.max_rows,
        "defaultQuery": DEFAULT_QUERY,
        "style": {"levels": LEVEL_COLOURS, "kinds": KIND_COLOURS, "fallback": FALLBACK_COLOUR},
    }
    data = json.dumps(settings, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e")
    template = (STATIC / "index.html").read_text(encoding="utf-8")
    return template.replace("__SETTINGS__", data).replace("__VERSION__", html.escape(__version__)).encode("utf-8")


# ---------------------------------------------------------------------------------------------
# middleware and errors
# ---------------------------------------------------------------------------------------------
async def _http_error(request: Request, exc: HTTPException) -> Response:
    return error_response(request, exc.status_code, exc.detail or "error", getattr(exc, "headers", None))


async def _server_error(request: Request, exc: Exception) -> Response:
    if isinstance(exc, MemoryError):
        return error_response(request, 507, "the server ran out of memory answering this request; try a smaller one")
    log.error("internal error on %s: %s: %s", request.url.path, type(exc).__name__, exc)
    return error_response(request, 500, "internal server error")


def create_app(config: ServeConfig, backend: Backend) -> Starlette:
    """The application for ``backend`` (whose workers start with the app's lifespan)."""

    @contextlib.asynccontextmanager
    async def lifespan(app):
        await backend.start()
        shown = f"[{config.host}]" if ":" in config.host else config.host
        log.info(
            "ready at http://%s:%d/ (SPARQL endpoint /sparql; %d triples; %d workers; time limit %g s; "
            "at most %d rows)",
            shown,
            config.port,
            backend.total,
            backend.pool.alive if backend.pool else 0,
            config.timeout,
            config.max_rows,
        )
        try:
            yield
        finally:
            await backend.close()

    routes = [
        Route("/", index),
        Route("/sparql", sparql, methods=["GET", "POST"]),
        Route("/queries", queries),
        Route("/queries/{name}", saved_query),
        Route("/graph", graph),
        Route("/healthz", healthz),
        Route("/static/vendor/cytoscape.min.js", cytoscape_js),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
        *evidence_routes(),  # issue 10: summary-of-findings form and gap map (mesokg/serve/evidence.py)
        *resolve_routes(),  # issue 13: /ontology, /id/NAME and term IRIs (mesokg/serve/resolve.py); last
    ]
    middleware = [Middleware(Guard, loopback_only=config.loopback)]
    if config.cors:
        middleware.append(
            Middleware(
                CORSMiddleware,
                allow_origins=list(config.cors),
                allow_methods=["GET", "POST"],
                allow_headers=["Accept", "Content-Type"],
                expose_headers=[TRUNCATED],
                max_age=600,
            )
        )
    app = Starlette(
        routes=routes,
        middleware=middleware,
        lifespan=lifespan,
        exception_handlers={HTTPException: _http_error, Exception: _server_error},
    )
    app.state.backend = backend
    app.state.connections = lambda: None  # run_serve sets it: open connections, evicted, refused
    app.state.queries_json = json.dumps(saved_listing(), ensure_ascii=False).encode("utf-8")
    app.state.page = render_page(config)
    return app
