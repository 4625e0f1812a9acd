"""Linear SHACL validation on Oxigraph, with the results pyshacl gives.

pyshacl evaluates targets and SPARQL constraints with rdflib's SPARQL engine, once per focus
node; on a graph 100 times the seeds that grows faster than the graph. Here:

- the focus nodes of each shape come from one query per target (SPARQL targets included) on
  Oxigraph;
- the value nodes of each property shape of a targeted node shape come from one query for all
  its focus nodes; core constraints are checked in Python on those values (class membership and
  nested shapes by index lookups), with pyshacl's own comparison rules;
- each SPARQL constraint runs once over all its focus nodes (bound by ``VALUES ?this``).

Shapes that use anything this engine does not implement raise :class:`Unsupported`; the caller
then validates with pyshacl. pyshacl stays the reference: a test checks that both give the same
results on every shape case.

Incremental use: ``validate(..., changed=triples)`` checks only the focus nodes the changed
triples can affect (walking each shape's paths backwards from them); SPARQL targets and
constraints, which can join anything, run in full (one query each on Oxigraph).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
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


# ---------------------------------------------------------------------------------------------
# data access


class Data:
    """Index lookups and queries on an Oxigraph store, restricted to some graphs."""

    def __init__(self, store: ox.Store, graphs: list | None = None):
        self.store = store
        self.graphs = graphs  # None: the default graph
        self._types: dict = {}
        self._ancestors: dict = {}

    def _quads(self, s, p, o):
        if self.graphs is None:
            yield from self.store.quads_for_pattern(s, p, o, ox.DefaultGraph())
        else:
            for g in self.graphs:
                yield from self.store.quads_for_pattern(s, p, o, g)

    def objects(self, s, p) -> set:
        if isinstance(s, ox.Literal):
            return set()
        return {q.object for q in self._quads(s, p, None)}

    def subjects(self, p, o) -> set:
        return {q.subject for q in self._quads(None, p, o)}

    def has(self, s, p, o) -> bool:
        return next(iter(self._quads(s, p, o)), None) is not None

    def query(self, text: str):
        if self.graphs is None:
            return self.store.query(text)
        return self.store.query(text, default_graph=self.graphs)

    def ancestors(self, cls) -> set:
        a = self._ancestors.get(cls)
        if a is None:
            a, todo = {cls}, [cls]
            while todo:
                for sup in self.objects(todo.pop(), SUBCLASS):
                    if sup not in a:
                        a.add(sup)
                        todo.append(sup)
            self._ancestors[cls] = a
        return a

    def types(self, node) -> set:
        t = self._types.get(node)
        if t is None:
            t = set()
            if not isinstance(node, ox.Literal):
                for c in self.objects(node, RDF_TYPE):
                    t |= self.ancestors(c)
            if len(self._types) > 500_000:
                self._types.clear()
            self._types[node] = t
        return t

    def step(self, nodes: set, step: Step) -> set:
        out = set()
        for n in nodes:
            out |= self.subjects(step.pred, n) if step.inverse else self.objects(n, step.pred)
        return out

    def values(self, node, walks) -> set:
        out = set()
        for walk in walks:
            cur = {node}
            for step, rep in walk:
                if rep is None:
                    cur = self.step(cur, step)
                elif rep == "?":
                    cur = cur | self.step(cur, step)
                else:
                    reached, frontier = set(), set(cur)
                    while frontier:
                        frontier = self.step(frontier, step) - reached
                        reached |= frontier
                    cur = reached | cur if rep == "*" else reached
            out |= cur
        return out


# ---------------------------------------------------------------------------------------------
# compiled shapes


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
        from .validate import compact

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
            elif p in (SH["or"], SH["and"], SH.xone):
                s.constraints.append((p, [self.shape(m, s.name) for m in Collection(sg, o)]))
            elif p in (SH["not"], SH.node):
                s.constraints.append((p, self.shape(o, s.name)))
            elif p in (SH["in"], SH.languageIn):
                s.constraints.append((p, list(Collection(sg, o))))
            elif p == SH.pattern:
                flags = sg.value(node, SH.flags)
                f = 0
                if flags is not None:
                    fl = str(flags).lower()
                    f |= re.I if "i" in fl else 0
                    f |= re.M if "m" in fl else 0
                s.constraints.append((p, re.compile(str(o), f)))
            elif p in (SH.minCount, SH.maxCount, SH.minLength, SH.maxLength):
                s.constraints.append((p, int(o)))
            elif p in (SH.equals, SH.disjoint, SH.lessThan, SH.lessThanOrEquals):
                s.constraints.append((p, ox.NamedNode(str(o))))
            else:
                s.constraints.append((p, o))
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


# ---------------------------------------------------------------------------------------------
# evaluation


@dataclass(frozen=True)
class Raw:
    severity: str
    shape: str
    focus: object  # pyoxigraph term
    path: object  # rdflib path node / IRI, or None
    value: object  # pyoxigraph term or None
    message: str
    component: str


_LEX = re.compile(r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|<[^<>"\s]*>|#[^\n]*')


def bind_this(query: str, nodes: list) -> str:
    """``query`` with ``VALUES ?this {...}`` first in its outermost WHERE group."""
    code = _LEX.sub(lambda m: "_" * len(m.group(0)), query)
    m = re.search(r"(?i)\bWHERE\s*\{", code) or re.search(r"\{", code)
    if not m:
        raise Unsupported("query without a WHERE clause")
    block = " VALUES ?this { " + " ".join(str(n) for n in nodes) + " } "
    return query[: m.end()] + block + query[m.end() :]


class Validator:
    def __init__(self, shapes: rdflib.Graph):
        self.sg = shapes
        self.compiler = Compiler(shapes)
        self.shapes = self.compiler.top_level()

    # -- focus nodes -----------------------------------------------------------------------------
    def focus_nodes(self, data: Data, shape: Shape) -> set:
        out = set()
        for kind, v in shape.targets:
            if kind == SH.targetNode:
                out.add(to_ox(v))
            elif kind == SH.targetClass:
                q = f"SELECT DISTINCT ?this WHERE {{ ?this a/<{RDFS.subClassOf}>* <{v}> }}"
                out |= {r[0] for r in data.query(q)}
            elif kind == SH.targetSubjectsOf:
                out |= {q.subject for q in data._quads(None, ox.NamedNode(str(v)), None)}
            elif kind == SH.targetObjectsOf:
                out |= {q.object for q in data._quads(None, ox.NamedNode(str(v)), None)}
            else:
                out |= {r["this"] for r in data.query(v) if r["this"] is not None}
        return out

    def is_focus(self, data: Data, shape: Shape, node) -> bool:
        """Target membership of one node, by index (no SPARQL targets)."""
        for kind, v in shape.targets:
            if kind == SH.targetNode and to_ox(v) == node:
                return True
            if kind == SH.targetClass and ox.NamedNode(str(v)) in data.types(node):
                return True
            if kind == SH.targetSubjectsOf and data.has(node, ox.NamedNode(str(v)), None):
                return True
            if kind == SH.targetObjectsOf and data.has(None, ox.NamedNode(str(v)), node):
                return True
        return False

    # -- core constraints ------------------------------------------------------------------------
    def check(self, data: Data, shape: Shape, focus, values: set, out: list | None) -> bool:
        """Check ``shape``'s constraints for one focus node and its value nodes; append results
        to ``out`` (None: only tell whether it conforms). True when it conforms."""
        ok = True

        def fail(param, value=None):
            nonlocal ok
            ok = False
            if out is not None:
                out.append(
                    Raw(
                        shape.severity,
                        shape.name,
                        focus,
                        shape.path,
                        value,
                        " ".join(shape.messages),
                        "sh:" + _COMPONENT[param] + "ConstraintComponent",
                    )
                )

        for param, arg in shape.constraints:
            if out is None and not ok:
                return False
            if param == SH.minCount:
                if len(values) < arg:
                    fail(param)
            elif param == SH.maxCount:
                if len(values) > arg:
                    fail(param)
            elif param == SH.hasValue:
                if to_ox(arg) not in values:
                    fail(param)
            elif param in (SH.equals, SH.disjoint, SH.lessThan, SH.lessThanOrEquals):
                other = data.objects(focus, arg) if not isinstance(focus, ox.Literal) else set()
                if param == SH.equals:
                    for v in sorted(values - other, key=str) + sorted(other - values, key=str):
                        fail(param, v)
                elif param == SH.disjoint:
                    for v in values & other:
                        fail(param, v)
                else:
                    for v in values:
                        if not all(_less(v, o, param == SH.lessThanOrEquals) for o in other):
                            fail(param, v)
            else:
                for v in values:
                    if not self._value_ok(data, param, arg, v):
                        fail(param, v)
        for ps in shape.properties:
            if out is None and not ok:
                return False
            if not self.check(data, ps, focus, data.values(focus, ps.walks), out):
                ok = False
        return ok

    def conforms(self, data: Data, shape: Shape, node) -> bool:
        values = data.values(node, shape.walks) if shape.is_property else {node}
        if not self.check(data, shape, node, values, None):
            return False
        if shape.sparql:
            raise Unsupported("SPARQL constraints inside logical constraints")
        return True

    def _value_ok(self, data: Data, param, arg, v) -> bool:
        if param == SH["class"]:
            return ox.NamedNode(str(arg)) in data.types(v)
        if param == SH.datatype:
            return _datatype_ok(v, arg)
        if param == SH.nodeKind:
            kind = {ox.NamedNode: "IRI", ox.BlankNode: "BlankNode", ox.Literal: "Literal"}[type(v)]
            allowed = {
                SH.IRI: {"IRI"},
                SH.BlankNode: {"BlankNode"},
                SH.Literal: {"Literal"},
                SH.BlankNodeOrIRI: {"IRI", "BlankNode"},
                SH.BlankNodeOrLiteral: {"BlankNode", "Literal"},
                SH.IRIOrLiteral: {"IRI", "Literal"},
            }[arg]
            return kind in allowed
        if param == SH["in"]:
            return v in {to_ox(x) for x in arg}
        if param == SH.pattern:
            if isinstance(v, ox.BlankNode):
                return False
            s = _string(v)
            return bool(arg.match(s) or arg.search(s))
        if param == SH.languageIn:
            if not isinstance(v, ox.Literal) or not v.language:
                return False
            return any(_lang_matches(v.language, str(r)) for r in arg)
        if param in (SH.minLength, SH.maxLength):
            if isinstance(v, ox.BlankNode):
                return param == SH.minLength and arg == 0
            n = len(_string(v))
            return n >= arg if param == SH.minLength else n <= arg
        if param in (SH.minInclusive, SH.maxInclusive, SH.minExclusive, SH.maxExclusive):
            return _range_ok(param, arg, v)
        if param == SH["or"]:
            return any(self.conforms(data, m, v) for m in arg)
        if param == SH["and"]:
            return all(self.conforms(data, m, v) for m in arg)
        if param == SH.xone:
            return sum(self.conforms(data, m, v) for m in arg) == 1
        if param == SH["not"]:
            return not self.conforms(data, arg, v)
        if param == SH.node:
            return self.conforms(data, arg, v)
        raise Unsupported(str(param))

    # -- whole runs --------------------------------------------------------------------------------
    def run(self, data: Data, changed: Iterable | None = None) -> list[Raw]:
        """All results; with ``changed`` (triples), only those the changed triples can affect.

        Shapes with a SPARQL target or constraint are always run in full (one query each): a
        SPARQL pattern can join nodes far from the change."""
        out: list[Raw] = []
        changed = list(changed) if changed is not None else None
        for shape in self.shapes:
            if changed is None or _has_sparql_target(shape):
                focus = self.focus_nodes(data, shape)
            else:
                focus = {n for n in self.candidates(data, shape, changed) if self.is_focus(data, shape, n)}
            self._run_core(data, shape, focus, out)
            for query, cmsgs in shape.sparql:
                self._run_sparql(data, shape, query, cmsgs, focus, out)
        return out

    def _run_core(self, data: Data, shape: Shape, focus: set, out: list) -> None:
        if not focus:
            return
        if shape.constraints:
            bare = _without_properties(shape)
            for f in focus:
                self.check(data, bare, f, data.values(f, shape.walks) if shape.is_property else {f}, out)
        for ps in shape.properties:
            if len(focus) > 200 and ps.walks:
                vals = self._bulk_values(data, shape, ps, focus)
            else:
                vals = {f: data.values(f, ps.walks) for f in focus}
            for f in focus:
                self.check(data, ps, f, vals.get(f, set()), out)

    def _bulk_values(self, data: Data, shape: Shape, ps: Shape, focus: set) -> dict:
        """Value nodes of a property shape for many focus nodes in one query."""
        path = path_sparql(self.sg, ps.path)
        vals: dict = {}
        nodes = list(focus)
        for i in range(0, len(nodes), 20000):
            chunk = nodes[i : i + 20000]
            q = "SELECT ?this ?v WHERE { VALUES ?this { " + " ".join(map(str, chunk)) + f" }} ?this {path} ?v }}"
            for r in data.query(q):
                vals.setdefault(r[0], set()).add(r[1])
        return vals

    def _run_sparql(self, data: Data, shape: Shape, query: str, cmsgs: list, focus: set, out: list) -> None:
        nodes = sorted(focus, key=str)
        for i in range(0, len(nodes), 5000):
            chunk = nodes[i : i + 5000]
            seen = set()
            res = data.query(bind_this(query, chunk))
            variables = res.variables
            for r in res:
                row = {v.value: r[v] for v in variables if r[v] is not None}
                t = row.pop("this", None)
                p = row.pop("path", None)
                v = row.pop("value", None)
                row.pop("failure", None)
                key = (t, p, v, tuple(sorted(row.items(), key=lambda kv: kv[0])))
                if key in seen:
                    continue
                seen.add(key)
                f = t
                value = v if v is not None else (None if shape.is_property else f)
                fmt = dict(row)
                if t is not None:
                    fmt["this"] = t
                if p is not None:
                    fmt["path"] = p
                if value is not None:
                    fmt["value"] = value
                msgs = sorted({_format(m, fmt) for m in [*shape.messages, *cmsgs]})
                out.append(
                    Raw(
                        shape.severity,
                        shape.name,
                        f,
                        URIRef(p.value) if p is not None else shape.path,
                        value,
                        " ".join(msgs),
                        "sh:SPARQLConstraintComponent",
                    )
                )

    # -- incremental -----------------------------------------------------------------------------
    def candidates(self, data: Data, shape: Shape, changed: list) -> set:
        """Focus nodes whose results the changed triples can affect."""
        out = set()
        # target membership and node-level constraints read the focus node's own triples
        for t in changed:
            out.add(t.subject)
            out.add(t.object)
        for walk in self._walks(shape):
            for i, (step, _rep) in enumerate(walk):
                starts = set()
                for t in changed:
                    if step.pred is None or t.predicate == step.pred:
                        starts.add(t.object if step.inverse else t.subject)
                if not starts:
                    continue
                cur = starts
                if _rep is not None:  # the change may be read at any repetition of this step
                    rev = Step(step.pred, not step.inverse)
                    frontier = set(cur)
                    while frontier:
                        frontier = data.step(frontier, rev) - cur
                        cur |= frontier
                for back, rep in reversed(walk[:i]):
                    rev = Step(back.pred, not back.inverse)
                    if rep is None:
                        cur = data.step(cur, rev)
                        continue
                    reached, frontier = set(cur), set(cur)  # over-approximates + and ?: fine here
                    while frontier:
                        frontier = data.step(frontier, rev) - reached
                        reached |= frontier
                    cur = reached
                out |= cur
        return out

    def _walks(self, shape: Shape, prefix: list | None = None) -> list:
        """Every walk a shape's checks can take from its focus node (rdf:type reads included)."""
        prefix = prefix or []
        walks = []
        bases = [prefix + w for w in shape.walks] if shape.is_property else [prefix]
        for b in bases:
            walks.append(b)
            walks.append(b + [(Step(RDF_TYPE), None)])
            for param, arg in shape.constraints:
                if param in (SH.equals, SH.disjoint, SH.lessThan, SH.lessThanOrEquals):
                    walks.append(prefix + [(Step(arg), None)])
                elif param in (SH["or"], SH["and"], SH.xone):
                    for m in arg:
                        walks.extend(self._walks(m, b))
                elif param in (SH["not"], SH.node):
                    walks.extend(self._walks(arg, b))
            for ps in shape.properties:
                walks.extend(self._walks(ps, b))
        return [w for w in walks if w]


