"""Substance–indication networks: edges equal the SPARQL, exports round-trip, pictures and page work.

Run against two graphs: a small fixture (ontology + the claims below, with every polarity and
several levels) and the shipped seed graph.
"""

from __future__ import annotations

import csv
import functools
import http.server
import io
import json
import re
import subprocess
import sys
import threading
import xml.etree.ElementTree as ET
from collections import defaultdict
from pathlib import Path

import networkx as nx
import pyoxigraph as ox
import pytest

from mesokg.errors import InputError
from mesokg.network import model as net
from mesokg.network.export import csv_edges, cytoscape_json, format_for, gexf, graphml, write
from mesokg.network.render import figure, label_overlaps, render
from mesokg.rdfio import GRAPH_CURATED, parse_file

ROOT = Path(__file__).resolve().parent.parent
QUERIES = ROOT / "mesokg" / "network" / "queries"
MK = "https://w3id.org/mesokg/"
MKD = "https://w3id.org/mesokg/id/"
BIPARTITE = ["substance-indication", "technique-indication", "substance-adverse-event", "substance-mechanism"]

FIXTURE = """
@prefix mk:   <https://w3id.org/mesokg/> .
@prefix mkd:  <https://w3id.org/mesokg/id/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .

mkd:t-drug a mk:Drug ; rdfs:label "test drug" ; skos:exactMatch <http://id.nlm.nih.gov/mesh/D000001> .
mkd:t-vitamin a mk:Vitamin ; rdfs:label "test vitamin" .
mkd:t-extract a mk:PlantExtract ; rdfs:label "test extract" .
mkd:t-prp a mk:AutologousProduct ; rdfs:label "test plasma" .
mkd:t-cocktail a mk:Formulation ; rdfs:label "test cocktail" ; mk:hasIngredient mkd:t-vitamin .
mkd:t-proc a mk:Procedure ; rdfs:label "test procedure" .
mkd:t-tech a mk:Technique ; rdfs:label "test technique" .
mkd:t-aga a mk:MedicalIndication ; rdfs:label "test alopecia" ; mk:inArea mkd:area-hair .
mkd:t-wrinkles a mk:CosmeticIndication ; rdfs:label "test wrinkles" ; mk:inArea mkd:area-skin .
mkd:t-fat a mk:CosmeticIndication ; rdfs:label "test fat" ; mk:inArea mkd:area-body-fat .
mkd:t-pain a mk:MedicalIndication ; rdfs:label "test pain" ; mk:inArea mkd:area-musculoskeletal .
mkd:t-bruise a mk:AdverseEvent ; rdfs:label "test bruising" .
mkd:t-infection a mk:AdverseEvent ; rdfs:label "test infection" .
mkd:t-mech a mk:Mechanism ; rdfs:label "test vasodilation" .
mkd:t-src-a a mk:ResearchArticle ; rdfs:label "Trial A" .
mkd:t-src-b a mk:ReviewArticle ; rdfs:label "Review B" .
mkd:t-src-c a mk:WebArticle ; rdfs:label "Page C" .

mkd:c1 a mk:Claim ; mk:subject mkd:t-drug ; mk:predicate mk:effectiveFor ; mk:object mkd:t-aga ;
  mk:polarity mk:Supports ; mk:evidenceLevel mk:CEBM_1b ; mk:source mkd:t-src-a , mkd:t-src-b .
mkd:c2 a mk:Claim ; mk:subject mkd:t-drug ; mk:predicate mk:usedFor ; mk:object mkd:t-aga ;
  mk:polarity mk:Supports ; mk:evidenceLevel mk:CEBM_5 ; mk:source mkd:t-src-c .
mkd:c3 a mk:Claim ; mk:subject mkd:t-vitamin ; mk:predicate mk:effectiveFor ; mk:object mkd:t-aga ;
  mk:polarity mk:Refutes ; mk:evidenceLevel mk:CEBM_2b ; mk:source mkd:t-src-a .
mkd:c4 a mk:Claim ; mk:subject mkd:t-vitamin ; mk:predicate mk:effectiveFor ; mk:object mkd:t-wrinkles ;
  mk:polarity mk:Supports ; mk:evidenceLevel mk:CEBM_4 ; mk:source mkd:t-src-b .
mkd:c5 a mk:Claim ; mk:subject mkd:t-vitamin ; mk:predicate mk:effectiveFor ; mk:object mkd:t-wrinkles ;
  mk:polarity mk:Refutes ; mk:evidenceLevel mk:CEBM_1b ; mk:source mkd:t-src-a ; mk:conflictsWith mkd:c4 .
mkd:c6 a mk:Claim ; mk:subject mkd:t-extract ; mk:predicate mk:effectiveFor ; mk:object mkd:t-fat ;
  mk:polarity mk:Mixed ; mk:evidenceLevel mk:CEBM_2b ; mk:source mkd:t-src-b .
mkd:c7 a mk:Claim ; mk:subject mkd:t-prp ; mk:predicate mk:effectiveFor ; mk:object mkd:t-aga ;
  mk:polarity mk:Supports ; mk:evidenceLevel mk:CEBM_1a ; mk:source mkd:t-src-b .
mkd:c8 a mk:Claim ; mk:subject mkd:t-cocktail ; mk:predicate mk:usedFor ; mk:object mkd:t-wrinkles ;
  mk:polarity mk:Supports ; mk:evidenceLevel mk:CEBM_5 ; mk:source mkd:t-src-c .
mkd:c9 a mk:Claim ; mk:subject mkd:t-cocktail ; mk:predicate mk:usedFor ; mk:object mkd:t-aga ;
  mk:polarity mk:Insufficient ; mk:evidenceLevel mk:CEBM_5 ; mk:source mkd:t-src-c .
mkd:c10 a mk:Claim ; mk:subject mkd:t-proc ; mk:predicate mk:usedFor ; mk:object mkd:t-pain ;
  mk:polarity mk:Supports ; mk:evidenceLevel mk:CEBM_1a ; mk:source mkd:t-src-b .
mkd:c11 a mk:Claim ; mk:subject mkd:t-tech ; mk:predicate mk:effectiveFor ; mk:object mkd:t-fat ;
  mk:polarity mk:Supports ; mk:evidenceLevel mk:CEBM_4 ; mk:source mkd:t-src-c .
mkd:c12 a mk:Claim ; mk:subject mkd:t-drug ; mk:predicate mk:causesAdverseEvent ; mk:object mkd:t-bruise ;
  mk:polarity mk:Supports ; mk:evidenceLevel mk:CEBM_4 ; mk:source mkd:t-src-a .
mkd:c13 a mk:Claim ; mk:subject mkd:t-proc ; mk:predicate mk:causesAdverseEvent ; mk:object mkd:t-infection ;
  mk:polarity mk:Supports ; mk:evidenceLevel mk:CEBM_4 ; mk:source mkd:t-src-c .
mkd:c14 a mk:Claim ; mk:subject mkd:t-drug ; mk:predicate mk:actsByMechanism ; mk:object mkd:t-mech ;
  mk:polarity mk:Supports ; mk:evidenceLevel mk:CEBM_5 ; mk:source mkd:t-src-c .
mkd:c15 a mk:Claim ; mk:subject mkd:t-extract ; mk:predicate mk:effectiveFor ; mk:object mkd:t-wrinkles ;
  mk:polarity mk:Supports ; mk:evidenceLevel mk:CEBM_2b ; mk:source mkd:t-src-b .
"""


