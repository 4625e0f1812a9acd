"""Curating new literature: template tables -> Turtle that follows seeds/README.md, with errors a
curator can act on.

- :func:`curate` turns ``claims.tsv`` (one row per claim) and ``nodes.tsv`` (new substances,
  indications, ...) into additions: claim nodes with their plain triples, source nodes and PROV-O
  curation records (who, when, read in what), validated with the graph they join;
- :func:`check_files` validates Turtle files and reports their problems at ``file:line``;
- :func:`write_templates` writes the empty templates (TSV and an ``.xlsx`` with pick-lists);
- :func:`into_seeds` files accepted additions into the topic files under ``seeds/``.

Problems come as :class:`Problem` lines: ``claims.tsv:3:3: column object: ...`` with the fix.
Command line: ``mesokg curate`` (or ``python -m mesokg.curation``).
"""

from __future__ import annotations

from .convert import Curated, curate
from .problems import CurationFailed, Problem, Problems
from .review import check_files
from .seeds import into_seeds
from .templates import write_templates

__all__ = [
    "Curated",
    "CurationFailed",
    "Problem",
    "Problems",
    "check_files",
    "curate",
    "into_seeds",
    "write_templates",
]
