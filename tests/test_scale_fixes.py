"""Defects found at 10×–100× the graph (issue 16): pictures that cannot be drawn are refused in
one line and never re-opened past PIL's limit; betweenness is sampled on large networks; the
reasoner compares values, not spellings; build and reason take the same inputs as validate;
HermiT's heap is configurable; a --store in a missing folder says so."""

from __future__ import annotations

import shutil
import struct
from pathlib import Path

import networkx as nx
import pyoxigraph as ox
import pytest
from PIL import Image

from mesokg.errors import InputError, MesokgError
from mesokg.knowledge.assemble import curated_quads
from mesokg.knowledge.reason import reason, value_key
from mesokg.network import render as R
from mesokg.network import stats
from mesokg.network.model import build_network
from tests.conftest import run_cli
from tests.test_cli import one_line_error

ROOT = Path(__file__).resolve().parent.parent
XSD = "http://www.w3.org/2001/XMLSchema#"
DECIMALS = """@prefix mk: <https://w3id.org/mesokg/> .
@prefix mkd: <https://w3id.org/mesokg/id/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
mkd:test-dec-a mk:rate 1.0 ; mk:effectSize "2.50"^^xsd:decimal ; mk:sampleSize 7 .
mkd:test-dec-b mk:rate 1 ; mk:minValue 0.0 ; mk:maxValue "0"^^xsd:decimal .
"""


def lit(value: str, dt: str) -> ox.Literal:
    return ox.Literal(value, datatype=ox.NamedNode(XSD + dt))


def test_numbers_compare_by_value():
    assert value_key(lit("1.0", "decimal")) == value_key(lit("1", "decimal")) == value_key(lit("1", "integer"))
    assert value_key(lit("2.50", "decimal")) == value_key(lit("2.5", "decimal"))
    assert value_key(lit("1.5", "decimal")) != value_key(lit("1", "decimal"))
    assert value_key(lit("true", "boolean")) == value_key(lit("1", "boolean"))
    assert value_key(lit("abc", "integer")) == lit("abc", "integer")  # ill-formed: compared as written
    assert value_key(ox.Literal("1.0")) != value_key(ox.Literal("1"))  # strings are not numbers


def test_reasoner_does_not_re_add_asserted_values_written_another_way(tmp_path):
    f = tmp_path / "decimals.ttl"
    f.write_text(DECIMALS, encoding="utf-8")
    quads = curated_quads(extra_files=[f], seeds=[])
    asserted = {(q.subject, q.predicate, value_key(q.object)) for q in quads}
    result = reason(quads)
    again = [t for t in result.inferred if (t.subject, t.predicate, value_key(t.object)) in asserted]
    assert again == []
    literal_inferences = [t for t in result.inferred if isinstance(t.object, ox.Literal)]
    assert not any("test-dec" in t.subject.value for t in literal_inferences), literal_inferences


def test_hermit_heap_is_configurable(monkeypatch):
    import owlready2.reasoning

    monkeypatch.setenv("MESOKG_HERMIT_HEAP_MB", "lots")
    with pytest.raises(MesokgError, match="MESOKG_HERMIT_HEAP_MB"):
        reason(curated_quads(seeds=[]))
    monkeypatch.setenv("MESOKG_HERMIT_HEAP_MB", "700")
    monkeypatch.setattr(owlready2.reasoning, "JAVA_MEMORY", 2000)
    assert reason(curated_quads(seeds=[])).consistent
    assert owlready2.reasoning.JAVA_MEMORY == 700


@pytest.fixture(scope="module")
def seed_network(memory_store):
    return build_network(memory_store, "substance-indication")


def test_a_picture_taller_than_the_cap_is_refused_in_one_line(seed_network, monkeypatch):
    need = R.auto_height(seed_network)
    monkeypatch.setattr(R, "MAX_AUTO_HEIGHT", need - 1)
    with pytest.raises(InputError) as e:
        R.render(seed_network, "png")
    msg = str(e.value)
    assert "\n" not in msg and f"{need} px" in msg and "--height" in msg
    # an explicit height is the user's choice: drawn, labels shrink
    assert R.render(seed_network, "png", height=600).startswith(b"\x89PNG")


def test_a_picture_past_pils_limit_is_not_reopened(seed_network, monkeypatch):
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1000)  # PIL would refuse to open anything bigger
    data = R.render(seed_network, "png", width=600, height=400)
    assert data.startswith(b"\x89PNG")
    size = struct.unpack(">II", data[16:24])  # the IHDR chunk, read without PIL
    assert size == (600, 400)  # written as matplotlib drew it


def test_betweenness_is_sampled_on_large_networks(monkeypatch):
    G = nx.relabel_nodes(nx.barabasi_albert_graph(300, 2, seed=1), lambda n: f"n{n:03d}")
    exact = nx.betweenness_centrality(G, normalized=True)
    monkeypatch.setattr(stats, "BETWEENNESS_SAMPLE", 100)
    H1, H2 = G.copy(), G.copy()
    stats.add_stats(H1)
    stats.add_stats(H2)
    est = {n: H1.nodes[n]["betweenness"] for n in G}
    assert est == {n: H2.nodes[n]["betweenness"] for n in G}  # fixed seed: reproducible
    top_exact = sorted(exact, key=exact.get, reverse=True)[:5]
    top_est = sorted(est, key=est.get, reverse=True)[:10]
    assert len(set(top_exact) & set(top_est)) >= 3  # an estimate: the hubs stay on top


def test_reason_takes_a_seeds_folder_and_extra_files(tmp_path):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    shutil.copy(ROOT / "seeds" / "documents.ttl", seeds)
    extra = ROOT / "tests" / "reasoning" / "defined-classes.ttl"
    r = run_cli("reason", "--seeds", str(seeds), str(extra), "--limit", "500", "--hermit-heap", "800")
    assert r.returncode == 0, r.stderr
    assert "test-fat-drug" in r.stdout and "LipolyticSubstance" in r.stdout
    assert "mkd:hair-mesotherapy" not in r.stdout  # the shipped seeds were not read


def test_build_and_validate_take_a_seeds_folder(tmp_path):
    seeds = tmp_path / "seeds"
    shutil.copytree(ROOT / "seeds", seeds)
    (seeds / "regulatory.ttl").unlink()
    r = run_cli("build", "--seeds", str(seeds), "--out", str(tmp_path / "dist"), "-q")
    # regulatory statuses gone: the build is smaller than the shipped one but still valid
    assert r.returncode in (0, 1), r.stderr
    v = run_cli("validate", "--seeds", str(seeds), "--no-warnings")
    assert ("conforms" in v.stdout) or ("does NOT conform" in v.stdout), v.stderr
    one_line_error(run_cli("build", "--seeds", str(tmp_path / "nowhere"), "--out", str(tmp_path / "d")), 2, "nowhere")
    empty = tmp_path / "empty"
    empty.mkdir()
    one_line_error(run_cli("reason", "--seeds", str(empty)), 2, "no .ttl files")


def test_store_in_a_missing_folder_says_so(tmp_path):
    target = tmp_path / "missing" / "store"
    one_line_error(run_cli("stats", "--store", str(target)), 2, "parent folder", "does not exist")
    assert not target.parent.exists()
