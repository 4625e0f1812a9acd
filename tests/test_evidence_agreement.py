"""One definition of "evidence for a pair" (issue 10): every view answers the same for the same pairs.

The summary of findings (``mesokg evidence``) is the reference; the saved queries
``evidence-for-pair``, ``substances-for-indication`` and ``evidence-gaps``, the gap map and the
substance-indication network must agree with it: the same hierarchy expansion, the same split of
usage and efficacy claims, the same independent sources.
"""

from __future__ import annotations

from collections import defaultdict

import pytest

from mesokg.evidence.gapmap import build_map
from mesokg.evidence.summary import _rows, summarize
from mesokg.network import model as net

MKD = "https://w3id.org/mesokg/id/"
PAIRS = [
    ("minoxidil", "hair-loss"),
    ("mesotherapy", "musculoskeletal-pain"),
    ("hair-mesotherapy", "androgenetic-alopecia"),
    ("dutasteride", "female-pattern-hair-loss"),
    ("deoxycholate", "localized-fat-deposits"),
    ("mesotherapy", "body-contouring"),
    ("vitamins", "hair-loss"),
    ("hyaluronic-acid", "skin ageing"),  # a label
    ("injection lipolysis", "localised fat deposits"),
]


def short(v) -> str:
    return str(v).rsplit("/", 1)[-1]


@pytest.fixture(scope="module")
def summaries(memory_store):
    return {(s, i): summarize(memory_store, s, i) for s, i in PAIRS}


@pytest.mark.parametrize(("subject", "indication"), PAIRS)
def test_evidence_for_pair_lists_the_summarys_claims(memory_store, summaries, subject, indication):
    s = summaries[(subject, indication)]
    rows = memory_store.run_saved("evidence-for-pair", subject=subject, indication=indication)
    by_kind = defaultdict(dict)
    for r in rows:
        by_kind[r["kind"]][short(r["claim"])] = r
    assert set(by_kind["efficacy"]) == {c["claim"] for c in s.claims}
    assert set(by_kind["usage"]) == {c["claim"] for c in s.usage}
    for c in s.claims + s.usage:
        r = by_kind[c["kind"]][c["claim"]]
        assert (r["via"], str(r["level"]), short(r["claim_indication"])) == (c["via"], c["level"], c["indication"])
        assert sorted(r["sources"].split(" | ")) == c["sources"]
    assert {x for c in s.claims for x in c["sources"]} == {x["source"] for x in s.sources}


@pytest.mark.parametrize(("subject", "indication"), PAIRS)
def test_substances_for_indication_ranks_by_the_summarys_level(memory_store, summaries, subject, indication):
    s = summaries[(subject, indication)]
    rows = memory_store.run_saved("substances-for-indication", indication=indication)
    mine = [r for r in rows if r["substance"] == s.subject["iri"]]
    if not any(c for c in s.claims + s.usage):
        assert mine == []
        return
    if not memory_store.query(
        f"ASK {{ <{s.subject['iri']}> a/<http://www.w3.org/2000/01/rdf-schema#subClassOf>* <https://w3id.org/mesokg/Substance> }}"
    ).boolean:
        assert mine == []  # procedures are not ranked among substances
        return
    (r,) = mine
    counts = s.counts()
    assert r.get("best_level") == s.best_level
    assert (r["claims"], r["sources"], r["usage_claims"]) == (len(s.claims), len(s.sources), len(s.usage))
    assert (r["supporting"], r["refuting"]) == (counts["supports"], counts["refutes"])


def test_evidence_gaps_agree_with_the_pair_definition(memory_store):
    rows = memory_store.run_saved("evidence-gaps")
    gaps = {r["indication"]: r for r in rows}
    best: dict[str, int] = {}
    for r in _rows(memory_store, "pair-claims", {}):
        if r["kind"] == "efficacy" and r["polarity"].endswith("/Supports"):
            best[r["indication"]] = min(best.get(r["indication"], 99), int(r["rank"]))
    areas = memory_store.query(
        "PREFIX mk: <https://w3id.org/mesokg/> SELECT DISTINCT ?i WHERE { ?i mk:inArea ?a }"
    ).rows
    for (i,) in areas:
        rank = best.get(i.value)
        is_gap = rank is None or rank >= 9  # CEBM 4 and 5: mk:LowEvidenceLevel
        assert (i.value in gaps) == is_gap, i.value
        if i.value in gaps:
            assert gaps[i.value]["gap"] == (
                "no supporting claim" if rank is None else "only low-level evidence (CEBM 4-5)"
            )


def test_gap_map_cells_are_the_summaries(memory_store, summaries):
    gm = build_map(memory_store)
    for s in summaries.values():
        cell = gm.cell(s.subject["iri"], s.indication["iri"])
        if s.claims or s.usage:
            assert cell is not None and cell.summary.to_json() == s.to_json()
        else:
            assert cell is None


def test_network_edges_are_the_direct_part_of_the_pairs(memory_store, summaries):
    G = net.build_network(memory_store, "substance-indication", stats=False)
    narrower = defaultdict(set)
    for n, i in memory_store.query(
        "PREFIX mk: <https://w3id.org/mesokg/> SELECT ?n ?i WHERE { ?n mk:subConditionOf* ?i }"
    ).rows:
        narrower[i.value].add(n.value)
    for s in summaries.values():
        # every claim of the summary sits on a network edge from its own subject to its own indication
        for c in s.claims + s.usage:
            edge = G.edges[MKD + c["subject"], MKD + c["indication"]]
            assert MKD + c["claim"] in edge["claims"].split()
        # and the direct edge of the pair is the summary restricted to claims about the pair itself
        pair = (s.subject["iri"], s.indication["iri"])
        if G.has_edge(*pair):
            d = G.edges[pair]
            direct = [c for c in s.claims + s.usage if c["via"] == "direct" and c["indication"] == s.indication["id"]]
            assert set(d["claims"].split()) == {MKD + c["claim"] for c in direct}
            eff = [c for c in direct if c["kind"] == "efficacy"]
            support = [c for c in eff if c["polarity"] == "supports"]
            assert d["level"] == (min(support or eff, key=lambda c: c["rank"])["level"] if eff else net.USAGE_LEVEL)
            if direct == s.claims + s.usage:  # all of the pair's evidence is direct: the same level as the summary
                assert d["level"] == (s.best_level or s.best_level_against or net.USAGE_LEVEL)
            assert d["n_sources"] == len({x for c in direct for x in c["sources"]})
        assert all(MKD + c["indication"] in narrower[s.indication["iri"]] for c in s.claims + s.usage)
