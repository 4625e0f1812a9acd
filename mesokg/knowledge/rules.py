"""Reasoning on a large graph: HermiT on the ontology, the defined classes as queries on the data.

HermiT is exact but its time and memory grow fast with the number of individuals (2 GB of heap
and minutes at 100 copies of the seeds). The data side of mesokg's ontology needs little of it:
its defined classes are intersections of named classes and ``hasValue`` / ``someValuesFrom``
restrictions, its property axioms are sub-properties, inverses, symmetric and transitive
properties, and its data-level contradictions are members of disjoint classes. So:

1. HermiT classifies and checks the ontology part (the ontology graph and any schema statement
   in the data): consistency, unsatisfiable classes, inferred subclasses and the classes of the
   ontology's own individuals (``owl:oneOf``);
2. every defined class becomes a SPARQL query on Oxigraph, run until nothing new is found;
   transitive properties are closed the same way;
3. an individual in two disjoint classes makes the graph inconsistent.

The result is what HermiT reports through owlready2 (new most specific classes, transitive
values); a test checks both give the same inferences on the seed graph and the reasoning
fixtures. Any construct outside this subset raises :class:`Unsupported`, and the caller runs
HermiT on everything instead.
"""

from __future__ import annotations

import time
from typing import NamedTuple

import pyoxigraph as ox

OWL = "http://www.w3.org/2002/07/owl#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
RDF_TYPE = ox.NamedNode(RDF + "type")
SUBCLASS = ox.NamedNode(RDFS + "subClassOf")
GRAPH_ONTOLOGY = "https://w3id.org/mesokg/graph/ontology"
_SCHEMA_PREDICATES = {
    RDFS + "subClassOf",
    RDFS + "subPropertyOf",
    RDFS + "domain",
    RDFS + "range",
    OWL + "equivalentClass",
    OWL + "equivalentProperty",
    OWL + "inverseOf",
    OWL + "disjointWith",
    OWL + "propertyDisjointWith",
    OWL + "oneOf",
    OWL + "unionOf",
    OWL + "intersectionOf",
    OWL + "complementOf",
    OWL + "onProperty",
    OWL + "members",
    OWL + "distinctMembers",
    OWL + "propertyChainAxiom",
    RDF + "first",
    RDF + "rest",
}
_META = (OWL, RDFS + "Class", RDFS + "Datatype", RDF + "Property")
_PREFIX = f"PREFIX rdf: <{RDF}> PREFIX rdfs: <{RDFS}> PREFIX owl: <{OWL}>\n"


class Unsupported(Exception):
    """The ontology uses something the query-based materialisation does not cover."""


class Rule(NamedTuple):
    """A class and what makes ?x a member, as one query and as parts checked node by node.

    ``parts``: ``("type", C)`` (?x is a C), ``("value", steps, v)`` (?x reaches v in one step),
    ``("some", steps, C)`` (?x reaches a C in one step; C None: anything, a literal included);
    ``steps`` are (property, inverse) pairs; ``transitive``: a step is a transitive property."""

    cls: ox.NamedNode
    query: str
    parts: tuple
    transitive: bool = False


class View:
    """An Oxigraph store seen through some of its named graphs (None: its default graph)."""

    def __init__(self, store: ox.Store, graphs: list | None = None):
        self.store, self.graphs = store, graphs

    def query(self, text: str):
        if self.graphs is None:
            return self.store.query(text)
        return self.store.query(text, default_graph=self.graphs)

    def quads_for_pattern(self, s, p, o):
        if self.graphs is None:
            yield from self.store.quads_for_pattern(s, p, o, ox.DefaultGraph())
        else:
            for g in self.graphs:
                yield from self.store.quads_for_pattern(s, p, o, g)

    def __contains__(self, quad) -> bool:
        return next(self.quads_for_pattern(quad.subject, quad.predicate, quad.object), None) is not None


def is_tbox(t) -> bool:
    """Whether a quad or triple belongs to the ontology part HermiT reasons on."""
    g = getattr(t, "graph_name", None)
    if isinstance(g, ox.NamedNode) and g.value == GRAPH_ONTOLOGY:
        return True
    p = t.predicate.value
    return (
        p in _SCHEMA_PREDICATES
        or isinstance(t.subject, ox.BlankNode)
        or (p == RDF_TYPE.value and isinstance(t.object, ox.NamedNode) and t.object.value.startswith(_META))
    )


