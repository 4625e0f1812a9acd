"""Curated additions as nodes ("blocks") and their Turtle text, written the way seeds/*.ttl are.

A block is one node: its types, its properties in a fixed order, the plain triples that go
beside it (a claim's shortcut) and the table row it came from.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox

from .vocab import MK, MKD, PROV, RDF, RDFS, SKOS, XSD

PREFIXES = {
    "mk": MK,
    "mkd": MKD,
    "prov": PROV,
    "rdfs": RDFS,
    "skos": SKOS,
    "xsd": XSD,
}
_ORDER = [
    RDFS + "label",
    SKOS + "altLabel",
    SKOS + "definition",
    MK + "subject",
    MK + "predicate",
    MK + "object",
    MK + "polarity",
    MK + "evidenceLevel",
    MK + "studyDesign",
]


@dataclass
class Block:
    iri: str
    kind: str  # "claim" | "source" | "curator" | "node"
    origin: object  # table.Row it came from
    types: list[str] = field(default_factory=list)
    props: list[tuple[str, object]] = field(default_factory=list)  # (predicate IRI, pyoxigraph term)
    plain: list[tuple[str, str, str]] = field(default_factory=list)  # shortcut triples (IRIs)
    topic: str = ""  # seeds/ file it belongs in

    def add(self, pred: str, term) -> None:
        if term is not None:
            self.props.append((pred, term))

    def quads(self, graph=None) -> list:
        s = ox.NamedNode(self.iri)
        out = [ox.Quad(s, ox.NamedNode(RDF + "type"), ox.NamedNode(t), graph) for t in self.types]
        out += [ox.Quad(s, ox.NamedNode(p), o, graph) for p, o in self.props]
        out += [ox.Quad(ox.NamedNode(a), ox.NamedNode(b), ox.NamedNode(c), graph) for a, b, c in self.plain]
        return out


def iri_text(iri: str) -> str:
    for pfx, ns in sorted(PREFIXES.items(), key=lambda kv: -len(kv[1])):
        if iri.startswith(ns) and all(ch.isalnum() or ch in "-_." for ch in iri[len(ns) :]):
            return f"{pfx}:{iri[len(ns) :]}"
    return f"<{iri}>"


def _escape(s: str) -> str:
    return s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")


def term_text(term) -> str:
    if isinstance(term, ox.NamedNode):
        return iri_text(term.value)
    if isinstance(term, ox.Literal):
        lex = f'"{_escape(term.value)}"'
        if term.language:
            return f"{lex}@{term.language}"
        dt = term.datatype.value
        if dt in (XSD + "integer", XSD + "decimal"):
            return term.value
        if dt == XSD + "string":
            return lex
        return f"{lex}^^{iri_text(dt)}"
    raise TypeError(f"cannot write {term!r}")


def block_text(b: Block) -> str:
    order = {p: i for i, p in enumerate(_ORDER)}
    props = sorted(b.props, key=lambda po: order.get(po[0], len(order)))
    head = iri_text(b.iri) + (" a " + " , ".join(iri_text(t) for t in b.types) if b.types else "")
    parts = [head]
    grouped: dict[str, list] = {}
    for p, o in props:
        grouped.setdefault(p, []).append(o)
    for p, objs in grouped.items():
        parts.append(f"{iri_text(p)} " + " , ".join(term_text(o) for o in objs))
    text = " ;\n    ".join(parts) + " .\n"
    for s, p, o in b.plain:
        text += f"{iri_text(s)} {iri_text(p)} {iri_text(o)} .\n"
    return text


def prefix_text() -> str:
    return "".join(f"@prefix {p + ':':<7} <{ns}> .\n" for p, ns in PREFIXES.items())


def document(blocks: list[Block], note: str = "") -> str:
    """A whole Turtle file: prefixes, then each block (sources and nodes first, then claims)."""
    rank = {"node": 0, "source": 1, "curator": 2, "claim": 3}
    out = [prefix_text()]
    if note:
        out.append("".join(f"# {line}\n" for line in note.splitlines()))
    for b in sorted(blocks, key=lambda b: rank.get(b.kind, 9)):  # stable: table order within a kind
        out.append("\n" + block_text(b))
    return "".join(out)
