"""Reasoning at scale (mesokg.knowledge.rules): HermiT on the ontology, the defined classes as
queries on the data. It must infer exactly what HermiT infers on everything, and a store that
gets one more paper must end up with the inferences a full reasoning gives."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from mesokg.knowledge.assemble import curated_quads
from mesokg.knowledge.reason import InconsistentOntology, reason
from mesokg.rdfio import GRAPH_CURATED, GRAPH_INFERRED, GRAPH_MAPPINGS, GRAPH_ONTOLOGY
from mesokg.store.load import GRAPH_STAGING, load_into_store

HERE = Path(__file__).parent / "reasoning"


def _set(result) -> set:
    return {(t.subject, t.predicate, t.object) for t in result.inferred}


@pytest.mark.parametrize("extra", [None, "defined-classes.ttl"])
def test_rules_infer_what_hermit_infers(extra):
    quads = curated_quads(extra_files=[HERE / extra], seeds=[]) if extra else curated_quads()
    hermit = _set(reason(quads, engine="hermit"))
    rules = _set(reason(quads, engine="rules"))
    assert rules == hermit, (sorted(hermit - rules, key=str)[:5], sorted(rules - hermit, key=str)[:5])


def test_rules_find_an_individual_in_disjoint_classes():
    with pytest.raises(InconsistentOntology, match="mkd:test-caffeine"):
        reason(curated_quads(extra_files=[HERE / "inconsistent-individual.ttl"], seeds=[]), engine="rules")


def test_rules_still_ask_hermit_about_the_ontology():
    with pytest.raises(InconsistentOntology, match="TestImpossible"):
        reason(curated_quads(extra_files=[HERE / "unsatisfiable-class.ttl"], seeds=[]), engine="rules")


def test_loading_one_paper_adds_the_inferences_a_full_reasoning_gives(tmp_path):
    from mesokg.store import open_store

    path = tmp_path / "store"
    open_store(path=path).close()  # built from the shipped graph
    added = load_into_store([HERE / "one-paper.ttl"], path)
    assert added.curated > 0 and added.inferred > 0
    s = ox.Store.read_only(str(path))
    assert GRAPH_STAGING not in set(s.named_graphs())
    curated = [
        q for g in (GRAPH_ONTOLOGY, GRAPH_CURATED, GRAPH_MAPPINGS) for q in s.quads_for_pattern(None, None, None, g)
    ]
    stored = {(q.subject, q.predicate, q.object) for q in s.quads_for_pattern(None, None, None, GRAPH_INFERRED)}
    full = _set(reason(curated, engine="hermit"))
    assert full <= stored, sorted(full - stored, key=str)[:5]
    # the conflict is symmetric: the seeds' claim became a conflicting claim too
    seed_claim = ox.NamedNode("https://w3id.org/mesokg/id/claim-analgesics-fibromyalgia-seed003")
    conflicting = ox.NamedNode("https://w3id.org/mesokg/ConflictingClaim")
    assert (seed_claim, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), conflicting) in stored


@pytest.mark.parametrize("extra", ["defined-classes.ttl", "one-paper.ttl"])
def test_incremental_reasoning_adds_what_a_full_reasoning_adds(extra):
    """Node by node (mesokg.knowledge.increment) gives exactly the new inferences HermiT gives on everything."""
    from mesokg.knowledge.increment import reason_incrementally
    from mesokg.rdfio import parse_file

    base = curated_quads()
    before = reason(base, engine="hermit")
    store = ox.Store()
    store.extend(base)
    store.extend(ox.Quad(t.subject, t.predicate, t.object, GRAPH_INFERRED) for t in before.inferred)
    new = parse_file(HERE / extra, GRAPH_STAGING)
    store.extend(new)
    graphs = [GRAPH_ONTOLOGY, GRAPH_CURATED, GRAPH_MAPPINGS, GRAPH_STAGING]
    triples = [ox.Triple(q.subject, q.predicate, q.object) for q in new]
    got = {
        (t.subject, t.predicate, t.object)
        for t in reason_incrementally(store, graphs, GRAPH_INFERRED, triples, InconsistentOntology)
    }
    full = _set(reason(base + [ox.Quad(q.subject, q.predicate, q.object, GRAPH_CURATED) for q in new], engine="hermit"))
    expected = full - _set(before)
    assert expected, "the fixture adds inferences"
    assert got == expected, (sorted(expected - got, key=str)[:5], sorted(got - expected, key=str)[:5])
    assert not any(
        q.graph_name == GRAPH_INFERRED
        for q in store.quads_for_pattern(None, None, None, GRAPH_INFERRED)
        if (q.subject, q.predicate, q.object) in got
    )
