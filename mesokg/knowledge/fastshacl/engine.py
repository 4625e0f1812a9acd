"""Evaluating compiled shapes on Oxigraph: focus nodes by query, values in bulk, SPARQL once."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pyoxigraph as ox
import rdflib
from rdflib import URIRef
from rdflib.namespace import RDFS, SH

from mesokg.knowledge.fastshacl.delta import solutions
from mesokg.knowledge.fastshacl.shapes import (
    RDF_TYPE,
    SUBCLASS,
    Compiler,
    Shape,
    Step,
    Unsupported,
    path_sparql,
    to_ox,
)
from mesokg.knowledge.fastshacl.values import format_message, less, value_ok


class Data:
    """Index lookups and queries on an Oxigraph store, restricted to some graphs."""

    def __init__(self, store: ox.Store, graphs: list | None = None):
        self.store = store
        self.graphs = graphs  # None: the default graph
        self._types: dict = {}
        self._ancestors: dict = {}

    def _quads(self, s, p, o):
        if isinstance(s, ox.Literal):
            return  # literals have no statements
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

    def query(self, text: str, substitutions: dict | None = None):
        if self.graphs is None:
            return self.store.query(text, substitutions=substitutions)
        return self.store.query(text, default_graph=self.graphs, substitutions=substitutions)

    def rows(self, text: str, substitutions: dict | None = None) -> list[dict]:
        """Solutions as dicts of the bound variables (what :mod:`.delta` runs queries with)."""
        res = self.query(text, substitutions)
        names = [v.value for v in res.variables]
        return [{n: r[n] for n in names if r[n] is not None} for r in res]

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


@dataclass(frozen=True)
class Raw:
    severity: str
    shape: str
    focus: object  # pyoxigraph term
    path: object  # rdflib path node / IRI, or None
    value: object  # pyoxigraph term or None
    message: str
    component: str


_PAIR = ("Equals", "Disjoint", "LessThan", "LessThanOrEquals")
INCREMENTAL_LIMIT = 5_000  # changed triples: above this, validate everything


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

        message = shape.message

        def fail(kind, value=None):
            nonlocal ok
            ok = False
            if out is not None:
                out.append(
                    Raw(shape.severity, shape.name, focus, shape.path, value, message, f"sh:{kind}ConstraintComponent")
                )

        for kind, arg in shape.constraints:
            if out is None and not ok:
                return False
            if kind == "MinCount":
                if len(values) < arg:
                    fail(kind)
            elif kind == "MaxCount":
                if len(values) > arg:
                    fail(kind)
            elif kind == "HasValue":
                if arg not in values:
                    fail(kind)
            elif kind in _PAIR:
                other = data.objects(focus, arg) if not isinstance(focus, ox.Literal) else set()
                if kind == "Equals":
                    for v in sorted(values - other, key=str) + sorted(other - values, key=str):
                        fail(kind, v)
                elif kind == "Disjoint":
                    for v in values & other:
                        fail(kind, v)
                else:
                    for v in values:
                        if not all(less(v, o, kind == "LessThanOrEquals") for o in other):
                            fail(kind, v)
            elif kind == "Class":
                for v in values:
                    if arg not in data.types(v):
                        fail(kind, v)
            elif kind == "In":
                for v in values:
                    if v not in arg:
                        fail(kind, v)
            else:
                for v in values:
                    if not self._value_ok(data, kind, arg, v):
                        fail(kind, v)
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

    def _value_ok(self, data: Data, kind: str, arg, v) -> bool:
        if kind == "Or":
            return any(self.conforms(data, m, v) for m in arg)
        if kind == "And":
            return all(self.conforms(data, m, v) for m in arg)
        if kind == "Xone":
            return sum(self.conforms(data, m, v) for m in arg) == 1
        if kind == "Not":
            return not self.conforms(data, arg, v)
        if kind == "Node":
            return self.conforms(data, arg, v)
        return value_ok(kind, arg, v)

    # -- whole runs --------------------------------------------------------------------------------
    def run(self, data: Data, changed: Iterable | None = None) -> list[Raw]:
        """All results; with ``changed`` (triples), only those the changed triples can affect.

        SPARQL targets and constraints are followed through the solutions that use an added
        triple (:mod:`.delta`); a query that cannot be followed so runs in full."""
        out: list[Raw] = []
        changed = list(changed) if changed is not None else None
        if changed is not None and len(changed) > INCREMENTAL_LIMIT:
            changed = None  # a large change: checking everything is cheaper than tracing it
        by_pred: dict = {}
        for t in changed or ():
            subjects, objects = by_pred.setdefault(t.predicate, (set(), set()))
            subjects.add(t.subject)
            objects.add(t.object)
        self._changed_nodes = {t.subject for t in changed or ()} | {t.object for t in changed or ()}
        self._by_pred = by_pred
        for shape in self.shapes:
            focus = sparql_focus = None
            if changed is not None:
                try:
                    focus, sparql_focus = self._affected(data, shape, changed)
                except Unsupported:
                    focus = None
            if focus is None:
                focus = sparql_focus = self.focus_nodes(data, shape)
            self._run_core(data, shape, focus, out)
            for query, cmsgs in shape.sparql:
                self._run_sparql(data, shape, query, cmsgs, sparql_focus, out)
        return out

    def _affected(self, data: Data, shape: Shape, changed: list) -> tuple[set, set]:
        """(focus nodes whose core results can change, focus nodes whose SPARQL results can change).

        Core constraints: nodes whose paths reach a changed triple. SPARQL targets and
        constraints: solutions that use an added triple (:mod:`.delta`), members of the target."""
        from mesokg.knowledge.fastshacl.delta import new_this

        cand = self.candidates(data, shape, changed)
        sparql_targets = [v for k, v in shape.targets if k == SH.target]

        def members(nodes: set) -> set:
            """The nodes among ``nodes`` that are focus nodes of the shape."""
            nodes = {n for n in nodes if not isinstance(n, ox.BlankNode)}
            out = {n for n in nodes if self.is_focus(data, shape, n)}
            rest = sorted(nodes - out, key=str)
            for q in sparql_targets:
                out |= {r["this"] for r in solutions(q, ["this"], [(n,) for n in rest], data.rows) if "this" in r}
            return out

        new = set()
        for q in sparql_targets:
            got = new_this(q, changed, data.rows, data._quads)
            if got is None:
                raise Unsupported("a SPARQL target this cannot follow")
            (new if got[1] else cand).update(got[0])  # not exact: members() keeps the focus nodes
        focus = new | members(cand)
        touched = set()
        for q, _ in shape.sparql:
            got = new_this(q, changed, data.rows, data._quads)
            if got is None:
                raise Unsupported("a SPARQL constraint this cannot follow")
            touched |= got[0]
        return focus, focus | members(touched)

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
        """Value nodes of a property shape for many focus nodes: one index scan per predicate for
        predicate paths (and alternatives of them), else one query."""
        vals: dict = {}
        if all(len(w) == 1 and w[0][1] is None for w in ps.walks):
            for w in ps.walks:
                step = w[0][0]
                for q in data._quads(None, step.pred, None):
                    f, v = (q.object, q.subject) if step.inverse else (q.subject, q.object)
                    if f in focus:
                        vals.setdefault(f, set()).add(v)
            return vals
        path = path_sparql(self.sg, ps.path)
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
            for row in solutions(query, ["this"], [(n,) for n in chunk], data.rows):
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
                msgs = sorted({format_message(m, fmt) for m in [*shape.messages, *cmsgs]})
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
        out = set(self._changed_nodes)  # target membership and node-level checks read a node's own triples
        for walk in self._walks(shape):
            for i, (step, _rep) in enumerate(walk):
                hit = self._by_pred.get(step.pred)
                if not hit:
                    continue
                starts = set(hit[1] if step.inverse else hit[0])
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
            for kind, arg in shape.constraints:
                if kind in _PAIR:
                    walks.append(prefix + [(Step(arg), None)])
                elif kind in ("Or", "And", "Xone"):
                    for m in arg:
                        walks.extend(self._walks(m, b))
                elif kind in ("Not", "Node"):
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
