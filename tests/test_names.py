"""Names as input (mesokg.query.names): labels, synonyms, short ids, CURIEs and IRIs -> one IRI."""

from __future__ import annotations

import pytest

from mesokg.errors import InputError
from mesokg.query import names
from mesokg.query.saved import bind_params, get_saved

MK = "https://w3id.org/mesokg/"
MKD = MK + "id/"


@pytest.fixture(scope="module")
def index():
    """A constructed index: two nodes share a synonym; a class and an instance share a label."""
    rows = [
        (MKD + "hair-loss", "hair loss (alopecia)", "label", {MK + "MedicalIndication"}),
        (MKD + "hair-loss", "alopecia", "synonym", ()),
        (MKD + "androgenetic-alopecia", "androgenetic alopecia", "label", {MK + "MedicalIndication"}),
        (MKD + "androgenetic-alopecia", "pattern baldness", "synonym", ()),
        (MKD + "minoxidil", "minoxidil", "label", {MK + "Drug"}),
        (MKD + "topical-minoxidil", "topical minoxidil 5%", "label", {MK + "Drug"}),
        (MKD + "area-pain", "musculoskeletal pain", "label", {MK + "Area"}),
        (MKD + "musculoskeletal-pain", "localised musculoskeletal pain", "label", {MK + "MedicalIndication"}),
        (MKD + "retinol", "Rétinol", "label", {MK + "Vitamin"}),
        (MKD + "vit-a1", "vitamin A", "label", {MK + "Vitamin"}),
        (MKD + "vit-a2", "Vitamin A", "label", {MK + "Vitamin"}),
        (MKD + "vit-a3", "vitamin a", "synonym", {MK + "Vitamin"}),  # a label beats a synonym
        (MK + "Drug", "drug", "label", {"http://www.w3.org/2002/07/owl#Class"}),
        (MKD + "drug", "drug", "label", {MK + "Concept"}),
    ]
    supers = {MK + "MedicalIndication": {MK + "Indication"}, MK + "Drug": {MK + "Substance"}}
    return names.NameIndex(rows, supers)


@pytest.mark.parametrize(
    "text, iri",
    [
        ("minoxidil", MKD + "minoxidil"),  # label
        ("  Minoxidil ", MKD + "minoxidil"),  # case and spaces
        ("hair loss", MKD + "hair-loss"),  # label without its parenthesis
        ("Hair-Loss", MKD + "hair-loss"),  # hyphens as spaces
        ("alopecia", MKD + "hair-loss"),  # synonym
        ("pattern baldness", MKD + "androgenetic-alopecia"),
        ("androgenetic-alopecia", MKD + "androgenetic-alopecia"),  # short id
        ("mkd:minoxidil", MKD + "minoxidil"),  # CURIE
        (f"<{MKD}minoxidil>", MKD + "minoxidil"),  # <IRI>
        (MKD + "minoxidil", MKD + "minoxidil"),  # IRI
        ("retinol", MKD + "retinol"),  # accents ignored
        ("drug", MKD + "drug"),  # an instance wins over an ontology term of the same name
    ],
)
def test_resolves(index, text, iri):
    assert index.resolve(text) == iri


def test_preferred_type_beats_another_nodes_label(index):
    assert index.resolve("musculoskeletal pain") == MKD + "area-pain"
    assert index.resolve("musculoskeletal pain", prefer=MK + "Indication") == MKD + "musculoskeletal-pain"


def test_unknown_name_suggests_the_closest_labels(index):
    with pytest.raises(InputError) as e:
        index.resolve("minoxdil", what="subject")
    msg = str(e.value)
    assert "\n" not in msg
    assert msg.startswith("subject: no node called 'minoxdil': did you mean minoxidil")


def test_unknown_curie_is_strict_or_passes(index):
    with pytest.raises(InputError, match="no node called 'mkd:minoxidill': did you mean minoxidil"):
        index.resolve("mkd:minoxidill")
    assert index.resolve("mkd:not-here", strict=False) == MKD + "not-here"


def test_ambiguous_name_lists_the_candidates(index):
    with pytest.raises(InputError) as e:
        index.resolve("vitamin a")
    assert "names 2 nodes: vitamin A (vit-a1)" in str(e.value) and "give the short id" in str(e.value)


def test_empty_input(index):
    with pytest.raises(InputError, match="give a name"):
        index.resolve("   ")


def test_graph_names(memory_store):
    r = names.resolve
    assert r(memory_store, "minoxidil") == MKD + "minoxidil"
    assert r(memory_store, "hair loss", prefer="indication") == MKD + "hair-loss"
    assert r(memory_store, "musculoskeletal pain", prefer="indication") == MKD + "musculoskeletal-pain"
    assert r(memory_store, "scalp mesotherapy") == MKD + "hair-mesotherapy"  # skos:altLabel
    assert r(memory_store, "LIT") == MKD + "mesotherapy"
    assert names.label(memory_store, MKD + "hair-loss") == "hair loss (alopecia)"


def test_saved_query_parameters_take_labels(memory_store):
    saved = get_saved("substances-for-indication")
    by_label = bind_params(saved, {"indication": "pattern baldness"}, memory_store)
    by_id = bind_params(saved, {"indication": "androgenetic-alopecia"})
    assert by_label == by_id
    assert memory_store.run_saved("substances-for-indication", indication="hereditary hair loss") == (
        memory_store.run_saved("substances-for-indication", indication="androgenetic-alopecia")
    )
    with pytest.raises(InputError, match=r"parameter indication: no node called 'andro alopecia': did you mean"):
        memory_store.run_saved("substances-for-indication", indication="andro alopecia")
