"""Curating new literature (issue 12): templates -> Turtle, errors a curator can act on, loads.

The example row of the templates is a FICTIONAL trial (EXAMPLE in its title, the test DOI prefix
10.5555); it lives in the templates and these tests, never in seeds/.
"""

from __future__ import annotations

import datetime
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from conftest import ROOT, run_cli

from mesokg.curation import CurationFailed, check_files, curate, into_seeds, write_templates
from mesokg.curation.columns import CLAIM_COLUMNS, NODE_COLUMNS
from mesokg.curation.lines import TurtleLines
from mesokg.knowledge.assemble import curated_quads
from mesokg.rdfio import parse_file

HERE = Path(__file__).resolve().parent / "curation"
EXAMPLE_TTL = HERE / "example-additions.ttl"
NOW = "2026-12-02T10:00:00Z"
MKD = "https://w3id.org/mesokg/id/"
LINE = re.compile(r"^(?P<file>[^:]+):(?P<row>\d+):(?P<col>\d+): column (?P<column>\w+): (?P<msg>.+)$")


@pytest.fixture(scope="module")
def background():
    return curated_quads()


def triples(quads) -> set:
    return {(q.subject, q.predicate, q.object) for q in quads}


def example(columns) -> dict[str, str]:
    return {name: spec.get("example", "") for name, spec in columns.items()}


