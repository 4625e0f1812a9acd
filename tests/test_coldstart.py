"""Cold start of ``mesokg query`` (issue 15): the click-free fast path gives the same answers as the
click command, falls back to it for anything unusual, loads the dataset from one cached file, and
keeps heavy modules out of the process. Timings are in ``benchmarks/bench_coldstart.py``."""

from __future__ import annotations

import subprocess
import sys

import pytest

from mesokg.cli import _group, main
from mesokg.knowledge import dataset
from mesokg.query.run import fast_query


def _click(capsys, *args) -> str:
    _group().main(args=list(args), prog_name="mesokg", standalone_mode=False)
    return capsys.readouterr().out


@pytest.mark.parametrize(
    "args",
    [
        ("query", "graph-summary", "--format", "csv"),
        ("query", "contraindications", "-p", "subject=mesotherapy"),
        ("query", "substances-for-indication", "--param=indication=androgenetic-alopecia", "--format=tsv"),
        ("query", "claims-by-level", "--columns", "level,claims", "--limit", "3"),
    ],
)
def test_fast_path_answers_like_the_click_command(capsys, args):
    assert fast_query(list(args[1:])) is True
    fast = capsys.readouterr().out
    assert fast == _click(capsys, *args)
    assert fast.strip()


@pytest.mark.parametrize(
    "args",
    [
        ["--help"],
        ["graph-summary", "--bogus"],
        ["graph-summary", "--format", "yaml"],
        ["a", "b"],
        ["x", "--limit", "-1"],
    ],
)
def test_fast_path_leaves_unusual_arguments_to_click(args):
    assert fast_query(args) is False


def test_errors_keep_one_line_and_exit_code(capsys):
    assert main(["query", "no-such-query"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("mesokg: error: no saved query called 'no-such-query'") and err.count("\n") == 1


def test_columns_names_unknown_columns(capsys):
    assert main(["query", "claims-by-level", "--columns", "nope"]) == 2
    assert "no column nope" in capsys.readouterr().err


def test_query_process_imports_no_heavy_modules():
    code = (
        "import sys; from mesokg.cli import main; main(['query','graph-summary','--format','csv']);"
        "print(sorted(m for m in ('click','rich','dataclasses','typing','urllib.request','rdflib','owlready2') "
        "if m in sys.modules), file=sys.stderr)"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert r.stderr.strip().splitlines()[-1] == "[]"


def test_dataset_cache_is_one_file_reused_and_keyed_by_the_inputs(tmp_path, monkeypatch):
    monkeypatch.setenv("MESOKG_CACHE", str(tmp_path / "cache"))
    first = dataset.dataset_file()
    assert first is not None and first.is_file() and first.stat().st_size > 100_000
    calls = []
    monkeypatch.setattr(dataset, "dataset_quads", lambda *a, **k: calls.append(a) or [])
    assert dataset.dataset_file() == first and calls == []  # reused, not rebuilt
    extra = tmp_path / "extra.ttl"
    extra.write_text("<https://w3id.org/mesokg/id/x> <http://www.w3.org/2000/01/rdf-schema#label> 'x' .\n")
    assert dataset._stat_key([extra]) != dataset._stat_key([])
