"""KGX export: Biolink-typed nodes and edges as KGX TSV (``nodes.tsv``/``edges.tsv``) and JSON Lines.

Each claim (``mk:Claim``) becomes one edge that carries its metadata: ``negated`` (true for refuting
claims), ``has_confidence_level`` (the CEBM level), ``supporting_study_method_types`` (the design),
``publications``, ``primary_knowledge_source``, ``knowledge_level`` and ``agent_type``. A few
structural links (ingredients, sub-conditions, broader adverse events) become edges too. Only
things with a Biolink category become nodes; claims, controlled values, parameter settings and
regulatory records stay in the RDF release.

Every Biolink category, predicate and slot used here was checked against biolink-model 4.4.6
(the PyPI package, via bmt); :mod:`.biolink` validates an export against it.
"""

from __future__ import annotations

import json
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from mesokg.rdfio import MK, MKD, write_atomic

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
SKOS = "http://www.w3.org/2004/02/skos/core#"
KNOWLEDGE_SOURCE = "infores:mesokg"

# mesokg class -> Biolink categories ("|" between two); the first class a node has, in this order, decides
CATEGORIES: list[tuple[str, str]] = [
    ("Drug", "biolink:Drug"),
    ("Vitamin", "biolink:SmallMolecule"),
    ("AminoAcid", "biolink:SmallMolecule"),
    ("Enzyme", "biolink:Protein"),
    ("GrowthFactor", "biolink:Protein"),
    ("Peptide", "biolink:Polypeptide"),
    ("CellProduct", "biolink:Cell"),
    ("PlantExtract", "biolink:ComplexMolecularMixture"),
    ("AutologousProduct", "biolink:ComplexMolecularMixture"),
    ("Formulation", "biolink:ChemicalMixture"),
    ("Glycosaminoglycan", "biolink:ChemicalEntity"),
    ("Hormone", "biolink:ChemicalEntity"),
    ("Mineral", "biolink:ChemicalEntity"),
    ("GrowthFactorOrAutologousProduct", "biolink:ChemicalEntity"),
    ("Substance", "biolink:ChemicalEntity"),
    ("Device", "biolink:Device"),
    ("Procedure", "biolink:Procedure|biolink:Treatment"),  # applied to patients as a treatment
    ("Technique", "biolink:Procedure"),
    ("Mechanism", "biolink:BiologicalProcess"),
    ("Indication", "biolink:DiseaseOrPhenotypicFeature"),
    ("CosmeticIndication", "biolink:DiseaseOrPhenotypicFeature"),
    ("MedicalIndication", "biolink:DiseaseOrPhenotypicFeature"),
    ("AdverseEvent", "biolink:DiseaseOrPhenotypicFeature"),
    ("Contraindication", "biolink:DiseaseOrPhenotypicFeature"),
    ("ResearchArticle", "biolink:Article"),
    ("ReviewArticle", "biolink:Article"),
    ("BookChapter", "biolink:BookChapter"),
    ("WebArticle", "biolink:WebPage"),
    ("Source", "biolink:Publication"),
    ("Guideline", "biolink:Publication"),
    ("PositionStatement", "biolink:Publication"),
    ("RegulatoryNotice", "biolink:Publication"),
    ("SeedDocument", "biolink:Publication"),
    ("Agent", "biolink:Agent"),
    ("Person", "biolink:Agent"),
    ("Organization", "biolink:Agent"),
    ("Curator", "biolink:Agent"),
    ("Jurisdiction", "biolink:GeographicLocation"),
    ("HistoricalEvent", "biolink:Event"),
]

# (claim predicate, polarity) -> (Biolink predicate, negated); polarity None = any other polarity.
# A refuting claim flips ``negated``: "evidence refutes that X causes Y" is ``has_adverse_event``, negated.
CLAIM_PREDICATES: dict[tuple[str, str | None], tuple[str, bool]] = {
    ("effectiveFor", None): ("biolink:ameliorates_condition", False),
    ("effectiveFor", "Mixed"): ("biolink:studied_to_treat", False),
    ("effectiveFor", "Insufficient"): ("biolink:studied_to_treat", False),
    ("notEffectiveFor", None): ("biolink:ameliorates_condition", True),
    ("usedFor", None): ("biolink:applied_to_treat", False),
    ("causesAdverseEvent", None): ("biolink:has_adverse_event", False),
    ("contraindicatedIn", None): ("biolink:contraindicated_in", False),
    ("actsByMechanism", None): ("biolink:affects", False),
    ("combinedWith", None): ("biolink:related_to", False),
}

# plain links exported as edges: RDF predicate -> Biolink predicate
LINKS = {
    MK + "hasIngredient": "biolink:has_part",
    MK + "subConditionOf": "biolink:subclass_of",
    SKOS + "broader": "biolink:subclass_of",
    MK + "variantOf": "biolink:related_to",
}

