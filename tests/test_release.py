"""Release files other tools take as they are (issue 13): reproducible bytes, OWL 2 DL, JSON-LD context."""

from __future__ import annotations

import json
from collections import defaultdict

import pyoxigraph as ox
import pytest

from tests.conftest import run_cli

RDF, RDFS, OWL = (
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "http://www.w3.org/2000/01/rdf-schema#",
    "http://www.w3.org/2002/07/owl#",
)
OWL_FILES = ("mesokg-ontology.owl", "mesokg.owl", "mesokg-full.owl")


@pytest.fixture(scope="module")
def second_release(release, tmp_path_factory):
    """A second build of the same inputs, in another process (new blank-node ids), from the reasoner cache."""
    out = tmp_path_factory.mktemp("dist2")
    r = run_cli("build", "--out", str(out), "--quiet", "--use-cache")
    assert r.returncode == 0, r.stderr
    return out


def test_two_builds_give_identical_bytes_and_manifest(release, second_release):
    first = sorted(p.name for p in release.iterdir())
    assert first == sorted(p.name for p in second_release.iterdir())
    assert "manifest.json" in first and len(first) >= 12
    for name in first:
        assert (release / name).read_bytes() == (second_release / name).read_bytes(), name
    manifest = json.loads((release / "manifest.json").read_text())
    assert "built" not in manifest  # no clock time unless SOURCE_DATE_EPOCH fixes it
    assert len(manifest["inputs_sha256"]) == 64 and int(manifest["inputs_sha256"], 16) >= 0
    assert all(len(f["sha256"]) == 64 for f in manifest["files"].values())


def test_blank_nodes_have_canonical_labels(release):
    text = (release / "mesokg-ontology.ttl").read_text()
    labels = {w for w in text.replace(")", " ").replace(";", " ").split() if w.startswith("_:")}
    assert labels and all(w.startswith("_:c14n") for w in labels)


def test_shapes_and_mappings_ship_in_dist(release):
    from mesokg import paths

    assert (release / "mesokg-shapes.ttl").read_bytes() == paths.shapes_file().read_bytes()
    assert (release / "mesokg.sssom.tsv").read_bytes() == paths.mappings_file().read_bytes()
    assert (release / "mesokg-alignment.sssom.tsv").is_file()
    doc = (release / "mesokg-ontology.html").read_text()  # pyLODE, byte-identical across builds (above)
    assert "<title>mesokg: the evidence-graded knowledge graph of mesotherapy" in doc and "<script src=" not in doc


def test_jsonld_has_a_context_and_compact_iris_and_the_same_triples(release):
    doc = json.loads((release / "mesokg.jsonld").read_text())
    ctx = doc["@context"]
    assert ctx["mk"] == "https://w3id.org/mesokg/" and ctx["mkd"] == "https://w3id.org/mesokg/id/"
    by_id = {n["@id"]: n for n in doc["@graph"]}
    node = by_id["mkd:minoxidil"]
    assert "mk:Drug" in (node["@type"] if isinstance(node["@type"], list) else [node["@type"]])
    assert not any(k.startswith("http") for n in doc["@graph"] for k in n)  # every key compacted
    a = ox.Dataset(ox.parse(path=str(release / "mesokg.jsonld"), format=ox.RdfFormat.JSON_LD))
    b = ox.Dataset(ox.parse(path=str(release / "mesokg.nt"), format=ox.RdfFormat.N_TRIPLES))
    for d in (a, b):
        d.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    assert len(a) == len(b) > 9000 and a == b


def _header(path):
    triples = list(ox.parse(path=str(path), format=ox.RdfFormat.RDF_XML))
    onto = [t.subject for t in triples if t.predicate.value == RDF + "type" and t.object.value == OWL + "Ontology"]
    assert len(onto) == 1, path
    get = defaultdict(list)
    for t in triples:
        if t.subject == onto[0]:
            get[t.predicate.value].append(t.object.value)
    return onto[0].value, get, triples


