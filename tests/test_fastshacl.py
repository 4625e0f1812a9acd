"""The linear SHACL engine (mesokg.knowledge.fastshacl) gives exactly pyshacl's results.

pyshacl is the reference: every shape case in tests/shapes/cases/ (whatever shapes
ontology/shapes.ttl holds) and the shipped seed graph are validated by both, and the results
(severity, shape, focus node, path, value, message, component) must be the same lists.
Incremental validation (only what added triples can affect) must find every problem a full
validation finds, on every case added to a larger store.
"""

from __future__ import annotations

import importlib
from functools import cache
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib

from mesokg.knowledge import fastshacl
from mesokg.knowledge.assemble import curated_quads

V = importlib.import_module("mesokg.knowledge.validate")
ROOT = Path(__file__).resolve().parent.parent
HERE = Path(__file__).resolve().parent / "shapes"
CASES = sorted((HERE / "cases").glob("*.ttl"))
CASE = rdflib.URIRef("urn:case")


@cache
def _background() -> rdflib.Graph:
    g = rdflib.Graph()
    g.parse(ROOT / "ontology" / "mesokg.ttl", format="turtle")
    g.parse(HERE / "base.ttl", format="turtle")
    return g


def _case_data(path: Path) -> rdflib.Graph:
    g = rdflib.Graph().parse(path, format="turtle")
    g.remove((CASE, None, None))
    return g


def _store(g: rdflib.Graph) -> ox.Store:
    s = ox.Store()
    s.load(g.serialize(format="nt").encode(), format=ox.RdfFormat.N_TRIPLES)
    return s


def _same(a, b) -> bool:
    """The same results, counted with repeats (order among equal sort keys may differ)."""
    return sorted(a, key=repr) == sorted(b, key=repr)


def _diff(ref, got) -> str:
    a, b = set(ref), set(got)
    lines = [f"only pyshacl: {r}" for r in sorted(a - b, key=str)[:5]]
    lines += [f"only fast:    {r}" for r in sorted(b - a, key=str)[:5]]
    return "\n" + "\n".join(lines)


def test_the_shipped_shapes_are_supported():
    fastshacl.validator()  # raises Unsupported if the shapes need the pyshacl fallback


@pytest.mark.parametrize("path", CASES, ids=[p.name for p in CASES])
def test_fast_engine_agrees_with_pyshacl(path):
    merged = rdflib.Graph()
    merged += _background()
    merged += _case_data(path)
    ref = V.validate(merged)
    got = fastshacl.validate_store(_store(merged))
    assert _same(got.results, ref.results), _diff(ref.results, got.results)
    assert got.conforms == ref.conforms


def test_fast_engine_agrees_on_the_seed_graph():
    quads = curated_quads()
    ref = V.validate(V.shipped_graph())
    got = fastshacl.validate_quads(quads)
    assert _same(got.results, ref.results), _diff(ref.results, got.results)


@pytest.fixture(scope="module")
def large_store() -> tuple[ox.Store, list]:
    """The seed graph plus the shape tests' base graph: the store every case is added to."""
    g = V.shipped_graph()
    g += _background()
    store = _store(g)
    return store, fastshacl.validate_store(store).results


@pytest.mark.parametrize("path", CASES, ids=[p.name for p in CASES])
def test_incremental_validation_finds_every_new_problem(large_store, path):
    store, before = large_store
    new = [
        ox.Triple(*(fastshacl.shapes.to_ox(t) for t in triple))
        for triple in _case_data(path)
        if ox.Quad(*(fastshacl.shapes.to_ox(t) for t in triple)) not in store
    ]
    quads = [ox.Quad(t.subject, t.predicate, t.object) for t in new]
    store.extend(quads)
    try:
        full = fastshacl.validate_store(store).results
        inc = fastshacl.validate_store(store, changed=new).results
    finally:
        for q in quads:
            store.remove(q)
    assert set(full) - set(before) <= set(inc), _diff(full, inc)
    assert set(inc) <= set(full), _diff(full, inc)
