"""Tables as input to ``mesokg load``: ``claims.tsv`` / ``nodes.tsv`` (or the workbook) -> quads."""

from __future__ import annotations

from pathlib import Path

from ..errors import InputError

TABLE_SUFFIXES = (".tsv", ".csv", ".xlsx")


def is_table(path) -> bool:
    return Path(path).suffix.lower() in TABLE_SUFFIXES


def curate_tables(paths, background):
    """Curate the tables (at most one claims and one nodes table, or one workbook) against
    ``background``; errors raise :class:`~mesokg.curation.problems.CurationFailed`."""
    from .convert import curate
    from .table import table_kind

    found: dict[str, str] = {}
    for p in paths:
        kinds = ("claims", "nodes") if str(p).lower().endswith(".xlsx") else (table_kind(p),)
        for kind in kinds:
            if kind is None:
                raise InputError(
                    f"{p}: not a claims or nodes table (its header needs subject, predicate, object, or type, label)"
                )
            if kind in found:
                raise InputError(f"{p}: a second {kind} table ({found[kind]} is the first): merge them into one")
            found[kind] = p
    return curate(found.get("claims"), found.get("nodes"), background=background)


def table_quads(paths, background, graph) -> list:
    """The additions the tables make, as quads in ``graph`` (see :func:`curate_tables`)."""
    return curate_tables(paths, background).quads(graph)