# ---------------------------------------------------------------------------------------------
# fixtures
# ---------------------------------------------------------------------------------------------
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


@pytest.fixture(scope="module", params=["fixture", "seeds"])
def store(request):
    return request.getfixturevalue("fixture_store" if request.param == "fixture" else "memory_store")


@functools.cache
def network(store, view: str) -> nx.Graph:
    """Built once per store and view (tests must not modify the result)."""
    return net.build_network(store, view)


def sparql_rows(store, view: str) -> list[dict]:
    """The view's claim query, read from its .rq file and run here, independently of the library."""
    text = (QUERIES / f"{net.VIEWS[view].query}.rq").read_text(encoding="utf-8")
    return store.query(text).dicts()


def best_rank(claims) -> int:
    """Usage claims never set the level (issue 10): supporting efficacy claims first, then the rest;
    usage-only edges rank below level 5."""
    eff = [c for c in claims if not c["predicate"].endswith("/usedFor")]
    support = [c for c in eff if c["polarity"].endswith("/Supports")]
    return min((int(c["rank"]) for c in support or eff), default=11)


def expected_edges(rows: list[dict]) -> dict[tuple[str, str], dict]:
    claims = defaultdict(dict)
    sources = defaultdict(set)
    for r in rows:
        claims[(r["subject"], r["object"])][r["claim"]] = r
        if "source" in r:
            sources[(r["subject"], r["object"])].add(r["source"])
    return {
        k: {
            "claims": set(cs),
            "sources": sources[k],
            # usage claims never set the level (issue 10): usage-only edges rank below level 5
            "best": best_rank(cs.values()),
            "polarities": {c["polarity"].rsplit("/", 1)[-1].lower() for c in cs.values()},
        }
        for k, cs in claims.items()
    }


