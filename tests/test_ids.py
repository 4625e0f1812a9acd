"""Stable identifiers (issue 13): published ids stay, live or deprecated with dcterms:isReplacedBy."""

from __future__ import annotations

import subprocess

import pyoxigraph as ox

from mesokg.export.ids import check_ids, released_ids
from mesokg.rdfio import GRAPH_CURATED, MKD
from tests.conftest import ROOT

RESTORED = [
    "abdominal-fat",
    "mesotherapy-indications-general",
    "claim-mesotherapy-mesotherapy-indications-general-seed003",
    "claim-mesotherapy-mesotherapy-indications-general-position-paper-nd",
    "claim-mesotherapy-mesotherapy-indications-general-kutlubay-karakus-2012",
    "claim-mesotherapy-mesotherapy-indications-general-seed004",
    "claim-mesotherapy-mesotherapy-indications-general-unnamed-2024-systematic-reviews",
]
RELEASE_0_1 = "a9841f7"  # the last commit of the 0.1.0 line on main


def test_every_released_id_is_live_or_deprecated_with_a_successor(dataset):
    released = released_ids()
    assert len(released) >= 864 and set(RESTORED) <= set(released)
    assert check_ids(dataset, released) == []


def test_the_vanished_ids_are_back_as_deprecated_and_not_live(memory_store):
    rows = memory_store.query(
        """PREFIX owl: <http://www.w3.org/2002/07/owl#> PREFIX dcterms: <http://purl.org/dc/terms/>
        SELECT ?id (COUNT(?next) AS ?n) (COUNT(?type) AS ?types) WHERE {
          ?id owl:deprecated true ; dcterms:isReplacedBy ?next . OPTIONAL { ?id a ?type } } GROUP BY ?id"""
    ).dicts()
    got = {r["id"][len(MKD) :]: r for r in rows}
    assert set(RESTORED) <= set(got)
    assert all(got[i]["n"] >= 1 and got[i]["types"] == 0 for i in RESTORED)  # untyped: no query counts them


def _quad(s: str, p: str, o) -> ox.Quad:
    obj = o if isinstance(o, ox.Literal) else ox.NamedNode(o)
    return ox.Quad(ox.NamedNode(MKD + s), ox.NamedNode(p), obj, GRAPH_CURATED)


def test_the_check_finds_vanished_ids_and_deprecations_that_lead_nowhere():
    dep, rep = "http://www.w3.org/2002/07/owl#deprecated", "http://purl.org/dc/terms/isReplacedBy"
    typ = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
    true = ox.Literal("true", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#boolean"))
    quads = [
        _quad("live", typ, "https://w3id.org/mesokg/Drug"),
        _quad("merged", dep, true),
        _quad("merged", rep, MKD + "live"),  # fine: a merged id pointing to a live one
        _quad("twice", dep, true),
        _quad("twice", rep, MKD + "merged"),  # fine: merged again
        _quad("orphan", dep, true),
        _quad("loop", dep, true),
        _quad("loop", rep, MKD + "loop"),
    ]
    problems = check_ids(quads, ["live", "merged", "twice", "orphan", "loop", "gone"])
    assert len(problems) == 3
    assert any(p.startswith("mkd:gone:") and "gone" in p for p in problems)
    assert any(p.startswith("mkd:orphan:") and "without dcterms:isReplacedBy" in p for p in problems)
    assert any(p.startswith("mkd:loop:") and "no live node" in p for p in problems)


def _ids_in_history(until: str) -> set[str]:
    commits = subprocess.run(
        ["git", "-C", str(ROOT), "rev-list", until, "--", "seeds/"], capture_output=True, text=True, check=True
    ).stdout.split()
    ids: set[str] = set()
    for c in commits:
        names = subprocess.run(
            ["git", "-C", str(ROOT), "ls-tree", "--name-only", c, "seeds/"], capture_output=True, text=True
        ).stdout.split()
        for f in (n for n in names if n.endswith(".ttl")):
            data = subprocess.run(["git", "-C", str(ROOT), "show", f"{c}:{f}"], capture_output=True).stdout
            for t in ox.parse(data, format=ox.RdfFormat.TURTLE):
                if isinstance(t.subject, ox.NamedNode) and t.subject.value.startswith(MKD):
                    ids.add(t.subject.value[len(MKD) :])
    return ids


def test_released_ids_cover_every_id_in_the_git_history_of_the_release():
    have = subprocess.run(["git", "-C", str(ROOT), "cat-file", "-e", RELEASE_0_1 + "^{commit}"], capture_output=True)
    if have.returncode != 0:  # a shallow clone without the 0.1.0 history: the recorded list still holds
        assert len(released_ids()) >= 864
        return
    history = _ids_in_history(RELEASE_0_1)
    assert len(history) >= 864
    assert history <= set(released_ids())
