"""OWL reasoning with HermiT: the shipped graph is consistent; defined classes classify as meant;
inconsistency and unsatisfiable classes are reported by name."""

from __future__ import annotations

from pathlib import Path

import pytest

from mesokg.knowledge.assemble import curated_quads
from mesokg.knowledge.reason import InconsistentOntology, reason

HERE = Path(__file__).parent / "reasoning"
MK = "https://w3id.org/mesokg/"
T = "https://w3id.org/mesokg/id/test-"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


def _types(result) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for t in result.inferred:
        if t.predicate.value == RDF_TYPE:
            out.setdefault(t.subject.value, set()).add(t.object.value.removeprefix(MK))
    return out


@pytest.fixture(scope="module")
def toy():
    return _types(reason(curated_quads(extra_files=[HERE / "defined-classes.ttl"], seeds=[])))


@pytest.mark.parametrize(
    "individual, cls",
    [
        ("fat-drug", "LipolyticSubstance"),
        ("bald", "HairIndication"),
        ("claim-rct", "ControlledTrialBackedClaim"),
        ("claim-rct", "HighLevelEvidenceClaim"),
        ("claim-case", "LowLevelEvidenceClaim"),
        ("claim-case", "RefutedClaim"),
        ("claim-case", "ConflictingClaim"),
        ("claim-opinion", "ConflictingClaim"),  # conflictsWith is symmetric
        ("wrinkles", "IndicationWithLowLevelEvidence"),
        ("harmful", "SubstanceWithReportedAdverseEvent"),
    ],
)
def test_defined_class_membership(toy, individual, cls):
    assert cls in toy.get(T + individual, set())


@pytest.mark.parametrize(
    "individual, cls",
    [
        ("other-drug", "LipolyticSubstance"),
        ("wrinkles", "HairIndication"),
        ("claim-case", "ControlledTrialBackedClaim"),
        ("claim-opinion", "HighLevelEvidenceClaim"),
        ("claim-opinion", "LowLevelEvidenceClaim"),
        ("claim-rct", "RefutedClaim"),
        ("claim-rct", "ConflictingClaim"),
        ("bald", "IndicationWithLowLevelEvidence"),
        ("fat-drug", "SubstanceWithReportedAdverseEvent"),
    ],
)
def test_defined_class_non_membership(toy, individual, cls):
    assert cls not in toy.get(T + individual, set())


def test_shipped_graph_is_consistent_and_classified():
    result = reason(curated_quads())
    types = _types(result)
    assert result.consistent and result.inferred
    lipolytic = {s for s, cs in types.items() if "LipolyticSubstance" in cs}
    # the seeds say phosphatidylcholine and deoxycholate act by dissolving fat
    assert any("phosphatidylcholine" in s for s in lipolytic)
    assert any("deoxychol" in s for s in lipolytic)
    assert any("HighLevelEvidenceClaim" in cs for cs in types.values())


def test_inconsistent_individual_is_named():
    with pytest.raises(InconsistentOntology, match="mkd:test-caffeine"):
        reason(curated_quads(extra_files=[HERE / "inconsistent-individual.ttl"], seeds=[]))


def test_unsatisfiable_class_is_named():
    with pytest.raises(InconsistentOntology, match="TestImpossible"):
        reason(curated_quads(extra_files=[HERE / "unsatisfiable-class.ttl"], seeds=[]))
