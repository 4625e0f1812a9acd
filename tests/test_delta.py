"""How incremental checks run a bound query (mesokg.knowledge.fastshacl.delta): the anti-join
rewrite and substituted rows give exactly the answers of the query as written, on the shipped graph."""

from __future__ import annotations

import random

import pyoxigraph as ox
import pytest
from rdflib.namespace import SH

from mesokg.knowledge.checks import check_queries
from mesokg.knowledge.fastshacl import validator
from mesokg.knowledge.fastshacl.delta import _widened, anti_joins, bind, positive_patterns, projected, solutions

QUERIES = (
    [cq.text for cq in check_queries()]
    + [q for s in validator().shapes for q, _ in s.sparql]
    + [v for s in validator().shapes for k, v in s.targets if k == SH.target]  # SPARQL targets
)


@pytest.fixture(scope="module")
def store(dataset):
    s = ox.Store()
    s.extend(ox.Quad(q.subject, q.predicate, q.object) for q in dataset)
    return s


def _run(store):
    def run(text, substitutions=None):
        res = store.query(text, substitutions=substitutions)
        names = [v.value for v in res.variables]
        return [{n: r[n] for n in names if r[n] is not None} for r in res]

    return run


def _key(rows) -> set:
    return {tuple(sorted((k, str(v)) for k, v in r.items())) for r in rows}


def test_anti_join_rewrite_keeps_every_answer(store):
    rewritten = [q for q in QUERIES if anti_joins(q) != q]
    assert len(rewritten) >= 2  # the check of unbacked plain triples, the target of BackedTripleShape
    for q in rewritten:
        assert "FILTER NOT EXISTS" in anti_joins(q) and "BOUND" not in anti_joins(q).split("WHERE", 1)[1]
        assert _key(_run(store)(anti_joins(q))) == _key(_run(store)(q)), q[:200]


def test_anti_join_rewrite_leaves_a_variable_used_elsewhere():
    q = "SELECT ?x ?c WHERE { ?x ?p ?o OPTIONAL { ?c <http://ex/p> ?x } FILTER(!BOUND(?c)) }"
    assert anti_joins(q) == q  # ?c is returned: the rewrite would lose it


def test_projected_variables():
    assert projected("SELECT DISTINCT $this ?v WHERE { $this ?p ?v }") == {"this", "v"}
    assert projected("SELECT * WHERE { ?s ?p ?o }") is None
    assert projected("SELECT ?n (COUNT(?x) AS ?c) WHERE { ?n ?p ?x } GROUP BY ?n") == {"n", "c"}


@pytest.mark.parametrize("rows", [1, 5, 80])  # 80: above the limit, bound by VALUES as before
def test_substituted_rows_give_the_answers_of_a_values_block(store, rows):
    """Every query, each of its bindable variables, rows drawn from the graph: same solutions."""
    rng = random.Random(rows)
    compared = 0
    for q in QUERIES:
        patterns = positive_patterns(q) or ()
        names = sorted({str(x) for (tr, opt) in patterns if not opt for x in tr if type(x).__name__ == "Variable"})
        names = [n for n in names if f"AS ?{n}" not in q and f"AS ${n}" not in q]
        names = sorted(names, key=lambda n: n in (projected(q) or names))[:2]  # some the query does not return
        if not names:
            continue
        hidden = tuple(n for n in names if n not in (projected(q) or names))
        full = _run(store)((_widened(q, hidden) if hidden else None) or q)  # answers with values for the names
        pool = [tuple(r.get(n) for n in names) for r in full if all(n in r for n in names)]
        nodes = [q_.subject for q_ in store.quads_for_pattern(None, None, None) if isinstance(q_.subject, ox.NamedNode)]
        pool += [tuple(rng.choice(nodes) for _ in names) for _ in range(rows)]  # rows with no answer too
        pool = [r for r in pool if not any(isinstance(t, ox.BlankNode) for t in r)]  # as delta binds them
        picked = sorted(set(rng.sample(pool, min(rows, len(pool)))), key=str)
        if not picked:
            continue
        want = _key(_run(store)(bind(q, names, picked)))
        got = _key(solutions(q, names, picked, _run(store)))
        assert got == want, (q[:300], names, picked[:3])
        compared += 1
    assert compared >= 10


def test_reach_this_covers_every_focus_node_of_a_new_solution(store):
    """reach_this may name more focus nodes than the bound query finds, never fewer."""
    from mesokg.knowledge.fastshacl.delta import delta, reach_this

    mk = "https://w3id.org/mesokg/"
    claims = sorted(
        {q.subject for q in store.quads_for_pattern(None, ox.NamedNode(mk + "conflictsWith"), None)}, key=str
    )
    followed = 0
    for claim in claims[:6]:
        added = [ox.Triple(q.subject, q.predicate, q.object) for q in store.quads_for_pattern(claim, None, None)]
        added = [t for t in added if not isinstance(t.object, ox.BlankNode)]
        for q in QUERIES:
            if "this" not in (projected(q) or {"this"}):
                continue
            reached = reach_this(q, added, lambda s, p, o: store.quads_for_pattern(s, p, o))
            if reached is None:
                continue
            exact = delta(q, added, _run(store))
            assert exact is not None
            assert {r["this"] for r in exact if "this" in r} <= reached, q[:300]
            followed += 1
    assert followed >= 20
