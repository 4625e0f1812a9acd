"""The closed value sets of the templates (pick-lists), read from the ontology, and the grading rubric.

Every set maps the ontology term to the names a curator may type: its label, its notation
(``1b``), its local name (``RandomizedControlledTrial``) and a few common abbreviations. The
rubric is the one of ``seeds/README.md`` (Grading): the best CEBM level each design can support.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

MK = "https://w3id.org/mesokg/"
MKD = "https://w3id.org/mesokg/id/"
PROV = "http://www.w3.org/ns/prov#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
XSD = "http://www.w3.org/2001/XMLSchema#"
OWL = "http://www.w3.org/2002/07/owl#"

LEVEL_RANK = {n: i + 1 for i, n in enumerate(["1a", "1b", "1c", "2a", "2b", "2c", "3a", "3b", "4", "5"])}

# design -> the kind of publication a new source of that design is
SOURCE_TYPE: dict[str, str] = {
    "SystematicReviewOfRCTs": "ReviewArticle",
    "MetaAnalysisOfRCTs": "ReviewArticle",
    "SystematicReview": "ReviewArticle",
    "NarrativeReview": "ReviewArticle",
    "ExpertOpinion": "ReviewArticle",
    "ConsensusGuideline": "Guideline",
    "RegulatoryDocument": "RegulatoryNotice",
    "MarketReport": "WebArticle",
}

# extra names curators use (normalised comparison is done by the resolver)
EXTRA_NAMES: dict[str, tuple[str, ...]] = {
    "RandomizedControlledTrial": ("RCT", "randomized controlled trial", "randomised trial", "randomized trial"),
    "ControlledClinicalTrial": ("CCT", "non-randomised controlled trial", "non-randomized controlled trial"),
    "SystematicReviewOfRCTs": ("systematic review of RCTs", "systematic review of randomized trials"),
    "MetaAnalysisOfRCTs": ("meta-analysis", "meta analysis", "meta-analysis of RCTs"),
    "CohortStudy": ("cohort study", "uncontrolled study", "open-label study"),
    "CaseControlStudy": ("case control study",),
    "NarrativeReview": ("review",),
    "ConsensusGuideline": ("guideline", "consensus"),
    "effectiveFor": ("effective", "efficacy", "works for"),
    "usedFor": ("used", "use"),
    "causesAdverseEvent": ("causes", "adverse event", "side effect"),
    "actsByMechanism": ("mechanism", "acts by"),
    "contraindicatedIn": ("contraindicated", "contraindication"),
    "combinedWith": ("combined", "combination"),
    "Supports": ("support", "yes", "positive", "+"),
    "Refutes": ("refute", "no", "negative", "-"),
    "CertaintyVeryLow": ("very low",),
    "CertaintyLow": ("low",),
    "CertaintyModerate": ("moderate",),
    "CertaintyHigh": ("high",),
}

# column -> (SPARQL selecting ?term ?name of the closed set, class preferred when resolving)
_SETS = {
    "predicate": f"""SELECT ?term ?name WHERE {{ ?term <{RDFS}subPropertyOf> <{MK}claimRelation> ;
        <{RDFS}label> ?name . FILTER(?term != <{MK}notEffectiveFor>) }}""",
    "polarity": f"SELECT ?term ?name WHERE {{ ?term a <{MK}Polarity> ; <{RDFS}label> ?name }}",
    "level": f"""SELECT ?term ?name WHERE {{ ?term a <{MK}EvidenceLevel> .
        {{ ?term <{RDFS}label> ?name }} UNION {{ ?term <{SKOS}notation> ?name }} }}""",
    "design": f"SELECT ?term ?name WHERE {{ ?term a <{MK}StudyDesign> ; <{RDFS}label> ?name }}",
    "certainty": f"SELECT ?term ?name WHERE {{ ?term a <{MK}CertaintyOfEvidence> ; <{RDFS}label> ?name }}",
    "route": f"SELECT ?term ?name WHERE {{ ?term a <{MK}Route> ; <{RDFS}label> ?name }}",
    "area": f"SELECT ?term ?name WHERE {{ ?term a <{MK}IndicationArea> ; <{RDFS}label> ?name }}",
    "type": f"""SELECT ?term ?name WHERE {{
        {{ ?term <{RDFS}subClassOf> <{MK}Substance> }} UNION {{ ?term <{RDFS}subClassOf> <{MK}Indication> }}
        UNION {{ VALUES ?term {{ <{MK}AdverseEvent> <{MK}Contraindication> <{MK}Mechanism> }} }}
        ?term <{RDFS}label> ?name . FILTER(?term != <{MK}Indication>) }}""",
}


def local(iri: str) -> str:
    for ns in (MKD, MK):
        if iri.startswith(ns):
            return iri[len(ns) :]
    return iri.rsplit("/", 1)[-1].rsplit("#", 1)[-1]


@dataclass
class ClosedSet:
    """One pick-list: the terms, their display names (first label) and every accepted name."""

    column: str
    labels: dict[str, str] = field(default_factory=dict)  # IRI -> label shown in pick-lists
    names: dict[str, set[str]] = field(default_factory=dict)  # IRI -> accepted names

    def rows(self):
        """(iri, name, kind, types) rows for the shared name resolver."""
        for iri, names in self.names.items():
            yield iri, self.labels[iri], "label", ()
            for n in sorted(names - {self.labels[iri]}):
                yield iri, n, "synonym", ()


def closed_sets(store) -> dict[str, ClosedSet]:
    """Read the pick-lists from ``store`` (a mesokg store holding the ontology)."""
    out: dict[str, ClosedSet] = {}
    for column, q in _SETS.items():
        cs = ClosedSet(column)
        for term, name in sorted(store.query(q).rows, key=lambda r: (r[0].value, r[1].value)):
            iri, text = term.value, name.value
            names = cs.names.setdefault(iri, set())
            names.add(text)
            if iri not in cs.labels or (column == "level" and len(text) <= 2):
                cs.labels[iri] = text  # levels are shown by their notation: 1b
            names.update(EXTRA_NAMES.get(local(iri), ()))
            names.add(local(iri))
        out[column] = cs
    return out


@functools.cache
def rubric() -> dict[str, str]:
    """Design (local name) -> the best CEBM notation it supports, read from the ontology's
    ``mk:bestLevelAllowed`` statements: the same rubric ``mks:GradeAboveDesignShape`` enforces."""
    import pyoxigraph as ox

    from mesokg import paths

    pred = ox.NamedNode("https://w3id.org/mesokg/bestLevelAllowed")
    out = {}
    for t in ox.parse(path=str(paths.ontology_file()), format=ox.RdfFormat.TURTLE):
        if t.predicate == pred:
            out[local(t.subject.value)] = local(t.object.value).removeprefix("CEBM_")
    return out


def best_level(design_iri: str) -> str | None:
    """The best CEBM notation ``design_iri`` supports by the rubric, e.g. ``"1b"`` for an RCT."""
    return rubric().get(local(design_iri))
