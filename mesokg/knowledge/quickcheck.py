"""Quick curation report for editors: ``python -m mesokg.knowledge.quickcheck [FILES...]``.

Parses every seed file (syntax errors as file:line:col), then runs the curation checks on the
ontology + seeds + mappings and prints each problem on one line.
"""

from __future__ import annotations

import sys

from mesokg import paths
from mesokg.errors import MesokgError
from mesokg.knowledge.assemble import curated_quads
from mesokg.rdfio import parse_file
from mesokg.store import OxigraphStore


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    bad = 0
    for f in [paths.ontology_file(), *paths.seed_files()]:
        try:
            parse_file(f)
        except MesokgError as e:
            print(e)
            bad += 1
    if bad:
        return 2
    store = OxigraphStore()
    store.add(curated_quads(extra_files=argv))
    from mesokg.knowledge.checks import run_checks

    failures = run_checks(store)
    for f in failures:
        print(f"{f.check}: {f.node.replace('https://w3id.org/mesokg/id/', 'mkd:')}: {f.problem}")
    print(f"{store.count()} triples; {len(failures)} problem(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
