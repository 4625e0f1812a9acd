"""Content negotiation: an ``Accept`` header (or a ``format=`` name) → the format to answer in.

>>> pick("application/sparql-results+json,*/*;q=0.9", RESULT_OFFERS)
'json'
>>> pick("text/csv", RESULT_OFFERS), pick("text/turtle", RESULT_OFFERS)
('csv', None)
>>> pick(None, GRAPH_OFFERS), pick("application/ld+json", GRAPH_OFFERS)
('turtle', 'jsonld')
>>> formats("*/*", "tsv")
('tsv', None)
"""

from __future__ import annotations

import functools

from mesokg.errors import InputError

Offers = tuple[tuple[str, str], ...]

#: SELECT and ASK results; the first is the default
RESULT_OFFERS: Offers = (
    ("application/sparql-results+json", "json"),
    ("application/json", "json"),
    ("application/sparql-results+xml", "xml"),
    ("application/xml", "xml"),
    ("text/xml", "xml"),
    ("text/csv", "csv"),
    ("text/tab-separated-values", "tsv"),
)
#: CONSTRUCT and DESCRIBE results, and the service description
GRAPH_OFFERS: Offers = (
    ("text/turtle", "turtle"),
    ("application/x-turtle", "turtle"),
    ("application/n-triples", "nt"),
    ("application/ld+json", "jsonld"),
    ("application/json", "jsonld"),
    ("application/rdf+xml", "xml"),
)
#: the whole dataset at /graph (quad formats keep the named graphs)
DATASET_OFFERS: Offers = (
    ("text/turtle", "turtle"),
    ("application/x-turtle", "turtle"),
    ("application/n-triples", "nt"),
    ("application/n-quads", "nq"),
    ("application/trig", "trig"),
    ("application/ld+json", "jsonld"),
    ("application/json", "jsonld"),
    ("application/rdf+xml", "xml"),
)
#: errors
ERROR_OFFERS: Offers = (("application/json", "json"), ("text/plain", "text"))

RESULT_NAMES = {"json": "json", "xml": "xml", "csv": "csv", "tsv": "tsv"}
GRAPH_NAMES = {
    "turtle": "turtle",
    "ttl": "turtle",
    "nt": "nt",
    "ntriples": "nt",
    "n-triples": "nt",
    "jsonld": "jsonld",
    "json-ld": "jsonld",
    "json": "jsonld",
    "xml": "xml",
    "rdfxml": "xml",
    "rdf": "xml",
}
DATASET_NAMES = {**GRAPH_NAMES, "nq": "nq", "nquads": "nq", "n-quads": "nq", "trig": "trig"}


def _ranges(header: str) -> list[tuple[str, str, float]]:
    out = []
    for part in header.split(","):
        bits = [b.strip() for b in part.split(";")]
        media = bits[0].lower()
        if "/" not in media:
            continue
        q = 1.0
        for b in bits[1:]:
            k, _, v = b.partition("=")
            if k.strip().lower() == "q":
                try:
                    q = max(0.0, min(1.0, float(v)))
                except ValueError:
                    q = 0.0
        main, _, sub = media.partition("/")
        out.append((main, sub, q))
    return out


@functools.lru_cache(maxsize=512)
def pick(header: str | None, offers: Offers) -> str | None:
    """The offered format the client prefers (``None``: it accepts none of them).

    No ``Accept`` header means "anything" and gives the first offer. Among offers of equal
    quality, one the client names exactly wins over one it reaches by a wildcard, then the
    server's order decides.
    """
    if not header or not header.strip():
        return offers[0][1]
    ranges = _ranges(header)
    best, best_key = None, (0.0, -1)
    for media, name in offers:
        main, _, sub = media.partition("/")
        q, spec = None, -1
        for r_main, r_sub, r_q in ranges:
            if (r_main, r_sub) == (main, sub):
                s = 2
            elif r_main == main and r_sub == "*":
                s = 1
            elif r_main == "*" and r_sub == "*":
                s = 0
            else:
                continue
            if s > spec:
                q, spec = r_q, s
        if q is None or q <= 0:
            continue
        key = (q, spec)
        if key > best_key:
            best, best_key = name, key
    return best


def formats(accept: str | None, format_name: str | None = None) -> tuple[str | None, str | None]:
    """(format for SELECT/ASK, format for graphs) from ``?format=`` if given, else from ``Accept``."""
    if format_name:
        key = format_name.strip().lower()
        select, graph = RESULT_NAMES.get(key), GRAPH_NAMES.get(key)
        if select is None and graph is None:
            raise InputError(
                f"format={format_name!r} is unknown: use json, xml, csv or tsv for SELECT and ASK; "
                "turtle, nt, jsonld or xml for CONSTRUCT and DESCRIBE"
            )
        return select, graph
    return pick(accept, RESULT_OFFERS), pick(accept, GRAPH_OFFERS)


def dataset_format(accept: str | None, format_name: str | None = None) -> str | None:
    """The RDF format for /graph; ``None`` when the client accepts none."""
    if format_name:
        key = format_name.strip().lower()
        if key not in DATASET_NAMES:
            raise InputError(f"format={format_name!r} is unknown: use one of turtle, nt, nq, trig, jsonld, xml")
        return DATASET_NAMES[key]
    return pick(accept, DATASET_OFFERS)
