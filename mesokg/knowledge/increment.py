"""What a few added statements add to the inferences of a large store, node by node.

Every restriction of mesokg's defined classes is one step from its member (``?x p v``,
``?x p ?y . ?y a C``), and domains and ranges are one step too. So a membership can change only
for a node whose own statements changed (the subject and the object of an added statement) or
for a node one step (through a property the rules read) from a node that got a new type. Those
nodes are checked against every rule with index lookups — the same conditions the rules' queries
state, evaluated for one node at a time — round after round until no node gets a new type. The
work grows with the change and its neighbourhood, not with the store: no query runs over the
data (Oxigraph evaluates a rule's property paths over the whole store even when ``?x`` is bound).

:func:`reason_incrementally` raises :class:`~mesokg.knowledge.rules.Unsupported` when this is
not sound (the ontology changes, a class definition goes through a transitive property) or not
cheaper (a large load); the caller then reasons over everything.
"""

from __future__ import annotations

import pyoxigraph as ox

from mesokg.knowledge.rules import (
    RDF_TYPE,
    Rule,
    Unsupported,
    View,
    _contradictions,
    _most_specific,
    _superclasses,
    compile_rules,
    touches_schema,
    transitive_properties,
)

INCREMENTAL_LIMIT = 2_000  # added statements (a paper is tens to hundreds): above, reason over everything


class _Types:
    """A node's classes (asserted, inferred and their superclasses), kept up to date as types are added."""

    def __init__(self, view: View, supers: dict):
        self.view, self.supers, self.known = view, supers, {}

    def __call__(self, x) -> set:
        if x not in self.known:
            out = set()
            if not isinstance(x, ox.Literal):
                for q in self.view.quads_for_pattern(x, RDF_TYPE, None):
                    out |= {q.object} | self.supers.get(q.object, set())
            self.known[x] = out
        return self.known[x]

    def add(self, x, cls) -> None:
        self(x).update({cls} | self.supers.get(cls, set()))


def _reached(view: View, x, steps: tuple):
    """The nodes and values ``x`` reaches in one of ``steps``."""
    for p, inverse in steps:
        if inverse:
            yield from (q.subject for q in view.quads_for_pattern(None, p, x))
        elif not isinstance(x, ox.Literal):
            yield from (q.object for q in view.quads_for_pattern(x, p, None))


def holds(view: View, rule: Rule, x, types: _Types) -> bool:
    """Whether ``x`` meets every part of ``rule`` (what its query asks of ?x)."""
    if isinstance(x, ox.Literal):
        return False
    for part in rule.parts:
        if part[0] == "type":
            ok = part[1] in types(x)
        elif part[0] == "value":
            ok = any(y == part[2] for y in _reached(view, x, part[1]))
        else:
            cls = part[2]
            ok = any(cls is None or cls in types(y) for y in _reached(view, x, part[1]))
        if not ok:
            return False
    return True


def _fixpoint(view: View, rules: list[Rule], add, first: set, typed: set, types: _Types) -> dict:
    """New types, round after round: ``first`` are the nodes whose statements changed, ``typed``
    those of them that got a type (their neighbours are checked too)."""
    preds = sorted({p for r in rules for part in r.parts if part[0] != "type" for p, _ in part[1]}, key=str)
    new_types: dict = {}
    candidates, grown = set(first), set(typed)
    while True:
        for n in grown:  # a node with a new type may complete a neighbour's someValuesFrom
            if isinstance(n, ox.Literal):
                continue
            for p in preds:
                candidates |= {q.object for q in view.quads_for_pattern(n, p, None)}
                candidates |= {q.subject for q in view.quads_for_pattern(None, p, n)}
        added = {}
        for x in candidates:
            for rule in rules:
                if rule.cls not in types(x) and holds(view, rule, x, types):
                    added[ox.Quad(x, RDF_TYPE, rule.cls)] = None
        if not added:
            return new_types
        add(list(added))
        for q in added:
            types.add(q.subject, q.object)
            new_types.setdefault(q.subject, set()).add(q.object)
        grown = {q.subject for q in added}
        candidates = set(grown)


def reason_incrementally(store: ox.Store, graphs: list, inferred_graph, added: list, inconsistent) -> list[ox.Triple]:
    """What ``added`` (already in one of ``graphs``, the ontology's first) adds to the inferences
    in ``inferred_graph``: new most specific types and transitive values. Raises ``inconsistent``
    when a node ends up in two disjoint classes."""
    view = View(store, [*graphs, inferred_graph])
    if len(added) > INCREMENTAL_LIMIT:
        raise Unsupported("a large load: reasoning over everything is cheaper")
    if touches_schema(added, View(store, graphs[:1])):
        raise Unsupported("the added statements change the ontology")
    rules = compile_rules(view)
    if any(r.transitive for r in rules):
        raise Unsupported("a class definition goes through a transitive property")
    scratch: list = []

    def add(quads):
        store.extend(ox.Quad(q.subject, q.predicate, q.object, inferred_graph) for q in quads)
        scratch.extend(quads)

    supers = _superclasses(view)
    try:
        first = {t.subject for t in added} | {
            t.object for t in added if not isinstance(t.object, ox.Literal) and t.predicate != RDF_TYPE
        }
        typed = {t.subject for t in added if t.predicate == RDF_TYPE}
        new_types = _fixpoint(view, rules, add, first, typed, _Types(view, supers))
        problems = _contradictions(view, first | set(new_types))
        out = _most_specific(view, new_types)
        asserted = View(store, graphs)
        for p in transitive_properties(view):
            if any(t.predicate == p for t in added):
                q = f"SELECT DISTINCT ?s ?o WHERE {{ ?s <{p.value}>+ ?o FILTER (?s != ?o) }}"
                for r in asserted.query(q):
                    quad = ox.Quad(r["s"], p, r["o"])
                    if quad not in asserted and quad not in View(store, [inferred_graph]):
                        out.append(ox.Triple(r["s"], p, r["o"]))
    finally:
        for q in scratch:  # the caller writes the result, in the same transaction as the data
            store.remove(ox.Quad(q.subject, q.predicate, q.object, inferred_graph))
    if problems:
        raise inconsistent("the graph is inconsistent: " + "; ".join(problems[:10]))
    return out
