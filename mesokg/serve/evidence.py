"""Evidence routes of ``mesokg serve`` (issue 10): the summary-of-findings form and the gap map.

- ``GET /evidence?subject=…&indication=…[&format=json|md|csv]`` — the summary of findings
  (``mesokg evidence``); names, synonyms, short ids, CURIEs or IRIs; an unknown name is a 400 with
  "did you mean …".
- ``GET /evidence/names?q=…[&kind=indication|subject]`` — label completions for the form.
- ``GET /evidence/map`` — the evidence and gap map page (``mesokg map --out map.html``).
- ``GET /evidence/static/NAME`` — the form's script and style (vendored here, nothing from a CDN).

These run fixed internal queries on a read-only in-memory copy of the served dataset, in a thread,
never user SPARQL; user text only ever becomes an IRI through :mod:`mesokg.query.names`.
The app adds them with one line: ``routes += evidence_routes()``.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from mesokg.errors import MesokgError

STATIC = Path(__file__).resolve().parent.parent / "evidence" / "static"
STATIC_FILES = {"sof.js": "text/javascript", "form.js": "text/javascript", "form.css": "text/css"}
MK = "https://w3id.org/mesokg/"
_lock = asyncio.Lock()


async def names_store(backend):
    """A read-only in-memory store of the served dataset, built on first use (for names and summaries)."""
    store = getattr(backend, "_evidence_store", None)
    if store is not None:
        return store
    async with _lock:
        if getattr(backend, "_evidence_store", None) is None:

            def build():
                from mesokg.query.names import name_index
                from mesokg.store import OxigraphStore

                s = OxigraphStore()
                s.add(backend.quads)
                name_index(s)  # warm the index
                return s

            backend._evidence_store = await asyncio.to_thread(build)
    return backend._evidence_store


def _error(status: int, message: str) -> Response:
    body = json.dumps({"error": message, "status": status}, ensure_ascii=False).encode("utf-8")
    return Response(body, status, media_type="application/json")


async def summary(request: Request) -> Response:
    from mesokg.evidence.formats import render
    from mesokg.evidence.summary import summarize

    q = request.query_params
    subject, indication, fmt = q.get("subject", ""), q.get("indication", ""), q.get("format", "json")
    if not subject.strip() or not indication.strip():
        return _error(400, "give both subject and indication (a label, synonym, short id, CURIE or IRI)")
    if fmt not in ("json", "md", "csv"):
        return _error(400, f"format {fmt!r}: use json, md or csv")
    store = await names_store(request.app.state.backend)
    try:
        s = await asyncio.to_thread(summarize, store, subject, indication)
    except MesokgError as e:
        return _error(400, str(e))
    media = {"json": "application/json", "md": "text/markdown; charset=utf-8", "csv": "text/csv; charset=utf-8"}[fmt]
    return Response(render(s, fmt).encode("utf-8"), 200, media_type=media)


def completions(index, text: str, kind: str | None, limit: int = 12) -> list[dict]:
    """Labels (and synonyms) containing ``text``, those that start with it first; one entry per node."""
    from mesokg.query.names import normalise

    key = normalise(text)
    if not key:
        return []
    want = MK + "Indication" if kind == "indication" else None
    subject_roots = (MK + "Substance", MK + "Procedure", MK + "Technique")
    hits: dict[str, tuple] = {}
    for iri, node in index.nodes.items():
        if not iri.startswith(MK + "id/"):
            continue
        if want and not index.is_a(iri, want):
            continue
        if kind == "subject" and not any(index.is_a(iri, r) for r in subject_roots):
            continue
        for name in node.names:
            n = normalise(name)
            if key in n:
                rank = (0 if n.startswith(key) else 1, name != node.label, len(name))
                if iri not in hits or rank < hits[iri][0]:
                    hits[iri] = (rank, name)
    ordered = sorted(hits.items(), key=lambda kv: (kv[1][0], kv[1][1].lower()))[:limit]
    out = []
    for iri, (_, name) in ordered:
        label = index.label(iri)
        out.append({"id": iri[len(MK + "id/") :], "label": label, "match": name if name != label else None})
    return out


async def names(request: Request) -> Response:
    from mesokg.query.names import name_index

    kind = request.query_params.get("kind")
    if kind not in (None, "", "indication", "subject"):
        return _error(400, f"kind {kind!r}: use indication or subject")
    store = await names_store(request.app.state.backend)
    found = completions(name_index(store), request.query_params.get("q", "")[:100], kind or None)
    return Response(json.dumps(found, ensure_ascii=False).encode("utf-8"), media_type="application/json")


async def gap_map(request: Request) -> Response:
    backend = request.app.state.backend
    page = getattr(backend, "_evidence_map", None)
    if page is None:
        from mesokg.evidence.gapmap import build_map
        from mesokg.evidence.mapfiles import to_html

        store = await names_store(backend)
        page = await asyncio.to_thread(lambda: to_html(build_map(store), "Evidence and gap map of mesotherapy"))
        backend._evidence_map = page
    return Response(page, media_type="text/html; charset=utf-8")


async def static(request: Request) -> Response:
    name = request.path_params["name"]
    if name not in STATIC_FILES:
        return _error(404, f"no file {name}")
    return Response((STATIC / name).read_bytes(), media_type=STATIC_FILES[name])


def evidence_routes() -> list[Route]:
    return [
        Route("/evidence", summary),
        Route("/evidence/names", names),
        Route("/evidence/map", gap_map),
        Route("/evidence/static/{name}", static),
    ]
