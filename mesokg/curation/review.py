"""``mesokg validate FILES``: Turtle files and template tables, each problem once at its place."""

from __future__ import annotations

from pathlib import Path

from .check import check_turtle
from .load import curate_tables, is_table
from .problems import CurationFailed, Problems


def check_files(files, *, show_all: bool = False):
    """Problems of ``files``: Turtle at ``file:line`` (validated with the shipped graph), tables
    (claims.tsv, nodes.tsv, the workbook) at ``file:row:column``.

    Returns the problems, how many results of the shipped graph were left out (``show_all``
    reports them at their seed file and line) and the SHACL report (``None`` for tables only).
    """
    from ..knowledge.assemble import curated_quads

    tables = [f for f in files if is_table(f)]
    turtle = [Path(f) for f in files if not is_table(f)]
    probs = Problems()
    if tables:
        try:
            items = curate_tables(tables, curated_quads(extra_files=turtle)).problems.items
        except CurationFailed as e:
            items = e.problems.items
        for p in items:
            probs.add(p)
        if not turtle and not show_all:
            return probs, 0, None
    return check_turtle(turtle, show_all=show_all, probs=probs)