def _has_sparql_target(shape: Shape) -> bool:
    return any(k == SH.target for k, _ in shape.targets) or bool(shape.sparql)


def _without_properties(shape: Shape) -> Shape:
    if not shape.properties:
        return shape
    return Shape(shape.node, shape.name, shape.severity, shape.messages, shape.path, shape.walks, shape.constraints)


def _format(msg: str, fmt: dict) -> str:
    for var, val in fmt.items():
        msg = re.sub("{{[?$]{}}}".format(var), _plain(val).replace("\\", "\\\\"), msg)
    return msg


def _plain(t) -> str:
    return t.value if isinstance(t, ox.NamedNode | ox.Literal | ox.BlankNode) else str(t)


def _string(v) -> str:
    if isinstance(v, ox.Literal):
        return v.value if (v.language or v.datatype.value == str(XSD.string)) else str(to_rdflib(v))
    return v.value


def _lang_matches(tag: str, rng: str) -> bool:
    tag, rng = tag.lower(), rng.lower()
    return rng == "*" or tag == rng or tag.startswith(rng + "-")


def _datatype_ok(v, dtype) -> bool:
    if not isinstance(v, ox.Literal):
        return False
    lit = to_rdflib(v)
    datatype, lang = lit.datatype, lit.language
    if datatype == dtype:
        if getattr(lit, "ill_typed", None) is True:
            return False
        return _actual(lit, dtype)
    if dtype == RDFS.Literal:
        return True
    if dtype == RDFS.Datatype and datatype:
        return True
    if datatype is None and lang is None and dtype == XSD.string:
        return _actual(lit, dtype)
    if dtype == RDF.langString and lang:
        return _actual(lit, dtype)
    return False