# ---------------------------------------------------------------------------------------------
# the network equals the SPARQL
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("view", BIPARTITE)
def test_edges_equal_the_sparql_results(store, view):
    G = network(store, view)
    exp = expected_edges(sparql_rows(store, view))
    assert set(G.edges) == set(exp)
    assert set(G.nodes) == {n for e in exp for n in e}
    for (s, o), e in exp.items():
        d = G.edges[s, o]
        assert set(d["claims"].split()) == e["claims"]
        assert d["n_claims"] == len(e["claims"])
        assert set(d["source_ids"].split()) == e["sources"]
        assert d["n_sources"] == len(e["sources"])
        assert d["level_rank"] == e["best"]
        assert d["weight"] == pytest.approx((11 - e["best"]) / 10 if e["best"] < 11 else 0.05)
        assert d["n_supports"] + d["n_refutes"] + d["n_mixed"] + d["n_insufficient"] == d["n_claims"]
        if {"supports", "refutes"} <= e["polarities"]:
            assert d["polarity"] == "conflicting"
        elif len(e["polarities"]) == 1 and not d["conflicted"]:
            assert d["polarity"] == next(iter(e["polarities"]))
        assert G.nodes[s]["role"] == "subject" and G.nodes[o]["role"] == "object"


def test_edge_levels_match_the_graph(store):
    levels = {
        r["notation"]: int(r["rank"])
        for r in store.query(
            "PREFIX mk: <https://w3id.org/mesokg/> PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
            "SELECT ?notation ?rank WHERE { ?l a mk:EvidenceLevel ; skos:notation ?notation ; mk:rank ?rank }"
        ).dicts()
    }
    levels["usage"] = net.USAGE_RANK  # usage claims only
    for view in BIPARTITE:
        for _, _, d in network(store, view).edges(data=True):
            assert levels[d["level"]] == d["level_rank"]


def test_projection_links_substances_that_share_indications(store):
    rows = sparql_rows(store, "substance-indication")
    kinds = {n: d["kind"] for n, d in network(store, "substance-indication").nodes(data=True)}
    objects = defaultdict(set)
    for r in rows:
        if kinds[r["subject"]] in ("substance", "formulation"):
            objects[r["subject"]].add(r["object"])
    subs = sorted(objects)
    expected = {
        frozenset((a, b)): len(objects[a] & objects[b])
        for i, a in enumerate(subs)
        for b in subs[i + 1 :]
        if objects[a] & objects[b]
    }
    P = network(store, "projection")
    assert {frozenset(e) for e in P.edges} == set(expected)
    for a, b, d in P.edges(data=True):
        assert d["shared"] == expected[frozenset((a, b))] == d["weight"]
        assert set(d["shared_ids"].split()) == objects[a] & objects[b]


