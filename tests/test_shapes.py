"""SHACL shapes (ontology/shapes.ttl): one broken and one correct example per shape.

Each file in tests/shapes/cases/ holds its data and, on the node <urn:case>, what validating it
must give (mkt: = https://w3id.org/mesokg/test#):

    <urn:case> mkt:expect "violation" ;            # conforms | violation | warning
        mkt:expectShape mks:ClaimShape ;           # one or more
        rdfs:comment "what the case shows" .

The case node is stripped, the data merged with tests/shapes/base.ttl (a small complete graph
that gives no result at all) and the ontology, then validated with mesokg.knowledge.validate.validate.

- conforms:  no violation and no warning;
- violation: at least one violation, every expected shape reports, no other shape reports;
- warning:   no violation, every expected shape reports a warning, no other shape reports.
"""

from __future__ import annotations

import importlib
import re
import time
from functools import cache
from pathlib import Path

import pytest
import rdflib
from rdflib.namespace import RDF, SH

V = importlib.import_module("mesokg.knowledge.validate")  # the module (mesokg.knowledge.validate is also a function)

ROOT = Path(__file__).resolve().parent.parent
SHAPES = ROOT / "ontology" / "shapes.ttl"
ONTOLOGY = ROOT / "ontology" / "mesokg.ttl"
HERE = Path(__file__).resolve().parent / "shapes"
CASES = sorted((HERE / "cases").glob("*.ttl"))
MKT = rdflib.Namespace("https://w3id.org/mesokg/test#")
MKS = "https://w3id.org/mesokg/shapes#"
CASE = rdflib.URIRef("urn:case")


@cache
def _background() -> rdflib.Graph:
    g = rdflib.Graph()
    g.parse(ONTOLOGY, format="turtle")
    g.parse(HERE / "base.ttl", format="turtle")
    return g


@cache
def _shapes() -> rdflib.Graph:
    return rdflib.Graph().parse(SHAPES, format="turtle")


def _named_shapes() -> set[str]:
    sg = _shapes()
    return {V.compact(s) for s in sg.subjects(RDF.type, SH.NodeShape) if isinstance(s, rdflib.URIRef)}


def load_case(path: Path):
    g = rdflib.Graph().parse(path, format="turtle")
    expect = g.value(CASE, MKT.expect)
    shapes = {V.compact(s) for s in g.objects(CASE, MKT.expectShape)}
    assert expect is not None and str(expect) in ("conforms", "violation", "warning"), (
        f"{path.name}: <urn:case> needs mkt:expect conforms|violation|warning"
    )
    assert shapes, f"{path.name}: <urn:case> needs at least one mkt:expectShape"
    g.remove((CASE, None, None))
    return g, str(expect), shapes


def validate_case(path: Path):
    data, expect, shapes = load_case(path)
    merged = rdflib.Graph()
    merged += _background()
    merged += data
    return V.validate(merged), expect, shapes


def _describe(report) -> str:
    return "\n" + report.text()


# ---------------------------------------------------------------------------------------------


def test_base_graph_gives_no_result():
    report = V.validate(_background())
    assert report.results == [], _describe(report)


@pytest.mark.parametrize("path", CASES, ids=[p.name for p in CASES])
def test_case(path):
    report, expect, shapes = validate_case(path)
    unknown = shapes - _named_shapes()
    assert not unknown, f"mkt:expectShape names shapes that do not exist: {unknown}"
    reporting = {r.shape for r in report.results}
    if expect == "conforms":
        assert report.conforms and not report.results, _describe(report)
        return
    wanted = "Violation" if expect == "violation" else "Warning"
    assert report.conforms == (expect == "warning"), _describe(report)
    for shape in shapes:
        assert any(r.shape == shape and r.severity == wanted for r in report.results) or (
            expect == "violation" and any(r.shape == shape for r in report.results)
        ), f"expected a {wanted} from {shape}:" + _describe(report)
    assert any(r.severity == wanted for r in report.results if r.shape in shapes), _describe(report)
    assert reporting <= shapes, f"unexpected shapes {reporting - shapes}:" + _describe(report)
    for r in report.results:
        assert r.message and r.message != "(no message)", r
        assert not re.search(r"\{[?$]\w+\}", r.message), f"unfilled template in message: {r.message}"


def test_every_shape_has_a_good_and_a_bad_case():
    bad, good = {}, {}
    for path in CASES:
        _, expect, shapes = load_case(path)
        for s in shapes:
            (good if expect == "conforms" else bad).setdefault(s, []).append(path.name)
    named = _named_shapes()
    assert not (named - set(bad)), f"shapes without a broken example: {sorted(named - set(bad))}"
    assert not (named - set(good)), f"shapes without a correct example: {sorted(named - set(good))}"


def test_case_file_names():
    for path in CASES:
        _, expect, _ = load_case(path)
        assert path.name.endswith(".good.ttl") == (expect == "conforms"), path.name
        assert path.name.endswith(".bad.ttl") == (expect != "conforms"), path.name