def write_table(path: Path, columns, rows: list[dict]) -> Path:
    lines = ["\t".join(columns)] + ["\t".join(r.get(c, "") for c in columns) for r in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def tables(tmp_path, *claim_rows: dict, node_rows: list[dict] | None = None):
    claims = write_table(tmp_path / "claims.tsv", CLAIM_COLUMNS, [{**example(CLAIM_COLUMNS), **r} for r in claim_rows])
    nodes = write_table(
        tmp_path / "nodes.tsv", NODE_COLUMNS, node_rows if node_rows is not None else [example(NODE_COLUMNS)]
    )
    return claims, nodes


def one_problem(tmp_path, background, *claim_rows, node_rows=None) -> re.Match:
    """Curating must fail with exactly one problem line, in file:row:column form."""
    claims, nodes = tables(tmp_path, *claim_rows, node_rows=node_rows)
    with pytest.raises(CurationFailed) as e:
        curate(claims, nodes, background=background, now=NOW)
    lines = [str(p) for p in e.value.problems.sorted()]
    assert len(lines) == 1, lines
    m = LINE.match(lines[0])
    assert m, lines[0]
    return m


# ---------------------------------------------------------------------------------------------
# the template round trip


def test_template_example_gives_the_same_claims_as_hand_written_turtle(tmp_path, background):
    write_templates(tmp_path)
    for name in ("claims.tsv", "nodes.tsv"):  # the example row is a comment: make it a real row
        p = tmp_path / name
        p.write_text(re.sub(r"(?m)^#(?! mesokg)", "", p.read_text()))
    result = curate(tmp_path / "claims.tsv", tmp_path / "nodes.tsv", background=background, now=NOW)
    assert not result.problems.items, result.problems.text()
    assert triples(result.quads()) == triples(parse_file(EXAMPLE_TTL))
    out = tmp_path / "additions.ttl"
    out.write_text(result.turtle())
    assert triples(parse_file(out)) == triples(parse_file(EXAMPLE_TTL))  # the Turtle text says the same
    problems, hidden, _ = check_files([out])
    assert problems.items == [] and hidden > 0  # the shipped graph's own warnings are not shown


def test_template_rows_starting_with_hash_are_ignored(tmp_path, background):
    write_templates(tmp_path)
    result = curate(tmp_path / "claims.tsv", tmp_path / "nodes.tsv", background=background, now=NOW)
    assert result.blocks == []


def test_xlsx_template_has_pick_lists_and_reads_back(tmp_path, background):
    import openpyxl

    write_templates(tmp_path)
    wb = openpyxl.load_workbook(tmp_path / "mesokg-curation.xlsx")
    claims = wb["claims"]
    header = [c.value for c in claims[1]]
    assert header == list(CLAIM_COLUMNS)
    lists = {next(iter(dv.sqref.ranges)).min_col: dv.formula1 for dv in claims.data_validations.dataValidation}
    picks = {header[col - 1] for col in lists}
    assert picks == {n for n, s in CLAIM_COLUMNS.items() if s.get("pick")}
    levels = [c.value for c in wb["lists"]["D"] if c.value][1:]  # columns of the lists sheet are sorted by name
    assert wb["lists"]["D1"].value == "level" and levels[:2] == ["1a", "1b"] and len(levels) == 10
    for ws in (wb["claims"], wb["nodes"]):
        ws["A2"] = ws["A2"].value.lstrip("#")
    claims.cell(2, header.index("curated_on") + 1, datetime.datetime(2026, 12, 2))  # a date cell, as Excel keeps it
    wb.save(tmp_path / "filled.xlsx")
    result = curate(tmp_path / "filled.xlsx", tmp_path / "filled.xlsx", background=background, now=NOW)
    assert triples(result.quads()) == triples(parse_file(EXAMPLE_TTL))


def test_level_is_derived_from_the_design_and_labels_are_accepted(tmp_path, background):
    claims, nodes = tables(
        tmp_path,
        {
            "subject": "mkd:typical-hair-cocktail",
            "predicate": "effectiveFor",
            "design": "case series",
            "object": "pattern baldness",
            "comparator": "",
            "polarity": "Supports",
            "route": "",
        },
        node_rows=[],
    )
    result = curate(claims, nodes, background=background, now=NOW)
    claim = next(b for b in result.blocks if b.kind == "claim")
    props = {p.rsplit("/", 1)[-1]: o.value for p, o in claim.props}
    assert props["evidenceLevel"].endswith("CEBM_4") and props["object"] == MKD + "androgenetic-alopecia"


def test_a_claim_read_in_a_seed_document_from_a_known_source(tmp_path, background):
    """A source already in the graph (by id) read in a seed document: mk:curatedFrom is kept."""
    blank = {c: "" for c in CLAIM_COLUMNS if c.startswith("source_") or c in ("doi", "pmid")}
    claims, nodes = tables(
        tmp_path,
        {
            **blank,
            "source": "src-konda-thappa-2013",
            "read_from": "seed-000",
            "design": "narrative review",
            "curated_on": "",
            "comparator": "",
            "summary": "A test: the review is said to back the cocktail for pattern hair loss.",
        },
        node_rows=[],
    )
    result = curate(claims, nodes, background=background, now=NOW)
    assert [b.kind for b in result.blocks] == ["curator", "claim"]  # no new source
    props = {p.rsplit("/", 1)[-1].rsplit("#", 1)[-1]: o.value for p, o in result.blocks[1].props}
    assert props["source"] == MKD + "src-konda-thappa-2013"
    assert props["curatedFrom"] == props["wasDerivedFrom"] == MKD + "seed-000"
    assert props["evidenceLevel"].endswith("CEBM_5") and props["generatedAtTime"] == NOW


def test_a_contradicting_claim_is_linked_as_a_conflict(tmp_path, background):
    """A trial that finds hair mesotherapy no better than saline for androgenetic alopecia disagrees
    with the shipped supporting claims: both are kept, linked by mk:conflictsWith."""
    claims, nodes = tables(tmp_path, {"subject": "hair mesotherapy", "polarity": "refutes"})
    result = curate(claims, nodes, background=background, now=NOW)
    assert not result.problems.errors, result.problems.text()
    claim = next(b for b in result.blocks if b.kind == "claim")
    linked = [o.value for p, o in claim.props if p.endswith("conflictsWith")]
    supporting = {
        q.subject.value
        for q in background
        if q.predicate.value.endswith("/polarity") and q.object.value.endswith("Supports")
    }
    assert linked and set(linked) <= supporting
    assert claim.plain == [
        (MKD + "hair-mesotherapy", "https://w3id.org/mesokg/notEffectiveFor", MKD + "androgenetic-alopecia")
    ]


# ---------------------------------------------------------------------------------------------
# errors: one line each, with row, column and the fix


def test_misspelt_substance(tmp_path, background):
    m = one_problem(tmp_path, background, {"subject": "typical hair mesoterapy coktail"})
    assert (m["row"], m["col"], m["column"]) == ("2", "1", "subject")
    assert "did you mean typical hair mesotherapy cocktail" in m["msg"]


def test_case_report_graded_1b(tmp_path, background):
    m = one_problem(tmp_path, background, {"design": "case report", "level": "1b"})
    assert (m["row"], m["column"]) == ("2", "level") and "set level to 4" in m["msg"]


def test_missing_source(tmp_path, background):
    m = one_problem(
        tmp_path, background, {c: "" for c in CLAIM_COLUMNS if c.startswith("source") or c in ("doi", "pmid")}
    )
    assert m["column"] == "source_title" and "no source" in m["msg"] and "source_authors" in m["msg"]


@pytest.mark.parametrize(
    "change, column, fix",
    [
        ({"polarity": "suports"}, "polarity", "did you mean supports"),
        ({"predicate": "treats"}, "predicate", "use one of"),
        ({"design": "randomised trail"}, "design", "did you mean"),
        ({"level": "6"}, "level", "use one of"),
        ({"doi": "https://doi.org/10.55/x y"}, "doi", "10.4103"),
        ({"pmid": "PMID 12a"}, "pmid", "digits only"),
        ({"sample_size": "forty"}, "sample_size", "positive whole number"),
        ({"effect_size": "1.8"}, "effect_measure", "effect_measure"),
        ({"effect_size": "2e3", "effect_measure": "x"}, "effect_size", "no e-notation"),
        ({"curator": "Example Curator (0000-0002-1825-0098)"}, "curator", "check digit"),
        ({"curator": ""}, "curator", "ORCID"),
        ({"curated_on": "02/12/2026"}, "curated_on", "YYYY-MM-DD"),
        ({"source_year": "twenty"}, "source_year", "four digits"),
        ({"summary": ""}, "summary", "own words"),
        ({"comparator": "salt water"}, "comparator", "nodes.tsv"),
        ({"read_from": "seed-009"}, "read_from", "did you mean"),
    ],
)
def test_each_claim_error_is_one_line(tmp_path, background, change, column, fix):
    m = one_problem(tmp_path, background, change)
    assert m["column"] == column and fix in m["msg"], m.group(0)
    assert int(m["col"]) == list(CLAIM_COLUMNS).index(column) + 1


@pytest.mark.parametrize(
    "change, column, fix",
    [
        (
            {"label": "Pattern Baldness", "id": ""},
            "label",
            "already the label or a synonym of mkd:androgenetic-alopecia",
        ),
        ({"id": "Salt Water"}, "id", '"salt-water"'),
        ({"type": "medical indication", "area": ""}, "area", "needs its area"),
        ({"parent": "hair loss"}, "parent", "only indications"),
        ({"external_ids": "MESH:12345"}, "external_ids", "MESH:D012345"),
        ({"type": "minerl"}, "type", "did you mean mineral"),
        ({"definition": ""}, "definition", "own words"),
        ({"area": "hair"}, "area", "only indications"),
        ({"ingredients": "minoxidil; biotin"}, "ingredients", "only a formulation"),
    ],
)
def test_each_node_error_is_one_line(tmp_path, background, change, column, fix):
    m = one_problem(tmp_path, background, {"comparator": ""}, node_rows=[{**example(NODE_COLUMNS), **change}])
    assert m["file"].endswith("nodes.tsv") and m["column"] == column and fix in m["msg"], m.group(0)


def test_a_broken_node_row_is_reported_once_not_again_where_claims_name_it(tmp_path, background):
    m = one_problem(tmp_path, background, {}, node_rows=[{**example(NODE_COLUMNS), "id": "Saline"}])
    assert m["file"].endswith("nodes.tsv") and m["column"] == "id"  # claims.tsv names saline: no second line


def test_a_design_the_rubric_does_not_grade_needs_a_level(tmp_path, background):
    """A design added to the ontology after the rubric was written: the level must be given."""
    mk, g = "https://w3id.org/mesokg/", ox.NamedNode("https://w3id.org/mesokg/graph/ontology")
    design = ox.NamedNode(mk + "SplitFaceTrial")
    extra = [
        ox.Quad(
            design, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), ox.NamedNode(mk + "StudyDesign"), g
        ),
        ox.Quad(
            design,
            ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"),
            ox.Literal("split-face trial", language="en"),
            g,
        ),
    ]
    m = one_problem(tmp_path, list(background) + extra, {"design": "split-face trial"})
    assert m["column"] == "level" and "no grade for a split-face trial" in m["msg"]


