"""Summary of findings (mesokg evidence): certainty rules on constructed cases, the pipeline on a
small constructed graph, and the three pairs of issue 10 on the shipped graph."""

from __future__ import annotations

import csv
import io
import json

import pyoxigraph as ox
import pytest

from mesokg.errors import InputError
from mesokg.evidence import formats, grade
from mesokg.evidence.summary import JSON_KEYS, summarize
from mesokg.rdfio import GRAPH_CURATED, parse_file

MK = "https://w3id.org/mesokg/"


def claim(rank, polarity="supports", source="s1", **kw):
    return {
        "claim": kw.pop("claim", f"c-{source}-{rank}-{polarity}"),
        "rank": rank,
        "polarity": polarity,
        "sources": [source],
        "via": "direct",
        **kw,
    }


# ---------------------------------------------------------------------------------------------
# the certainty rules (mesokg/evidence/grade.py), one constructed case per rule
# ---------------------------------------------------------------------------------------------
def domains(r):
    return [(x["domain"], x["levels"]) for x in r["reasons"]]


def test_no_efficacy_claim_is_no_evidence():
    r = grade.rate([])
    assert (r["certainty"], r["direction"], r["reasons"]) == ("no evidence", "none", [])


def test_large_consistent_randomised_body_stays_high():
    r = grade.rate([claim(1, sample_size=300, source="a"), claim(2, sample_size=250, source="b")])
    assert (r["certainty"], r["reasons"], r["direction"]) == ("high", [], "consistent")


def test_design_tiers_start_lower():
    assert grade.rate([claim(5, sample_size=900)])["certainty"] == "low"  # 2b
    r = grade.rate([claim(10, sample_size=900)])  # expert opinion
    assert r["certainty"] == "very low" and domains(r) == [("design", 3)]


def test_only_the_best_tier_is_rated():
    r = grade.rate([claim(2, sample_size=500, source="a"), claim(10, "refutes", source="b")])
    assert r["certainty"] == "high" and [c["rank"] for c in r["body"]] == [2]
    assert r["direction"] == "inconsistent"  # direction still reads every tier


def test_inconsistency_between_independent_sources():
    r = grade.rate([claim(1, sample_size=500, source="a"), claim(2, "refutes", sample_size=500, source="b")])
    assert r["certainty"] == "moderate" and domains(r) == [("inconsistency", 1)]


def test_one_source_restated_is_one_vote():
    # two claims resting on one study never disagree with each other as "independent sources"
    r = grade.rate(
        [claim(1, sample_size=500, source="a", claim="x"), claim(2, "mixed", sample_size=500, source="a", claim="y")]
    )
    assert ("inconsistency", 1) not in domains(r)


def test_conflict_link_inside_the_body_is_inconsistency():
    body = [claim(1, sample_size=500, claim="x", conflicts=["y"]), claim(1, sample_size=10, source="s2", claim="y")]
    r = grade.rate(body)
    assert ("inconsistency", 1) in domains(r) and r["direction"] == "inconsistent"


def test_imprecision_small_or_unstated_samples():
    assert domains(grade.rate([claim(1, sample_size=120)])) == [("imprecision", 1)]
    assert domains(grade.rate([claim(1)])) == [("imprecision", 1)]
    # a pooled analysis of several studies is not rated down for an unstated total
    assert grade.rate([claim(1, studies=8)])["certainty"] == "high"


def test_a_source_calling_the_evidence_insufficient():
    r = grade.rate([claim(1, sample_size=500, source="a"), claim(2, "insufficient", sample_size=500, source="b")])
    assert ("imprecision", 1) in domains(r) and r["direction"] == "mixed"


def test_the_sources_own_rating_caps_the_result():
    r = grade.rate([claim(1, studies=8, certainty=MK + "CertaintyModerate")])
    assert r["certainty"] == "moderate" and domains(r) == [("source's own rating", 1)]


def test_indirectness_formulation_or_narrower_indication():
    r = grade.rate([claim(1, sample_size=500, via="formulation")])
    assert r["certainty"] == "moderate" and domains(r) == [("indirectness", 1)]
    r = grade.rate([claim(1, sample_size=500, indirect_population=True)])
    assert "narrower form" in r["reasons"][0]["detail"]
    # a named variant of the procedure is direct; one direct claim in the body is enough
    assert grade.rate([claim(1, sample_size=500, via="variant")])["certainty"] == "high"
    assert (
        grade.rate([claim(1, sample_size=500, via="formulation"), claim(1, sample_size=10, source="b")])["certainty"]
        == "high"
    )


