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

import re
import time

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


def split(triples) -> tuple[list, list]:
    """(ontology part for HermiT, everything) from quads or triples."""
    tbox = []
    for t in triples:
        g = getattr(t, "graph_name", None)
        p = t.predicate.value
        in_onto = isinstance(g, ox.NamedNode) and g.value == GRAPH_ONTOLOGY
        schema = (
            p in _SCHEMA_PREDICATES
            or isinstance(t.subject, ox.BlankNode)
            or (p == RDF_TYPE.value and isinstance(t.object, ox.NamedNode) and t.object.value.startswith(_META))
        )
        if in_onto or schema:
            tbox.append(ox.Triple(t.subject, t.predicate, t.object))
    return tbox, [ox.Triple(t.subject, t.predicate, t.object) for t in triples]


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


def _property_path(store: ox.Store, prop: ox.NamedNode, closure: bool = True) -> str:
    """SPARQL path for everything that asserts ``prop``: sub-properties, inverses, symmetry (and
    chains of it for a transitive property, unless ``closure`` is False)."""
    alts = {f"<{prop.value}>"}
    for r in store.query(_PREFIX + f"SELECT ?q WHERE {{ ?q rdfs:subPropertyOf+ <{prop.value}> }}"):
        alts.add(f"<{r[0].value}>")
    for q in _objects(store, prop, OWL + "inverseOf") + [
        x.subject for x in store.quads_for_pattern(None, ox.NamedNode(OWL + "inverseOf"), prop)
    ]:
        alts.add(f"^<{q.value}>")
    if ox.Quad(prop, RDF_TYPE, ox.NamedNode(OWL + "SymmetricProperty")) in store:
        alts.add(f"^<{prop.value}>")
    path = "(" + "|".join(sorted(alts)) + ")"
    if closure and ox.Quad(prop, RDF_TYPE, ox.NamedNode(OWL + "TransitiveProperty")) in store:
        path += "+"
    return path


def _member(var: str, cls: ox.NamedNode) -> str:
    return f"{var} rdf:type/rdfs:subClassOf* <{cls.value}> ."


def compile_rules(store: ox.Store) -> list[tuple[ox.NamedNode, str]]:
    """(defined class, query selecting ?x that belong to it and are not yet typed so)."""
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
            body, n = [], 0
            for part in _list(store, parts[0]):
                if isinstance(part, ox.NamedNode):
                    body.append(_member("?x", part))
                    continue
                on = _objects(store, part, OWL + "onProperty")
                hv = _objects(store, part, OWL + "hasValue")
                svf = _objects(store, part, OWL + "someValuesFrom")
                if len(on) != 1 or not isinstance(on[0], ox.NamedNode) or (len(hv) + len(svf)) != 1:
                    raise Unsupported(f"{d.value}: a restriction other than hasValue / someValuesFrom")
                path = _property_path(store, on[0])
                if hv:
                    body.append(f"?x {path} {hv[0]} .")
                else:
                    if not isinstance(svf[0], ox.NamedNode):
                        raise Unsupported(f"{d.value}: someValuesFrom an anonymous class")
                    n += 1
                    body.append(f"?x {path} ?y{n} . " + _member(f"?y{n}", svf[0]))
            text = "\n".join(body)
            rules.append(
                (d, _PREFIX + f"SELECT DISTINCT ?x WHERE {{ {text} FILTER NOT EXISTS {{ {_member('?x', d)} }} }}")
            )
    for pred, pattern in (
        (RDFS + "domain", "?x {path} ?any ."),
        (RDFS + "range", "?any {path} ?x . FILTER (!isLiteral(?x))"),
    ):
        for q in list(store.quads_for_pattern(None, ox.NamedNode(pred), None)):
            if isinstance(q.subject, ox.NamedNode) and isinstance(q.object, ox.NamedNode):
                body = pattern.format(path=_property_path(store, q.subject, closure=False))
                rules.append(
                    (
                        q.object,
                        _PREFIX
                        + f"SELECT DISTINCT ?x WHERE {{ {body} FILTER NOT EXISTS {{ {_member('?x', q.object)} }} }}",
                    )
                )
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


def materialise(everything: list, tbox_inferred: list) -> tuple[list[ox.Triple], list[str]]:
    """New types and transitive values for the data; and the contradictions found (one line each)."""
    mem = ox.Store()
    mem.extend(ox.Quad(t.subject, t.predicate, t.object) for t in everything)
    mem.extend(ox.Quad(t.subject, t.predicate, t.object) for t in tbox_inferred)
    store = View(mem)
    asserted = {(t.subject, t.predicate, t.object) for t in everything}
    rules = compile_rules(store)
    new_types = _fixpoint(store, rules, lambda q: mem.extend(q), None)
    out = _most_specific(store, new_types)
    for p in transitive_properties(store):
        q = f"SELECT DISTINCT ?s ?o WHERE {{ ?s <{p.value}>+ ?o FILTER (?s != ?o) }}"
        for r in store.query(q):
            if (r["s"], p, r["o"]) not in asserted and not isinstance(r["s"], ox.BlankNode):
                out.append(ox.Triple(r["s"], p, r["o"]))
    return out, _contradictions(store, None)


