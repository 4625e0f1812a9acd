"""The CLI as a user meets it: bad input gives one clear line and a non-zero exit; stores refuse
invalid data and stay as they were; exports are read back by other tools."""

from __future__ import annotations

import json

import pyoxigraph as ox
import pytest
import rdflib

from tests.conftest import run_cli

GOOD = """@prefix mk: <https://w3id.org/mesokg/> .
@prefix mkd: <https://w3id.org/mesokg/id/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
mkd:test-vitamin-k a mk:Vitamin ; rdfs:label "vitamin K (test)"@en ;
    skos:definition "A fat-soluble vitamin added here only to test loading."@en .
"""
INVALID = """@prefix mk: <https://w3id.org/mesokg/> .
@prefix mkd: <https://w3id.org/mesokg/id/> .
mkd:claim-unsourced a mk:Claim ; mk:subject mkd:mesotherapy ; mk:predicate mk:usedFor ;
    mk:object mkd:cellulite ; mk:polarity mk:Supports ; mk:evidenceLevel mk:CEBM_5 .
"""
MALFORMED = """@prefix mk: <https://w3id.org/mesokg/> .
@prefix mkd: <https://w3id.org/mesokg/id/> .
mkd:x a mk:Vitamin ;
    mk:summary "unterminated .
"""


def one_line_error(r, code: int, *needles: str) -> None:
    assert r.returncode == code, (r.returncode, r.stdout, r.stderr)
    assert "Traceback" not in r.stderr
    lines = [ln for ln in r.stderr.strip().splitlines() if ln.strip()]
    assert len(lines) == 1, r.stderr
    for n in needles:
        assert n in lines[0], lines[0]


def test_help_lists_every_command():
    r = run_cli("--help")
    assert r.returncode == 0
    for cmd in ("build", "validate", "reason", "export", "stats", "load", "push", "query", "network", "serve"):
        assert cmd in r.stdout


def test_malformed_turtle_gives_file_line_and_exit_2(tmp_path):
    bad = tmp_path / "bad.ttl"
    bad.write_text(MALFORMED)
    one_line_error(run_cli("validate", str(bad)), 2, f"{bad}:4:")


def test_missing_file(tmp_path):
    one_line_error(run_cli("validate", str(tmp_path / "nope.ttl")), 2, "nope.ttl", "no such file")


def test_unknown_export_format():
    one_line_error(run_cli("export", "--format", "yaml"), 2, "unknown format 'yaml'", "turtle")


def test_unwritable_output(tmp_path):
    one_line_error(run_cli("export", "--output", str(tmp_path / "no" / "such" / "dir" / "x.ttl")), 1, "does not exist")
    one_line_error(run_cli("export", "--output", "/proc/mesokg-export.ttl"), 1, "cannot write")


@pytest.mark.parametrize(
    "fmt, rdflib_fmt", [("turtle", "turtle"), ("nt", "nt"), ("jsonld", "json-ld"), ("xml", "xml"), ("trig", "trig")]
)
def test_export_formats_are_read_back(tmp_path, fmt, rdflib_fmt):
    out = tmp_path / f"graph.{fmt}"
    r = run_cli("export", "--format", fmt, "--output", str(out))
    assert r.returncode == 0, r.stderr
    if fmt == "trig":
        g = rdflib.Dataset()
        g.parse(out, format="trig")
        n = len(list(g.quads((None, None, None, None))))
    else:
        n = len(rdflib.Graph().parse(out, format=rdflib_fmt))
    assert n > 3000
    stdout = run_cli("export", "--format", "nt")
    assert len(set(ox.parse(stdout.stdout.encode(), format=ox.RdfFormat.N_TRIPLES))) > 3000


def test_validate_reports_and_writes_machine_report(tmp_path):
    bad = tmp_path / "invalid.ttl"
    bad.write_text(INVALID)
    report = tmp_path / "report.ttl"
    r = run_cli("validate", str(bad), "--report", str(report))
    assert r.returncode == 1
    assert "mkd:claim-unsourced" in r.stdout
    assert "mk:source" in r.stdout
    g = rdflib.Graph().parse(report)
    assert (None, rdflib.URIRef("http://www.w3.org/ns/shacl#conforms"), rdflib.Literal(False)) in g


def test_stats_counts_claims_by_level_and_polarity():
    r = run_cli("stats", "--format", "json")
    assert r.returncode == 0, r.stderr
    stats = json.loads(r.stdout)
    assert set(stats) == {"class", "predicate", "evidence level", "polarity"}
    assert stats["class"]["mk:Claim"] == sum(stats["polarity"].values())
    assert stats["class"]["mk:Claim"] == sum(stats["evidence level"].values())


def test_load_adds_valid_data_and_refuses_invalid(tmp_path):
    store = tmp_path / "store"
    good, invalid, malformed = tmp_path / "good.ttl", tmp_path / "invalid.ttl", tmp_path / "malformed.ttl"
    good.write_text(GOOD)
    invalid.write_text(INVALID)
    malformed.write_text(MALFORMED)

    def count() -> int:
        from mesokg.store import open_store

        s = open_store(path=store)
        try:
            return s.count()
        finally:
            s.close()

    r = run_cli("load", str(good), "--store", str(store))
    assert r.returncode == 0, r.stderr
    n = count()
    r = run_cli("load", str(invalid), "--store", str(store))
    assert r.returncode == 1 and "unchanged" in r.stderr and "claim-unsourced" in r.stderr
    assert count() == n
    r = run_cli("load", str(good), str(malformed), "--store", str(store))
    one_line_error(r, 2, f"{malformed}:4:")
    assert count() == n
    q = run_cli(
        "query", "ASK { <https://w3id.org/mesokg/id/test-vitamin-k> a ?t }", "--store", str(store), "--format", "json"
    )
    if q.returncode == 0:  # the query command is part of the saved-queries work
        assert json.loads(q.stdout)["boolean"] is True