NODE_COLUMNS = ["id", "category", "name", "description", "synonym", "xref", "iri", "provided_by"]
EDGE_COLUMNS = [
    "id",
    "subject",
    "predicate",
    "object",
    "category",
    "negated",
    "knowledge_level",
    "agent_type",
    "primary_knowledge_source",
    "publications",
    "has_confidence_level",
    "supporting_study_method_types",
    "supporting_study_size",
    "description",
    "mesokg_polarity",
    "mesokg_certainty",
]
# columns that are not Biolink slots (KGX keeps extra properties as they are)
EXTENSION_COLUMNS = {"mesokg_polarity", "mesokg_certainty"}
MULTIVALUED = {"category", "synonym", "xref", "provided_by", "publications", "supporting_study_method_types"}


@dataclass
class KgxGraph:
    nodes: list[dict] = field(default_factory=list)
    edges: list[dict] = field(default_factory=list)
    skipped_claims: list[str] = field(default_factory=list)


def _curie(iri: str, prefixes: dict[str, str]) -> str:
    for prefix, ns in sorted(prefixes.items(), key=lambda kv: -len(kv[1])):
        if iri.startswith(ns):
            return f"{prefix}:{iri[len(ns) :]}"
    return iri


def _local(iri: str) -> str:
    return iri[len(MK) :] if iri.startswith(MK) else iri


def external_prefixes() -> dict[str, str]:
    """CURIE prefixes for external identifiers, from the SSSOM table's curie_map (plus mesokg's own)."""
    from mesokg import paths

    prefixes = {"mk": MK, "mkd": MKD}
    path = paths.mappings_file()
    if path.is_file():
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.startswith("#"):
                break
            parts = line[1:].strip().split(": ", 1)
            if len(parts) == 2 and parts[1].startswith("http") and not parts[0].startswith(("mapping", "license")):
                prefixes.setdefault(parts[0], parts[1])
    return prefixes


def build_kgx(quads: list[ox.Quad]) -> KgxGraph:
    """Nodes and edges (KGX dictionaries, sorted by id) from curated + inferred quads."""
    prefixes = external_prefixes()
    spo: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for q in quads:
        if isinstance(q.subject, ox.NamedNode):
            spo[q.subject.value][q.predicate.value].append(q.object)

    def values(s: str, p: str) -> list[str]:
        return sorted({o.value for o in spo.get(s, {}).get(p, [])})

    def first(s: str, p: str) -> str | None:
        v = values(s, p)
        return v[0] if v else None

    nodes: dict[str, dict] = {}
    for s in sorted(spo):
        if not s.startswith(MKD):
            continue
        types = {_local(t) for t in values(s, RDF_TYPE)}
        category = next((cat for cls, cat in CATEGORIES if cls in types), None)
        if category is None:
            continue
        xrefs = {_curie(o, prefixes) for p in ("exactMatch", "closeMatch") for o in values(s, SKOS + p)}
        nodes[s] = {
            "id": _curie(s, prefixes),
            "category": category.split("|"),
            "name": first(s, RDFS_LABEL) or s[len(MKD) :],
            "description": first(s, SKOS + "definition"),
            "synonym": values(s, SKOS + "altLabel"),
            "xref": sorted(xrefs),
            "iri": s,
            "provided_by": [KNOWLEDGE_SOURCE],
        }

    def publication(src: str) -> str:
        pmid, doi = first(src, MK + "pmid"), first(src, MK + "doi")
        return f"PMID:{pmid}" if pmid else f"doi:{doi}" if doi else _curie(src, prefixes)

    graph = KgxGraph()
    for s in sorted(spo):
        if MK + "Claim" not in values(s, RDF_TYPE):
            continue
        subj, pred, obj = first(s, MK + "subject"), first(s, MK + "predicate"), first(s, MK + "object")
        polarity = _local(first(s, MK + "polarity") or "")
        key = _local(pred or "")
        mapped = CLAIM_PREDICATES.get((key, polarity)) or CLAIM_PREDICATES.get((key, None))
        if not mapped or subj not in nodes or obj not in nodes:
            graph.skipped_claims.append(s)
            continue
        level, size = first(s, MK + "evidenceLevel"), first(s, MK + "sampleSize")
        design = first(s, MK + "statedDesign") or first(s, MK + "studyDesign")  # stated design (issue 9)
        graph.edges.append(
            {
                "id": _curie(s, prefixes),
                "subject": nodes[subj]["id"],
                "predicate": mapped[0],
                "object": nodes[obj]["id"],
                "category": ["biolink:Association"],
                "negated": mapped[1] != (polarity == "Refutes"),
                "knowledge_level": "knowledge_assertion",
                "agent_type": "manual_agent",
                "primary_knowledge_source": KNOWLEDGE_SOURCE,
                "publications": sorted({publication(src) for src in values(s, MK + "source")}),
                "has_confidence_level": _curie(level, prefixes) if level else None,
                "supporting_study_method_types": [_curie(design, prefixes)] if design else [],
                "supporting_study_size": int(size) if size and size.isdigit() else None,
                "description": first(s, MK + "summary"),
                "mesokg_polarity": polarity.lower() or None,
                "mesokg_certainty": _local(first(s, MK + "certainty") or "") or None,
            }
        )
    for s in sorted(nodes):
        for p, biolink in LINKS.items():
            for o in values(s, p):
                if o in nodes:
                    sid, oid = nodes[s]["id"], nodes[o]["id"]
                    graph.edges.append(
                        {
                            "id": "urn:uuid:" + str(uuid.uuid5(uuid.NAMESPACE_URL, f"{s} {p} {o}")),
                            "subject": sid,
                            "predicate": biolink,
                            "object": oid,
                            "category": ["biolink:Association"],
                            "negated": False,
                            "knowledge_level": "knowledge_assertion",
                            "agent_type": "manual_agent",
                            "primary_knowledge_source": KNOWLEDGE_SOURCE,
                        }
                    )
    graph.nodes = [nodes[k] for k in sorted(nodes, key=lambda k: nodes[k]["id"])]
    graph.edges.sort(key=lambda e: e["id"])
    return graph


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, list):
        return "|".join(_cell(v) for v in value)
    return " ".join(str(value).split())  # no tabs or newlines inside a cell


