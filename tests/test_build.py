"""`mesokg build`: release files, manifest, formats that other tools read, atomic writes."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib

from tests.conftest import run_cli


def test_manifest_lists_every_file_with_its_checksum(release):
    manifest = json.loads((release / "manifest.json").read_text())
    assert manifest["reasoner"]["consistent"] is True
    assert manifest["validation"]["conforms"] is True
    names = set(manifest["files"])
    assert {
        "mesokg.ttl",
        "mesokg.nt",
        "mesokg.jsonld",
        "mesokg.owl",
        "mesokg-ontology.ttl",
        "mesokg-inferred.ttl",
        "mesokg-full.trig",
        "mesokg-full.owl",
    } <= names
    for name, meta in manifest["files"].items():
        data = (release / name).read_bytes()
        assert hashlib.sha256(data).hexdigest() == meta["sha256"], name
        assert len(data) == meta["bytes"]
    c = manifest["counts"]
    assert c["total"] == c["ontology"] + c["curated"] + c["mappings"] + c["inferred"]
    assert c["inferred"] > 0


@pytest.mark.parametrize(
    "name, fmt", [("mesokg.ttl", "turtle"), ("mesokg.nt", "nt"), ("mesokg.jsonld", "json-ld"), ("mesokg.owl", "xml")]
)
def test_rdflib_and_pyoxigraph_read_the_same_number_of_triples(release, name, fmt):
    manifest = json.loads((release / "manifest.json").read_text())
    g = rdflib.Graph().parse(release / name, format=fmt)
    ox_fmt = {
        "turtle": ox.RdfFormat.TURTLE,
        "nt": ox.RdfFormat.N_TRIPLES,
        "json-ld": ox.RdfFormat.JSON_LD,
        "xml": ox.RdfFormat.RDF_XML,
    }[fmt]
    n_ox = len(set(ox.parse(path=str(release / name), format=ox_fmt)))
    # blank nodes get fresh ids per parse, so compare counts, and against the manifest
    assert len(g) == n_ox == manifest["files"][name]["statements"]


def test_full_trig_keeps_inferences_in_their_own_graph(release):
    ds = rdflib.Dataset()
    ds.parse(release / "mesokg-full.trig", format="trig")
    graphs = {str(c.identifier) for c in ds.contexts()}
    assert "https://w3id.org/mesokg/graph/inferred" in graphs
    assert "https://w3id.org/mesokg/graph/curated" in graphs
    inferred = ds.graph(rdflib.URIRef("https://w3id.org/mesokg/graph/inferred"))
    curated = ds.graph(rdflib.URIRef("https://w3id.org/mesokg/graph/curated"))
    assert len(inferred) > 0 and not (set(inferred) & set(curated))


def test_rdfxml_release_opens_in_an_owl_tool(release):
    import owlready2

    owlready2.onto_path.insert(0, str(release))  # resolves owl:imports of the ontology version IRI offline
    world = owlready2.World()
    try:
        world.get_ontology((release / "mesokg-full.owl").as_uri()).load()
    finally:
        owlready2.onto_path.remove(str(release))
    mk, mkd = "https://w3id.org/mesokg/", "https://w3id.org/mesokg/id/"
    assert world[mk + "Substance"] is not None
    assert world[mk + "Drug"] in world[mkd + "dutasteride"].is_a
    # the full release carries the reasoner's classification too
    assert world[mk + "LipolyticSubstance"] in world[mkd + "phosphatidylcholine"].is_a
    assert len(world.search(iri=mkd + "claim-*")) > 300
    world.close()


def test_build_killed_half_way_leaves_the_good_files(release, tmp_path):
    """Kill a build while it writes a file: every release file is still the previous good one."""
    out = tmp_path / "dist"
    out.mkdir()
    for f in release.iterdir():
        (out / f.name).write_bytes(f.read_bytes())
    before = {f.name: f.read_bytes() for f in out.iterdir()}
    script = f"""
import os, signal
import mesokg.rdfio as rdfio
import mesokg.knowledge.build as build
real = rdfio.write_atomic
def dying(path, data):
    if str(path).endswith("mesokg.jsonld"):
        with rdfio.atomic_writer(path) as fh:
            fh.write(data[: len(data) // 2])
            fh.flush()
            os.kill(os.getpid(), signal.SIGKILL)
    real(path, data)
build.write_atomic = dying
build.build({str(out)!r}, use_cache=True)
"""
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=600)
    assert proc.returncode == -signal.SIGKILL
    after = {f.name: f.read_bytes() for f in out.iterdir() if not f.name.endswith(".tmp")}
    assert set(after) == set(before)
    for name, data in before.items():
        if name in ("mesokg.ttl", "mesokg.nt"):
            continue  # already rewritten before the kill, with the same content
        assert after[name] == data, f"{name} changed or was truncated"
    leftovers = [f.name for f in out.iterdir() if f.name.endswith(".tmp")]
    assert leftovers  # the half-written temp file is there, not in place of a release file
    r = run_cli("build", "--out", str(out), "--quiet", "--use-cache")  # the next build cleans up
    assert r.returncode == 0, r.stderr
    assert not [f for f in out.iterdir() if f.name.endswith(".tmp")]


def test_build_refuses_an_invalid_graph_and_writes_nothing(tmp_path, monkeypatch):
    import mesokg.paths as paths

    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "bad.ttl").write_text(
        "@prefix mk: <https://w3id.org/mesokg/> .\n@prefix mkd: <https://w3id.org/mesokg/id/> .\n"
        "mkd:claim-x a mk:Claim ; mk:subject mkd:nothing-here .\n"
    )
    monkeypatch.setattr(paths, "seed_files", lambda: sorted(seeds.glob("*.ttl")))
    from mesokg.errors import ValidationFailed
    from mesokg.knowledge.build import build

    out = tmp_path / "dist"
    with pytest.raises(ValidationFailed):
        build(out)
    assert not out.exists() or not any(out.iterdir())


def test_environment_is_not_polluted():
    assert os.environ.get("MESOKG_CACHE")
    assert Path(os.environ["MESOKG_CACHE"]).is_dir()


def test_build_reports_an_inconsistent_graph_by_name(tmp_path, monkeypatch):
    """The reasoner runs in a child process; its verdict reaches the user as one clear error."""
    import mesokg.paths as paths
    from mesokg.knowledge.build import build
    from mesokg.knowledge.reason import InconsistentOntology

    case = Path(__file__).parent / "reasoning" / "inconsistent-individual.ttl"
    monkeypatch.setattr(paths, "seed_files", lambda: [case])
    out = tmp_path / "dist"
    with pytest.raises(InconsistentOntology, match="mkd:test-caffeine"):
        build(out)
    assert not out.exists() or not any(out.iterdir())