def collect(quads) -> tuple[ox.Store, list]:
    """Everything in one in-memory store (default graph) and the ontology part, in one pass over
    ``quads`` (an iterator: a large store is streamed, not held as Python objects)."""
    mem, tbox = ox.Store(), []

    def each():
        for q in quads:
            if is_tbox(q):
                tbox.append(ox.Triple(q.subject, q.predicate, q.object))
            yield ox.Quad(q.subject, q.predicate, q.object)

    mem.bulk_extend(each())
    return mem, tbox


def _list(store: ox.Store, head) -> list:
    out, seen = [], set()
    while isinstance(head, ox.BlankNode | ox.NamedNode) and head.value != RDF + "nil" and head not in seen:
        seen.add(head)
        first = next(store.quads_for_pattern(head, ox.NamedNode(RDF + "first"), None), None)
        if first is None:
            break
        out.append(first.object)
        rest = next(store.quads_for_pattern(head, ox.NamedNode(RDF + "rest"), None), None)
        head = rest.object if rest else None
    return out


def _objects(store, s, p: str) -> list:
    return [q.object for q in store.quads_for_pattern(s, ox.NamedNode(p), None)]


def _steps(store: ox.Store, prop: ox.NamedNode) -> tuple[tuple, bool]:
    """Everything that asserts ``prop`` in one step, as (property, inverse) pairs: sub-properties,
    inverses, symmetry; and whether ``prop`` is transitive."""
    steps = {(prop, False)}
    for r in store.query(_PREFIX + f"SELECT ?q WHERE {{ ?q rdfs:subPropertyOf+ <{prop.value}> }}"):
        steps.add((r[0], False))
    for q in _objects(store, prop, OWL + "inverseOf") + [
        x.subject for x in store.quads_for_pattern(None, ox.NamedNode(OWL + "inverseOf"), prop)
    ]:
        steps.add((q, True))
    if ox.Quad(prop, RDF_TYPE, ox.NamedNode(OWL + "SymmetricProperty")) in store:
        steps.add((prop, True))
    transitive = ox.Quad(prop, RDF_TYPE, ox.NamedNode(OWL + "TransitiveProperty")) in store
    return tuple(sorted(steps, key=lambda s: (s[0].value, s[1]))), transitive


def _path(steps: tuple, closure: bool) -> str:
    """SPARQL path for ``steps`` (and chains of them when ``closure``)."""
    alts = sorted(("^" if inverse else "") + f"<{p.value}>" for p, inverse in steps)
    return "(" + "|".join(alts) + ")" + ("+" if closure else "")


def _member(var: str, cls: ox.NamedNode) -> str:
    return f"{var} rdf:type/rdfs:subClassOf* <{cls.value}> ."


