"""Adding curated files to an on-disk store, all or nothing.

The candidate graph (what the store holds plus the new files) is reasoned over and validated
first; only when it is consistent and conforms are the new curated statements, and the
inferences they add, written — in one transaction. Otherwise the store is left exactly as it was.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from mesokg.errors import InputError, ValidationFailed
from mesokg.rdfio import GRAPH_CURATED, GRAPH_INFERRED, GRAPH_MAPPINGS, GRAPH_ONTOLOGY, parse_file


@dataclass
class Added:
    curated: int
    inferred: int


def load_into_store(files, store_path: str | Path) -> Added:
    import pyoxigraph as ox

    from mesokg.curation.load import is_table, table_quads
    from mesokg.knowledge.build import validate_quads
    from mesokg.knowledge.reason import reason
    from mesokg.store import open_store

    new = []
    for f in files:  # parse everything first: a syntax error anywhere changes nothing
        if not is_table(f):
            new.extend(parse_file(f, GRAPH_CURATED))
    tables = [f for f in files if is_table(f)]
    if not new and not tables:
        raise InputError("the given files hold no statements; nothing to load")
    store = open_store(path=store_path)
    try:
        existing = [q for g in (GRAPH_ONTOLOGY, GRAPH_CURATED, GRAPH_MAPPINGS) for q in store.quads(g)]
        if tables:  # claims.tsv / nodes.tsv: curated against what the store (and the Turtle files) hold
            new.extend(table_quads(tables, existing + new, GRAPH_CURATED))
        have = {(q.subject, q.predicate, q.object, q.graph_name) for q in existing}
        fresh = [q for q in dict.fromkeys(new) if (q.subject, q.predicate, q.object, q.graph_name) not in have]
        candidate = existing + fresh
        report, failures = validate_quads(candidate)
        if not report.conforms or failures:
            lines = [report.text(warnings=False)] if not report.conforms else []
            lines += [f"{f.check}: {f.node}: {f.problem}" for f in failures]
            raise ValidationFailed(
                "not loaded: the store with these files would not validate; the store is "
                "unchanged:\n" + "\n".join(lines)
            )
        inferred_now = {(q.subject, q.predicate, q.object) for q in store.quads(GRAPH_INFERRED)}
        result = reason(candidate)  # raises on inconsistency; the store is untouched then
        more = [
            ox.Quad(t.subject, t.predicate, t.object, GRAPH_INFERRED)
            for t in result.inferred
            if (t.subject, t.predicate, t.object) not in inferred_now
        ]
        store.add(fresh + more)  # one transaction
        return Added(len(fresh), len(more))
    finally:
        store.close()