def test_fixture_aggregates_as_documented(fixture_store):
    G = network(fixture_store, "substance-indication")
    e = G.edges[MKD + "t-vitamin", MKD + "t-wrinkles"]
    # the level is that of the supporting claim (seeds/README.md); the 1b refutation shows as "conflicting"
    assert (e["polarity"], e["level"], e["n_claims"], e["conflicted"]) == ("conflicting", "4", 2, True)
    e = G.edges[MKD + "t-drug", MKD + "t-aga"]
    assert (e["polarity"], e["level"], e["n_claims"], e["n_sources"]) == ("supports", "1b", 2, 3)
    assert e["predicates"] == "effectiveFor usedFor" and e["sources"] == "Page C | Review B | Trial A"
    assert G.edges[MKD + "t-extract", MKD + "t-fat"]["polarity"] == "mixed"
    assert G.edges[MKD + "t-vitamin", MKD + "t-aga"]["polarity"] == "refutes"
    assert G.edges[MKD + "t-cocktail", MKD + "t-aga"]["polarity"] == "insufficient"
    n = G.nodes[MKD + "t-drug"]
    assert (n["kind"], n["class"], n["external_ids"]) == ("substance", "Drug", "MESH:D000001")
    assert G.nodes[MKD + "t-cocktail"]["kind"] == "formulation"
    assert G.nodes[MKD + "t-prp"]["classes"].split() == [
        "AutologousProduct",
        "GrowthFactorOrAutologousProduct",
        "Substance",
    ]
    a = G.nodes[MKD + "t-aga"]
    assert (a["area"], a["area_label"], a["indication_type"], a["class"]) == (
        "hair",
        "hair",
        "medical",
        "MedicalIndication",
    )
    assert set(network(fixture_store, "technique-indication").nodes) == {
        MKD + "t-tech",
        MKD + "t-proc",
        MKD + "t-fat",
        MKD + "t-pain",
    }


def test_node_attributes_come_from_the_graph(store):
    G = network(store, "substance-indication")
    areas = {
        r["node"]: r["area"]
        for r in store.query(
            "PREFIX mk: <https://w3id.org/mesokg/> SELECT ?node ?area WHERE { ?node mk:inArea ?area }"
        ).dicts()
    }
    labels = {
        r["node"]: r["label"]
        for r in store.query(
            "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> SELECT ?node ?label WHERE { ?node rdfs:label ?label }"
        ).dicts()
    }
    for n, d in G.nodes(data=True):
        assert d["label"] == labels.get(n, net.local_name(n))
        if d["role"] == "object":
            assert d["kind"] == "indication"
            assert MKD + "area-" + d["area"] == areas[n]
            assert d["indication_type"] in ("cosmetic", "medical")
        else:
            assert d["kind"] in ("substance", "formulation", "procedure", "technique")


def test_every_attribute_is_scalar(store):
    for view in [*BIPARTITE, "projection"]:
        G = network(store, view)
        for _, d in G.nodes(data=True):
            assert all(isinstance(v, (str, int, float, bool)) for v in d.values()), d
        for _, _, d in G.edges(data=True):
            assert all(isinstance(v, (str, int, float, bool)) for v in d.values()), d


def test_a_remote_endpoint_gives_the_same_network(oxigraph_server, dataset, memory_store):
    from mesokg.store import RemoteStore

    remote = RemoteStore(oxigraph_server + "/query")
    remote.add(dataset, replace=True)
    for view in ("substance-indication", "projection"):
        G, H = network(memory_store, view), net.build_network(remote, view)
        assert dict(H.nodes(data=True)) == dict(G.nodes(data=True))
        assert {(a, b): d for a, b, d in H.edges(data=True)} == {(a, b): d for a, b, d in G.edges(data=True)}


# ---------------------------------------------------------------------------------------------
# filters
# ---------------------------------------------------------------------------------------------
def _filtered(store, view, **kw) -> nx.Graph:
    v = net.get_view(view)
    return net.build_network(store, v, net.make_filters(net.vocabulary(store), v, **kw))