def test_indirectness_by_route():
    r = grade.rate([claim(1, sample_size=500, route="RouteTopical")])
    assert r["certainty"] == "moderate" and "another route (topical)" in r["reasons"][0]["detail"]
    assert grade.rate([claim(1, sample_size=500, route="RouteIntradermal")])["certainty"] == "high"


def test_floor_is_very_low_and_reasons_still_listed():
    r = grade.rate([claim(9, "insufficient", via="formulation")])
    assert r["certainty"] == "very low"
    assert [d for d, _ in domains(r)] == ["design", "imprecision", "imprecision", "indirectness"]
    assert r["reasons"][-1]["detail"].endswith("(already at the floor)")


def test_never_rated_up():
    cases = [
        [claim(rank, pol, sample_size=n) for rank, pol, n in combo]
        for combo in (
            [(1, "supports", 5000)],
            [(4, "supports", 9000), (4, "supports", 9000)],
            [(10, "supports", None)],
        )
    ]
    start = {1: 0, 2: 2, 3: 3}
    for body in cases:
        r = grade.rate(body)
        assert grade.CERTAINTIES.index(r["certainty"]) >= start[r["tier"]]


# ---------------------------------------------------------------------------------------------
# the pipeline on a constructed graph
# ---------------------------------------------------------------------------------------------
FIXTURE = """
@prefix mk:   <https://w3id.org/mesokg/> .
@prefix mkd:  <https://w3id.org/mesokg/id/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .

mkd:e-drug a mk:Drug ; rdfs:label "test drug" ; skos:altLabel "tdx" .
mkd:e-mix a mk:Formulation ; rdfs:label "test mix" ; mk:hasIngredient mkd:e-drug .
mkd:e-proc a mk:Procedure ; rdfs:label "test procedure" .
mkd:e-scalp a mk:Procedure ; rdfs:label "test scalp procedure" ; mk:variantOf mkd:e-proc .
mkd:e-loss a mk:MedicalIndication ; rdfs:label "test loss" ; mk:inArea mkd:area-hair .
mkd:e-aga a mk:MedicalIndication ; rdfs:label "test pattern loss" ; mk:inArea mkd:area-hair ; mk:subConditionOf mkd:e-loss .
mkd:e-bruise a mk:AdverseEvent ; rdfs:label "test bruising" .
mkd:e-infection a mk:AdverseEvent ; rdfs:label "test infection" .
mkd:e-seed a mk:SeedDocument ; rdfs:label "seed E" .
mkd:e-trial a mk:ResearchArticle ; rdfs:label "Trial E" .
mkd:e-review a mk:ReviewArticle ; rdfs:label "Review E" .

# the trial, reported by the seed (source: trial) and restated by the seed's own verdict (sources: seed + trial)
mkd:k1 a mk:Claim ; mk:subject mkd:e-drug ; mk:predicate mk:effectiveFor ; mk:object mkd:e-aga ;
  mk:polarity mk:Supports ; mk:evidenceLevel mk:CEBM_1b ; mk:source mkd:e-trial ; mk:curatedFrom mkd:e-seed ;
  mk:sampleSize 60 .
mkd:k2 a mk:Claim ; mk:subject mkd:e-drug ; mk:predicate mk:effectiveFor ; mk:object mkd:e-loss ;
  mk:polarity mk:Supports ; mk:evidenceLevel mk:CEBM_1b ; mk:source mkd:e-seed , mkd:e-trial ; mk:curatedFrom mkd:e-seed .
# a review listing the drug among agents studied: usage, at a high level, must not count
mkd:k3 a mk:Claim ; mk:subject mkd:e-drug ; mk:predicate mk:usedFor ; mk:object mkd:e-loss ;
  mk:polarity mk:Supports ; mk:evidenceLevel mk:CEBM_1a ; mk:source mkd:e-review ; mk:curatedFrom mkd:e-seed .
# the formulation containing the drug, refuted by the review
mkd:k4 a mk:Claim ; mk:subject mkd:e-mix ; mk:predicate mk:effectiveFor ; mk:object mkd:e-loss ;
  mk:polarity mk:Refutes ; mk:evidenceLevel mk:CEBM_5 ; mk:source mkd:e-review ; mk:curatedFrom mkd:e-seed .
# adverse events: the general procedure (twice the same event, two sources) and the variant itself
mkd:k5 a mk:Claim ; mk:subject mkd:e-proc ; mk:predicate mk:causesAdverseEvent ; mk:object mkd:e-infection ;
  mk:polarity mk:Supports ; mk:evidenceLevel mk:CEBM_4 ; mk:source mkd:e-trial ; mk:curatedFrom mkd:e-seed .
mkd:k6 a mk:Claim ; mk:subject mkd:e-proc ; mk:predicate mk:causesAdverseEvent ; mk:object mkd:e-infection ;
  mk:polarity mk:Supports ; mk:evidenceLevel mk:CEBM_5 ; mk:source mkd:e-review ; mk:curatedFrom mkd:e-seed .
mkd:k7 a mk:Claim ; mk:subject mkd:e-scalp ; mk:predicate mk:causesAdverseEvent ; mk:object mkd:e-bruise ;
  mk:polarity mk:Supports ; mk:evidenceLevel mk:CEBM_5 ; mk:source mkd:e-seed ; mk:curatedFrom mkd:e-seed .
mkd:k8 a mk:Claim ; mk:subject mkd:e-scalp ; mk:predicate mk:effectiveFor ; mk:object mkd:e-aga ;
  mk:polarity mk:Supports ; mk:evidenceLevel mk:CEBM_4 ; mk:source mkd:e-seed ; mk:curatedFrom mkd:e-seed .
"""


