"""Resolvable identifiers on ``mesokg serve`` (issue 13): ``/id/NAME``, term IRIs and ``/ontology``.

- ``GET /id/NAME`` — a curated node (``https://w3id.org/mesokg/id/NAME``);
- ``GET /NAME`` — an ontology term (``https://w3id.org/mesokg/NAME``), after every other route;
- ``GET /ontology`` — the ontology: its pyLODE page, or its triples.

Content negotiation (``Accept``, or ``?format=ttl|nt|jsonld|xml|html``): an HTML page (labels,
properties, the claims about the node with their polarity, evidence level and sources, links that
stay on this server), or the node's triples (outgoing, with their blank-node closure, and
incoming) in Turtle, N-Triples, JSON-LD or RDF/XML. A deprecated id answers with its
replacement. The app adds these routes with one line: ``routes += resolve_routes()``.
"""

from __future__ import annotations

import asyncio
import html
from collections import defaultdict

import pyoxigraph as ox
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from mesokg.rdfio import GRAPH_ONTOLOGY, MK, MKD
from mesokg.serve import negotiate

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
DEFINITION = "http://www.w3.org/2004/02/skos/core#definition"
DEPRECATED = "http://www.w3.org/2002/07/owl#deprecated"
REPLACED_BY = "http://purl.org/dc/terms/isReplacedBy"
OFFERS: negotiate.Offers = (("text/html", "html"), ("application/xhtml+xml", "html"), *negotiate.GRAPH_OFFERS)
NAMES = {**negotiate.GRAPH_NAMES, "html": "html"}
MEDIA = {"html": "text/html; charset=utf-8", "turtle": "text/turtle", "nt": "application/n-triples"}
MEDIA |= {"jsonld": "application/ld+json", "xml": "application/rdf+xml"}
_lock = asyncio.Lock()


class Index:
    """The served dataset by subject and by object (union of the named graphs)."""

    def __init__(self, quads):
        self.out: dict[ox.Term, list[ox.Triple]] = defaultdict(list)
        self.inc: dict[ox.Term, list[ox.Triple]] = defaultdict(list)
        self.ontology: list[ox.Triple] = []
        for t in dict.fromkeys(ox.Triple(q.subject, q.predicate, q.object) for q in quads):
            self.out[t.subject].append(t)
            if not isinstance(t.object, ox.Literal):
                self.inc[t.object].append(t)
        self.ontology = list(
            dict.fromkeys(ox.Triple(q.subject, q.predicate, q.object) for q in quads if q.graph_name == GRAPH_ONTOLOGY)
        )
        self.onto_quads = [q for q in quads if q.graph_name == GRAPH_ONTOLOGY]

    def values(self, node, predicate: str) -> list:
        return [t.object for t in self.out.get(node, []) if t.predicate.value == predicate]

    def label(self, node) -> str:
        labels = self.values(node, LABEL)
        if labels:
            return min(labels, key=lambda lit: (lit.language not in (None, "en"), lit.value)).value
        return node.value.rsplit("/", 1)[-1] if isinstance(node, ox.NamedNode) else str(node)

    def description(self, node) -> list[ox.Triple]:
        """Outgoing triples with their blank-node closure, then incoming ones."""
        seen, todo, out = set(), [node], []
        while todo:
            n = todo.pop()
            if n in seen:
                continue
            seen.add(n)
            for t in self.out.get(n, []):
                out.append(t)
                if isinstance(t.object, ox.BlankNode):
                    todo.append(t.object)
        return out + [t for t in self.inc.get(node, []) if t.subject != node]


async def index(backend) -> Index:
    idx = getattr(backend, "_resolve_index", None)
    if idx is None:
        async with _lock:
            if getattr(backend, "_resolve_index", None) is None:
                backend._resolve_index = await asyncio.to_thread(Index, backend.quads)
            idx = backend._resolve_index
    return idx


def _error(request: Request, status: int, message: str) -> Response:
    """One message, as JSON unless the client accepts only plain text (as everywhere on the server)."""
    import json

    if negotiate.pick(request.headers.get("accept"), negotiate.ERROR_OFFERS) == "text":
        return Response(message + "\n", status, media_type="text/plain; charset=utf-8")
    body = json.dumps({"error": message, "status": status}, ensure_ascii=False).encode("utf-8")
    return Response(body, status, media_type="application/json")