def _actual(lit: Literal, dtype) -> bool:
    from datetime import date, datetime, time
    from decimal import Decimal

    value = lit.value
    checks = {
        XSD.string: (str, bytes),
        RDF.langString: (str, bytes),
        XSD.integer: int,
        XSD.float: float,
        XSD.decimal: Decimal,
        XSD.boolean: bool,
        XSD.date: date,
        XSD.time: time,
        XSD.dateTime: datetime,
    }
    if dtype in checks:
        return isinstance(value, checks[dtype])
    return True


def _range_ok(param, bound, v) -> bool:
    from pyshacl.rdfutil.compare import compare_literal

    if not isinstance(v, ox.Literal):
        return False
    lit = to_rdflib(v)
    bound_is_string = isinstance(bound.value, str)
    v_is_string = isinstance(lit.value, str)
    if bound_is_string != v_is_string:
        return False
    try:
        cmp = compare_literal(lit, bound)
    except (TypeError, NotImplementedError):
        return False
    return {
        SH.minInclusive: cmp >= 0,
        SH.minExclusive: cmp > 0,
        SH.maxInclusive: cmp <= 0,
        SH.maxExclusive: cmp < 0,
    }[param]


def _less(v, o, or_equal: bool) -> bool:
    a, b = to_rdflib(v), to_rdflib(o)
    if isinstance(a, BNode) or isinstance(b, BNode):
        raise Unsupported("lessThan on a blank node")

    def norm(x):
        if isinstance(x, URIRef):
            return str(x), True
        if isinstance(x.value, str):
            return x.value, True
        return x, False

    (a, sa), (b, sb) = norm(a), norm(b)
    if sa != sb:
        return False
    try:
        return bool(a <= b) if or_equal else bool(a < b)
    except TypeError:
        return False