@pytest.fixture(scope="module")
def fixture_store():
    from mesokg import paths
    from mesokg.store import OxigraphStore

    s = OxigraphStore()
    s.add(parse_file(paths.ontology_file()))
    s.add(
        ox.Quad(t.subject, t.predicate, t.object, GRAPH_CURATED)
        for t in ox.parse(FIXTURE.encode(), format=ox.RdfFormat.TURTLE)
    )
    return s


def test_pair_on_the_constructed_graph(fixture_store):
    s = summarize(fixture_store, "tdx", "test loss")  # a synonym and a label
    j = s.to_json()
    assert tuple(j) == JSON_KEYS
    assert [i["id"] for i in j["included_indications"]] == ["e-loss", "e-aga"]
    assert {c["claim"]: c["via"] for c in j["claims"]} == {"k1": "direct", "k2": "direct", "k4": "formulation"}
    assert [c["claim"] for c in j["usage"]] == ["k3"]  # the 1a usage claim is listed apart
    # one study counted once: k2 cites the seed and the trial, so it rests on the trial alone
    assert [x["source"] for x in j["sources"]] == ["e-trial", "e-review"]
    assert j["best_level"] == "1b"  # not the usage claim's 1a
    assert j["direction"] == "inconsistent"  # supports (drug) vs refutes (formulation)
    assert j["certainty"] == "moderate"
    assert [r["domain"] for r in j["reasons"]] == ["imprecision"]  # 60 participants < 400


def test_variant_and_inherited_adverse_events(fixture_store):
    j = summarize(fixture_store, "test scalp procedure", "e-aga").to_json()
    assert [c["claim"] for c in j["claims"]] == ["k8"] and j["certainty"] == "very low"
    ae = {e["event"]: e for e in j["adverse_events"]}
    assert ae["e-bruise"]["via"] == "direct" and ae["e-bruise"]["inherited_from"] == []
    inf = ae["e-infection"]
    assert inf["inherited"] and inf["inherited_from"] == ["test procedure"]
    assert inf["reports"] == 2 and sorted(inf["sources"]) == ["e-review", "e-trial"] and inf["best_level"] == "4"
    # the general procedure sees its variant's efficacy claim, marked as such
    j = summarize(fixture_store, "test procedure", "test loss").to_json()
    assert [(c["claim"], c["via"]) for c in j["claims"]] == [("k8", "variant")]


def test_bad_names_are_one_line_errors(fixture_store):
    with pytest.raises(InputError, match=r"^subject: no node called 'test drugg': did you mean test drug"):
        summarize(fixture_store, "test drugg", "test loss")
    with pytest.raises(InputError, match=r"^indication: 'test drug' \(e-drug\) is not an indication$"):
        summarize(fixture_store, "test mix", "e-drug")


