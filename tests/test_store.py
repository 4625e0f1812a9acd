"""One set of compliance tests, run against all three stores: memory, disk, remote (real Oxigraph)."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from mesokg.errors import InputError, QueryRefused
from mesokg.rdfio import GRAPH_CURATED, GRAPH_INFERRED
from mesokg.store import OxigraphStore, RemoteStore, open_store

MK = "https://w3id.org/mesokg/"
MKD = "https://w3id.org/mesokg/id/"


@pytest.fixture(scope="module", params=["memory", "disk", "remote"])
def store(request, dataset, tmp_path_factory):
    if request.param == "memory":
        s = open_store()
    elif request.param == "disk":
        s = open_store(path=tmp_path_factory.mktemp("disk") / "store")
    else:
        base = request.getfixturevalue("oxigraph_server")
        s = RemoteStore(base + "/query")
        s.add(dataset, replace=True)
    yield s
    s.close()


def test_holds_every_statement_of_the_dataset(store, dataset):
    assert store.count() == len(set(dataset))


def test_curated_and_inferred_graphs_are_apart(store):
    curated = {(q.subject, q.predicate, q.object) for q in store.quads(GRAPH_CURATED)}
    inferred = {(q.subject, q.predicate, q.object) for q in store.quads(GRAPH_INFERRED)}
    assert inferred, "the reasoner inferred nothing"
    assert not curated & inferred


def test_select_with_substitution_binds_as_rdf_term(store):
    q = "SELECT ?x ?label WHERE { ?x <http://www.w3.org/2000/01/rdf-schema#label> ?label }"
    res = store.query(q, {"x": ox.NamedNode(MKD + "mesotherapy")})
    assert res.variables == ["x", "label"]
    assert [r["label"] for r in res.dicts()] == ["mesotherapy"]


def test_injection_value_is_a_plain_string(store):
    q = "SELECT ?x ?label WHERE { ?x <http://www.w3.org/2000/01/rdf-schema#label> ?label }"
    res = store.query(q, {"label": ox.Literal('x" } ; DROP ALL ; #')})
    assert res.rows == []
    assert store.count() > 1000  # nothing was dropped


def test_ask_and_construct(store):
    assert store.query(f"ASK {{ <{MKD}mesotherapy> a <{MK}Procedure> }}").boolean is True
    res = store.query(f"CONSTRUCT {{ <{MKD}mesotherapy> ?p ?o }} WHERE {{ <{MKD}mesotherapy> ?p ?o }}")
    assert res.kind == "graph" and len(res.triples) >= 3
    assert b"mesotherapy" in res.serialize("turtle")


def test_results_serialise_to_w3c_formats(store):
    res = store.query(f"SELECT ?c WHERE {{ ?c a <{MK}Claim> }} LIMIT 3")
    assert res.serialize("csv").startswith(b"c\r\n")
    assert res.serialize("tsv").startswith(b"?c\n")
    assert b'"head"' in res.serialize("json")
    assert res.serialize("xml").startswith(b"<?xml")


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
        "SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }",
        "INSERT DATA { <urn:a> <urn:b> <urn:c> }",
        "LOAD <http://example.org/x.ttl>",
        "CLEAR ALL",
    ],
)
def test_refuses_before_evaluation(store, query):
    before = store.count()
    with pytest.raises(QueryRefused):
        store.query(query)
    assert store.count() == before


def test_syntax_error_names_line_and_column(store):
    if isinstance(store, RemoteStore):
        with pytest.raises(InputError):
            store.query("SELECT ?x WHERE {\n  ?x ?y \n")
        return
    with pytest.raises(InputError, match=r"^2:\d+: |^3:\d+: "):
        store.query("SELECT ?x WHERE {\n  ?x ?y \n")


def test_disk_store_is_reused_without_reparsing(tmp_path, dataset):
    path = tmp_path / "store"
    s = open_store(path=path)
    n = s.count()
    s.add([ox.Quad(ox.NamedNode(MKD + "marker"), ox.NamedNode(MK + "summary"), ox.Literal("kept"), GRAPH_CURATED)])
    s.close()
    again = open_store(path=path)  # not rebuilt: the marker survives
    assert again.count() == n + 1
    again.close()


def test_memory_store_is_independent():
    a, b = OxigraphStore(), OxigraphStore()
    a.add([ox.Quad(ox.NamedNode("urn:a"), ox.NamedNode("urn:b"), ox.Literal("c"), ox.DefaultGraph())])
    assert a.count() == 1 and b.count() == 0
