"""``nodes.tsv``: new substances, indications, adverse events ... as nodes of the graph."""

from __future__ import annotations

import re

import pyoxigraph as ox

from .turtle import Block
from .vocab import MK, MKD, RDFS, SKOS, local

SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
# external identifier CURIE prefix -> IRI namespace (as mks:ExternalMatchShape accepts them)
EXTERNAL = {
    "MESH": "http://id.nlm.nih.gov/mesh/",
    **{
        p: f"http://purl.obolibrary.org/obo/{p}_"
        for p in ("CHEBI", "MONDO", "HP", "OBI", "OAE", "UBERON", "GO", "DOID", "MAXO", "NCIT", "DRON")
    },
}
# type -> seeds/ file it is written to by --into
TOPIC = {"Indication": "indications.ttl", "AdverseEvent": "safety.ttl", "Contraindication": "safety.ttl"}


def slug(text: str) -> str:
    s = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return s or "node"


def lang(text: str) -> ox.Literal:
    return ox.Literal(text, language="en")


def split_list(text: str) -> list[str]:
    return [t.strip() for t in re.split(r"[;|]", text) if t.strip()]


def first_pass(ctx, table) -> None:
    """Each row becomes a node with its type, label, definition and synonyms. The names of a row
    that has an error are remembered, so claims naming that node report nothing more."""
    for row in table.rows:
        before = len(ctx.problems.errors)
        _node_row(ctx, table, row)
        if len(ctx.problems.errors) > before:
            ctx.failed_names.update(n for n in (row.get("label"), row.get("id"), *split_list(row.get("synonyms"))) if n)


def _node_row(ctx, table, row) -> None:
    label, definition = row.get("label"), row.get("definition")
    type_iri = ctx.pick(row, "type", "a node type", required=True)
    for col, val in (("label", label), ("definition", definition)):
        if not val:
            ctx.error(row, col, f"empty: {ctx.spec(table.kind, col)['help']}")
    if not label:
        return
    nid = row.get("id") or slug(label)
    if nid.startswith("mkd:"):
        nid = nid[4:]
    if not SLUG.match(nid):
        ctx.error(row, "id", f'"{nid}" is not a lower-case hyphenated id: use "{slug(nid)}"')
        return
    iri = MKD + nid
    if iri in ctx.existing:
        ctx.error(
            row,
            "id",
            f"mkd:{nid} is already in the graph ({ctx.label(iri)}): use it in claims.tsv and delete this row",
        )
        return
    same = ctx.existing_label(label)
    if same:
        ctx.error(
            row,
            "label",
            f'"{label}" is already the label or a synonym of mkd:{local(same)}: use that '
            "node and delete this row (or make the label tell them apart)",
        )
        return
    if iri in ctx.by_iri:
        ctx.error(row, "id", f"mkd:{nid} is defined twice in this table: keep one row")
        return
    b = Block(iri, "node", row)
    if type_iri:
        b.types.append(type_iri)
        kind = "Indication" if type_iri in ctx.subclasses(MK + "Indication") else local(type_iri)
        b.topic = TOPIC.get(kind, "substances.ttl")
    b.add(RDFS + "label", lang(label))
    for syn in split_list(row.get("synonyms")):
        b.add(SKOS + "altLabel", lang(syn))
    if definition:
        b.add(SKOS + "definition", lang(definition))
    ctx.push(b)


def second_pass(ctx, table) -> None:
    """Links that may point to nodes of the same table: parent, area, ingredients, external ids."""
    for b in [b for b in ctx.blocks if b.kind == "node"]:
        row = b.origin
        is_indication = any(t in ctx.subclasses(MK + "Indication") for t in b.types)
        parent = None
        if row.get("parent"):
            if not is_indication:
                ctx.error(row, "parent", "only indications have a parent (the broader indication): leave it empty")
            else:
                parent = ctx.node(row, "parent", MK + "Indication")
                b.add(MK + "subConditionOf", ox.NamedNode(parent) if parent else None)
        area = ctx.pick(row, "area", "an indication area") if row.get("area") else None
        if is_indication:
            area = area or (ctx.value(parent, MK + "inArea") if parent else None)
            if not area:
                ctx.error(
                    row,
                    "area",
                    "an indication needs its area (hair, skin quality and ageing, ...; mkd:area-other if none fits)",
                )
            b.add(MK + "inArea", ox.NamedNode(area) if area else None)
        elif area:
            ctx.error(row, "area", "only indications have an area: leave it empty")
        ingredients = split_list(row.get("ingredients"))
        if ingredients and MK + "Formulation" not in b.types:
            ctx.error(row, "ingredients", "only a formulation has ingredients: type it formulation or leave it empty")
        elif ingredients:
            for name in ingredients:
                ing = ctx.node(row, "ingredients", MK + "Substance", text=name)
                b.add(MK + "hasIngredient", ox.NamedNode(ing) if ing else None)
        for curie in split_list(row.get("external_ids")):
            pfx, _, acc = curie.partition(":")
            ns = EXTERNAL.get(pfx.upper())
            ok = ns and (re.fullmatch(r"[DCQ]\d{6,9}", acc) if pfx.upper() == "MESH" else re.fullmatch(r"C?\d+", acc))
            if not ok:
                ctx.error(
                    row,
                    "external_ids",
                    f'"{curie}" is not a MeSH or OBO identifier like MESH:D012345 or '
                    "CHEBI:1234: fix it, or leave it out if unsure",
                )
                continue
            b.add(SKOS + "exactMatch", ox.NamedNode(ns + acc))