def test_header_errors(tmp_path, background):
    cols = {("sampel_size" if c == "sample_size" else c): s for c, s in CLAIM_COLUMNS.items() if c != "summary"}
    claims = write_table(tmp_path / "claims.tsv", cols, [])
    with pytest.raises(CurationFailed) as e:
        curate(claims, background=background, now=NOW)
    lines = [str(p) for p in e.value.problems.sorted()]
    assert len(lines) == 2, lines
    assert 'unknown column "sampel_size": did you mean "sample_size"?' in lines[0] + lines[1]
    assert any('no "summary" column' in x for x in lines)


def test_unreadable_tables_give_one_line(tmp_path, background):
    from mesokg.errors import InputError

    with pytest.raises(InputError, match=r"missing\.tsv: no such file"):
        curate(tmp_path / "missing.tsv", background=background)
    (tmp_path / "empty.tsv").write_text("# only a comment\n")
    with pytest.raises(InputError, match=r"empty\.tsv: empty table: the first row must name the columns"):
        curate(tmp_path / "empty.tsv", background=background)
    claims, _ = tables(tmp_path, {})
    lines = claims.read_text().splitlines()
    claims.write_text("\n".join([lines[0], lines[1] + "\tstray"]) + "\n")  # a value with no column
    with pytest.raises(CurationFailed) as e:
        curate(claims, background=background, now=NOW)
    assert [str(p).split(": ", 1)[1] for p in e.value.problems.items] == [
        "a value beyond the last column ('stray'): remove it"
    ]


