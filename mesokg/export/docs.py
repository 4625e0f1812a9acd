"""HTML documentation of the ontology with pyLODE (offline: no CDN, no fetched files).

pyLODE runs in a child process: its output depends on Python's set order and on rdflib's random
blank-node ids, so the child gets ``PYTHONHASHSEED=0`` and numbered blank nodes, and reads the
ontology with canonical blank-node labels. The same ontology then gives the same bytes.

Run as ``python -m mesokg.export.docs < ontology.nt > ontology.html``.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pyoxigraph as ox

from mesokg.errors import MesokgError


def ontology_ntriples(quads, graph) -> bytes:
    """The ontology graph as sorted N-Triples with canonical blank-node labels."""
    ds = ox.Dataset(ox.Quad(q.subject, q.predicate, q.object) for q in quads if q.graph_name == graph)
    ds.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    lines = ox.serialize([ox.Triple(q.subject, q.predicate, q.object) for q in ds], format=ox.RdfFormat.N_TRIPLES)
    return b"\n".join(sorted(set(lines.splitlines()))) + b"\n"


class DocsJob:
    """pyLODE running in a child process; :meth:`result` waits for the HTML."""

    def __init__(self, ntriples: bytes):
        env = {**os.environ, "PYTHONHASHSEED": "0"}
        self._proc = subprocess.Popen(
            [sys.executable, "-m", "mesokg.export.docs"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
        )
        self._input = ntriples

    def __del__(self):  # a build that failed before asking for the page leaves no child behind
        proc = getattr(self, "_proc", None)
        if proc is not None and proc.returncode is None:
            proc.kill()
            proc.communicate()

    def result(self, timeout: float = 300) -> bytes:
        try:
            out, err = self._proc.communicate(self._input, timeout=timeout)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.communicate()
            raise MesokgError("pyLODE took too long to document the ontology") from None
        if self._proc.returncode != 0 or not out.startswith(b"<"):
            last = err.decode("utf-8", "replace").strip().splitlines()[-1:] or ["no output"]
            raise MesokgError(f"pyLODE could not document the ontology: {last[0]}")
        return out


def ontology_html(ntriples: bytes) -> bytes:
    """The pyLODE page for the ontology given as N-Triples (cached by content in the mesokg cache)."""
    from mesokg.knowledge.dataset import cache_dir

    key = hashlib.sha256(ntriples).hexdigest()[:24]
    cache = cache_dir() / f"ontology-{key}.html"
    if cache.is_file():
        return cache.read_bytes()
    html = DocsJob(ntriples).result()
    try:
        from mesokg.rdfio import write_atomic

        cache.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(cache, html)
    except (OSError, MesokgError):
        pass  # a read-only cache is fine: the page is made again next time
    return html


def _child() -> None:  # pragma: no cover - runs in the child process
    import itertools
    import logging

    import rdflib.term

    counter = itertools.count()

    class _Numbered:  # rdflib names new blank nodes from uuid4().hex: number them instead
        @property
        def hex(self) -> str:
            return f"b{next(counter):08d}"

    rdflib.term.uuid4 = lambda: _Numbered()
    logging.disable(logging.CRITICAL)
    import pylode.utils
    from pylode import OntPub

    # pyLODE lists the members of a union or intersection from a set of page elements (hashed by
    # identity): put them in the order of their text
    real_intersperse = pylode.utils.intersperse
    pylode.utils.intersperse = lambda items, sep: real_intersperse(sorted(items, key=str), sep)

    with tempfile.TemporaryDirectory(prefix="mesokg-docs-") as tmp:
        src = Path(tmp, "ontology.nt")
        src.write_bytes(sys.stdin.buffer.read())
        html = OntPub(ontology=str(src)).make_html()
    sys.stdout.buffer.write(html.encode("utf-8"))


if __name__ == "__main__":  # pragma: no cover
    _child()