def _format(request: Request) -> str | None:
    name = request.query_params.get("format")
    if name:
        return NAMES.get(name.lower())
    return negotiate.pick(request.headers.get("accept"), OFFERS)


def _href(node) -> str | None:
    """A link that stays on this server for mesokg IRIs, the IRI itself otherwise."""
    if not isinstance(node, ox.NamedNode):
        return None
    v = node.value
    if v.startswith(MKD):
        return "/id/" + v[len(MKD) :]
    if v.startswith(MK) and "/" not in v[len(MK) :]:
        return "/" + v[len(MK) :]
    return v if v.startswith(("http://", "https://")) else None


def _cell(idx: Index, node) -> str:
    if isinstance(node, ox.Literal):
        lang = f" <small>@{html.escape(node.language)}</small>" if node.language else ""
        return html.escape(node.value) + lang
    if isinstance(node, ox.BlankNode):
        return "<em>(anonymous)</em>"
    href = _href(node)
    text = html.escape(idx.label(node))
    return f'<a href="{html.escape(href)}">{text}</a>' if href else text


PAGE_STYLE = (
    "body{font:15px/1.45 system-ui,sans-serif;max-width:70rem;margin:2rem auto;padding:0 1rem;color:#222}"
    "table{border-collapse:collapse;width:100%;margin:.5rem 0 1.5rem}td,th{border-bottom:1px solid #ddd;"
    "padding:.3rem .5rem;text-align:left;vertical-align:top}th{background:#f4f4f4}code{font-size:90%}"
    ".deprecated{background:#fff3cd;padding:.5rem 1rem;border:1px solid #e0c060}nav a{margin-right:1rem}"
)


def page(idx: Index, node: ox.NamedNode) -> str:
    """The HTML page of a node: what it is, its properties, the claims about it, who points to it."""
    label = idx.label(node)
    iri = node.value
    rows = sorted(idx.out.get(node, []), key=lambda t: (t.predicate.value != RDF_TYPE, idx.label(t.predicate)))
    parts = [
        f"<!doctype html><html lang=en><head><meta charset=utf-8><title>{html.escape(label)} — mesokg</title>",
        f"<style>{PAGE_STYLE}</style>",
        '<link rel=alternate type="text/turtle" href="?format=ttl">',
        '<link rel=alternate type="application/ld+json" href="?format=jsonld"></head><body>',
        '<nav><a href="/">query page</a><a href="/ontology">ontology</a></nav>',
        f"<h1>{html.escape(label)}</h1><p><code>{html.escape(iri)}</code></p>",
        '<p>Also as <a href="?format=ttl">Turtle</a>, <a href="?format=nt">N-Triples</a>, '
        '<a href="?format=jsonld">JSON-LD</a>, <a href="?format=xml">RDF/XML</a>.</p>',
    ]
    if any(v.value == "true" for v in idx.values(node, DEPRECATED)):
        succ = idx.values(node, REPLACED_BY)
        links = ", ".join(_cell(idx, s) for s in succ) or "no successor"
        parts.append(f"<p class=deprecated>This identifier is deprecated; use {links}.</p>")
    for d in idx.values(node, DEFINITION):
        parts.append(f"<p>{html.escape(d.value)}</p>")
    parts.append("<h2>Statements</h2><table><tr><th>property</th><th>value</th></tr>")
    for t in rows:
        parts.append(f"<tr><td>{_cell(idx, t.predicate)}</td><td>{_cell(idx, t.object)}</td></tr>")
    parts.append("</table>")
    claims = [t.subject for t in idx.inc.get(node, []) if t.predicate.value in (MK + "subject", MK + "object")]
    claims = sorted(set(claims), key=lambda c: idx.label(c))
    if claims:
        parts.append(f"<h2>Claims about {html.escape(label)} ({len(claims)})</h2><table>")
        parts.append("<tr><th>claim</th><th>polarity</th><th>evidence level</th><th>design</th><th>sources</th></tr>")
        for c in claims:

            def cells(p: str, c=c) -> str:
                return ", ".join(_cell(idx, v) for v in idx.values(c, MK + p)) or "—"

            subj_obj = " ".join(
                _cell(idx, v) for p in ("subject", "predicate", "object") for v in idx.values(c, MK + p)[:1]
            )
            parts.append(
                f'<tr><td><a href="{html.escape(_href(c) or "")}">{html.escape(idx.label(c))}</a><br>'
                f"<small>{subj_obj}</small></td><td>{cells('polarity')}</td><td>{cells('evidenceLevel')}</td>"
                f"<td>{cells('statedDesign' if idx.values(c, MK + 'statedDesign') else 'studyDesign')}</td>"
                f"<td>{cells('source')}</td></tr>"
            )
        parts.append("</table>")
    other = [t for t in idx.inc.get(node, []) if t.predicate.value not in (MK + "subject", MK + "object")]
    if other:
        parts.append("<h2>Pointing here</h2><table><tr><th>from</th><th>property</th></tr>")
        for t in sorted(other, key=lambda t: (idx.label(t.predicate), idx.label(t.subject)))[:500]:
            parts.append(f"<tr><td>{_cell(idx, t.subject)}</td><td>{_cell(idx, t.predicate)}</td></tr>")
        parts.append("</table>")
    parts.append("</body></html>\n")
    return "".join(parts)


