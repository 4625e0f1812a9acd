"""SPARQL query results: :class:`QueryResult` holds materialised results and writes the W3C SPARQL 1.1
result formats. The guard that refuses unsafe queries lives in :mod:`mesokg.query.guard`.
"""

from __future__ import annotations

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
                from decimal import Decimal

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


class QueryResult:
    """Materialised results of one query, whatever store ran it.

    ``kind`` is "select", "ask" or "graph"; ``variables`` and ``rows`` (tuples of terms) hold a
    SELECT's answer, ``boolean`` an ASK's, ``triples`` a CONSTRUCT's or DESCRIBE's. (A plain class,
    not a dataclass: the ``dataclasses`` import alone is a fifth of a cold ``mesokg query``.)
    """

    __slots__ = ("kind", "variables", "rows", "boolean", "triples")

    def __init__(
        self,
        kind: str,
        variables: list[str] | None = None,
        rows: list[tuple] | None = None,
        boolean: bool | None = None,
        triples: list | None = None,
    ):
        self.kind = kind
        self.variables = variables if variables is not None else []
        self.rows = rows if rows is not None else []
        self.boolean = boolean
        self.triples = triples if triples is not None else []

    def _key(self) -> tuple:
        return (self.kind, self.variables, self.rows, self.boolean, self.triples)

    def __eq__(self, other) -> bool:
        return isinstance(other, QueryResult) and self._key() == other._key()

    __hash__ = None  # mutable, like the dataclass it replaces

    def __repr__(self) -> str:
        return (
            f"QueryResult(kind={self.kind!r}, variables={self.variables!r}, rows={self.rows!r}, "
            f"boolean={self.boolean!r}, triples={self.triples!r})"
        )

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
        import json

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
