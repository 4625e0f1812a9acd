"""The columns of the two templates: what each holds, whether it is required, an example value.

The example values describe a fictional trial (EXAMPLE in its title, the test DOI prefix
10.5555, a nine-digit PubMed id no paper has, ORCID's documented example iD); they are for the
templates and tests only and never belong in ``seeds/``.
"""

from __future__ import annotations

# name -> spec: help (shown in templates and errors), required (a value in every row),
# required_column (must be in the header), pick (closed set offered as a drop-down), example
CLAIM_COLUMNS: dict[str, dict] = {
    "subject": dict(
        help="the substance, formulation, procedure or technique: a label, synonym or id",
        required=True,
        required_column=True,
        example="typical hair mesotherapy cocktail",
    ),
    "predicate": dict(
        help="the relation: effective for, used for, causes adverse event, acts by mechanism, "
        "contraindicated in, combined with",
        required=True,
        required_column=True,
        pick="predicate",
        example="effective for",
    ),
    "object": dict(
        help="the indication, adverse event, mechanism, contraindication or co-treatment",
        required=True,
        required_column=True,
        example="androgenetic alopecia",
    ),
    "polarity": dict(
        help="supports, refutes, mixed or insufficient",
        required=True,
        required_column=True,
        pick="polarity",
        example="supports",
    ),
    "design": dict(
        help="the study design of the source (randomised controlled trial, case report, ...)",
        required=True,
        required_column=True,
        pick="design",
        example="randomised controlled trial",
    ),
    "level": dict(
        help="CEBM level (1a ... 5); leave empty to derive it from the design by the rubric", pick="level", example=""
    ),
    "sample_size": dict(help="number of participants, a whole number", example="40"),
    "studies": dict(help="number of studies pooled (reviews), a whole number", example=""),
    "effect_size": dict(help="a plain decimal number; needs effect_measure", example=""),
    "effect_measure": dict(help="what effect_size measures, on which scale", example=""),
    "certainty": dict(
        help="GRADE certainty where the source judges it: high, moderate, low, very low", pick="certainty", example=""
    ),
    "comparator": dict(
        help="what the subject was compared with: a label or id (add new ones in nodes.tsv)", example="saline"
    ),
    "route": dict(
        help="how the subject was given: intradermal, subcutaneous, ...", pick="route", example="intradermal"
    ),
    "source": dict(
        help="a source already in the graph (id like src-amin-2006, DOI or PMID); else fill the source_* columns",
        example="",
    ),
    "source_title": dict(
        help="title of the paper",
        example="EXAMPLE ONLY: a fictional randomised trial of a hair mesotherapy cocktail against saline injections",
    ),
    "source_authors": dict(help="authors as listed, family name first: Doe J, Roe R", example="Example A, Sample B"),
    "source_year": dict(help="year of publication", example="2020"),
    "source_venue": dict(help="journal, volume and pages", example="Journal of Example Records 2020;1(1):1-9"),
    "doi": dict(help="DOI without https://doi.org/ (syntax checked)", example="10.5555/example.2020.0001"),
    "pmid": dict(help="PubMed id, digits only", example="999999901"),
    "read_from": dict(
        help="what you read it in: empty or paper (the source itself), a seed document "
        "(seed-003) or a review in the graph (its id)",
        example="paper",
    ),
    "curator": dict(
        help="your name and/or ORCID iD: Jane Doe (0000-0002-1825-0097)",
        required=True,
        required_column=True,
        example="Example Curator (0000-0002-1825-0097)",
    ),
    "curated_on": dict(help="date of curation, YYYY-MM-DD (default: now)", example="2026-12-02"),
    "summary": dict(
        help="what the source found, in your own words (never a copied sentence)",
        required=True,
        required_column=True,
        example="Example only: in a fictional randomised trial of 40 people "
        "with pattern hair loss, scalp injections of a hair cocktail regrew more hair than saline "
        "injections.",
    ),
}

NODE_COLUMNS: dict[str, dict] = {
    "id": dict(help="short id, lower-case-hyphenated (default: made from the label)", example="saline"),
    "type": dict(
        help="drug, vitamin, mineral, plant extract, formulation, cosmetic indication, medical "
        "indication, adverse event, contraindication, mechanism, ...",
        required=True,
        required_column=True,
        pick="type",
        example="mineral",
    ),
    "label": dict(
        help="the one name, lower case unless a proper name", required=True, required_column=True, example="saline"
    ),
    "definition": dict(
        help="one sentence in your own words",
        required=True,
        required_column=True,
        example="A sterile solution of sodium chloride in water at the strength of body fluids, "
        "injected as an inactive control in trials.",
    ),
    "synonyms": dict(help="other names, separated by ;", example="normal saline; physiological saline"),
    "parent": dict(help="indications: the broader indication (label or id)", example=""),
    "area": dict(
        help="indications: the area (hair, skin quality and ageing, ...); default: the parent's",
        pick="area",
        example="",
    ),
    "ingredients": dict(help="formulations: the ingredients (labels or ids), separated by ;", example=""),
    "external_ids": dict(
        help="checked identifiers only: MESH:D012345, CHEBI:1234, MONDO:0005000 (; between)", example=""
    ),
}