def test_formats(fixture_store):
    s = summarize(fixture_store, "test drug", "test loss")
    assert json.loads(formats.render(s, "json")) == json.loads(json.dumps(s.to_json()))
    rows = list(csv.DictReader(io.StringIO(formats.render(s, "csv"))))
    assert [r["section"] for r in rows] == ["summary", "efficacy", "efficacy", "efficacy", "usage"]
    assert rows[0]["certainty"] == "moderate" and rows[0]["level"] == "1b"
    md = formats.render(s, "md")
    assert "| certainty | MODERATE |" in md and "### Usage-only claims" in md
    table = formats.to_table(s, width=100)
    assert all(len(line) <= 100 for line in table.splitlines())
    assert "test mix [contains it]" in table.replace("\n", " ") or "[contains it]" in table
    with pytest.raises(InputError, match="format 'xml'"):
        formats.render(s, "xml")


# ---------------------------------------------------------------------------------------------
# the shipped graph: the three pairs of issue 10
# ---------------------------------------------------------------------------------------------
PAIRS = [
    ("minoxidil", "hair loss"),
    ("mesotherapy", "musculoskeletal pain"),
    ("hair mesotherapy", "androgenetic alopecia"),
]


@pytest.mark.parametrize("subject, indication", PAIRS)
def test_issue_pairs(memory_store, subject, indication):
    j = memory_store.evidence(subject, indication).to_json()
    assert tuple(j) == JSON_KEYS
    assert j["certainty"] in grade.CERTAINTIES
    assert all(c["kind"] == "efficacy" for c in j["claims"]) and all(c["kind"] == "usage" for c in j["usage"])
    assert j["included_indications"][0]["asked"] and j["included_indications"][0]["id"] == j["indication"]["id"]
    if j["claims"]:
        assert j["best_level"] == min(j["claims"], key=lambda c: c["rank"])["level"]
        # the rating never depends on usage claims
        assert grade.rate(memory_store.evidence(subject, indication).claims)["certainty"] == j["certainty"]


def test_mesotherapy_for_musculoskeletal_pain_reads_the_meta_analysis(memory_store):
    s = memory_store.evidence("mesotherapy", "musculoskeletal pain")
    top = [c for c in s.claims if c["rank"] <= 3]
    assert top and all(c["via"] == "variant" for c in top)  # the claims are about musculoskeletal mesotherapy
    assert len({src for c in top for src in c["sources"]}) == 1  # one meta-analysis, however often restated
    assert any(c.get("effect_size") for c in top)


def test_cli(tmp_path):
    from tests.conftest import run_cli

    r = run_cli("evidence", "minoxidil", "hair loss", "--format", "json")
    assert r.returncode == 0, r.stderr
    assert tuple(json.loads(r.stdout)) == JSON_KEYS
    r = run_cli("evidence", "minoxdil", "hair loss")
    assert r.returncode == 2 and r.stdout == "" and r.stderr.count("\n") == 1
    assert "did you mean minoxidil" in r.stderr


def test_plain_spreadsheet_formats_and_labels_as_parameters():
    from tests.conftest import run_cli

    args = [
        "query",
        "evidence-for-pair",
        "-p",
        "subject=minoxidil",
        "-p",
        "indication=hair loss",
        "--columns",
        "claim,kind,level,indication_label",
    ]
    r = run_cli(*args, "--format", "tsv-plain")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0] == "claim\tkind\tlevel\tindication_label"
    assert all("<" not in line and '"' not in line and "@en" not in line for line in lines)
    assert any(line.startswith("mkd:claim-minoxidil-") and "\tefficacy\t" in line for line in lines[1:])
    w3c = run_cli(*args, "--format", "tsv")
    assert w3c.stdout.startswith("?claim\t?kind") and "<https://w3id.org/mesokg/id/" in w3c.stdout  # W3C unchanged


def test_broader_indications_are_context_not_counted(fixture_store):
    s = summarize(fixture_store, "test drug", "test pattern loss")
    assert [c["claim"] for c in s.claims] == ["k1"]  # only the narrower form's claim counts
    assert s.broader == [
        {"id": "e-loss", "label": "test loss", "claims": 2, "counts": {"supports": 1, "refutes": 1}, "best_level": "1b"}
    ]
    assert "broader (not counted)" in formats.to_table(s, width=120)
    assert "broader" not in s.to_json()