def compile_rules(store: ox.Store) -> list[Rule]:
    """For every defined class, domain and range: the rule (its query selects ?x that belong to
    the class and are not yet typed so)."""
    rules = []
    eq = ox.NamedNode(OWL + "equivalentClass")
    for q in list(store.quads_for_pattern(None, eq, None)):
        for d, e in ((q.subject, q.object), (q.object, q.subject)):
            if not isinstance(d, ox.NamedNode) or not isinstance(e, ox.BlankNode):
                continue
            if _objects(store, e, OWL + "oneOf"):
                continue  # enumerations name ontology individuals: HermiT on the ontology covers them
            parts = _objects(store, e, OWL + "intersectionOf")
            if not parts:
                raise Unsupported(f"{d.value}: only intersections and enumerations are materialised by queries")
            body, n, need, closed = [], 0, [], False
            for part in _list(store, parts[0]):
                if isinstance(part, ox.NamedNode):
                    body.append(_member("?x", part))
                    need.append(("type", part))
                    continue
                on = _objects(store, part, OWL + "onProperty")
                hv = _objects(store, part, OWL + "hasValue")
                svf = _objects(store, part, OWL + "someValuesFrom")
                if len(on) != 1 or not isinstance(on[0], ox.NamedNode) or (len(hv) + len(svf)) != 1:
                    raise Unsupported(f"{d.value}: a restriction other than hasValue / someValuesFrom")
                steps, transitive = _steps(store, on[0])
                closed |= transitive
                path = _path(steps, transitive)
                if hv:
                    body.append(f"?x {path} {hv[0]} .")
                    need.append(("value", steps, hv[0]))
                else:
                    if not isinstance(svf[0], ox.NamedNode):
                        raise Unsupported(f"{d.value}: someValuesFrom an anonymous class")
                    n += 1
                    body.append(f"?x {path} ?y{n} . " + _member(f"?y{n}", svf[0]))
                    need.append(("some", steps, svf[0]))
            text = "\n".join(body)
            query = _PREFIX + f"SELECT DISTINCT ?x WHERE {{ {text} FILTER NOT EXISTS {{ {_member('?x', d)} }} }}"
            rules.append(Rule(d, query, tuple(need), closed))
    for pred, pattern, inverse in (
        (RDFS + "domain", "?x {path} ?any .", False),
        (RDFS + "range", "?any {path} ?x . FILTER (!isLiteral(?x))", True),
    ):
        for q in list(store.quads_for_pattern(None, ox.NamedNode(pred), None)):
            if isinstance(q.subject, ox.NamedNode) and isinstance(q.object, ox.NamedNode):
                steps, _ = _steps(store, q.subject)
                body = pattern.format(path=_path(steps, closure=False))
                query = (
                    _PREFIX + f"SELECT DISTINCT ?x WHERE {{ {body} FILTER NOT EXISTS {{ {_member('?x', q.object)} }} }}"
                )
                steps = tuple((p, inv != inverse) for p, inv in steps)  # a range is read from the value's side
                rules.append(Rule(q.object, query, (("some", steps, None),)))
    for kind in ("unionOf", "complementOf"):
        for q in store.quads_for_pattern(None, eq, None):
            if _objects(store, q.object, OWL + kind):
                raise Unsupported(f"{q.subject.value}: {kind} in a class definition")
    return rules


def transitive_properties(store: ox.Store) -> list[ox.NamedNode]:
    return [
        q.subject
        for q in store.quads_for_pattern(None, RDF_TYPE, ox.NamedNode(OWL + "TransitiveProperty"))
        if isinstance(q.subject, ox.NamedNode)
    ]


def disjoint_pairs(store: ox.Store) -> list[tuple[ox.NamedNode, ox.NamedNode]]:
    pairs = []
    for q in store.quads_for_pattern(None, ox.NamedNode(OWL + "disjointWith"), None):
        pairs.append((q.subject, q.object))
    for q in store.quads_for_pattern(None, RDF_TYPE, ox.NamedNode(OWL + "AllDisjointClasses")):
        for head in _objects(store, q.subject, OWL + "members"):
            members = _list(store, head)
            pairs += [(a, b) for i, a in enumerate(members) for b in members[i + 1 :]]
    return [(a, b) for a, b in pairs if isinstance(a, ox.NamedNode) and isinstance(b, ox.NamedNode)]


def materialise(mem: ox.Store, tbox_inferred: list) -> tuple[list[ox.Triple], list[str]]:
    """New types and transitive values for the data in ``mem`` (its default graph, which gains
    the inferences as it goes); and the contradictions found (one line each)."""
    store = View(mem)
    transitive = transitive_properties(store)
    asserted = {p: {(q.subject, q.object) for q in mem.quads_for_pattern(None, p, None)} for p in transitive}
    mem.extend(ox.Quad(t.subject, t.predicate, t.object) for t in tbox_inferred)
    rules = compile_rules(store)
    new_types = _fixpoint(store, rules, lambda q: mem.extend(q))
    out = _most_specific(store, new_types)
    for p in transitive:
        q = f"SELECT DISTINCT ?s ?o WHERE {{ ?s <{p.value}>+ ?o FILTER (?s != ?o) }}"
        for r in store.query(q):
            if (r["s"], r["o"]) not in asserted[p] and not isinstance(r["s"], ox.BlankNode):
                out.append(ox.Triple(r["s"], p, r["o"]))
    return out, _contradictions(store, None)


def _fixpoint(store, rules, add) -> dict:
    """Run the rules over everything until nothing is new (the incremental path is
    :mod:`mesokg.knowledge.increment`)."""
    new_types: dict = {}
    while True:
        added = list(
            dict.fromkeys(ox.Quad(r[0], RDF_TYPE, rule.cls) for rule in rules for r in store.query(rule.query))
        )
        if not added:
            return new_types
        add(added)
        for q in added:
            new_types.setdefault(q.subject, set()).add(q.object)