def test_filters_keep_exactly_the_matching_edges(store):
    full = network(store, "substance-indication")
    cases = [
        (dict(area=["hair"]), lambda s, o, d: full.nodes[o]["area"] == "hair"),
        (
            dict(area=["skin quality and ageing", "body-fat"]),
            lambda s, o, d: full.nodes[o]["area"] in ("skin", "body-fat"),
        ),
        (dict(min_level="2b"), lambda s, o, d: d["level_rank"] <= 5),
        (dict(min_level="CEBM_1b"), lambda s, o, d: d["level_rank"] <= 2),
        (dict(polarity="supports"), lambda s, o, d: d["polarity"] == "supports"),
        (dict(substance_class=["vitamin"]), lambda s, o, d: "Vitamin" in full.nodes[s]["classes"].split()),
        (
            dict(substance_class=["GrowthFactorOrAutologousProduct"]),
            lambda s, o, d: "GrowthFactorOrAutologousProduct" in full.nodes[s]["classes"].split(),
        ),
        (
            dict(area=["hair"], min_level="4", polarity="supports"),
            lambda s, o, d: full.nodes[o]["area"] == "hair" and d["level_rank"] <= 9 and d["polarity"] == "supports",
        ),
    ]
    for kw, keep in cases:
        G = _filtered(store, "substance-indication", **kw)
        want = {(s, o) for s, o, d in full.edges(data=True) if keep(s, o, d)}
        assert set(G.edges) == want, kw
        assert set(G.nodes) == {n for e in want for n in e}, kw
        for s, o in want:
            assert {k: v for k, v in G.edges[s, o].items()} == full.edges[s, o]
        assert G.graph["filters"]


def test_filters_reduce_the_fixture_network(fixture_store):
    full = network(fixture_store, "substance-indication")
    hair = _filtered(fixture_store, "substance-indication", area=["hair"])
    assert 0 < hair.number_of_edges() < full.number_of_edges()
    top = _filtered(fixture_store, "substance-indication", min_level="1a")
    # t-proc -> t-pain rests on a 1a *usage* claim only: usage never counts as evidence (issue 10)
    assert set(top.edges) == {(MKD + "t-prp", MKD + "t-aga")}
    conflicting = _filtered(fixture_store, "substance-indication", polarity="conflicting")
    assert set(conflicting.edges) == {(MKD + "t-vitamin", MKD + "t-wrinkles")}
    proj = _filtered(fixture_store, "projection", area=["skin"])
    assert set(map(frozenset, proj.edges)) == {
        frozenset((MKD + a, MKD + b))
        for a, b in (("t-vitamin", "t-extract"), ("t-vitamin", "t-cocktail"), ("t-extract", "t-cocktail"))
    }


@pytest.mark.parametrize(
    "kw, message",
    [
        (dict(area=["nowhere"]), "unknown area 'nowhere'"),
        (dict(min_level="6"), "unknown evidence level '6'"),
        (dict(polarity="maybe"), "unknown polarity 'maybe'"),
        (dict(substance_class=["rock"]), "unknown substance class 'rock'"),
    ],
)
def test_bad_filter_values_are_one_line_input_errors(fixture_store, kw, message):
    with pytest.raises(InputError, match=re.escape(message)) as e:
        net.make_filters(net.vocabulary(fixture_store), net.get_view("substance-indication"), **kw)
    assert "\n" not in str(e.value)


def test_unknown_view_and_suffix_and_misplaced_area(fixture_store):
    with pytest.raises(InputError, match="unknown view 'nope'"):
        net.get_view("nope")
    with pytest.raises(InputError, match="unknown output suffix '.pdf'"):
        format_for("x.pdf")
    with pytest.raises(InputError, match="--area works only"):
        net.make_filters(net.vocabulary(fixture_store), net.get_view("substance-mechanism"), area=["hair"])


# ---------------------------------------------------------------------------------------------
# statistics
# ---------------------------------------------------------------------------------------------
def test_stats(store):
    G = network(store, "substance-indication")
    U = G.to_undirected()
    bc = nx.betweenness_centrality(U) if len(U) else {}
    for n, d in G.nodes(data=True):
        assert d["degree"] == U.degree(n)
        assert d["weighted_degree"] == pytest.approx(sum(U.edges[n, m]["weight"] for m in U[n]))
        assert d["betweenness"] == pytest.approx(bc[n], abs=1e-6)
    comms = net.communities(G)
    assert sorted(n for c in comms for n in c) == sorted(G.nodes)
    assert {d["community"] for _, d in G.nodes(data=True)} == set(range(len(comms)))
    top = net.top_nodes(G, "subject", 5)
    assert [d["degree"] for _, d in top] == sorted((d["degree"] for _, d in top), reverse=True)
    s = net.summary(G)
    assert (s["nodes"], s["edges"]) == (G.number_of_nodes(), G.number_of_edges())


