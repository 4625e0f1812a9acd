"""SPARQL query results: :class:`QueryResult` holds materialised results and writes the W3C SPARQL 1.1
result formats. The guard that refuses unsafe queries lives in :mod:`mesokg.query.guard`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal

import pyoxigraph as ox

XSD = "http://www.w3.org/2001/XMLSchema#"


def term_json(t) -> dict:
    if isinstance(t, ox.NamedNode):
        return {"type": "uri", "value": t.value}
    if isinstance(t, ox.BlankNode):
        return {"type": "bnode", "value": t.value}
    if isinstance(t, ox.Literal):
        d = {"type": "literal", "value": t.value}
        if t.language:
            d["xml:lang"] = t.language
        elif t.datatype.value != XSD + "string":
            d["datatype"] = t.datatype.value
        return d
    if isinstance(t, ox.Triple):
        return {
            "type": "triple",
            "value": {
                "subject": term_json(t.subject),
                "predicate": term_json(t.predicate),
                "object": term_json(t.object),
            },
        }
    raise TypeError(f"not an RDF term: {t!r}")


def term_python(t):
    """A plain Python value for a term: IRIs and strings as str, numbers as int/Decimal/float."""
    if t is None:
        return None
    if isinstance(t, ox.Literal):
        dt = t.datatype.value
        try:
            if dt in (XSD + "integer", XSD + "int", XSD + "long", XSD + "nonNegativeInteger", XSD + "positiveInteger"):
                return int(t.value)
            if dt == XSD + "decimal":
                return Decimal(t.value)
            if dt in (XSD + "double", XSD + "float"):
                return float(t.value)
            if dt == XSD + "boolean":
                return t.value in ("true", "1")
        except ValueError:
            return t.value
        return t.value
    return t.value


RESULT_FORMATS = {
    "json": (ox.QueryResultsFormat.JSON, "application/sparql-results+json"),
    "xml": (ox.QueryResultsFormat.XML, "application/sparql-results+xml"),
    "csv": (ox.QueryResultsFormat.CSV, "text/csv"),
    "tsv": (ox.QueryResultsFormat.TSV, "text/tab-separated-values"),
}


@dataclass
class QueryResult:
    """Materialised results of one query, whatever store ran it."""

    kind: str  # "select", "ask" or "graph"
    variables: list[str] = field(default_factory=list)
    rows: list[tuple] = field(default_factory=list)
    boolean: bool | None = None
    triples: list = field(default_factory=list)

    @classmethod
    def from_oxigraph(cls, res) -> QueryResult:
        if isinstance(res, ox.QueryBoolean):
            return cls("ask", boolean=bool(res))
        if isinstance(res, ox.QuerySolutions):
            names = [v.value for v in res.variables]
            return cls("select", variables=names, rows=[tuple(sol) for sol in res])
        return cls("graph", triples=list(res))

    def __len__(self) -> int:
        return len(self.rows) if self.kind == "select" else len(self.triples)

    def dicts(self) -> list[dict]:
        """Rows as dicts of plain Python values (unbound variables omitted)."""
        return [
            {v: term_python(t) for v, t in zip(self.variables, row, strict=False) if t is not None} for row in self.rows
        ]

    def to_json(self) -> bytes:
        if self.kind == "ask":
            doc = {"head": {}, "boolean": bool(self.boolean)}
        else:
            doc = {
                "head": {"vars": self.variables},
                "results": {
                    "bindings": [
                        {v: term_json(t) for v, t in zip(self.variables, row, strict=False) if t is not None}
                        for row in self.rows
                    ]
                },
            }
        return json.dumps(doc, ensure_ascii=False).encode("utf-8")

    def serialize(self, fmt: str = "json") -> bytes:
        """W3C SPARQL 1.1 results (json, xml, csv, tsv) or, for graphs, an RDF format name."""
        if self.kind == "graph":
            from mesokg.rdfio import serialize

            return serialize(self.triples, fmt)
        if fmt == "json":
            return self.to_json()
        if fmt not in RESULT_FORMATS:
            from mesokg.errors import InputError

            raise InputError(f"unknown result format {fmt!r}: use one of {', '.join(RESULT_FORMATS)}")
        if self.kind == "ask" and fmt in ("csv", "tsv"):
            return (b"true" if self.boolean else b"false") + b"\n"
        parsed = ox.parse_query_results(self.to_json(), format=ox.QueryResultsFormat.JSON)
        return parsed.serialize(format=RESULT_FORMATS[fmt][0])
