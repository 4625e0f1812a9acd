"""Where mesokg's shipped resources live.

In a checkout they are the top-level ``ontology/``, ``seeds/``, ``queries/`` and ``mappings/``
folders; in an installed wheel they are copied into ``mesokg/_data/``.
"""

from __future__ import annotations

from pathlib import Path

_PKG = Path(__file__).resolve().parent
_CANDIDATES = (_PKG / "_data", _PKG.parent)


def resource(rel: str) -> Path:
    """Return the path of a shipped resource, e.g. ``resource("ontology/mesokg.ttl")``."""
    for base in _CANDIDATES:
        p = base / rel
        if p.exists():
            return p
    return _CANDIDATES[-1] / rel


def ontology_file() -> Path:
    return resource("ontology/mesokg.ttl")


def shapes_file() -> Path:
    return resource("ontology/shapes.ttl")


def seed_files() -> list[Path]:
    return sorted(resource("seeds").glob("*.ttl"))


def mappings_file() -> Path:
    return resource("mappings/mesokg.sssom.tsv")


def queries_dir() -> Path:
    return resource("queries")