def _fixpoint(store, rules, add, seeds: set | None) -> dict:
    """Run the rules until nothing is new; with ``seeds``, only for nodes next to what changed."""
    new_types: dict = {}
    frontier = seeds
    preds = None
    if seeds is not None:  # the properties the class definitions read
        iris = {i for _, q in rules for i in re.findall(r"<([^<>\s]+)>", q)}
        preds = [ox.NamedNode(i) for i in sorted(iris - {RDF_TYPE.value, SUBCLASS.value})]
    while True:
        added = []
        values = ""
        if frontier is not None:
            near = _neighbours(store, frontier, preds) | frontier
            near = {n for n in near if isinstance(n, ox.NamedNode)}  # VALUES cannot hold blank nodes
            if not near:
                break
            values = "VALUES ?x { " + " ".join(str(n) for n in near) + " } "
        for cls, query in rules:
            for r in store.query(query.replace("WHERE { ", "WHERE { " + values, 1)):
                added.append(ox.Quad(r[0], RDF_TYPE, cls))
        added = list(dict.fromkeys(added))
        if not added:
            break
        add(added)
        for q in added:
            new_types.setdefault(q.subject, set()).add(q.object)
        frontier = {q.subject for q in added} if seeds is not None else None
    return new_types


def _neighbours(store, nodes: set, preds: list) -> set:
    """Nodes one step from ``nodes`` through the given properties, either way."""
    out = set()
    for n in nodes:
        if isinstance(n, ox.Literal):
            continue
        for p in preds:
            out |= {q.object for q in store.quads_for_pattern(n, p, None)}
            out |= {q.subject for q in store.quads_for_pattern(None, p, n)}
    return out


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


INCREMENTAL_LIMIT = 2_000  # added statements (a paper is tens to hundreds): above, reason over everything


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


def reason_incrementally(store: ox.Store, graphs: list, inferred_graph, added: list, inconsistent) -> list[ox.Triple]:
    """What ``added`` (already in one of ``graphs``) adds to the inferences in ``inferred_graph``.

    Each defined class's query runs only for the nodes next to the change (their memberships are
    the only ones it can alter: every restriction in the ontology is one step from the member),
    again for the nodes typed in the previous round, until nothing is new. Raises
    :class:`Unsupported` when that is not sound (a change to the ontology, a transitive property
    inside a class definition)."""
    view = View(store, [*graphs, inferred_graph])
    if len(added) > INCREMENTAL_LIMIT:
        raise Unsupported("a large load: reasoning over everything is cheaper")
    if touches_schema(added, View(store, graphs[:1])):
        raise Unsupported("the added statements change the ontology")
    rules = compile_rules(view)
    if any(")+" in q for _, q in rules):
        raise Unsupported("a class definition goes through a transitive property")
    scratch: list = []

    def add(quads):
        store.extend(ox.Quad(q.subject, q.predicate, q.object, inferred_graph) for q in quads)
        scratch.extend(quads)

    try:
        seeds = {t.subject for t in added} | {t.object for t in added if not isinstance(t.object, ox.Literal)}
        new_types = _fixpoint(view, rules, add, seeds)
        problems = _contradictions(view, seeds | set(new_types))
        out = _most_specific(view, new_types)
        asserted = View(store, graphs)
        for p in transitive_properties(view):
            if any(t.predicate == p for t in added):
                q = f"SELECT DISTINCT ?s ?o WHERE {{ ?s <{p.value}>+ ?o FILTER (?s != ?o) }}"
                for r in View(store, graphs).query(q):
                    quad = ox.Quad(r["s"], p, r["o"])
                    if quad not in asserted and quad not in View(store, [inferred_graph]):
                        out.append(ox.Triple(r["s"], p, r["o"]))
    finally:
        for q in scratch:  # the caller writes the result, in the same transaction as the data
            store.remove(ox.Quad(q.subject, q.predicate, q.object, inferred_graph))
    if problems:
        raise inconsistent("the graph is inconsistent: " + "; ".join(problems[:10]))
    return out


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
    t0 = time.perf_counter()
    tbox, everything = split(triples)
    onto = hermit(tbox)
    inferred, problems = materialise(everything, onto.inferred)
    if problems:
        raise inconsistent("the graph is inconsistent: " + "; ".join(problems[:10]))
    seen = {(t.subject, t.predicate, t.object) for t in everything}
    out = [t for t in onto.inferred if (t.subject, t.predicate, t.object) not in seen]
    have = {(t.subject, t.predicate, t.object) for t in out}
    out += [t for t in inferred if (t.subject, t.predicate, t.object) not in have]
    return out, time.perf_counter() - t0
