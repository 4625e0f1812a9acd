"""The built dataset: curated graphs plus the reasoner's inferences in their own named graph.

Reasoning takes seconds (a JVM starts), so its result is cached on disk, keyed by a hash of
every input file; commands that only read the graph then start in well under a second.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox

from mesokg import __version__, paths
from mesokg.knowledge.assemble import curated_quads
from mesokg.rdfio import GRAPH_INFERRED, write_atomic


def cache_dir() -> Path:
    base = os.environ.get("MESOKG_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "mesokg"
    )
    return Path(base)


def input_files(extra: Iterable[str | Path] = ()) -> list[Path]:
    files = [paths.ontology_file(), *paths.seed_files()]
    if paths.mappings_file().exists():
        files.append(paths.mappings_file())
    return files + [Path(f) for f in extra]


def inputs_digest(extra: Iterable[str | Path] = ()) -> str:
    h = hashlib.sha256(__version__.encode())
    h.update(Path(__file__).with_name("reason.py").read_bytes())
    for f in input_files(extra):
        h.update(f.name.encode())
        h.update(f.read_bytes())
    return h.hexdigest()[:24]


def inferred_quads(
    curated: list[ox.Quad], digest: str | None = None, use_cache: bool = True
) -> tuple[list[ox.Quad], bool]:
    """Inferred quads for ``curated``, from the cache when the inputs are unchanged.

    Returns (quads, from_cache).
    """
    cache = cache_dir() / f"inferred-{digest}.nq" if digest else None
    if use_cache and cache and cache.is_file():
        return list(ox.parse(path=str(cache), format=ox.RdfFormat.N_QUADS)), True
    from mesokg.knowledge.reason import reason

    result = reason(curated)
    quads = [ox.Quad(t.subject, t.predicate, t.object, GRAPH_INFERRED) for t in result.inferred]
    if cache:
        try:
            cache.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(cache, ox.serialize(quads, format=ox.RdfFormat.N_QUADS))
        except OSError:
            pass  # a read-only home is fine: we just reason again next time
    return quads, False


def dataset_quads(extra_files: Iterable[str | Path] = (), use_cache: bool = True) -> list[ox.Quad]:
    """Curated quads (ontology, seeds, mappings) plus inferred quads."""
    extra = list(extra_files)
    curated = curated_quads(extra)
    inferred, _ = inferred_quads(curated, inputs_digest(extra), use_cache)
    return curated + inferred