def test_shapes_are_valid_shacl():
    """shapes.ttl conforms to SHACL-SHACL (pyshacl raises if it does not)."""
    import pyshacl

    conforms, _, _ = pyshacl.validate(
        rdflib.Graph(), shacl_graph=_shapes(), meta_shacl=True, advanced=True, inference="none"
    )
    assert conforms


def test_every_constraint_has_a_message():
    """Every result must say what is wrong and how to fix it: each property shape, each SPARQL
    constraint, and each node shape with node-level constraints carries sh:message."""
    sg = _shapes()
    node_level = [
        SH["or"],
        SH["and"],
        SH["not"],
        SH.xone,
        SH["class"],
        SH.datatype,
        SH.nodeKind,
        SH.pattern,
        SH["in"],
        SH.hasValue,
        SH.node,
    ]
    missing = []
    for ns in sg.subjects(RDF.type, SH.NodeShape):
        if any(sg.value(ns, p) is not None for p in node_level) and sg.value(ns, SH.message) is None:
            missing.append(V.compact(ns))
        for ps in sg.objects(ns, SH.property):
            if sg.value(ps, SH.message) is None:
                missing.append(f"{V.compact(ns)} / {V._path_text(sg, sg.value(ps, SH.path))}")
        for sq in sg.objects(ns, SH.sparql):
            if sg.value(sq, SH.message) is None:
                missing.append(f"{V.compact(ns)} / sh:sparql")
            if sg.value(ns, SH.message) is not None:
                missing.append(f"{V.compact(ns)}: put the message on the sh:sparql node only")
    assert not missing, missing


def test_report_api():
    path = HERE / "cases" / "claim-missing-source.bad.ttl"
    report, _, _ = validate_case(path)
    assert not report.conforms
    r = report.violations[0]
    assert (r.severity, r.shape, r.focus, r.path) == ("Violation", "mks:ClaimShape", "mkd:t-claim-x", "mk:source")
    assert "mk:source" in r.message
    assert isinstance(report.report_graph, rdflib.Graph) and len(report.report_graph) > 0
    text = report.text()
    assert "mks:ClaimShape" in text and "mkd:t-claim-x" in text and "does NOT conform" in text
    assert report.by_shape()["mks:ClaimShape"]["mkd:t-claim-x"]


def test_warnings_alone_conform():
    report, _, _ = validate_case(HERE / "cases" / "orphan-drug.bad.ttl")
    assert report.conforms and report.warnings and not report.violations


def test_data_graph_is_not_modified():
    g = rdflib.Graph()
    g += _background()
    n = len(g)
    V.validate(g)
    assert len(g) == n


def test_validate_merges_ontology_when_missing():
    base = rdflib.Graph().parse(HERE / "base.ttl", format="turtle")
    report = V.validate(base)  # ontology not in the data: merged from ontology/mesokg.ttl
    assert report.results == [], _describe(report)


# ---------------------------------------------------------------------------------------------
# the shipped graph


def test_shipped_graph_has_no_violation():
    """Ontology + seeds/*.ttl + mappings must have no sh:Violation (warnings are allowed)."""
    t0 = time.perf_counter()
    report = V.validate_files([])
    elapsed = time.perf_counter() - t0
    print(
        f"\nfull graph: {report.triples} triples, validated in {report.seconds:.2f} s "
        f"({elapsed:.2f} s with loading); {len(report.violations)} violation(s), "
        f"{len(report.warnings)} warning(s)"
    )
    assert report.conforms, report.text(warnings=False)


# ---------------------------------------------------------------------------------------------
# the rubric through the command line (issue 9)


@pytest.mark.parametrize(
    "name, graded, allowed",
    [("rct-graded-1a.ttl", "1a", "1b"), ("case-report-graded-2a.ttl", "2a", "4")],
)
def test_validate_refuses_a_grade_above_the_stated_design(name, graded, allowed):
    """`mesokg validate FILE` fails on one claim graded better than its stated design allows, with
    one line (file:line) that names the rule."""
    import subprocess
    import sys

    path = HERE / name
    r = subprocess.run(
        [sys.executable, "-m", "mesokg", "validate", str(path)], capture_output=True, text=True, timeout=600
    )
    assert r.returncode == 1, r.stdout + r.stderr
    lines = [x for x in r.stdout.splitlines() if "GradeAboveDesignShape" in x]
    assert len(lines) == 1, r.stdout
    assert lines[0].startswith(f"{path}:") and "grade within the stated design" in lines[0]
    assert f"graded CEBM {graded}" in lines[0] and f"at best CEBM {allowed}" in lines[0]


def test_shipped_claims_at_2b_or_better_have_their_grading_record():
    """Every shipped claim graded 2b or better carries its grading record (no mks:GradingRecordShape result)."""
    report = V.validate_files([])
    missing = [r for r in report.results if r.shape == "mks:GradingRecordShape"]
    assert not missing, "\n".join(f"{r.focus}: {r.message}" for r in missing)
