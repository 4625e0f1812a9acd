"""KGX export validated against the Biolink Model (bmt + biolink-model), and the SSSOM tables (sssom)."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import ROOT, run_cli

EXT = frozenset({"mesokg_polarity", "mesokg_certainty"})


@pytest.fixture(scope="module")
def kgx_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("kgx")
    r = run_cli("export", "--format", "kgx", "-o", str(out))
    assert r.returncode == 0, r.stderr
    assert "nodes" in r.stdout and "edges" in r.stdout
    return out


def _tsv(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


def test_kgx_files_are_written_in_tsv_and_json_lines(kgx_dir):
    assert sorted(p.name for p in kgx_dir.iterdir()) == [
        "edges.jsonl",
        "edges.tsv",
        "neo4j",
        "nodes.jsonl",
        "nodes.tsv",
    ]
    nodes, edges = _tsv(kgx_dir / "nodes.tsv"), _tsv(kgx_dir / "edges.tsv")
    jnodes = [json.loads(line) for line in (kgx_dir / "nodes.jsonl").read_text().splitlines()]
    jedges = [json.loads(line) for line in (kgx_dir / "edges.jsonl").read_text().splitlines()]
    assert [n["id"] for n in nodes] == [n["id"] for n in jnodes] and len(nodes) > 300
    assert [e["id"] for e in edges] == [e["id"] for e in jedges] and len(edges) > 500
    assert isinstance(jnodes[0]["category"], list) and isinstance(jedges[0]["negated"], bool)


def test_neo4j_admin_import_pair(kgx_dir):
    """nodes.csv / relationships.csv with neo4j-admin headers; every relationship end is a node id."""
    with (kgx_dir / "neo4j" / "nodes.csv").open(newline="") as fh:
        nodes = list(csv.reader(fh))
    with (kgx_dir / "neo4j" / "relationships.csv").open(newline="") as fh:
        rels = list(csv.reader(fh))
    assert nodes[0][:3] == ["id:ID", "name", ":LABEL"] and rels[0][:3] == [":START_ID", ":END_ID", ":TYPE"]
    assert "negated:boolean" in rels[0] and "publications:string[]" in rels[0]
    ids = {row[0] for row in nodes[1:]}
    assert len(ids) == len(nodes) - 1 > 300
    assert all(r[0] in ids and r[1] in ids for r in rels[1:]) and len(rels) > 500
    labels = {lab for row in nodes[1:] for lab in row[2].split(";")}
    assert "Drug" in labels and "NamedThing" not in labels and not any(":" in lab for lab in labels)
    assert {r[2] for r in rels[1:]} >= {"ameliorates_condition", "has_adverse_event", "applied_to_treat"}


@pytest.mark.parametrize("fmt", ["tsv", "jsonl"])
def test_bmt_validation_of_the_kgx_export_passes(kgx_dir, fmt):
    from mesokg.export.biolink import validate_kgx

    report = validate_kgx(kgx_dir, fmt, EXT)
    assert report.model_version.startswith("4.")
    assert report.errors == []
    assert report.named_thing_only == 0 and report.non_biolink_predicates == 0
    # domain/range mismatches are warnings: a few growth factors (proteins) and cell products are given as treatments
    assert len(report.warnings) < 20


def test_every_claim_is_an_edge_with_its_metadata(kgx_dir, memory_store):
    edges = {e["id"]: e for e in _tsv(kgx_dir / "edges.tsv")}
    rows = memory_store.query(
        # safety-profile judgements (mk:hasSafetyProfile, issue 9) have no Biolink edge
        "PREFIX mk: <https://w3id.org/mesokg/> SELECT ?c ?pol ?p WHERE { ?c a mk:Claim ; mk:polarity ?pol ; mk:predicate ?p "
        "FILTER(?p != mk:hasSafetyProfile) }"
    ).dicts()
    assert len(rows) > 400
    for row in rows:
        e = edges["mkd:" + row["c"].rsplit("/", 1)[1]]
        assert e["predicate"].startswith("biolink:")
        assert e["knowledge_level"] == "knowledge_assertion" and e["agent_type"] == "manual_agent"
        assert e["primary_knowledge_source"] == "infores:mesokg" and e["publications"]
        assert e["has_confidence_level"].startswith("mk:CEBM_")
        negated = row["pol"].endswith("Refutes") != row["p"].endswith("notEffectiveFor")
        assert e["negated"] == str(negated), e["id"]
    minoxidil = [e for e in edges.values() if e["subject"] == "mkd:minoxidil"]
    assert minoxidil and {e["predicate"] for e in minoxidil} <= {
        "biolink:ameliorates_condition",
        "biolink:applied_to_treat",
        "biolink:studied_to_treat",
        "biolink:has_adverse_event",
        "biolink:affects",
        "biolink:related_to",
    }


def test_nodes_carry_biolink_categories_and_checked_external_ids(kgx_dir):
    nodes = {n["id"]: n for n in _tsv(kgx_dir / "nodes.tsv")}
    assert nodes["mkd:minoxidil"]["category"] == "biolink:Drug"
    assert nodes["mkd:mesotherapy"]["category"] == "biolink:Procedure|biolink:Treatment"
    assert any(n["xref"].startswith(("MESH:", "CHEBI:", "MONDO:", "HP:")) for n in nodes.values())
    assert all(n["category"] and n["category"] != "biolink:NamedThing" for n in nodes.values())


def test_the_validator_catches_a_bad_export(kgx_dir, tmp_path):
    """The check is real: a NamedThing-only node, a made-up predicate and a dangling edge are errors."""
    from mesokg.export.biolink import validate_kgx

    for f in ("nodes.tsv", "edges.tsv"):
        shutil.copy(kgx_dir / f, tmp_path / f)
    nodes = (tmp_path / "nodes.tsv").read_text().splitlines()
    nodes.append("mkd:x\tbiolink:NamedThing\tx\t\t\t\t\tinfores:mesokg")
    (tmp_path / "nodes.tsv").write_text("\n".join(nodes) + "\n")
    edges = (tmp_path / "edges.tsv").read_text().splitlines()
    edges.append("e1\tmkd:x\tmk:effectiveFor\tmkd:nowhere\t\tFalse\tknowledge_assertion\tmanual_agent")
    (tmp_path / "edges.tsv").write_text("\n".join(edges) + "\n")
    report = validate_kgx(tmp_path, "tsv", EXT)
    assert report.named_thing_only == 1 and report.non_biolink_predicates == 1
    assert any("'mkd:nowhere' is not a node" in e for e in report.errors)


SSSOM = [ROOT / "mappings" / "mesokg.sssom.tsv", ROOT / "mappings" / "mesokg-alignment.sssom.tsv"]


def _sssom_problems(path: Path) -> dict[str, int]:
    from sssom.constants import SchemaValidationType as V
    from sssom.parsers import parse_sssom_table
    from sssom.validators import validate

    msdf = parse_sssom_table(str(path))
    kinds = [V.JsonSchema, V.PrefixMapCompleteness, V.StrictCurieFormat]
    return {k.name: len(r.results) for k, r in validate(msdf, kinds, fail_on_error=False).items()} | {
        "rows": len(msdf.df)
    }


def test_sssom_tables_validate_with_the_sssom_package(tmp_path):
    for path in SSSOM:
        problems = _sssom_problems(path)
        assert problems.pop("rows") > 40, path
        assert problems == {"JsonSchema": 0, "PrefixMapCompleteness": 0, "StrictCurieFormat": 0}, path
    bad = tmp_path / "bad.sssom.tsv"  # a prefix missing from the curie_map is caught
    bad.write_text(SSSOM[1].read_text().replace("#  prov: http://www.w3.org/ns/prov#\n", ""))
    assert _sssom_problems(bad)["PrefixMapCompleteness"] > 0


def test_every_biolink_identifier_in_the_alignment_exists_in_the_installed_model():
    from mesokg.export.biolink import toolkit

    tk = toolkit()
    with SSSOM[1].open(encoding="utf-8") as fh:
        rows = list(csv.DictReader((line for line in fh if not line.startswith("#")), delimiter="\t"))
    biolink = [r for r in rows if r["object_id"].startswith("biolink:")]
    assert len(biolink) > 30
    for r in biolink:
        el = tk.get_element(r["object_id"])
        assert el is not None, r["object_id"]
        assert el.name.replace(" ", "_").lower() == r["object_label"].replace(" ", "_").lower(), r["object_id"]
        if tk.is_category(r["object_id"]):
            assert not el.mixin and not el.abstract, r["object_id"]
        elif tk.is_predicate(r["object_id"]):
            assert not el.mixin, r["object_id"]


def test_kgx_predicates_and_categories_are_those_of_the_alignment():
    """The export uses only Biolink terms the alignment table records (one source of truth for reviewers)."""
    from mesokg.export.kgx import CATEGORIES, CLAIM_PREDICATES, LINKS

    text = SSSOM[1].read_text()
    used = {c for _, cats in CATEGORIES for c in cats.split("|")} | {p for p, _ in CLAIM_PREDICATES.values()}
    used |= set(LINKS.values())
    from mesokg.export.biolink import toolkit

    tk = toolkit()
    for term in sorted(used):
        el = tk.get_element(term)
        assert el is not None and not el.mixin and not getattr(el, "abstract", False), term
    missing = {t for t in used if t not in text}
    # categories used only for sub-kinds (e.g. biolink:Cell for cell products) are checked above, not mapped
    assert missing <= {
        "biolink:Cell",
        "biolink:Polypeptide",
        "biolink:Treatment",
        "biolink:studied_to_treat",
        "biolink:subclass_of",
    }
