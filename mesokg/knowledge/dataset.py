"""The built dataset: curated graphs plus the reasoner's inferences in their own named graph.

Reasoning takes seconds (a JVM starts), so its result is cached on disk, keyed by a hash of
every input file. The whole dataset is cached too, as one N-Quads file under the same key, which
Oxigraph loads in one call: a command that only reads the graph (``mesokg query``) then costs
little more than a raw pyoxigraph process loading a file (``benchmarks/bench_coldstart.py``).
The cache lives in ``$MESOKG_CACHE`` or ``~/.cache/mesokg``; a read-only home only costs speed.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox

from mesokg import __version__, paths
from mesokg.rdfio import GRAPH_INFERRED, write_atomic


def cache_dir() -> Path:
    base = os.environ.get("MESOKG_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "mesokg"
    )
    return Path(base)


def input_files(extra: Iterable[str | Path] = (), seeds: Iterable[str | Path] | None = None) -> list[Path]:
    files = [paths.ontology_file(), *(paths.seed_files() if seeds is None else [Path(f) for f in seeds])]
    if paths.mappings_file().exists():
        files.append(paths.mappings_file())
    return files + [Path(f) for f in extra]


def inputs_digest(extra: Iterable[str | Path] = (), seeds: Iterable[str | Path] | None = None) -> str:
    """SHA-256 of the version, the reasoner's code and every input file's name and bytes."""
    import hashlib

    h = hashlib.sha256(__version__.encode())
    h.update(Path(__file__).with_name("reason.py").read_bytes())
    for f in input_files(extra, seeds):
        h.update(f.name.encode())
        h.update(f.read_bytes())
    return h.hexdigest()


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
    from mesokg.knowledge.assemble import curated_quads

    extra = list(extra_files)
    curated = curated_quads(extra)
    inferred, _ = inferred_quads(curated, inputs_digest(extra), use_cache)
    return curated + inferred


def _stat_key(extra: list) -> str:
    """A cheap key for the dataset cache: version, reasoner code and every input's path, size and
    modification time (what ``make`` trusts), so a cold start need not read and hash every input."""
    import zlib

    files = [Path(__file__).with_name("reason.py"), *input_files(extra)]
    parts = [__version__]
    for f in files:
        st = f.stat()
        parts.append(f"{f.resolve()}\t{st.st_size}\t{st.st_mtime_ns}")
    text = "\n".join(parts).encode()
    return f"{zlib.crc32(text):08x}{zlib.adler32(text):08x}{len(text):x}"


def dataset_file(extra_files: Iterable[str | Path] = (), use_cache: bool = True) -> Path | None:
    """The cached N-Quads file of the whole dataset for these inputs, written if missing.

    Returns None when the cache folder cannot be written (the caller then loads quads directly).
    """
    extra = list(extra_files)
    path = cache_dir() / f"dataset-{_stat_key(extra)}.nq"
    if use_cache and path.is_file():
        return path
    quads = dataset_quads(extra, use_cache)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, ox.serialize(quads, format=ox.RdfFormat.N_QUADS))
    except OSError:
        return None
    return path


def load_dataset(store: ox.Store, extra_files: Iterable[str | Path] = (), use_cache: bool = True) -> None:
    """Load the built dataset into a pyoxigraph store: from the cached file when there is one."""
    path = dataset_file(extra_files, use_cache)
    if path is None:
        store.extend(dataset_quads(extra_files, use_cache))
        return
    try:
        store.bulk_load(path=str(path), format=ox.RdfFormat.N_QUADS)
    except (OSError, SyntaxError, ValueError):  # a damaged cache file: rebuild it once
        path.unlink(missing_ok=True)
        store.clear()
        store.extend(dataset_quads(extra_files, use_cache))
