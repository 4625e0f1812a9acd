"""Curation checks: ``queries/checks/*-violation.rq`` must return no rows (ODK-style)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from mesokg import paths


@dataclass
class CheckQuery:
    name: str
    title: str
    fix: str
    text: str


@dataclass
class CheckFailure:
    check: str
    title: str
    fix: str
    node: str
    problem: str


def check_queries() -> list[CheckQuery]:
    out = []
    for f in sorted(Path(paths.queries_dir(), "checks").glob("*-violation.rq")):
        text = f.read_text(encoding="utf-8")
        meta = dict(re.findall(r"^#\s*(\w+):\s*(.+)$", text, re.M))
        out.append(CheckQuery(f.stem, meta.get("title", f.stem), meta.get("fix", ""), text))
    return out


def run_checks_on_graphs(store, graphs: list, added=None) -> list[CheckFailure]:
    """Run every check query on a ``pyoxigraph.Store`` whose default graph is ``graphs``; with
    ``added`` (triples just added), only for the answers those triples can create."""
    from mesokg.knowledge.fastshacl.delta import delta
    from mesokg.knowledge.fastshacl.engine import Data

    run = Data(store, graphs).rows
    failures = []
    for cq in check_queries():
        rows = delta(cq.text, added, run) if added is not None else None
        for row in rows if rows is not None else run(cq.text):
            node, problem = row.get("node"), row.get("problem")
            failures.append(
                CheckFailure(
                    cq.name,
                    cq.title,
                    cq.fix,
                    node.value if node is not None else "",
                    problem.value if problem is not None else "",
                )
            )
    return failures


def run_checks(store) -> list[CheckFailure]:
    """Run every check query on a store; each returned row is a failure."""
    failures = []
    for cq in check_queries():
        res = store.query(cq.text)
        for row in res.dicts():
            failures.append(
                CheckFailure(cq.name, cq.title, cq.fix, str(row.get("node", "")), str(row.get("problem", "")))
            )
    return failures
