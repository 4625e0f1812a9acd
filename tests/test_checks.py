"""Each curation check (queries/checks/*-violation.rq) fires on a minimal broken example and stays
silent on its repaired twin."""

from __future__ import annotations

import pytest

from mesokg.knowledge.assemble import curated_quads
from mesokg.knowledge.checks import check_queries, run_checks
from mesokg.store import OxigraphStore

PREFIXES = """@prefix mk: <https://w3id.org/mesokg/> .
@prefix mkd: <https://w3id.org/mesokg/id/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
"""
CLAIM = """mkd:t-drug a mk:Drug ; rdfs:label "t drug" .
mkd:t-ind a mk:MedicalIndication ; rdfs:label "t indication" .
mkd:t-claim a mk:Claim ; rdfs:label "t claim" ; mk:subject mkd:t-drug ; mk:predicate mk:effectiveFor ;
    mk:object mkd:t-ind ; mk:polarity mk:{polarity} ; mk:source mkd:seed-000 ; mk:curatedFrom mkd:seed-000 .
"""

CASES = {
    # check name: (broken, repaired)
    "dangling-reference-violation": (
        'mkd:t-drug a mk:Drug ; rdfs:label "t" ; mk:actsByMechanism mkd:t-nowhere .',
        'mkd:t-drug a mk:Drug ; rdfs:label "t" .',
    ),
    "label-count-violation": (
        'mkd:t-drug a mk:Drug ; rdfs:label "a" , "b" .',
        'mkd:t-drug a mk:Drug ; rdfs:label "a" .',
    ),
    "claim-provenance-violation": (
        'mkd:t-ev a mk:HistoricalEvent ; rdfs:label "t" ; mk:source mkd:seed-000 .',
        'mkd:t-ev a mk:HistoricalEvent ; rdfs:label "t" ; mk:source mkd:seed-000 ; mk:curatedFrom mkd:seed-000 .',
    ),
    "claim-plain-triple-violation": (
        CLAIM.replace("{polarity}", "Supports"),
        CLAIM.replace("{polarity}", "Supports") + "mkd:t-drug mk:effectiveFor mkd:t-ind .",
    ),
    "unbacked-plain-triple-violation": (
        CLAIM.replace("{polarity}", "Mixed") + "mkd:t-drug mk:effectiveFor mkd:t-ind .",
        CLAIM.replace("{polarity}", "Mixed"),
    ),
    "unmarked-conflict-violation": (
        CLAIM.replace("{polarity}", "Supports")
        + CLAIM.replace("t-claim", "t-claim2").replace("{polarity}", "Refutes")
        + "mkd:t-drug mk:effectiveFor mkd:t-ind . mkd:t-drug mk:notEffectiveFor mkd:t-ind .",
        CLAIM.replace("{polarity}", "Supports")
        + CLAIM.replace("t-claim", "t-claim2").replace("{polarity}", "Refutes")
        + "mkd:t-drug mk:effectiveFor mkd:t-ind . mkd:t-drug mk:notEffectiveFor mkd:t-ind ."
        + "mkd:t-claim mk:conflictsWith mkd:t-claim2 .",
    ),
}


def failures_for(tmp_path, body: str) -> list:
    from mesokg.paths import resource

    f = tmp_path / "case.ttl"
    f.write_text(PREFIXES + body)
    store = OxigraphStore()
    store.add(curated_quads(seeds=[resource("seeds/documents.ttl"), f]))
    return run_checks(store)


def test_every_check_has_a_case():
    assert {c.name for c in check_queries()} == set(CASES)


@pytest.mark.parametrize("check", sorted(CASES))
def test_check_fires_on_broken_and_not_on_repaired(tmp_path, check):
    broken, repaired = CASES[check]

    def fired(body: str) -> bool:  # only failures about the case's own nodes count
        return any(x.check == check and "/id/t-" in x.node for x in failures_for(tmp_path, body))

    assert fired(broken)
    assert not fired(repaired)


# ---------------------------------------------------------------------------------------------
# issue 16: the rewritten checks (MINUS instead of correlated FILTER NOT EXISTS) give the same
# answers as the previous text, on the seeds copied three times with instance IRIs renamed.
# tests/checks/*-before.rq hold the previous query texts verbatim.

HERE = __import__("pathlib").Path(__file__).resolve().parent
MKD = "https://w3id.org/mesokg/id/"


def _scaled_store(k: int, broken: str = ""):
    """Ontology once, plus k copies of the seeds (and `broken`, Turtle with mk:/mkd: prefixes) in
    which every mkd: IRI gets the suffix -c<i>, except the nodes the ontology itself defines."""
    import pyoxigraph as ox

    from mesokg.rdfio import GRAPH_ONTOLOGY

    quads = curated_quads()
    onto = {q.subject.value for q in quads if q.graph_name == GRAPH_ONTOLOGY and isinstance(q.subject, ox.NamedNode)}
    if broken:
        quads += [
            ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph())
            for t in ox.parse(PREFIXES + broken, ox.RdfFormat.TURTLE)
        ]

    def ren(term, i):
        if isinstance(term, ox.NamedNode) and term.value.startswith(MKD) and term.value not in onto:
            return ox.NamedNode(f"{term.value}-c{i}")
        return term

    store = OxigraphStore()
    out = [q for q in quads if q.graph_name == GRAPH_ONTOLOGY]
    for i in range(k):
        out += [
            ox.Quad(ren(q.subject, i), q.predicate, ren(q.object, i), q.graph_name)
            for q in quads
            if q.graph_name != GRAPH_ONTOLOGY
        ]
    store.add(out)
    return store, len(out)


def _answers(store, text: str) -> list[tuple[str, str]]:
    return sorted((str(r.get("node")), str(r.get("problem"))) for r in store.query(text).dicts())


@pytest.mark.parametrize(
    "check, before",
    [
        ("unbacked-plain-triple-violation", "unbacked-plain-triple-before.rq"),
        ("unmarked-conflict-violation", "unmarked-conflict-before.rq"),
    ],
)
def test_rewritten_check_matches_previous_text_at_three_copies(check, before):
    new = next(c.text for c in check_queries() if c.name == check)
    old = (HERE / "checks" / before).read_text(encoding="utf-8")
    # broken data so that both queries have rows to agree on: an unbacked triple and an unlinked
    # contradiction in each copy
    broken = (
        CASES["unbacked-plain-triple-violation"][0].replace("mkd:t-", "mkd:u-")
        + CASES["unmarked-conflict-violation"][0]
    )
    store, n = _scaled_store(3, broken)
    assert n > 3 * 8000  # three copies of the shipped graph
    got_new, got_old = _answers(store, new), _answers(store, old)
    assert got_old, "the broken copies must make the previous check fire"
    if check == "unmarked-conflict-violation":  # the message now also names mk:qualifies
        got_old = [(nd, p.replace("mk:conflictsWith", "mk:conflictsWith or mk:qualifies")) for nd, p in got_old]
    assert got_new == got_old
    assert len(got_new) == 3  # the broken node of each copy, nothing from the shipped seeds


def test_a_caveat_link_also_marks_a_contradiction(tmp_path):
    """Inside one source a contradiction is a caveat: mk:qualifies satisfies the check too."""
    body = CASES["unmarked-conflict-violation"][0] + "mkd:t-claim2 mk:qualifies mkd:t-claim ."
    assert not any(
        x.check == "unmarked-conflict-violation" and "/id/t-" in x.node for x in failures_for(tmp_path, body)
    )
