"""mesokg: the evidence-graded knowledge graph of mesotherapy.

The public Python API is small and lazily imported, so ``import mesokg`` is cheap:

>>> import mesokg
>>> store = mesokg.open_store()            # builds the curated graph in memory   # doctest: +SKIP
>>> store.run_saved("substances-for-indication", indication="androgenetic-alopecia")  # doctest: +SKIP
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["build", "open_store", "validate", "__version__"]


def build(out="dist", **kwargs):
    """Build the graph (load, reason, validate) and write release files into ``out``.

    >>> manifest = mesokg.build("dist")     # doctest: +SKIP
    >>> manifest["counts"]["triples"]       # doctest: +SKIP
    """
    from mesokg.knowledge.build import build as _build

    return _build(out, **kwargs)


def open_store(path=None, endpoint=None, **kwargs):
    """Open a store: in memory (default, built from the shipped seeds), on disk, or remote.

    >>> store = mesokg.open_store()                       # doctest: +SKIP
    >>> store.query("ASK { ?s ?p ?o }").boolean           # doctest: +SKIP
    True
    """
    from mesokg.store import open_store as _open

    return _open(path=path, endpoint=endpoint, **kwargs)


def validate(*files, **kwargs):
    """Validate the shipped graph (or the given Turtle files added to it) against the shapes.

    >>> report = mesokg.validate()          # doctest: +SKIP
    >>> report.conforms                     # doctest: +SKIP
    True
    """
    from mesokg.knowledge.validate import validate_files

    return validate_files(list(files), **kwargs)
