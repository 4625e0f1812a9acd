"""Compiling SHACL shapes for the linear engine: targets, paths, constraints, messages."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pyoxigraph as ox
import rdflib
from rdflib import BNode, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, SH, XSD

RDF_TYPE = ox.NamedNode(str(RDF.type))
SUBCLASS = ox.NamedNode(str(RDFS.subClassOf))


class Unsupported(Exception):
    """The shapes use a SHACL feature this engine does not implement."""


# parameters that are not constraints
_IGNORED = {
    SH.message,
    SH.severity,
    SH.deactivated,
    SH.name,
    SH.description,
    SH.order,
    SH.group,
    SH.path,
    SH.targetClass,
    SH.targetNode,
    SH.targetSubjectsOf,
    SH.targetObjectsOf,
    SH.target,
    SH.prefixes,
    SH.declare,
    SH.defaultValue,
}
_COMPONENT = {
    SH["class"]: "Class",
    SH.datatype: "Datatype",
    SH.nodeKind: "NodeKind",
    SH.minCount: "MinCount",
    SH.maxCount: "MaxCount",
    SH.minInclusive: "MinInclusive",
    SH.maxInclusive: "MaxInclusive",
    SH.minExclusive: "MinExclusive",
    SH.maxExclusive: "MaxExclusive",
    SH.minLength: "MinLength",
    SH.maxLength: "MaxLength",
    SH.pattern: "Pattern",
    SH.languageIn: "LanguageIn",
    SH["in"]: "In",
    SH.hasValue: "HasValue",
    SH.equals: "Equals",
    SH.disjoint: "Disjoint",
    SH.lessThan: "LessThan",
    SH.lessThanOrEquals: "LessThanOrEquals",
    SH["or"]: "Or",
    SH["and"]: "And",
    SH.xone: "Xone",
    SH["not"]: "Not",
    SH.node: "Node",
    SH.property: None,  # nested property shapes
    SH.sparql: None,
    SH.flags: None,  # read with sh:pattern
}


def to_ox(t):
    if isinstance(t, URIRef):
        return ox.NamedNode(str(t))
    if isinstance(t, BNode):
        return ox.BlankNode(str(t))
    if t.language:
        return ox.Literal(str(t), language=t.language)
    return ox.Literal(str(t), datatype=ox.NamedNode(str(t.datatype or XSD.string)))


def to_rdflib(term):
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    dt = term.datatype.value
    return Literal(term.value) if dt == str(XSD.string) else Literal(term.value, datatype=URIRef(dt))


def _sparql_term(t) -> str:
    return str(to_ox(t)) if not isinstance(t, ox.NamedNode | ox.Literal | ox.BlankNode) else str(t)


# ---------------------------------------------------------------------------------------------
# paths


@dataclass(frozen=True)
class Step:
    pred: ox.NamedNode
    inverse: bool = False


def path_walks(sg: rdflib.Graph, path) -> list[list[tuple[Step, bool]]]:
    """Every walk of a path as a list of (step, repetition): repetition None, "*", "+" or "?"."""
    if isinstance(path, URIRef):
        return [[(Step(ox.NamedNode(str(path))), None)]]
    inv = sg.value(path, SH.inversePath)
    if inv is not None:
        if not isinstance(inv, URIRef):
            raise Unsupported("inverse of a complex path")
        return [[(Step(ox.NamedNode(str(inv)), True), None)]]
    for pred, kind in ((SH.zeroOrMorePath, "*"), (SH.oneOrMorePath, "+"), (SH.zeroOrOnePath, "?")):
        inner = sg.value(path, pred)
        if inner is not None:
            walks = path_walks(sg, inner)
            if any(len(w) != 1 for w in walks):
                raise Unsupported("repetition of a sequence path")
            return [[(w[0][0], kind)] for w in walks]
    alt = sg.value(path, SH.alternativePath)
    if alt is not None:
        return [w for p in Collection(sg, alt) for w in path_walks(sg, p)]
    if sg.value(path, RDF.first) is not None:
        walks: list[list] = [[]]
        for p in Collection(sg, path):
            walks = [a + b for a in walks for b in path_walks(sg, p)]
        return walks
    raise Unsupported(f"path {path}")


def path_sparql(sg: rdflib.Graph, path) -> str:
    if isinstance(path, URIRef):
        return f"<{path}>"
    inv = sg.value(path, SH.inversePath)
    if inv is not None:
        return f"^({path_sparql(sg, inv)})"
    for pred, suffix in ((SH.zeroOrMorePath, "*"), (SH.oneOrMorePath, "+"), (SH.zeroOrOnePath, "?")):
        inner = sg.value(path, pred)
        if inner is not None:
            return f"({path_sparql(sg, inner)}){suffix}"
    alt = sg.value(path, SH.alternativePath)
    if alt is not None:
        return "(" + "|".join(path_sparql(sg, p) for p in Collection(sg, alt)) + ")"
    if sg.value(path, RDF.first) is not None:
        return "(" + "/".join(path_sparql(sg, p) for p in Collection(sg, path)) + ")"
    raise Unsupported(f"path {path}")


@dataclass
class Shape:
    node: object  # shape node in the shapes graph
    name: str  # named shape it belongs to
    severity: str
    messages: list[str]
    path: object = None  # rdflib path node (property shapes)
    walks: list = field(default_factory=list)
    constraints: list = field(default_factory=list)  # (parameter IRI, compiled value)
    properties: list = field(default_factory=list)  # nested property shapes
    sparql: list = field(default_factory=list)  # (query text, messages)
    targets: list = field(default_factory=list)  # (kind, value)

    @property
    def message(self) -> str:
        return " ".join(self.messages)

    @property
    def is_property(self) -> bool:
        return self.path is not None


class Compiler:
    def __init__(self, sg: rdflib.Graph):
        self.sg = sg
        self.memo: dict = {}
        self.prefixes = self._prefixes()

    def _prefixes(self) -> dict:
        out = {}
        for decl in self.sg.objects(None, SH.declare):
            p, ns = self.sg.value(decl, SH.prefix), self.sg.value(decl, SH.namespace)
            if p is not None and ns is not None:
                out[str(p)] = str(ns)
        return out

    def name_of(self, node) -> str:
        from mesokg.knowledge.report import compact

        cur, seen = node, set()
        while isinstance(cur, BNode) and cur not in seen:
            seen.add(cur)
            parents = list(self.sg.subjects(None, cur))
            if not parents:
                break
            cur = parents[0]
        return compact(cur) if isinstance(cur, URIRef) else compact(node)

    def shape(self, node, name: str | None = None) -> Shape:
        if node in self.memo:
            return self.memo[node]
        sg = self.sg
        if (node, RDF.type, RDFS.Class) in sg or (node, RDF.type, OWL.Class) in sg:
            raise Unsupported("implicit class targets")
        sev = sg.value(node, SH.severity)
        severity = str(sev).rsplit("#", 1)[-1] if sev is not None else "Violation"
        msgs = sorted(str(m) for m in sg.objects(node, SH.message))
        path = sg.value(node, SH.path)
        s = Shape(node, name or self.name_of(node), severity, msgs, path)
        self.memo[node] = s
        if path is not None:
            s.walks = path_walks(sg, path)
        for p, o in sg.predicate_objects(node):
            if p in _IGNORED or p == RDF.type or not str(p).startswith(str(SH)):
                continue
            if p not in _COMPONENT:
                raise Unsupported(f"{p}")
            if p == SH.property:
                s.properties.append(self.shape(o, s.name))
            elif p == SH.sparql:
                if (o, SH.deactivated, Literal(True)) in sg:
                    continue
                sel = sg.value(o, SH.select)
                if sel is None:
                    raise Unsupported("SPARQL constraint without sh:select")
                cm = sorted(str(m) for m in sg.objects(o, SH.message))
                s.sparql.append((self._with_prefixes(str(sel)), cm))
            elif p == SH.flags:
                continue
            else:
                s.constraints.append(self._constraint(node, p, o, s.name))
        for kind in (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf):
            for o in sg.objects(node, kind):
                s.targets.append((kind, o))
        for t in sg.objects(node, SH.target):
            sel = sg.value(t, SH.select)
            if sel is None:
                raise Unsupported("custom target type")
            s.targets.append((SH.target, self._with_prefixes(str(sel))))
        if s.constraints and not s.messages and self._reported(node):
            raise Unsupported(f"shape {s.name} has no sh:message (pyshacl would make one up)")
        return s

    def _constraint(self, node, p, o, name: str) -> tuple[str, object]:
        """(component name, argument prepared for checking), e.g. ("Class", NamedNode)."""
        sg = self.sg
        kind = _COMPONENT[p]
        if kind in ("Or", "And", "Xone"):
            return kind, [self.shape(m, name) for m in Collection(sg, o)]
        if kind in ("Not", "Node"):
            return kind, self.shape(o, name)
        if kind == "In":
            return kind, frozenset(to_ox(x) for x in Collection(sg, o))
        if kind == "LanguageIn":
            return kind, [str(x) for x in Collection(sg, o)]
        if kind == "Pattern":
            flags = str(sg.value(node, SH.flags) or "").lower()
            return kind, re.compile(str(o), (re.I if "i" in flags else 0) | (re.M if "m" in flags else 0))
        if kind in ("MinCount", "MaxCount", "MinLength", "MaxLength"):
            return kind, int(o)
        if kind in ("Class", "Equals", "Disjoint", "LessThan", "LessThanOrEquals"):
            return kind, ox.NamedNode(str(o))
        if kind == "HasValue":
            return kind, to_ox(o)
        return kind, o  # Datatype, NodeKind, ranges: rdflib terms, checked with pyshacl's rules

    def _reported(self, node) -> bool:
        """Whether results of this shape are reported (not only used inside or/not/xone/node)."""
        sg = self.sg
        for p in (SH["not"], SH.node, RDF.first):
            if (None, p, node) in sg:
                return False
        return True

    def _with_prefixes(self, text: str) -> str:
        head = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in self.prefixes.items())
        return head + text

    def top_level(self) -> list[Shape]:
        sg = self.sg
        nodes = set()
        for p in (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target):
            nodes |= set(sg.subjects(p, None))
        out = []
        for n in sorted(nodes, key=str):
            if (n, SH.deactivated, Literal(True)) in sg:
                continue
            out.append(self.shape(n))
        return out