def _most_specific(store, new_types: dict) -> list[ox.Triple]:
    out: list[ox.Triple] = []
    # owlready2 reports an individual's most specific new classes
    supers = _superclasses(store)
    for x, classes in new_types.items():
        if isinstance(x, ox.BlankNode):
            continue
        have = {q.object for q in store.quads_for_pattern(x, RDF_TYPE, None)}
        for c in classes:
            if not any(t != c and c in supers.get(t, ()) for t in have):
                out.append(ox.Triple(x, RDF_TYPE, c))
    return out


def _contradictions(store, nodes: set | None) -> list[str]:
    """Individuals in two disjoint classes (only among ``nodes`` when given)."""
    problems = []
    pairs = disjoint_pairs(store)
    if nodes is None:
        for a, b in pairs:
            q = _PREFIX + f"SELECT DISTINCT ?x WHERE {{ {_member('?x', a)} {_member('?x', b)} }} LIMIT 10"
            for r in store.query(q):
                problems.append(f"{_short(r[0])} is both a {_short(a)} and a {_short(b)}, which are disjoint")
        return problems
    supers = _superclasses(store)
    for x in nodes:
        if isinstance(x, ox.Literal):
            continue
        types = set()
        for q in store.quads_for_pattern(x, RDF_TYPE, None):
            types |= {q.object} | supers.get(q.object, set())
        for a, b in pairs:
            if a in types and b in types:
                problems.append(f"{_short(x)} is both a {_short(a)} and a {_short(b)}, which are disjoint")
    return problems


def touches_schema(triples, ontology: View) -> bool:
    """Whether added triples change the ontology (then everything is reasoned again)."""
    for t in triples:
        if t.predicate.value in _SCHEMA_PREDICATES or isinstance(t.subject, ox.BlankNode):
            return True
        if t.predicate == RDF_TYPE and isinstance(t.object, ox.NamedNode) and t.object.value.startswith(_META):
            return True
        if next(ontology.quads_for_pattern(t.subject, None, None), None) is not None:
            return True  # a statement about a term of the ontology
    return False


def _superclasses(store: ox.Store) -> dict:
    """class -> its strict superclasses (from asserted and inferred subclass statements)."""
    out: dict = {}
    q = _PREFIX + "SELECT DISTINCT ?c ?s WHERE { ?c rdfs:subClassOf+ ?s FILTER (?c != ?s) }"
    for r in store.query(q):
        out.setdefault(r["c"], set()).add(r["s"])
    return out


def _short(t) -> str:
    v = t.value
    for ns, p in (("https://w3id.org/mesokg/id/", "mkd:"), ("https://w3id.org/mesokg/", "mk:")):
        if v.startswith(ns):
            return p + v[len(ns) :]
    return f"<{v}>"


def reason_by_rules(triples, hermit, inconsistent: type[Exception]) -> tuple[list[ox.Triple], float]:
    """Inferences for ``triples``: ``hermit(tbox)`` on the ontology part, queries on the data.

    ``hermit`` runs HermiT (it raises on an inconsistent ontology or an unsatisfiable class);
    a contradiction in the data raises ``inconsistent``. Raises :class:`Unsupported` when the
    ontology needs HermiT on everything."""
    mem, tbox = collect(iter(triples))
    return reason_collected(mem, tbox, hermit, inconsistent)


def reason_collected(mem: ox.Store, tbox: list, hermit, inconsistent: type[Exception]) -> tuple[list[ox.Triple], float]:
    """:func:`reason_by_rules` on what :func:`collect` gathered (``mem`` gains the inferences)."""
    t0 = time.perf_counter()
    onto = hermit(tbox)
    out = [t for t in onto.inferred if ox.Quad(t.subject, t.predicate, t.object) not in mem]
    inferred, problems = materialise(mem, onto.inferred)
    if problems:
        raise inconsistent("the graph is inconsistent: " + "; ".join(problems[:10]))
    have = {(t.subject, t.predicate, t.object) for t in out}
    out += [t for t in inferred if (t.subject, t.predicate, t.object) not in have]
    return out, time.perf_counter() - t0