def _rdf(triples, fmt: str) -> bytes:
    from mesokg.export.release import PREFIXES, render

    items = sorted(set(triples), key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))
    if fmt == "jsonld":
        return render(items, "jsonld")
    if fmt in ("turtle", "xml"):
        return ox.serialize(
            items, format=ox.RdfFormat.TURTLE if fmt == "turtle" else ox.RdfFormat.RDF_XML, prefixes=PREFIXES
        )
    return ox.serialize(items, format=ox.RdfFormat.N_TRIPLES)


async def _resolve(request: Request, iri: str) -> Response:
    fmt = _format(request)
    if fmt is None:
        offered = ", ".join(m for m, _ in OFFERS)
        return _error(request, 406, f"{iri} is available as {offered} (or ?format=html|ttl|nt|jsonld|xml)")
    idx = await index(request.app.state.backend)
    try:
        node = ox.NamedNode(iri)
    except ValueError:  # e.g. a NUL or a space in the path: no such IRI can be in the graph
        return _error(request, 404, f"{iri[:200]!r} is not an IRI of the graph")
    if node not in idx.out:
        return _error(request, 404, f"{iri} is not in the graph (see /ontology, or search on the query page)")
    headers = {"Vary": "Accept", "Link": f'<{iri}>; rel="canonical"'}
    if fmt == "html":
        body = await asyncio.to_thread(page, idx, node)
        return Response(body.encode("utf-8"), 200, media_type=MEDIA["html"], headers=headers)
    body = await asyncio.to_thread(_rdf, idx.description(node), fmt)
    return Response(body, 200, media_type=MEDIA[fmt], headers=headers)


async def resolve_id(request: Request) -> Response:
    return await _resolve(request, MKD + request.path_params["name"])


async def resolve_term(request: Request) -> Response:
    return await _resolve(request, MK + request.path_params["name"])


async def ontology(request: Request) -> Response:
    fmt = _format(request)
    if fmt is None:
        return _error(request, 406, "the ontology is available as " + ", ".join(m for m, _ in OFFERS))
    idx = await index(request.app.state.backend)
    if not idx.ontology:
        return _error(request, 404, "this server holds no ontology graph")
    if fmt != "html":
        body = await asyncio.to_thread(_rdf, idx.ontology, fmt)
        return Response(body, 200, media_type=MEDIA[fmt], headers={"Vary": "Accept"})
    from mesokg.export.docs import ontology_html, ontology_ntriples

    doc = getattr(request.app.state, "ontology_html", None)
    if doc is None:
        async with _lock:
            doc = getattr(request.app.state, "ontology_html", None)
            if doc is None:
                nt = ontology_ntriples(idx.onto_quads, GRAPH_ONTOLOGY)
                doc = await asyncio.to_thread(ontology_html, nt)
                request.app.state.ontology_html = doc
    return Response(doc, 200, media_type=MEDIA["html"], headers={"Vary": "Accept"})


def resolve_routes() -> list[Route]:
    """The routes; the term route matches any single path segment, so it goes last."""
    return [
        Route("/ontology", ontology),
        Route("/id/{name:str}", resolve_id),
        Route("/{name:str}", resolve_term),
    ]