def test_shape_problems_map_back_to_the_cell(tmp_path, background):
    """An object of the wrong kind is caught by the shapes (two of them, and a check) but reported once."""
    m = one_problem(tmp_path, background, {"object": "bruising"})
    assert (m["row"], m["column"]) == ("2", "object") and "claim must be a mk:Indication" in m["msg"]


def test_claim_already_in_the_graph(tmp_path, background):
    claims, nodes = tables(tmp_path, {})
    first = curate(claims, nodes, background=background, now=NOW)
    bg = list(background) + first.quads(ox.NamedNode("https://w3id.org/mesokg/graph/curated"))
    with pytest.raises(CurationFailed) as e:
        curate(claims, background=bg, now=NOW)
    assert [p.column for p in e.value.problems.items] == ["subject"]
    assert "already in the graph" in e.value.problems.items[0].message


# ---------------------------------------------------------------------------------------------
# Turtle files: file:line, only the file's own problems, each once


def test_turtle_problems_at_their_line_and_once(tmp_path):
    text = EXAMPLE_TTL.read_text()
    bad = tmp_path / "my.ttl"
    bad.write_text(
        text.replace("mk:object mkd:androgenetic-alopecia", "mk:object mkd:androgenetic-alopeca").replace(
            "mkd:typical-hair-cocktail mk:effectiveFor mkd:androgenetic-alopecia",
            "mkd:typical-hair-cocktail mk:effectiveFor mkd:androgenetic-alopeca",
        )
    )
    problems, _, _ = check_files([bad])
    assert len(problems.errors) == 1, problems.text()
    line = next(i for i, x in enumerate(bad.read_text().splitlines(), 1) if "alopeca" in x)
    assert str(problems.errors[0]).startswith(f"{bad}:{line}: mkd:androgenetic-alopeca")


def test_turtle_missing_source_is_reported_once(tmp_path):
    bad = tmp_path / "my.ttl"
    bad.write_text(EXAMPLE_TTL.read_text().replace("    mk:source mkd:src-example-2020 ;\n", ""))
    problems, _, _ = check_files([bad])
    assert len(problems.errors) == 1, problems.text()  # a shape and a curation check both see it
    claim_line = next(i for i, x in enumerate(bad.read_text().splitlines(), 1) if x.startswith("mkd:claim-"))
    assert problems.errors[0].row == claim_line and "mk:source" in str(problems.errors[0])


def test_validate_takes_tables_and_all_shows_the_shipped_graph(tmp_path):
    claims, nodes = tables(tmp_path, {"design": "case report", "level": "1b"})
    problems, hidden, _ = check_files([claims, nodes])
    assert [(p.row, p.column) for p in problems.items] == [(2, "level")]
    problems, hidden, _ = check_files([EXAMPLE_TTL], show_all=True)
    assert hidden == 0 and problems.warnings and not problems.errors  # the shipped graph's own warnings
    seeds = {Path(p.file).parent for p in problems.warnings}
    assert seeds == {ROOT / "seeds"} and all(p.row for p in problems.warnings)


