"""OWL reasoning with HermiT (through owlready2): consistency, classification, realisation.

The inferred triples are returned separately from the curated ones, so the built dataset keeps
them in their own named graph and a user can tell the two apart.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from mesokg.errors import MesokgError

OWL = "http://www.w3.org/2002/07/owl#"
XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


_NON_OWL2 = {
    "date",
    "time",
    "gYear",
    "gYearMonth",
    "gMonth",
    "gMonthDay",
    "gDay",
    "duration",
    "dayTimeDuration",
    "yearMonthDuration",
}


def _outside_owl2_map(o) -> bool:
    if isinstance(o, ox.Literal):
        return o.datatype.value.startswith(XSD) and o.datatype.value[len(XSD) :] in _NON_OWL2
    return isinstance(o, ox.NamedNode) and o.value.startswith(XSD) and o.value[len(XSD) :] in _NON_OWL2


# Human-readable text (labels, definitions, summaries, bibliographic strings) and annotation links
# carry no logic; leaving them out halves what HermiT must parse. Their form is checked by SHACL.
_TEXT_PREDICATES = (
    "http://www.w3.org/2000/01/rdf-schema#label",
    "http://www.w3.org/2000/01/rdf-schema#comment",
    "http://www.w3.org/2000/01/rdf-schema#seeAlso",
    "http://www.w3.org/2004/02/skos/core#",
    "http://purl.org/dc/terms/",
    "https://w3id.org/mesokg/summary",
    "https://w3id.org/mesokg/onset",
    "https://w3id.org/mesokg/effectMeasure",
    "https://w3id.org/mesokg/authors",
    "https://w3id.org/mesokg/venue",
    "https://w3id.org/mesokg/doi",
    "https://w3id.org/mesokg/pmid",
    "https://w3id.org/mesokg/seedFile",
    "https://w3id.org/mesokg/predicate",
    "https://w3id.org/mesokg/negatedBy",
)


def _text_only(t) -> bool:
    s, p, o = t
    if not p.value.startswith(_TEXT_PREDICATES):
        return False
    # keep the declarations of these properties themselves (subject is the property)
    return not (isinstance(o, ox.NamedNode) and o.value.startswith(OWL))


class InconsistentOntology(MesokgError):
    """The ontology plus data has no model, or some named class can have no instance."""


@dataclass
class ReasonerResult:
    consistent: bool
    unsatisfiable: list[str] = field(default_factory=list)
    inferred: list[ox.Triple] = field(default_factory=list)
    seconds: float = 0.0

    def summary(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for t in self.inferred:
            key = "rdf:type" if t.predicate.value == RDF_TYPE else t.predicate.value.rsplit("/", 1)[-1]
            out[key] = out.get(key, 0) + 1
        return out


def _java() -> str:
    java = shutil.which("java")
    if not java:
        raise MesokgError("java not found: HermiT needs Java 17+ (apt-get install default-jre-headless)")
    return java


_NUMERIC = {
    "integer",
    "decimal",
    "double",
    "float",
    "int",
    "long",
    "short",
    "byte",
    "nonNegativeInteger",
    "positiveInteger",
    "nonPositiveInteger",
    "negativeInteger",
    "unsignedInt",
    "unsignedLong",
    "unsignedShort",
    "unsignedByte",
}


def value_key(term):
    """A term for comparing by value: numbers as numbers ("1.0" and "1" are one value), booleans as
    booleans; anything else as itself."""
    if isinstance(term, ox.Literal) and term.datatype.value.startswith(XSD):
        local = term.datatype.value[len(XSD) :]
        if local in _NUMERIC:
            from decimal import Decimal, InvalidOperation

            try:
                return ("number", Decimal(term.value.strip()))
            except InvalidOperation:
                return term
        if local == "boolean":
            return ("boolean", term.value.strip() in ("true", "1"))
    return term


def heap_mb() -> int | None:
    """HermiT's Java heap in MiB: ``MESOKG_HERMIT_HEAP_MB`` if set (owlready2 caps it at 2000 otherwise)."""
    raw = os.environ.get("MESOKG_HERMIT_HEAP_MB", "").strip()
    if not raw:
        return None
    if not raw.isdigit() or int(raw) < 64:
        raise MesokgError(f"MESOKG_HERMIT_HEAP_MB={raw!r}: give a whole number of MiB, at least 64 (e.g. 8000)")
    return int(raw)


RULES_ABOVE = 50_000  # statements: above this, HermiT reasons on the ontology only (see rules.py)


