"""Reading SPARQL 1.1 Protocol requests, refusing what a read-only endpoint must refuse.

- ``GET /sparql?query=…`` and ``POST /sparql`` with a form (``query=…``) or a direct body
  (``Content-Type: application/sparql-query``);
- every update form is refused with 403: an ``update=`` parameter, an ``application/sparql-update``
  body, or update keywords in the query text (:func:`mesokg.query.guard.check_query`);
- ``default-graph-uri`` and ``named-graph-uri`` may name mesokg's own graphs only;
- bodies (and queries in URLs) larger than the limit get 413, before anything is parsed.
"""

from __future__ import annotations

import asyncio
import re
import urllib.parse
from dataclasses import dataclass

from starlette.requests import Request

from mesokg.query.guard import _OWN_GRAPH_NAME as OWN_GRAPH_NAME
from mesokg.query.guard import OWN_GRAPHS

FORM = "application/x-www-form-urlencoded"
DIRECT = "application/sparql-query"
UPDATE = "application/sparql-update"
READ_ONLY = "updates are not allowed: this endpoint is read-only"


class ProtocolError(Exception):
    """A request refused before evaluation; ``status`` is the HTTP status."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass
class SparqlRequest:
    """A query to run, with the protocol's dataset parameters and an explicit format, if any."""

    query: str
    default_graphs: list[str] | None = None
    named_graphs: list[str] | None = None
    format: str | None = None


def too_large(limit: int) -> ProtocolError:
    return ProtocolError(413, f"request too large: the limit is {limit} bytes (server option --max-body)")


async def read_body(request: Request, limit: int, timeout: float = 30.0) -> bytes:
    """The request body, refusing (413) one larger than ``limit`` bytes without reading it all.

    A body that does not arrive within ``timeout`` seconds gets 408.
    """
    length = request.headers.get("content-length")
    if length is not None:
        try:
            if int(length) > limit:
                raise too_large(limit)
        except ValueError:
            raise ProtocolError(400, "bad Content-Length header") from None
    chunks: list[bytes] = []
    size = 0
    stream = request.stream()
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        try:
            chunk = await asyncio.wait_for(stream.__anext__(), max(0.0, deadline - loop.time()))
        except StopAsyncIteration:
            break
        except asyncio.TimeoutError:
            raise ProtocolError(408, f"the request body did not arrive within {timeout:g} s") from None
        size += len(chunk)
        if size > limit:
            raise too_large(limit)
        chunks.append(chunk)
    return b"".join(chunks)


def _graphs(values: list[str], param: str) -> list[str] | None:
    if not values:
        return None
    for iri in values:
        shown = iri if len(iri) <= 200 else iri[:200] + "…"
        if not OWN_GRAPH_NAME.fullmatch(iri):
            if re.fullmatch(r"[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]*", iri) is None:
                raise ProtocolError(400, f"bad {param}: {shown!r} is not an absolute IRI")
            raise ProtocolError(
                403, f"refused: {param}={shown} names a graph outside mesokg; use graphs under {OWN_GRAPHS} or none"
            )
    return values


def _from_params(items: list[tuple[str, str]], limit: int) -> SparqlRequest | None:
    keys = [k for k, _ in items]
    if "update" in keys:
        raise ProtocolError(403, READ_ONLY)
    queries = [v for k, v in items if k == "query"]
    if not queries:
        return None
    if len(queries) > 1:
        raise ProtocolError(400, "give one query parameter, not several")
    if len(queries[0].encode("utf-8")) > limit:
        raise too_large(limit)
    formats = [v for k, v in items if k == "format"]
    return SparqlRequest(
        query=queries[0],
        default_graphs=_graphs([v for k, v in items if k == "default-graph-uri"], "default-graph-uri"),
        named_graphs=_graphs([v for k, v in items if k == "named-graph-uri"], "named-graph-uri"),
        format=formats[-1] if formats else None,
    )


async def parse_request(request: Request, limit: int, body_timeout: float = 30.0) -> SparqlRequest | None:
    """The query a Protocol request carries; ``None`` for a GET without one (service description)."""
    url_items = request.query_params.multi_items()
    if request.method != "POST":
        return _from_params(url_items, limit)
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if ctype == UPDATE or "update" in dict(url_items):
        raise ProtocolError(403, READ_ONLY)
    if ctype == FORM:
        body = await read_body(request, limit, body_timeout)
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            raise ProtocolError(400, "the form is not UTF-8") from None
        form = urllib.parse.parse_qsl(text, keep_blank_values=True)
        req = _from_params(url_items + form, limit)
        if req is None:
            raise ProtocolError(400, "the form has no query parameter")
        return req
    if ctype == DIRECT:
        body = await read_body(request, limit, body_timeout)
        try:
            query = body.decode("utf-8")
        except UnicodeDecodeError:
            raise ProtocolError(400, "the query is not UTF-8") from None
        req = _from_params([*url_items, ("query", query)], limit)
        assert req is not None
        return req
    raise ProtocolError(
        415, f"unsupported Content-Type {ctype or '(none)'!r}: send a query as {FORM} (query=…) or as {DIRECT}"
    )