# ---------------------------------------------------------------------------------------------
# exports round-trip
# ---------------------------------------------------------------------------------------------
def _same_graph(H: nx.Graph, G: nx.Graph, ignore_edge=()) -> None:
    assert set(H.nodes) == set(G.nodes)
    assert {frozenset(e) if not G.is_directed() else e for e in H.edges} == {
        frozenset(e) if not G.is_directed() else e for e in G.edges
    }
    for n, d in G.nodes(data=True):
        assert {k: H.nodes[n][k] for k in d} == d
    for a, b, d in G.edges(data=True):
        got = {k: v for k, v in H.edges[a, b].items() if k not in ignore_edge}
        assert got == d


@pytest.mark.parametrize("view", ["substance-indication", "projection", "substance-adverse-event"])
def test_graphml_and_gexf_round_trip(store, view):
    G = network(store, view)
    H = nx.read_graphml(io.BytesIO(graphml(G)))
    assert H.is_directed() == G.is_directed()
    _same_graph(H, G)
    assert H.graph["view"] == view
    H = nx.read_gexf(io.BytesIO(gexf(G)))
    _same_graph(H, G, ignore_edge=("id",))


@pytest.mark.parametrize("view", ["substance-indication", "projection"])
def test_cytoscape_json_round_trips(store, view):
    G = network(store, view)
    doc = json.loads(cytoscape_json(G))
    assert doc["directed"] == G.is_directed()
    nodes = {el["data"]["id"]: el for el in doc["elements"]["nodes"]}
    assert set(nodes) == set(G.nodes)
    for n, d in G.nodes(data=True):
        assert {k: nodes[n]["data"][k] for k in d} == d
        assert {"x", "y"} <= set(nodes[n]["position"])
    edges = {(el["data"]["source"], el["data"]["target"]): el["data"] for el in doc["elements"]["edges"]}
    assert set(edges) == set(G.edges)
    for a, b, d in G.edges(data=True):
        assert {k: edges[a, b][k] for k in d} == d
    H = nx.cytoscape_graph(doc)  # networkx reads it too
    assert set(H.nodes) == set(G.nodes) and H.number_of_edges() == G.number_of_edges()


def test_csv_edge_list_round_trips(store):
    G = network(store, "substance-indication")
    rows = list(csv.DictReader(io.StringIO(csv_edges(G).decode("utf-8"))))
    assert len(rows) == G.number_of_edges()
    for r in rows:
        d = G.edges[r["source"], r["target"]]
        assert r["source_label"] == G.nodes[r["source"]]["label"]
        assert r["target_label"] == G.nodes[r["target"]]["label"]
        for k, v in d.items():
            want = ("true" if v else "false") if isinstance(v, bool) else str(v)
            assert r[k] == want, k


def test_write_is_atomic_and_by_suffix(fixture_store, tmp_path):
    G = network(fixture_store, "substance-indication")
    for suffix in (".png", ".svg", ".html", ".graphml", ".gexf", ".json", ".csv"):
        out = tmp_path / f"net{suffix}"
        write(G, out)
        assert out.stat().st_size > 100
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")], "temporary files left behind"
    with pytest.raises(Exception, match="does not exist"):
        write(G, tmp_path / "missing" / "x.png")


# ---------------------------------------------------------------------------------------------
# pictures
# ---------------------------------------------------------------------------------------------
def _png(data: bytes):
    from PIL import Image

    return Image.open(io.BytesIO(data)).convert("RGB")


@pytest.mark.parametrize("size", [(1600, None, 100), (1000, 700, 100), (1234, 987, 150), (800, 900, 72)])
def test_png_has_the_requested_size_and_is_not_blank(store, size):
    width, height, dpi = size
    G = network(store, "substance-indication")
    img = _png(render(G, "png", width=width, height=height, dpi=dpi))
    assert img.size[0] == width
    if height:
        assert img.size[1] == height
    colours = img.getcolors(maxcolors=1 << 24)
    assert len(colours) > 20
    white = sum(n for n, c in colours if c == (255, 255, 255))
    assert white < 0.99 * img.size[0] * img.size[1]


@pytest.mark.parametrize("view", [*BIPARTITE, "projection"])
def test_every_view_renders(store, view):
    img = _png(render(network(store, view), "png", width=900, height=700))
    assert img.size == (900, 700)
    assert len(img.getcolors(maxcolors=1 << 24)) > 5