def reason(triples: list[ox.Triple | ox.Quad], engine: str | None = None) -> ReasonerResult:
    """Run HermiT on the given triples; return what it inferred that was not asserted.

    Raises :class:`InconsistentOntology` naming the problem when the graph is inconsistent or a
    class is unsatisfiable. Inferred statements equal by value to asserted ones (``1.0`` and
    ``1``) are not returned.

    ``engine``: "hermit" (HermiT on everything), "rules" (HermiT on the ontology, the defined
    classes as queries on the data: :mod:`mesokg.knowledge.rules`) or "auto" (rules above
    ``RULES_ABOVE`` statements); default ``MESOKG_REASONER`` or "auto".
    """
    import time

    engine = (engine or os.environ.get("MESOKG_REASONER") or "auto").lower()
    if engine not in ("auto", "hermit", "rules"):
        raise MesokgError(f"MESOKG_REASONER={engine!r}: use hermit, rules or auto")
    if engine == "rules" or (engine == "auto" and len(triples) > RULES_ABOVE):
        from mesokg.knowledge import rules

        try:
            inferred, seconds = rules.reason_by_rules(
                triples, lambda tbox: reason(tbox, engine="hermit"), InconsistentOntology
            )
            return ReasonerResult(True, [], inferred, seconds)
        except rules.Unsupported:
            pass  # the ontology needs HermiT on everything

    import owlready2
    import owlready2.reasoning

    t0 = time.perf_counter()
    owlready2.JAVA_EXE = _java()
    heap = heap_mb()
    if heap:
        owlready2.reasoning.JAVA_MEMORY = heap
    asserted = {(t.subject, t.predicate, t.object) for t in triples}
    asserted_values = {(s, p, value_key(o)) for s, p, o in asserted}
    # HermiT accepts only the OWL 2 datatype map; xsd:date values (publication dates) carry no
    # logic here, so they are left out of what the reasoner sees.
    plain = [ox.Triple(*k) for k in asserted if not _outside_owl2_map(k[2]) and not _text_only(k)]
    with tempfile.TemporaryDirectory(prefix="mesokg-reason-") as tmp:
        src = Path(tmp, "input.nt")
        src.write_bytes(ox.serialize(plain, format=ox.RdfFormat.N_TRIPLES))
        world = owlready2.World()
        onto = world.get_ontology(src.as_uri()).load(format="ntriples")
        logging.getLogger("owlready2").setLevel(logging.ERROR)
        # HermiT runs for seconds, not hours: a JVM with only the quick JIT tier and a serial GC
        # starts and finishes sooner on a small machine. A user's own JAVA_TOOL_OPTIONS wins.
        saved_opts = os.environ.get("JAVA_TOOL_OPTIONS")
        if saved_opts is None:
            os.environ["JAVA_TOOL_OPTIONS"] = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC"
        try:
            with onto:
                owlready2.sync_reasoner_hermit(world, infer_property_values=True, debug=0)
        except owlready2.OwlReadyInconsistentOntologyError:
            from mesokg.knowledge.diagnose import explain

            causes = explain(triples)
            detail = (
                "; ".join(causes[:10]) + (f"; … {len(causes) - 10} more" if len(causes) > 10 else "")
                if causes
                else "no simple cause found: look for an individual in two disjoint classes, "
                "or a value outside an enumerated class"
            )
            raise InconsistentOntology(f"the graph is inconsistent under HermiT: {detail}") from None
        except owlready2.OwlReadyJavaError as e:
            lines = [ln.strip() for ln in str(e).splitlines() if "Exception" in ln or "Error" in ln]
            raise MesokgError("HermiT failed: " + " | ".join(lines)[:400]) from None
        finally:
            _restore(saved_opts)
        unsat = sorted(c.iri for c in world.inconsistent_classes() if c.iri != OWL + "Nothing")
        if unsat:
            raise InconsistentOntology("unsatisfiable class(es): " + ", ".join(unsat))
        out = Path(tmp, "all.nt")
        world.save(str(out), format="ntriples")
        everything = ox.parse(path=str(out), format=ox.RdfFormat.N_TRIPLES)
        inferred = []
        for t in everything:
            key = (t.subject, t.predicate, t.object)
            if (
                key in asserted
                or (t.subject, t.predicate, value_key(t.object)) in asserted_values
                or isinstance(t.subject, ox.BlankNode)
                or isinstance(t.object, ox.BlankNode)
                or t.subject.value == "http://anonymous"
            ):
                continue
            if t.predicate.value == RDF_TYPE and t.object.value in (OWL + "NamedIndividual", OWL + "Thing"):
                continue
            if t.predicate.value.startswith(OWL) and t.predicate.value != OWL + "sameAs":
                continue
            inferred.append(ox.Triple(*key))
        world.close()
    return ReasonerResult(True, [], inferred, time.perf_counter() - t0)


def _restore(saved_opts: str | None) -> None:
    if saved_opts is None:
        os.environ.pop("JAVA_TOOL_OPTIONS", None)
    else:
        os.environ["JAVA_TOOL_OPTIONS"] = saved_opts