# ---------------------------------------------------------------------------------------------
# reports


def results(raws: list[Raw], sg: rdflib.Graph) -> list:
    """pyshacl-style ``mesokg.validate.Result`` objects, sorted as ``validate`` sorts them."""
    from .validate import SEVERITY_ORDER, Result, _path_text, compact

    out = set()
    for r in raws:
        value = r.value
        if value is not None and value == r.focus and r.path is None:
            value = None  # as mesokg.validate does with pyshacl's node-level results
        out.add(
            Result(
                severity=r.severity,
                shape=r.shape,
                focus=compact(to_rdflib(r.focus)),
                path=_path_text(sg, r.path) if r.path is not None else None,
                value=compact(to_rdflib(value)) if value is not None else None,
                message=r.message or "(no message)",
                component=r.component,
                focus_node=to_rdflib(r.focus),
                value_node=to_rdflib(value) if value is not None else None,
            )
        )
    return sorted(
        out,
        key=lambda x: (SEVERITY_ORDER.get(x.severity, 3), x.shape, x.focus or "", x.path or "", x.value or "", x.message),
    )


def report_graph(res: list) -> rdflib.Graph:
    g = rdflib.Graph()
    g.bind("sh", SH)
    rep = BNode()
    g.add((rep, RDF.type, SH.ValidationReport))
    g.add((rep, SH.conforms, Literal(not any(r.severity == "Violation" for r in res))))
    for r in res:
        n = BNode()
        g.add((rep, SH.result, n))
        g.add((n, RDF.type, SH.ValidationResult))
        g.add((n, SH.resultSeverity, SH[r.severity]))
        g.add((n, SH.focusNode, r.focus_node))
        if r.value_node is not None:
            g.add((n, SH.value, r.value_node))
        g.add((n, SH.resultMessage, Literal(r.message)))
        if r.component:
            g.add((n, SH.sourceConstraintComponent, SH[r.component.split(":", 1)[1]]))
    return g