@pytest.mark.parametrize("view", BIPARTITE)
def test_labels_do_not_overlap(store, view):
    assert label_overlaps(figure(network(store, view))) == []


def test_svg_parses_as_xml(store):
    root = ET.fromstring(render(network(store, "substance-indication"), "svg", width=1200, height=900))
    assert root.tag.endswith("svg")
    assert root.get("width") == "864pt" and root.get("height") == "648pt"  # 1200 x 900 px at 100 dpi
    texts = "".join(root.itertext())
    assert "Substances and procedures" in texts or root.find(".//{http://www.w3.org/2000/svg}g") is not None


def test_title_names_the_filters(fixture_store):
    G = _filtered(fixture_store, "substance-indication", area=["hair"], min_level="2b")
    svg = render(G, "svg", width=1000, height=600).decode()
    assert "Filters: area: hair; evidence 2b or better" in svg


# ---------------------------------------------------------------------------------------------
# the interactive page
# ---------------------------------------------------------------------------------------------
def test_page_is_self_contained(fixture_store):
    from mesokg.network.html import page

    html = page(network(fixture_store, "substance-indication"))
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html, re.I)
    assert "<script src" not in html.lower()
    assert "cytoscape" in html and "Cytoscape Consortium" in html


def test_vendored_cytoscape_is_the_npm_package(fixture_store):
    pkg = json.loads((ROOT / "package.json").read_text())
    pinned = pkg["dependencies"]["cytoscape"]
    vendored = ROOT / "mesokg" / "network" / "static" / "vendor"
    assert (vendored / "cytoscape.LICENSE").is_file()
    assert pinned in (vendored / "README").read_text()
    lock = json.loads((ROOT / "package-lock.json").read_text())
    assert lock["packages"]["node_modules/cytoscape"]["version"] == pinned
    npm = ROOT / "node_modules" / "cytoscape"
    if npm.is_dir():  # where npm install has run, the vendored file is byte for byte the package's
        assert (vendored / "cytoscape.min.js").read_bytes() == (npm / "dist" / "cytoscape.min.js").read_bytes()
    else:  # otherwise the pinned version is compiled into the vendored file
        assert f'"{pinned}"'.encode() in (vendored / "cytoscape.min.js").read_bytes()


@pytest.fixture(scope="module")
def http_root(tmp_path_factory):
    """A local http.server on 127.0.0.1 serving a temporary folder."""
    root = tmp_path_factory.mktemp("pages")

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(root)))
    t = threading.Thread(target=server.serve_forever, daemon=True)
    t.start()
    yield root, f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


VISIBLE_EDGES = "window.mesokgCy.edges().filter(e => e.style('display') !== 'none' && e.visible()).length"
DRAWN_NODES = (
    "window.mesokgCy.nodes().filter(n => n.visible() && n.renderedBoundingBox().w > 0 "
    "&& n.renderedBoundingBox().h > 0).length"
)


