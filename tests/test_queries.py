"""Saved queries (``queries/*.rq``) and ``mesokg query``.

- every query file: metadata, expected answers (``queries/expected/NAME.json``), the same answer
  from pyoxigraph with substitutions, pyoxigraph with a VALUES block (what a remote server gets),
  rdflib's engine with ``initBindings``, and the real Oxigraph server;
- parameters: typed, parsed into terms, never pasted into the query text (injection attempts);
- the CLI: formats, --limit, --file, query strings, syntax errors, refused queries.

Expected files hold facts the seed documents state (each case says which), not a copy of the
current output: ``must_include`` rows (matched on the columns given), ``must_exclude`` rows and,
where the answer is closed, ``complete: true`` (every row must match one of ``must_include``).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import types
from collections import Counter
from decimal import Decimal

import pyoxigraph as ox
import pytest
from conftest import BIN, ROOT, free_port, run_cli, wait_http

from mesokg.cli import main
from mesokg.errors import InputError, MesokgError
from mesokg.procs import stop_process
from mesokg.query import saved as Q
from mesokg.query.guard import check_query
from mesokg.store import RemoteStore, inject_values

# rdflib's Dataset warns about its own internals on every pattern it matches
pytestmark = pytest.mark.filterwarnings(r"ignore:Dataset\.\w+ is deprecated:DeprecationWarning")

XSD = "http://www.w3.org/2001/XMLSchema#"
INJECTION = 'x" } ; DROP ALL ; #'
SAVED = Q.list_saved()
NAMES = [q.name for q in SAVED]
EXPECTED_DIR = ROOT / "queries" / "expected"


def expected_cases(name: str) -> list[dict]:
    return json.loads((EXPECTED_DIR / f"{name}.json").read_text(encoding="utf-8"))["cases"]


def all_cases() -> list[tuple[str, dict]]:
    """(name, params) for every query: the defaults first, then each expected case."""
    out = []
    for q in SAVED:
        out.append((q.name, {}))
        out += [(q.name, c["params"]) for c in expected_cases(q.name) if c["params"]]
    return out


CASES = all_cases()
CASE_IDS = [name + ("[" + ",".join(f"{k}={v}" for k, v in p.items()) + "]" if p else "") for name, p in CASES]


# ---------------------------------------------------------------------------
# helpers: matching expected rows, normalising rows across engines
# ---------------------------------------------------------------------------


def rows_of(res) -> list[dict]:
    return [dict(zip(res.variables, row, strict=True)) for row in res.rows]


def value_matches(term, want) -> bool:
    got = Q.shorten(term)
    if isinstance(want, list):  # parts of a " | "-joined cell, in any order
        return set(want) <= set(got.split(" | "))
    if isinstance(want, int | float) and not isinstance(want, bool):
        try:
            return Decimal(got) == Decimal(str(want))
        except ArithmeticError:
            return False
    return got == str(want)


def row_matches(row: dict, want: dict) -> bool:
    return all(value_matches(row.get(k), v) for k, v in want.items())


_NUMERIC = {
    XSD + t: fam
    for fam, ts in (
        (
            "integer",
            "integer int long short byte nonNegativeInteger positiveInteger negativeInteger nonPositiveInteger",
        ),
        ("decimal", "decimal"),
        ("double", "double float"),
    )
    for t in ts.split()
}


def norm_literal(value: str, datatype: str | None, language: str | None) -> tuple:
    """One literal, engine-independent: numbers by value within their datatype family, plain and
    xsd:string alike, and GROUP_CONCAT cells (" | "-joined) as sorted parts, because SPARQL leaves
    the order of GROUP_CONCAT unspecified and the two engines do choose different orders."""
    if datatype in _NUMERIC:
        return ("number", _NUMERIC[datatype], Decimal(value).normalize())
    if " | " in value:
        value = " | ".join(sorted(value.split(" | ")))
    dt = (
        ""
        if datatype in (None, "", XSD + "string", "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString")
        else datatype
    )
    return ("literal", value, (language or "").lower(), dt)


def norm_ox(t):
    if t is None:
        return None
    if isinstance(t, ox.Literal):
        return norm_literal(t.value, t.datatype.value, t.language)
    return ("iri", t.value) if isinstance(t, ox.NamedNode) else ("bnode",)


def norm_rdflib(t):
    import rdflib

    if t is None:
        return None
    if isinstance(t, rdflib.Literal):
        return norm_literal(str(t), str(t.datatype) if t.datatype else None, t.language)
    return ("iri", str(t)) if isinstance(t, rdflib.URIRef) else ("bnode",)


def multiset(res) -> Counter:
    return Counter(tuple(norm_ox(t) for t in row) for row in res.rows)


def to_rdflib(term):
    import rdflib

    if isinstance(term, ox.NamedNode):
        return rdflib.URIRef(term.value)
    if term.datatype.value == XSD + "string":
        return rdflib.Literal(term.value)
    return rdflib.Literal(term.value, datatype=rdflib.URIRef(term.datatype.value))


def cli(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="session")
def rdflib_dataset(dataset):
    """The same quads in rdflib, the default graph being the union of the named graphs."""
    import rdflib

    ds = rdflib.Dataset(default_union=True)
    ds.parse(data=ox.serialize(dataset, format=ox.RdfFormat.N_QUADS).decode("utf-8"), format="nquads")
    return ds


# ---------------------------------------------------------------------------
# the catalogue
# ---------------------------------------------------------------------------


def test_catalogue_holds_at_least_25_queries():
    assert len(SAVED) >= 25
    assert len(set(NAMES)) == len(NAMES)
    assert sorted(p.stem for p in (ROOT / "queries" / "expected").glob("*.json")) == sorted(NAMES)


@pytest.mark.parametrize("saved", SAVED, ids=NAMES)
def test_metadata_header(saved, memory_store):
    assert saved.title != saved.name and len(saved.description) > 40
    assert saved.keywords and saved.columns
    res = Q.run(memory_store, saved)
    assert tuple(res.variables) == saved.columns, "the columns line must list the projected variables"
    for p in saved.params:
        assert p.name in saved.columns, f"{p.name}: pyoxigraph binds only projected variables"
        assert p.help
        if p.type == "enum":
            assert len(p.allowed) >= 2


@pytest.mark.parametrize("saved", SAVED, ids=NAMES)
def test_query_text_follows_the_house_rules(saved):
    """Rules that keep one answer on every engine and binding path (see the module docstring)."""
    code = re.sub(r"#[^\n]*", "", saved.text)
    check_query(saved.text)  # nothing a saved query does is refused
    for p in saved.params:
        # pyoxigraph folds BOUND() of a never-bound variable to false before substituting it
        assert not re.search(rf"BOUND\s*\(\s*\?{p.name}\s*\)", code, re.I), "use COALESCE, not BOUND, on parameters"
    assert not re.search(r"\b(LIMIT|OFFSET|SAMPLE)\b", code, re.I), "results must not depend on row order"
    for m in re.finditer(r"GROUP_CONCAT\s*\(([^;]*);\s*separator\s*=\s*\"([^\"]*)\"", code, re.I):
        assert m.group(1).replace(" ", "").upper().startswith("DISTINCTSTR("), "GROUP_CONCAT(DISTINCT STR(?x) ...)"
        assert m.group(2) == " | "


def test_get_saved_suggests_close_names():
    with pytest.raises(InputError, match="did you mean substances-for-indication"):
        Q.get_saved("substances-for-indicaton")
    with pytest.raises(InputError, match="mesokg queries"):
        Q.get_saved("zzzz")


# ---------------------------------------------------------------------------
# expected answers
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_expected_answers(name, memory_store):
    saved = Q.get_saved(name)
    for case in expected_cases(name):
        rows = rows_of(Q.run(memory_store, saved, case["params"]))
        label = f"{name} {case['params']}"
        for want in case["must_include"] + case.get("must_exclude", []):
            assert set(want) <= set(saved.columns), f"{label}: unknown column in {want}"
        for want in case["must_include"]:
            assert any(row_matches(r, want) for r in rows), f"{label}: no row matches {want} ({case['why']})"
        for want in case.get("must_exclude", []):
            assert not any(row_matches(r, want) for r in rows), f"{label}: a row matches excluded {want}"
        if case.get("complete"):
            extra = [r for r in rows if not any(row_matches(r, w) for w in case["must_include"])]
            assert not extra, f"{label}: the answer is closed but has more rows: {extra[:2]}"


@pytest.mark.parametrize(("name", "params"), CASES, ids=CASE_IDS)
def test_a_parameter_only_narrows_the_answer(name, params, memory_store):
    """Rows with a parameter bound are rows of the answer without it (parameter columns aside)."""
    if not params:
        return
    saved = Q.get_saved(name)
    drop = {p.name for p in saved.params}
    keep = [i for i, v in enumerate(saved.columns) if v not in drop]

    def project(res):
        return Counter(tuple(norm_ox(row[i]) for i in keep) for row in res.rows)

    narrow, wide = project(Q.run(memory_store, saved, params)), project(Q.run(memory_store, saved, {}))
    assert not narrow - wide


@pytest.mark.parametrize(("name", "params"), CASES, ids=CASE_IDS)
def test_values_injection_gives_the_same_answer_as_substitution(name, params, memory_store):
    """A remote store binds parameters with a VALUES block; the answer must not change."""
    saved = Q.get_saved(name)
    bindings = Q.bind_params(saved, params)
    by_substitution = memory_store.query(saved.text, bindings)
    by_values = memory_store.query(inject_values(saved.text, bindings))
    assert multiset(by_substitution) == multiset(by_values)


def group_concat_columns(saved) -> set[int]:
    names = set(re.findall(r"GROUP_CONCAT\s*\([^;]*;[^)]*\)\s*AS\s+\?(\w+)", saved.text, re.I))
    return {i for i, v in enumerate(saved.columns) if v in names}


@pytest.mark.parametrize(("name", "params"), CASES, ids=CASE_IDS)
def test_rdflib_engine_gives_the_same_answer(name, params, memory_store, rdflib_dataset):
    """Every saved query runs on rdflib's engine too (parameters through initBindings).

    One difference is normalised: when every value of a GROUP_CONCAT in a group is an error (the
    OPTIONAL it reads found nothing), rdflib skips the errors and returns "" while Oxigraph
    leaves the column unbound; SPARQL 1.1 leaves errors inside aggregates to the engine. So in
    GROUP_CONCAT columns "" and unbound compare equal.
    """
    saved = Q.get_saved(name)
    bindings = Q.bind_params(saved, params)
    concat = group_concat_columns(saved)

    def norm(values, norm_term):
        out = [norm_term(t) for t in values]
        return tuple(None if i in concat and out[i] == ("literal", "", "", "") else out[i] for i in range(len(out)))

    ours = Counter(norm(row, norm_ox) for row in memory_store.query(saved.text, bindings).rows)
    res = rdflib_dataset.query(saved.text, initBindings={k: to_rdflib(v) for k, v in bindings.items()})
    names = [str(v) for v in res.vars]
    order = [names.index(v) for v in saved.columns]
    theirs = Counter(norm([row[i] for i in order], norm_rdflib) for row in res)
    assert ours == theirs, f"only pyoxigraph: {list(ours - theirs)[:2]}; only rdflib: {list(theirs - ours)[:2]}"


# ---------------------------------------------------------------------------
# counts checked against the dataset itself
# ---------------------------------------------------------------------------


def test_graph_summary_counts_triples_per_graph(memory_store, dataset):
    per_graph = Counter(q.graph_name.value for q in set(dataset))
    rows = rows_of(Q.run(memory_store, Q.get_saved("graph-summary")))
    got = {r["item"].value: int(r["count"].value) for r in rows if r["category"].value == "triples in graph"}
    assert got == dict(per_graph)


def test_claims_by_level_counts_every_claim(memory_store, dataset):
    mk = "https://w3id.org/mesokg/"
    has = {(q.subject, q.predicate.value) for q in dataset}
    claims = {s for s, p in has if p == mk + "evidenceLevel"} & {s for s, p in has if p == mk + "polarity"}
    predicates = {q.subject: q.object.value for q in dataset if q.predicate.value == mk + "predicate"}
    expected = Counter(predicates[c] for c in claims if c in predicates)
    rows = rows_of(Q.run(memory_store, Q.get_saved("claims-by-level")))
    got: Counter = Counter()
    for r in rows:
        got[r["predicate"].value] += int(r["claims"].value)
    assert got == expected


def test_seed_coverage_counts_claims_per_seed(memory_store, dataset):
    mk = "https://w3id.org/mesokg/"
    triples = {(q.subject, q.predicate.value, q.object) for q in dataset}
    claims = {s for s, p, o in triples if p.endswith("#type") and o.value == mk + "Claim"}
    expected = Counter(o.value for s, p, o in triples if p == mk + "curatedFrom" and s in claims)
    rows = rows_of(Q.run(memory_store, Q.get_saved("seed-coverage")))
    assert {r["seed"].value: int(r["claims"].value) for r in rows if int(r["claims"].value)} == dict(expected)


def test_curation_checks_find_nothing(memory_store):
    from mesokg.knowledge.checks import check_queries, run_checks

    assert len(check_queries()) >= 5
    failures = run_checks(memory_store)
    assert not failures, "\n".join(f"{f.check}: {f.node} {f.problem}" for f in failures[:10])


# ---------------------------------------------------------------------------
# parameters
# ---------------------------------------------------------------------------


def test_iri_parameters_accept_short_ids_curies_and_iris():
    saved = Q.get_saved("substances-for-indication")
    iri = "https://w3id.org/mesokg/id/androgenetic-alopecia"
    for value in ("androgenetic-alopecia", "mkd:androgenetic-alopecia", iri, f"<{iri}>", " androgenetic-alopecia "):
        assert Q.bind_params(saved, {"indication": value}) == {"indication": ox.NamedNode(iri)}
    assert Q.bind_params(saved, {"indication": "mk:Supports"})["indication"].value == "https://w3id.org/mesokg/Supports"


def test_typed_parameters_become_typed_literals():
    h = Q.get_saved("history-timeline")
    assert Q.bind_params(h, {"from_year": "-400"})["from_year"] == ox.Literal(
        "-400", datatype=ox.NamedNode(XSD + "integer")
    )
    assert Q.bind_params(h, {"from-year": 1952})["from_year"].value == "1952"  # hyphens and ints accepted
    e = Q.get_saved("evidence-for-pair")
    assert Q.bind_params(e, {})["min_level"] == ox.NamedNode("https://w3id.org/mesokg/CEBM_5")  # the default
    assert Q.bind_params(e, {"polarity": "Refutes"})["polarity"] == ox.NamedNode("https://w3id.org/mesokg/Refutes")
    d = Q.parse_saved("# param: dose | decimal | | | a dose\nSELECT ?dose WHERE {}", "t")
    assert Q.bind_params(d, {"dose": "0.05"})["dose"] == ox.Literal("0.05", datatype=ox.NamedNode(XSD + "decimal"))
    s = Q.get_saved("find-term")
    assert Q.bind_params(s, {"text": INJECTION})["text"] == ox.Literal(INJECTION)


@pytest.mark.parametrize(
    ("name", "param", "allowed"),
    [
        ("substances-for-indication", "indication", "short id"),
        ("history-timeline", "from_year", "integer"),
        ("evidence-for-pair", "polarity", "supports, refutes, mixed, insufficient"),
        ("evidence-for-pair", "min_level", "1a, 1b, 1c, 2a, 2b, 2c, 3a, 3b, 4, 5"),
        ("technique-parameters", "technique", "CURIE"),
    ],
)
def test_injection_into_a_typed_parameter_is_a_one_line_type_error(name, param, allowed):
    with pytest.raises(InputError) as e:
        Q.bind_params(Q.get_saved(name), {param: INJECTION})
    msg = str(e.value)
    assert "\n" not in msg and msg.startswith(f"parameter {param}: ") and allowed in msg


def test_injection_into_a_string_parameter_matches_nothing_and_changes_nothing(memory_store):
    before = memory_store.count()
    assert memory_store.run_saved("find-term", text=INJECTION) == []
    assert memory_store.run_saved("find-term", text="DROP ALL") == []
    assert memory_store.count() == before
    assert memory_store.run_saved("find-term", text="dutasteride")  # the query itself works


def test_unknown_parameter_names_the_declared_ones():
    with pytest.raises(InputError, match="use subject, indication, polarity, min_level"):
        Q.bind_params(Q.get_saved("evidence-for-pair"), {"substance": "dutasteride"})
    with pytest.raises(InputError, match="takes no parameters"):
        Q.bind_params(Q.get_saved("graph-summary"), {"x": "1"})


def test_run_saved_returns_plain_values(memory_store):
    rows = memory_store.run_saved(
        "evidence-for-pair", subject="musculoskeletal-mesotherapy", indication="musculoskeletal-pain", min_level="1a"
    )
    meta = [r for r in rows if "src-musculoskeletal-meta-analysis-2021" == r["sources"]]
    assert meta and meta[0]["studies"] == 8 and meta[0]["effect_size"] == Decimal("-1.45")
    assert meta[0]["subject"] == "https://w3id.org/mesokg/id/musculoskeletal-mesotherapy"


def test_plain_values_are_those_of_term_python(memory_store):
    from mesokg.query.results import term_python

    terms = {t for q in SAVED for row in Q.run(memory_store, q).rows for t in row}
    terms |= {
        ox.Literal("true", datatype=ox.NamedNode(XSD + "boolean")),
        ox.Literal("2.5e0", datatype=ox.NamedNode(XSD + "double")),
    }
    for t in terms:
        assert Q.to_python(t) == term_python(t) and type(Q.to_python(t)) is type(term_python(t)), t


def test_run_saved_as_frame(memory_store, monkeypatch):
    calls = {}

    class FakeFrame:
        def __init__(self, data, columns):
            calls.update(data=data, columns=columns)

    monkeypatch.setitem(sys.modules, "pandas", types.SimpleNamespace(DataFrame=FakeFrame))
    Q.run_saved(memory_store, "seed-coverage", as_frame=True)
    assert calls["columns"] == list(Q.get_saved("seed-coverage").columns) and len(calls["data"]) == 5
    assert isinstance(calls["data"][0][2], int)
    monkeypatch.setitem(sys.modules, "pandas", None)  # not installed
    with pytest.raises(MesokgError, match="pip install pandas"):
        Q.run_saved(memory_store, "seed-coverage", as_frame=True)


# ---------------------------------------------------------------------------
# the command line
# ---------------------------------------------------------------------------


def test_cli_lists_and_describes_queries(capsys):
    code, out, _ = cli(capsys, "queries", "--format", "json")
    assert code == 0 and [q["name"] for q in json.loads(out)] == NAMES
    code, out, _ = cli(capsys, "queries")
    assert code == 0 and "substances-for-indication" in out and "indication=IRI" in out
    code, out, _ = cli(capsys, "queries", "evidence-for-pair")
    assert code == 0 and "min_level (one of 1a, 1b" in out and "default 5" in out
    code, out, _ = cli(capsys, "queries", "--format", "md")
    assert code == 0 and out.startswith("| name | title | parameters |")


def test_cli_runs_a_saved_query_as_json(capsys, memory_store):
    code, out, err = cli(
        capsys, "query", "substances-for-indication", "--param", "indication=androgenetic-alopecia", "--format", "json"
    )
    assert code == 0, err
    doc = json.loads(out)
    assert doc["head"]["vars"] == list(Q.get_saved("substances-for-indication").columns)
    got = {b["substance"]["value"] for b in doc["results"]["bindings"]}
    want = {
        r["substance"] for r in memory_store.run_saved("substances-for-indication", indication="androgenetic-alopecia")
    }
    assert got == want and "https://w3id.org/mesokg/id/dutasteride" in got


@pytest.mark.parametrize(
    ("fmt", "start"),
    [
        ("csv", "subject,subject_label,condition"),
        ("tsv", "?subject\t?subject_label\t?condition"),
        ("xml", "<?xml"),
        ("md", "| subject | subject_label | condition"),
        ("table", "Contraindications"),
    ],
)
def test_cli_formats(capsys, fmt, start):
    code, out, err = cli(capsys, "query", "contraindications", "-p", "subject=mesotherapy", "--format", fmt)
    assert code == 0, err
    assert out.lstrip().startswith(start)
    assert "pregnancy" in out
    if fmt in ("table", "md"):
        assert "mkd:mesotherapy" in out  # IRIs shortened to CURIEs


def test_cli_limit_keeps_the_first_rows(capsys):
    _, full, _ = cli(capsys, "query", "adverse-events", "--format", "csv")
    code, two, _ = cli(capsys, "query", "adverse-events", "--format", "csv", "--limit", "2")
    assert code == 0
    assert two.splitlines() == full.splitlines()[:3]


def test_cli_runs_a_query_file_with_parameters(capsys, tmp_path):
    f = tmp_path / "labels.rq"
    f.write_text(
        "# title: a label\n# param: term | iri | | | the term\n"
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
        "SELECT ?term ?label WHERE { ?term rdfs:label ?label }\n",
        encoding="utf-8",
    )
    code, out, err = cli(capsys, "query", "--file", str(f), "-p", "term=dutasteride", "--format", "csv")
    assert code == 0, err
    assert out.splitlines()[1].endswith(",dutasteride")


def test_cli_explains_a_parameter_that_is_not_a_column(capsys, tmp_path):
    f = tmp_path / "hidden.rq"
    f.write_text("# param: term | iri | | | the term\nSELECT ?label WHERE { ?term ?p ?label }\n", encoding="utf-8")
    code, _, err = cli(capsys, "query", "--file", str(f), "-p", "term=dutasteride")
    assert code == 2 and "parameter term must be a column of the query" in err and err.count("\n") == 1


def test_cli_reads_a_query_file_given_as_the_argument(capsys, tmp_path, monkeypatch):
    (tmp_path / "count.rq").write_text("SELECT (COUNT(*) AS ?n) WHERE { ?s a ?t }\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    code, out, err = cli(capsys, "query", "count.rq", "--format", "csv")
    assert code == 0, err
    assert out.splitlines()[0] == "n" and int(out.splitlines()[1]) > 100


def test_cli_with_an_on_disk_store_gives_the_same_answer(capsys, tmp_path):
    args = ["query", "seed-coverage", "--format", "csv"]
    _, in_memory, _ = cli(capsys, *args)
    for _ in range(2):  # built on first use, reused after
        code, on_disk, err = cli(capsys, *args, "--store", str(tmp_path / "store"))
        assert code == 0, err
        assert on_disk == in_memory


def test_cli_runs_query_strings_select_ask_construct(capsys):
    code, out, _ = cli(capsys, "query", "PREFIX mk: <https://w3id.org/mesokg/> ASK { ?s a mk:Procedure }")
    assert code == 0 and out.strip() == "true"
    construct = (
        "PREFIX mk: <https://w3id.org/mesokg/> PREFIX mkd: <https://w3id.org/mesokg/id/> "
        "CONSTRUCT { mkd:mesotherapy a mk:Procedure } WHERE { mkd:mesotherapy a mk:Procedure }"
    )
    code, out, _ = cli(capsys, "query", construct)
    assert code == 0 and "mkd:mesotherapy a mk:Procedure" in out  # turtle by default
    code, out, _ = cli(capsys, "query", construct, "--format", "nt")
    assert (
        out.strip()
        == "<https://w3id.org/mesokg/id/mesotherapy> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://w3id.org/mesokg/Procedure> ."
    )
    code, out, _ = cli(capsys, "query", construct, "--format", "jsonld")
    assert code == 0 and "https://w3id.org/mesokg/id/mesotherapy" in json.dumps(json.loads(out))
    code, _, err = cli(capsys, "query", construct, "--format", "csv")
    assert code == 2 and "turtle, jsonld, nt" in err


@pytest.mark.parametrize(
    "text",
    [
        "SELECT * WHERE { ?s ?p }",
        "SELECT ?x WHERE {\n  ?x ?y \n",
        "PREFIX mk: <https://w3id.org/mesokg/>\nSELECT * WHERE {\n  ?s mk:x ?o .\n  FILTER(?x = )\n}",
    ],
)
def test_cli_syntax_error_is_one_line_with_line_and_column(capsys, text):
    code, out, err = cli(capsys, "query", text)
    assert code == 2 and out == ""
    assert re.fullmatch(r"mesokg: error: \d+:\d+: \S.*\n", err), err


def test_cli_syntax_error_in_a_file_names_the_file(capsys, tmp_path):
    f = tmp_path / "bad.rq"
    f.write_text("# title: broken\nSELECT * WHERE {\n  ?s foo:bar ?o .\n}\n", encoding="utf-8")
    code, _, err = cli(capsys, "query", "--file", str(f))
    assert code == 2 and re.fullmatch(rf"mesokg: error: {re.escape(str(f))}:3:\d+: .*\n", err), err


@pytest.mark.parametrize(
    "text",
    [
        "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
        "LOAD <http://example.org/data.ttl>",
        "INSERT DATA { <urn:a> <urn:b> <urn:c> }",
        "DROP ALL",
        "SELECT * FROM <http://example.org/graph> WHERE { ?s ?p ?o }",
        "SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }",
        "SELECT * FROM NAMED <file:///etc/passwd> WHERE { GRAPH ?g { ?s ?p ?o } }",
    ],
)
def test_cli_refuses_queries_that_leave_or_change_the_graph(capsys, text):
    code, out, err = cli(capsys, "query", text)
    assert code == 2 and out == ""
    assert err.startswith("mesokg: error: refused: ") and err.count("\n") == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["query", "substances-for-indicaton"], "did you mean substances-for-indication"),
        (["query", "substances-for-indication", "-p", "indication"], "write NAME=VALUE"),
        (["query", "substances-for-indication", "-p", "substance=dutasteride"], "use indication"),
        (["query", "substances-for-indication", "-p", "indication=" + INJECTION], "parameter indication: "),
        (["query", "evidence-for-pair", "-p", "polarity=" + INJECTION], "use one of supports, refutes"),
        (["query"], "give a saved query name"),
        (["query", "graph-summary", "--file", "x.rq"], "not two of them"),
        (["query", "--file", "/no/such/file.rq"], "cannot read"),
    ],
)
def test_cli_bad_input_is_one_line_and_exit_2(capsys, args, message):
    code, out, err = cli(capsys, *args)
    assert code == 2 and out == ""
    assert err.startswith("mesokg: error: ") and err.count("\n") == 1 and message in err, err


def test_cli_notes_an_unknown_id_when_nothing_matches(capsys):
    # an explicit CURIE is taken as written: an empty answer, and a note that the graph lacks it
    code, out, err = cli(
        capsys, "query", "substances-for-indication", "-p", "indication=mkd:androgenetic-alopecai", "--format", "csv"
    )
    assert code == 0 and out.strip() == ",".join(Q.get_saved("substances-for-indication").columns)
    assert "indication=mkd:androgenetic-alopecai does not occur in the graph" in err
    # a mistyped short id or name is looked up among labels (issue 10): "did you mean", exit 2
    code, out, err = cli(capsys, "query", "substances-for-indication", "-p", "indication=androgenetic-alopecai")
    assert code == 2 and out == "" and err.count("\n") == 1
    assert "no node called 'androgenetic-alopecai': did you mean androgenetic alopecia" in err


def test_cli_end_to_end_as_a_subprocess():
    proc = run_cli(
        "query",
        "technique-parameters",
        "-p",
        "technique=point-by-point-technique",
        "-p",
        "parameter=volume",
        "--format",
        "tsv",
    )
    assert proc.returncode == 0, proc.stderr
    assert '\t0.02\t0.05\t"mL"\t' in proc.stdout


# ---------------------------------------------------------------------------
# the real Oxigraph server
# ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A private Oxigraph server (PyPI ``oxigraph``) holding the pushed graph; yields its query URL."""
    import shutil

    exe = shutil.which("oxigraph", path=str(BIN))
    if not exe:
        pytest.fail("the oxigraph server is not installed: pip install oxigraph")
    port = free_port()
    proc = subprocess.Popen(
        [
            exe,
            "serve",
            "--location",
            str(tmp_path_factory.mktemp("oxq")),
            "--bind",
            f"127.0.0.1:{port}",
            "--union-default-graph",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/query"
    try:
        wait_http(url + "?query=ASK%7B%7D")
        pushed = run_cli("push", "--endpoint", url, "--replace")
        assert pushed.returncode == 0, pushed.stderr
        yield url
    finally:
        stop_process(proc, 10)


@pytest.mark.parametrize(("name", "params"), CASES, ids=CASE_IDS)
def test_remote_server_gives_the_same_answer(name, params, server, memory_store):
    saved = Q.get_saved(name)
    remote = Q.run(RemoteStore(server), saved, params)
    assert remote.variables == list(saved.columns)
    assert multiset(remote) == multiset(Q.run(memory_store, saved, params))


@pytest.mark.parametrize("saved", SAVED, ids=NAMES)
def test_cli_with_endpoint_gives_the_same_answer(saved, server, memory_store):
    params = next((c["params"] for c in expected_cases(saved.name) if c["params"]), {})
    args = [a for k, v in params.items() for a in ("--param", f"{k}={v}")]
    proc = run_cli("query", saved.name, *args, "--endpoint", server, "--format", "json")
    assert proc.returncode == 0, proc.stderr
    res = ox.parse_query_results(proc.stdout.encode(), format=ox.QueryResultsFormat.JSON)
    got = Counter(tuple(norm_ox(sol[v]) for v in saved.columns) for sol in res)
    assert got == multiset(Q.run(memory_store, saved, params))


def test_remote_injection_changes_nothing(server):
    store = RemoteStore(server)
    before = store.count()
    assert Q.run_saved(store, "find-term", text=INJECTION) == []
    proc = run_cli("query", "evidence-for-pair", "-p", "subject=" + INJECTION, "--endpoint", server)
    assert proc.returncode == 2 and proc.stderr.startswith("mesokg: error: parameter subject: ")
    assert store.count() == before