def test_turtle_lines():
    loc = TurtleLines.from_file(ROOT / "seeds" / "uses-hair.ttl")
    lines = (ROOT / "seeds" / "uses-hair.ttl").read_text().splitlines()
    iri = MKD + "claim-typical-hair-cocktail-hair-loss-seed002"
    assert lines[loc.line(iri) - 1].startswith("mkd:claim-typical-hair-cocktail-hair-loss-seed002 a mk:Claim")
    assert "mk:object mkd:hair-loss" in lines[loc.line(iri, "https://w3id.org/mesokg/object") - 1]


# ---------------------------------------------------------------------------------------------
# into a release


def test_into_seeds_files_each_node_by_topic(tmp_path, background):
    seeds = tmp_path / "seeds"
    shutil.copytree(ROOT / "seeds", seeds)
    claims, nodes = tables(tmp_path, {})
    result = curate(claims, nodes, background=background, now=NOW)
    counts = into_seeds(result, seeds)
    assert {p.name: n for p, n in counts.items()} == {
        "substances.ttl": 1,
        "sources.ttl": 1,
        "agents.ttl": 1,
        "uses-hair.ttl": 1,
    }
    from mesokg.knowledge.build import validate_quads

    report, failures = validate_quads(curated_quads(seeds=sorted(seeds.glob("*.ttl"))))
    assert report.conforms and failures == [], report.text(warnings=False)
    assert triples(parse_file(EXAMPLE_TTL)) <= triples(q for f in seeds.glob("*.ttl") for q in parse_file(f))


def test_cli_curate_validate_load_and_query(tmp_path):
    claims, nodes = tables(tmp_path, {})
    r = run_cli("curate", str(claims), str(nodes), "-o", str(tmp_path / "additions.ttl"), "--now", NOW)
    assert r.returncode == 0, r.stderr
    r = run_cli("validate", str(tmp_path / "additions.ttl"))
    assert r.returncode == 0 and "validates: 0 error(s), 0 warning(s)" in r.stdout, r.stdout + r.stderr
    r = run_cli("load", str(claims), str(nodes), "--store", str(tmp_path / "store"))
    assert r.returncode == 0 and "added" in r.stdout, r.stderr
    r = run_cli(
        "query",
        "evidence-for-pair",
        "-p",
        "subject=typical-hair-cocktail",
        "-p",
        "indication=androgenetic-alopecia",
        "--store",
        str(tmp_path / "store"),
        "--format",
        "json",
    )
    rows = json.loads(r.stdout)["results"]["bindings"]
    row = next(b for b in rows if "example-2020" in b["claim"]["value"])
    assert (row["level"]["value"], row["doi"]["value"], row["pmid"]["value"]) == (
        "1b",
        "10.5555/example.2020.0001",
        "999999901",
    )


def test_cli_errors_are_one_line_each_and_nothing_is_written(tmp_path):
    claims, nodes = tables(
        tmp_path,
        {"subject": "typical hair mesoterapy coktail"},
        {"design": "case report", "level": "1b"},
        {"source_title": "", "source_authors": "", "source_year": "", "doi": "", "pmid": ""},
    )
    out = tmp_path / "additions.ttl"
    r = run_cli("curate", str(claims), str(nodes), "-o", str(out))
    assert r.returncode == 1 and not out.exists()
    lines = [x for x in r.stderr.splitlines() if x.startswith(str(claims))]
    assert [x.split(": column ")[1].split(":")[0] for x in lines] == ["subject", "level", "source_title"], r.stderr
    assert [x.split(":")[1] for x in lines] == ["2", "3", "4"]


def test_python_m_mesokg_curation_help():
    r = subprocess.run([sys.executable, "-m", "mesokg.curation", "--help"], capture_output=True, text=True)
    assert r.returncode == 0 and "claims.tsv" in r.stdout, r.stderr


def test_template_command_refuses_to_overwrite(tmp_path):
    assert run_cli("curate", "--template", "--dir", str(tmp_path)).returncode == 0
    r = run_cli("curate", "--template", "--dir", str(tmp_path))
    assert r.returncode == 1 and "already there" in r.stderr and "--force" in r.stderr