def to_tsv(rows: list[dict], columns: list[str]) -> bytes:
    lines = ["\t".join(columns)] + ["\t".join(_cell(r.get(c)) for c in columns) for r in rows]
    return ("\n".join(lines) + "\n").encode()


def to_jsonl(rows: list[dict], columns: list[str]) -> bytes:
    out = []
    for r in rows:
        obj = {c: r[c] for c in columns if r.get(c) not in (None, [], "")}
        out.append(json.dumps(obj, ensure_ascii=False))
    return ("\n".join(out) + "\n").encode()


def write_kgx(graph: KgxGraph, out: str | Path) -> dict[str, int]:
    """Write ``nodes.tsv``, ``edges.tsv``, ``nodes.jsonl``, ``edges.jsonl`` into ``out``, and the
    neo4j-admin import pair into ``out/neo4j/``; return counts."""
    from mesokg.errors import MesokgError

    out = Path(out)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise MesokgError(f"{out}: cannot create the output folder ({e.strerror})") from None
    write_atomic(out / "nodes.tsv", to_tsv(graph.nodes, NODE_COLUMNS))
    write_atomic(out / "edges.tsv", to_tsv(graph.edges, EDGE_COLUMNS))
    write_atomic(out / "nodes.jsonl", to_jsonl(graph.nodes, NODE_COLUMNS))
    write_atomic(out / "edges.jsonl", to_jsonl(graph.edges, EDGE_COLUMNS))
    write_neo4j(graph, out / "neo4j")
    return {"nodes": len(graph.nodes), "edges": len(graph.edges), "skipped_claims": len(graph.skipped_claims)}


# neo4j-admin import: header names carry the column roles and types
NEO4J_NODES = [("id", "id:ID"), ("name", "name"), ("category", ":LABEL"), ("description", "description")]
NEO4J_NODES += [("xref", "xref:string[]"), ("iri", "iri")]
NEO4J_EDGE_TYPES = {"negated": "boolean", "supporting_study_size": "int"}
NEO4J_ARRAYS = {"publications", "supporting_study_method_types", "category"}


def _neo4j_cell(value, strip_prefix: bool = False) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ";".join(v.split(":", 1)[-1] if strip_prefix else str(v) for v in value)
    return " ".join(str(value).split())


def write_neo4j(graph: KgxGraph, out: str | Path) -> None:
    """``nodes.csv`` and ``relationships.csv`` for ``neo4j-admin database import full`` (labels and
    relationship types are the Biolink names without the ``biolink:`` prefix)."""
    import csv
    import io

    def csv_bytes(header: list[str], rows: list[list[str]]) -> bytes:
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)
        return buf.getvalue().encode()

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    nodes = [[_neo4j_cell(n.get(k), strip_prefix=k == "category") for k, _ in NEO4J_NODES] for n in graph.nodes]
    write_atomic(out / "nodes.csv", csv_bytes([h for _, h in NEO4J_NODES], nodes))
    props = [c for c in EDGE_COLUMNS if c not in ("subject", "predicate", "object")]
    header = [":START_ID", ":END_ID", ":TYPE"] + [
        f"{c}:{NEO4J_EDGE_TYPES[c]}" if c in NEO4J_EDGE_TYPES else f"{c}:string[]" if c in NEO4J_ARRAYS else c
        for c in props
    ]
    rows = [
        [e["subject"], e["object"], e["predicate"].split(":", 1)[1]] + [_neo4j_cell(e.get(c)) for c in props]
        for e in graph.edges
    ]
    write_atomic(out / "relationships.csv", csv_bytes(header, rows))
