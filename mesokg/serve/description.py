"""The SPARQL 1.1 Service Description of the endpoint (https://www.w3.org/TR/sparql11-service-description/)."""

from __future__ import annotations

import pyoxigraph as ox

from mesokg import __version__
from mesokg.query.guard import OWN_GRAPHS
from mesokg.rdfio import serialize

SD = "http://www.w3.org/ns/sparql-service-description#"
FORMATS = "http://www.w3.org/ns/formats/"
VOID = "http://rdfs.org/ns/void#"
DCTERMS = "http://purl.org/dc/terms/"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
RDFS_COMMENT = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#comment")
RESULT_FORMATS = (
    "SPARQL_Results_JSON",
    "SPARQL_Results_XML",
    "SPARQL_Results_CSV",
    "SPARQL_Results_TSV",
    "Turtle",
    "N-Triples",
    "JSON-LD",
    "RDF_XML",
)


def _n(ns: str, local: str) -> ox.NamedNode:
    return ox.NamedNode(ns + local)


def _int(n: int) -> ox.Literal:
    return ox.Literal(str(n), datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))


def description_triples(
    endpoint: str, graph_sizes: dict[str, int], total: int, *, timeout: float, max_rows: int, max_body: int
) -> list[ox.Triple]:
    """The description as triples: features, formats, the dataset's graphs and the server's limits."""
    svc = ox.NamedNode(endpoint)
    t = [
        ox.Triple(svc, RDF_TYPE, _n(SD, "Service")),
        ox.Triple(svc, _n(SD, "endpoint"), svc),
        ox.Triple(svc, _n(SD, "supportedLanguage"), _n(SD, "SPARQL11Query")),
        ox.Triple(svc, _n(SD, "feature"), _n(SD, "UnionDefaultGraph")),
        ox.Triple(svc, _n(DCTERMS, "title"), ox.Literal("mesokg: the evidence-graded knowledge graph of mesotherapy")),
        ox.Triple(svc, _n(DCTERMS, "hasVersion"), ox.Literal(__version__)),
        ox.Triple(
            svc,
            RDFS_COMMENT,
            ox.Literal(
                f"Read-only. Updates, SERVICE, LOAD and FROM outside {OWN_GRAPHS} are refused. A query may run {timeout:g} s; a response carries at most {max_rows} rows or "
                f"triples (more are cut off and the X-Mesokg-Truncated header is set); a request body may "
                f"hold {max_body} bytes."
            ),
        ),
    ]
    t += [ox.Triple(svc, _n(SD, "resultFormat"), _n(FORMATS, f)) for f in RESULT_FORMATS]
    dataset, default = ox.BlankNode("dataset"), ox.BlankNode("default")
    t += [
        ox.Triple(svc, _n(SD, "defaultDataset"), dataset),
        ox.Triple(dataset, RDF_TYPE, _n(SD, "Dataset")),
        ox.Triple(dataset, _n(SD, "defaultGraph"), default),
        ox.Triple(default, RDF_TYPE, _n(SD, "Graph")),
        ox.Triple(default, RDFS_COMMENT, ox.Literal("the union of the named graphs")),
        ox.Triple(default, _n(VOID, "triples"), _int(total)),
    ]
    for i, (name, size) in enumerate(sorted(graph_sizes.items())):
        ng, g = ox.BlankNode(f"named{i}"), ox.BlankNode(f"graph{i}")
        t += [
            ox.Triple(dataset, _n(SD, "namedGraph"), ng),
            ox.Triple(ng, RDF_TYPE, _n(SD, "NamedGraph")),
            ox.Triple(ng, _n(SD, "name"), ox.NamedNode(name)),
            ox.Triple(ng, _n(SD, "graph"), g),
            ox.Triple(g, RDF_TYPE, _n(SD, "Graph")),
            ox.Triple(g, _n(VOID, "triples"), _int(size)),
        ]
    return t


def description(endpoint: str, fmt: str, graph_sizes: dict[str, int], total: int, **limits) -> bytes:
    """The description serialized in an RDF format name of :mod:`mesokg.rdfio`."""
    triples = description_triples(endpoint, graph_sizes, total, **limits)
    if fmt == "turtle":
        prefixes = {
            "sd": SD,
            "void": VOID,
            "formats": FORMATS,
            "dcterms": DCTERMS,
            "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
        }
        return ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=prefixes)
    return serialize(triples, fmt)
