"""Name the individuals that make the graph inconsistent.

HermiT only says "inconsistent". These checks find the usual culprits by name, with the reason:
an individual that falls in two disjoint classes (asserted, or implied by the domain or range of
a property it is used with), or a functional property with two different values.
"""

from __future__ import annotations

from collections import defaultdict

import pyoxigraph as ox

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"


def _short(v: str) -> str:
    for ns, p in (("https://w3id.org/mesokg/id/", "mkd:"), ("https://w3id.org/mesokg/", "mk:")):
        if v.startswith(ns):
            return p + v[len(ns) :]
    return v


def explain(quads) -> list[str]:
    """Return one line per problem found; empty when none of the known causes is present."""
    triples = {(q.subject, q.predicate, q.object) for q in quads}
    by_p: dict[str, list[tuple]] = defaultdict(list)
    for s, p, o in triples:
        by_p[p.value].append((s, o))

    def rdf_list(head) -> list:
        out, cur, seen = [], head, set()
        firsts = {s: o for s, o in by_p[RDF + "first"]}
        rests = {s: o for s, o in by_p[RDF + "rest"]}
        while cur in firsts and cur not in seen:
            seen.add(cur)
            out.append(firsts[cur])
            cur = rests.get(cur)
        return out

    supers: dict = defaultdict(set)
    for s, o in by_p[RDFS + "subClassOf"]:
        if isinstance(o, ox.NamedNode):
            supers[s].add(o)

    def closure(c) -> set:
        seen, todo = {c}, [c]
        while todo:
            for sup in supers.get(todo.pop(), ()):
                if sup not in seen:
                    seen.add(sup)
                    todo.append(sup)
        return seen

    disjoint: set[frozenset] = set()
    for s, o in by_p[OWL + "disjointWith"]:
        disjoint.add(frozenset((s, o)))
    for node, _ in [(s, o) for s, o in by_p[RDF + "type"] if o.value == OWL + "AllDisjointClasses"]:
        members = [o for s, o in by_p[OWL + "members"] if s == node]
        for m in members:
            items = rdf_list(m)
            for i, a in enumerate(items):
                for b in items[i + 1 :]:
                    disjoint.add(frozenset((a, b)))

    def named(c) -> list:
        if isinstance(c, ox.NamedNode):
            return [c]
        return []  # unions handled separately

    domains = defaultdict(list)
    ranges = defaultdict(list)
    for s, o in by_p[RDFS + "domain"]:
        domains[s].append(o)
    for s, o in by_p[RDFS + "range"]:
        ranges[s].append(o)

    def union_members(c) -> list:
        for s, o in by_p[OWL + "unionOf"]:
            if s == c:
                return rdf_list(o)
        return []

    # why each individual has each type
    why: dict = defaultdict(dict)
    alternatives: list[tuple] = []  # (individual, [classes], reason)
    for s, o in by_p[RDF + "type"]:
        if isinstance(o, ox.NamedNode) and not o.value.startswith((OWL, RDFS, RDF)):
            for c in closure(o):
                why[s].setdefault(c, f"asserted {_short(o.value)}")
    for p_iri, pairs in by_p.items():
        p = ox.NamedNode(p_iri)
        for d in domains.get(p, []):
            for s, _o in pairs:
                if named(d):
                    for c in closure(d):
                        why[s].setdefault(c, f"domain of {_short(p_iri)}")
                elif union_members(d):
                    alternatives.append((s, union_members(d), f"domain of {_short(p_iri)}"))
        for r in ranges.get(p, []):
            for _s, o in pairs:
                if isinstance(o, ox.Literal):
                    continue
                if named(r):
                    for c in closure(r):
                        why[o].setdefault(c, f"range of {_short(p_iri)} (used by {_short(_s.value)})")
                elif union_members(r):
                    alternatives.append((o, union_members(r), f"range of {_short(p_iri)}"))

    problems = []
    for ind, types in why.items():
        ts = list(types)
        for i, a in enumerate(ts):
            for b in ts[i + 1 :]:
                if frozenset((a, b)) in disjoint:
                    problems.append(
                        f"{_short(ind.value)} is both {_short(a.value)} ({types[a]}) and "
                        f"{_short(b.value)} ({types[b]}), which are disjoint"
                    )
    for ind, alts, reason in alternatives:
        types = why.get(ind, {})
        if types and all(any(frozenset((alt, t)) in disjoint for t in types) for alt in alts):
            problems.append(
                f"{_short(ind.value)} must be one of {', '.join(_short(a.value) for a in alts)} "
                f"({reason}) but its types {', '.join(_short(t.value) for t in types)} exclude all"
            )
    for p_iri, pairs in by_p.items():
        for r in ranges.get(ox.NamedNode(p_iri), []):
            if not r.value.startswith("http://www.w3.org/2001/XMLSchema#"):
                continue
            for s, o in pairs:
                if isinstance(o, ox.Literal) and not _datatype_ok(o, r.value):
                    problems.append(
                        f"{_short(s.value)} {_short(p_iri)} {o}: the value is not of the declared "
                        f"range {r.value.replace('http://www.w3.org/2001/XMLSchema#', 'xsd:')}"
                    )
    functional = {s for s, o in by_p[RDF + "type"] if o.value == OWL + "FunctionalProperty"}
    for p in functional:
        vals = defaultdict(set)
        for s, o in by_p[p.value]:
            vals[s].add(o)
        for s, os_ in vals.items():
            if len(os_) > 1:  # literals always differ; IRIs would be merged (owl:sameAs), which
                # clashes with AllDifferent or disjoint types — either way a curation error
                problems.append(
                    f"{_short(s.value)} has {len(os_)} values for functional {_short(p.value)}: "
                    + ", ".join(sorted(_short(getattr(x, "value", str(x))) for x in os_))
                )
    return sorted(set(problems))


_INTEGER_TYPES = {
    "integer",
    "int",
    "long",
    "short",
    "byte",
    "nonNegativeInteger",
    "positiveInteger",
    "negativeInteger",
    "nonPositiveInteger",
    "unsignedInt",
    "unsignedLong",
}


def _datatype_ok(lit: ox.Literal, range_iri: str) -> bool:
    xsd = "http://www.w3.org/2001/XMLSchema#"
    want = range_iri[len(xsd) :]
    have = lit.datatype.value[len(xsd) :] if lit.datatype.value.startswith(xsd) else lit.datatype.value
    if lit.language:
        return False  # a language-tagged string is never an xsd datatype value
    if want == have:
        return True
    if want == "decimal":
        return have in _INTEGER_TYPES
    if want == "integer":
        return have in _INTEGER_TYPES
    return False