def test_each_owl_file_has_its_own_ontology_iri_and_the_data_import_the_ontology_version(release):
    heads = {name: _header(release / name) for name in OWL_FILES}
    iris = {name: h[0] for name, h in heads.items()}
    versions = {name: h[1][OWL + "versionIRI"][0] for name, h in heads.items()}
    assert len(set(iris.values())) == 3 and len(set(versions.values())) == 3
    for name in OWL_FILES:
        assert versions[name].endswith("/" + name)  # version IRIs end in the file name
    onto_version = versions["mesokg-ontology.owl"]
    assert heads["mesokg.owl"][1][OWL + "imports"] == [onto_version]
    assert heads["mesokg-full.owl"][1][OWL + "imports"] == [onto_version]


@pytest.mark.parametrize("name", OWL_FILES)
def test_every_property_and_class_used_is_declared_in_the_file(release, name):
    _, _, triples = _header(release / name)
    declared = defaultdict(set)
    for t in triples:
        if t.predicate.value == RDF + "type" and t.object.value.startswith(OWL):
            declared[t.subject.value].add(t.object.value[len(OWL) :])
    kinds = {"ObjectProperty", "DatatypeProperty", "AnnotationProperty"}
    builtin = (RDF, RDFS, OWL)
    for p in {t.predicate.value for t in triples if not t.predicate.value.startswith(builtin)}:
        assert len(declared[p] & kinds) == 1, f"{name}: {p} is declared as {declared[p] & kinds or 'nothing'}"
    for t in triples:
        if t.predicate.value == RDF + "type" and isinstance(t.object, ox.NamedNode):
            if not t.object.value.startswith(builtin):
                assert "Class" in declared[t.object.value], f"{name}: class {t.object.value} is not declared"


def test_owl_api_finds_the_three_files_owl2_dl_when_loaded_together(release):
    """The OWL API's OWL2DLProfile (the jar owlready2 ships), imports resolved through the shipped catalog."""
    from mesokg.export.owlcheck import catalog_pairs, check_profile

    loaded = check_profile([release / n for n in OWL_FILES], catalog_pairs(release / "catalog-v001.xml"))
    assert [o.iri for o in loaded] == [
        "https://w3id.org/mesokg/ontology",
        "https://w3id.org/mesokg/data",
        "https://w3id.org/mesokg/full",
    ]
    assert [o.imports for o in loaded] == [0, 1, 1]
    assert all(o.axioms > 900 for o in loaded)
    assert {o.file: o.violations for o in loaded} == {str((release / n).resolve()): [] for n in OWL_FILES}


def test_owl_api_reports_an_undeclared_property(tmp_path):
    """The check is real: a file that uses an undeclared property is not OWL 2 DL."""
    from mesokg.export.owlcheck import check_profile

    bad = tmp_path / "bad.owl"
    bad.write_text(
        '<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"'
        ' xmlns:owl="http://www.w3.org/2002/07/owl#" xmlns:ex="http://example.org/">\n'
        ' <owl:Ontology rdf:about="http://example.org/o"/>\n'
        ' <owl:NamedIndividual rdf:about="http://example.org/a"><ex:knows rdf:resource="http://example.org/b"/>'
        "</owl:NamedIndividual>\n</rdf:RDF>\n"
    )
    (report,) = check_profile([bad])
    assert any("http://example.org/knows" in v for v in report.violations)


def test_ontology_and_data_load_together_in_owlready2(release):
    import owlready2

    owlready2.onto_path.insert(0, str(release))  # version IRIs end in the file name: imports resolve offline
    world = owlready2.World()
    try:
        onto = world.get_ontology((release / "mesokg-ontology.owl").as_uri()).load()
        data = world.get_ontology((release / "mesokg.owl").as_uri()).load()
    finally:
        owlready2.onto_path.remove(str(release))
    assert onto.base_iri == "https://w3id.org/mesokg/ontology#"
    assert data.base_iri == "https://w3id.org/mesokg/data#"
    assert [o.base_iri for o in data.imported_ontologies] == [onto.base_iri]
    mk, mkd = "https://w3id.org/mesokg/", "https://w3id.org/mesokg/id/"
    assert world[mk + "Drug"] in world[mkd + "minoxidil"].is_a
    assert world[mk + "effectiveFor"] in world.object_properties()
    assert len(world.search(iri=mkd + "claim-*")) > 300
    world.close()
