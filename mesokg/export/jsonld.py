"""Compact JSON-LD with a real ``@context``: one node object per subject, compact IRIs, stable order.

Written by hand rather than by a library so the bytes depend only on the triples: node objects are
sorted by ``@id``, keys by compact IRI, values by their N-Triples form.

>>> import pyoxigraph as ox
>>> t = ox.Triple(ox.NamedNode("https://w3id.org/mesokg/id/x"), ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"),
...               ox.Literal("x", language="en"))
>>> print(to_jsonld([t], {"mkd": "https://w3id.org/mesokg/id/", "rdfs": "http://www.w3.org/2000/01/rdf-schema#"}).decode())
{
 "@context": {
  "mkd": "https://w3id.org/mesokg/id/",
  "rdfs": "http://www.w3.org/2000/01/rdf-schema#"
 },
 "@graph": [
  {
   "@id": "mkd:x",
   "rdfs:label": {"@value": "x", "@language": "en"}
  }
 ]
}
"""

from __future__ import annotations

import json
import re
from collections import defaultdict

import pyoxigraph as ox

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_SAFE_LOCAL = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.\-]*$")


class Compactor:
    """Turns IRIs into ``prefix:local`` where a prefix of ``prefixes`` covers them and the local part is plain."""

    def __init__(self, prefixes: dict[str, str]):
        # longest namespace first, so mkd: wins over mk: for https://w3id.org/mesokg/id/...
        self.items = sorted(prefixes.items(), key=lambda kv: -len(kv[1]))
        self.used: set[str] = set()

    def __call__(self, iri: str) -> str:
        for prefix, ns in self.items:
            if iri.startswith(ns) and _SAFE_LOCAL.match(iri[len(ns) :]):
                self.used.add(prefix)
                return f"{prefix}:{iri[len(ns) :]}"
        return iri


def _term(term, compact: Compactor):
    if isinstance(term, ox.NamedNode):
        return {"@id": compact(term.value)}
    if isinstance(term, ox.BlankNode):
        return {"@id": f"_:{term.value}"}
    if term.language:
        return {"@value": term.value, "@language": term.language}
    if term.datatype.value == XSD_STRING:
        return term.value
    return {"@value": term.value, "@type": compact(term.datatype.value)}


def _id(term, compact: Compactor) -> str:
    return f"_:{term.value}" if isinstance(term, ox.BlankNode) else compact(term.value)


def to_jsonld(triples, prefixes: dict[str, str]) -> bytes:
    """Serialise ``triples`` as one compact JSON-LD document (``@context`` + ``@graph``)."""
    compact = Compactor(prefixes)
    by_subject: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for t in triples:
        node = by_subject[_id(t.subject, compact)]
        if t.predicate.value == RDF_TYPE and not isinstance(t.object, ox.Literal):
            node["@type"].append(_id(t.object, compact))
        else:
            node[compact(t.predicate.value)].append(_term(t.object, compact))
    graph = []
    for sid in sorted(by_subject):
        props = by_subject[sid]
        obj: dict[str, object] = {"@id": sid}
        for key in sorted(props, key=lambda k: (k != "@type", k)):
            values = sorted(props[key], key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
            obj[key] = values[0] if len(values) == 1 else values
        graph.append(obj)
    context = {p: ns for p, ns in sorted(prefixes.items()) if p in compact.used}
    # one node object a block, one property a line: readable, and diffs stay small
    lines = [
        "{",
        ' "@context": ' + json.dumps(context, indent=1, ensure_ascii=False).replace("\n", "\n ") + ",",
        ' "@graph": [',
    ]
    for i, obj in enumerate(graph):
        body = ",\n".join(
            f"   {json.dumps(k, ensure_ascii=False)}: {json.dumps(v, ensure_ascii=False)}" for k, v in obj.items()
        )
        lines.append("  {\n" + body + "\n  }" + ("," if i < len(graph) - 1 else ""))
    lines += [" ]", "}", ""]
    return "\n".join(lines).encode()