def _open(browser, url: str, base: str):
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    blocked, errors = [], []

    def route(r):
        if r.request.url.startswith(base):
            r.continue_()
        else:
            blocked.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.on("console", lambda m: errors.append(m.text) if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("requestfailed", lambda r: errors.append("failed: " + r.url) if r.url.startswith(base) else None)
    page.goto(url)
    page.wait_for_function("window.mesokgCy !== undefined && window.mesokgCy.nodes().length > 0")
    return page, blocked, errors


@pytest.mark.parametrize("view", ["substance-indication", "substance-mechanism"])
def test_page_in_headless_chromium(store, browser, http_root, view):
    root, base = http_root
    G = network(store, view)
    assert G.number_of_edges() > 0, f"no {view} claims in this graph"
    name = f"{view}-{id(store)}.html"
    write(G, root / name)
    page, blocked, errors = _open(browser, base + name, base)
    try:
        assert page.evaluate("window.mesokgCy.nodes().length") == G.number_of_nodes()
        assert page.evaluate(DRAWN_NODES) == G.number_of_nodes()
        assert page.evaluate(VISIBLE_EDGES) == G.number_of_edges()
        ranks = sorted({d["level_rank"] for _, _, d in G.edges(data=True)})
        # move the evidence filter to the best level present: only edges at that level stay
        page.locator("#min-level").fill(str(ranks[0]))
        want = sum(1 for _, _, d in G.edges(data=True) if d["level_rank"] <= ranks[0])
        assert page.evaluate(VISIBLE_EDGES) == want
        if len(ranks) > 1:
            assert want < G.number_of_edges()
        page.locator("#min-level").fill(str(ranks[-1]))
        assert page.evaluate(VISIBLE_EDGES) == G.number_of_edges()
        # hovering an edge shows its evidence level, polarity and sources
        x, y = page.evaluate(
            "(() => { const p = window.mesokgCy.edges()[0].renderedMidpoint(); return [p.x, p.y]; })()"
        )
        box = page.locator("#cy").bounding_box()
        page.mouse.move(box["x"] + x, box["y"] + y)
        info = page.locator("#info").inner_text()
        assert "best evidence level" in info and "polarity" in info and "sources" in info
        if view == "substance-indication":
            areas = page.evaluate("Array.from(document.querySelectorAll('#area option')).map(o => o.value)")
            area = next(a for a in areas if a)
            page.locator("#area").select_option(area)
            want = sum(1 for _, o, d in G.edges(data=True) if G.nodes[o]["area"] == area)
            assert page.evaluate(VISIBLE_EDGES) == want
        assert page.locator("#legend").inner_text().strip()
    finally:
        page.close()
    assert blocked == [], f"the page tried to reach the network: {blocked}"
    assert errors == []


def test_projection_page_from_file_url(fixture_store, browser, tmp_path):
    G = network(fixture_store, "projection")
    out = tmp_path / "projection.html"
    write(G, out)
    page, blocked, errors = _open(browser, out.as_uri(), "file://")
    try:
        assert page.evaluate(DRAWN_NODES) == G.number_of_nodes()
        page.locator("#min-weight").fill("2")
        assert page.evaluate(VISIBLE_EDGES) == sum(1 for *_, d in G.edges(data=True) if d["weight"] >= 2)
    finally:
        page.close()
    assert blocked == [] and errors == []


# ---------------------------------------------------------------------------------------------
# the command line
# ---------------------------------------------------------------------------------------------
def _cli(capsys, *args):
    from mesokg.cli import main

    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.mark.parametrize(
    "args, message",
    [
        (["--view", "sideways"], "unknown view 'sideways'"),
        (["--area", "elbow"], "unknown area 'elbow'"),
        (["--min-level", "9z"], "unknown evidence level '9z'"),
        (["--out", "net.pdf"], "unknown output suffix '.pdf'"),
        (["--polarity", "perhaps"], "unknown polarity 'perhaps'"),
        (["--stats", "--format", "xml"], "unknown --format 'xml'"),
    ],
)
def test_cli_errors_are_one_line(capsys, memory_store, args, message):
    code, out, err = _cli(capsys, "network", *args)
    assert code == 2
    assert err.startswith("mesokg: error: ") and message in err and err.count("\n") == 1


def test_cli_writes_every_format_and_prints_stats(capsys, memory_store, tmp_path):
    outs = [tmp_path / f"n{s}" for s in (".png", ".svg", ".html", ".graphml", ".gexf", ".json", ".csv")]
    args = ["network", "--stats", "--width", "900", "--height", "640", "--dpi", "80"]
    for o in outs:
        args += ["--out", str(o)]
    code, out, err = _cli(capsys, *args)
    assert code == 0, err
    assert all(o.is_file() for o in outs)
    assert _png(outs[0].read_bytes()).size == (900, 640)
    assert "Most connected" in out and "Communities" in out
    code, out, err = _cli(capsys, "network", "--view", "substance-mechanism", "--stats", "--format", "csv")
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out)))
    G = network(memory_store, "substance-mechanism")
    assert {r["id"] for r in rows} == set(G.nodes)
    assert all(int(r["degree"]) == G.nodes[r["id"]]["degree"] for r in rows)


def test_cli_module_imports_only_click():
    code = (
        "import sys, mesokg.cli.network; heavy = {'networkx', 'matplotlib', 'pyoxigraph', 'rich'} & set(sys.modules);"
        " assert not heavy, heavy"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)
