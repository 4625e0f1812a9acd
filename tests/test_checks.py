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
