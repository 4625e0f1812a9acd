"""``mesokg build``: ontology + seeds → reason → validate → release files with a manifest.

Release files (ODK naming):

- ``mesokg.ttl``/``.nt``/``.jsonld``/``.owl`` (RDF/XML): the curated graph (ontology, seeds, mappings);
- ``mesokg-ontology.ttl``/``.owl``: the ontology alone;
- ``mesokg-inferred.ttl``: only what HermiT inferred;
- ``mesokg-full.trig``/``.nq``: every named graph, so curated and inferred stay distinguishable;
  ``mesokg-full.owl``: curated plus inferred in RDF/XML for Protégé-class tools;
- ``manifest.json``: SHA-256, size and triple count of every file, plus graph counts.

Every file is written atomically; nothing is written unless the graph is consistent and valid.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from mesokg import __version__
from mesokg.errors import MesokgError, ValidationFailed
from mesokg.rdfio import GRAPH_CURATED, GRAPH_INFERRED, GRAPH_MAPPINGS, GRAPH_ONTOLOGY, write_atomic


@dataclass
class BuildResult:
    out: Path
    manifest: dict
    timings: dict[str, float] = field(default_factory=dict)
    from_cache: bool = False  # the inferences came from the reasoner cache (never in the manifest)


def quads_to_rdflib(quads):
    """An rdflib Graph holding the triples of ``quads`` (for pyshacl)."""
    import rdflib

    g = rdflib.Graph()
    g.parse(
        data=ox.serialize([ox.Triple(q.subject, q.predicate, q.object) for q in quads], format=ox.RdfFormat.N_TRIPLES),
        format="nt",
    )
    return g


def validate_quads(curated: list[ox.Quad]):
    """SHACL report plus curation-check failures for a curated dataset."""
    from mesokg.knowledge.checks import run_checks
    from mesokg.knowledge.validate import validate_store
    from mesokg.store import OxigraphStore

    store = OxigraphStore()
    store.add(curated)
    graphs = sorted({q.graph_name for q in curated if isinstance(q.graph_name, ox.NamedNode)}, key=str)
    report = validate_store(store.raw, graphs or None)
    return report, run_checks(store)


def _start_reasoner(curated: list[ox.Quad], digest: str, use_cache: bool) -> Callable[[], tuple[list, bool]]:
    """Start reasoning in a forked child; return a function that waits for its result."""
    import multiprocessing as mp

    from mesokg.knowledge.dataset import inferred_quads

    if "fork" not in mp.get_all_start_methods():  # not on Linux: just reason here
        result = inferred_quads(curated, digest, use_cache=use_cache)
        return lambda: result
    ctx = mp.get_context("fork")
    recv, send = ctx.Pipe(duplex=False)

    def child() -> None:
        try:
            quads, cached = inferred_quads(curated, digest, use_cache=use_cache)
            send.send(("ok", ox.serialize(quads, format=ox.RdfFormat.N_QUADS), cached))
        except MesokgError as e:
            send.send(("error", type(e).__name__, str(e)))
        except BaseException as e:  # noqa: BLE001 - reported to the parent, which raises it
            send.send(("error", "MesokgError", f"the reasoner crashed: {e!r}"))

    proc = ctx.Process(target=child, daemon=True)
    proc.start()
    send.close()

    def wait() -> tuple[list, bool]:
        try:
            msg = recv.recv()
        except EOFError:
            proc.join()
            raise MesokgError(f"the reasoner process died (exit code {proc.exitcode})") from None
        proc.join()
        if msg[0] == "ok":
            return list(ox.parse(msg[1], format=ox.RdfFormat.N_QUADS)), msg[2]
        from mesokg.knowledge.reason import InconsistentOntology

        raise (InconsistentOntology if msg[1] == "InconsistentOntology" else MesokgError)(msg[2])

    return wait


def build(
    out: str | Path = "dist",
    *,
    use_cache: bool = False,
    progress: Callable[[str], None] | None = None,
    validate: bool = True,
    extra_files=(),
    seeds=None,
) -> BuildResult:
    """Run the whole build and write the release files into ``out``. Returns the manifest.

    ``seeds``: seed files to use instead of the shipped ``seeds/*.ttl``; ``extra_files``: more
    curated files to add."""
    from mesokg.knowledge.assemble import curated_quads
    from mesokg.knowledge.dataset import input_files, inputs_digest

    say = progress or (lambda msg: None)
    timings: dict[str, float] = {}
    started = time.perf_counter()
    out = Path(out)

    t = time.perf_counter()
    say("loading ontology, seeds and mappings")
    extra_files = list(extra_files)
    curated = curated_quads(extra_files=extra_files, seeds=seeds)
    digest = inputs_digest(extra_files, seeds)
    timings["load"] = time.perf_counter() - t
    from mesokg.export.docs import DocsJob, ontology_ntriples

    docs = DocsJob(ontology_ntriples(curated, GRAPH_ONTOLOGY))  # pyLODE, in a child process meanwhile

    # HermiT (with owlready2's Python side) runs in a forked process while SHACL runs here: on
    # two cores they overlap, and neither waits for the other's share of the GIL.
    say("reasoning with HermiT and validating against SHACL shapes and curation checks")
    t = time.perf_counter()
    reasoning = _start_reasoner(curated, digest, use_cache)
    if validate:
        report, failures = validate_quads(curated)
        timings["validate"] = time.perf_counter() - t
    inferred, cached = reasoning()  # raises InconsistentOntology first, if so
    timings["reason"] = time.perf_counter() - t  # overlaps validation
    if validate:
        if not report.conforms or failures:
            lines = [report.text(warnings=False)] if not report.conforms else []
            lines += [f"{f.check}: {f.node}: {f.problem}" for f in failures]
            raise ValidationFailed("the graph does not validate; nothing was written:\n" + "\n".join(lines))
        n_warnings = len(report.warnings)
    else:
        n_warnings = None

    t = time.perf_counter()
    say(f"writing release files to {out}/")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise MesokgError(f"{out}: cannot create the output folder ({e.strerror})") from None
    for stale in out.glob(".*.tmp"):  # left by a build that was killed half-way
        stale.unlink(missing_ok=True)
    from mesokg.export.release import built_stamp, extra_release_files, inputs_sha256, manifest_bytes, write_release

    # writes go through this module's write_atomic, looked up at call time (tests replace it)
    extra = {**extra_release_files(), "mesokg-ontology.html": docs.result()}
    files = write_release(out, curated, inferred, extra_files=extra, write=lambda p, d: write_atomic(p, d))
    timings["write"] = time.perf_counter() - t

    counts = {
        "ontology": sum(q.graph_name == GRAPH_ONTOLOGY for q in curated),
        "curated": sum(q.graph_name == GRAPH_CURATED for q in curated),
        "mappings": sum(q.graph_name == GRAPH_MAPPINGS for q in curated),
        "inferred": len(inferred),
    }
    counts["total"] = sum(counts.values())
    # no clock time and nothing that depends on the cache: the same inputs give the same manifest
    manifest = {"name": "mesokg", "version": __version__}
    if built_stamp():
        manifest["built"] = built_stamp()
    manifest |= {
        "inputs_sha256": inputs_sha256(input_files()),
        "reasoner": {"name": "HermiT (owlready2)", "consistent": True},
        "validation": {"conforms": validate or None, "warnings": n_warnings},
        "graphs": {
            "ontology": GRAPH_ONTOLOGY.value,
            "curated": GRAPH_CURATED.value,
            "mappings": GRAPH_MAPPINGS.value,
            "inferred": GRAPH_INFERRED.value,
        },
        "counts": counts,
        "files": files,
    }
    write_atomic(out / "manifest.json", manifest_bytes(manifest))
    timings["total"] = time.perf_counter() - started
    return BuildResult(out, manifest, timings, cached)
