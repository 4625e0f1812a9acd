"""Tables -> curated additions: names resolved, sources and curation records made, then checked.

>>> from mesokg.curation import curate                                # doctest: +SKIP
>>> result = curate("claims.tsv", "nodes.tsv")                        # doctest: +SKIP
>>> print(result.turtle())                                            # doctest: +SKIP
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from ..errors import InputError
from . import claims as claim_mod
from . import nodes as node_mod
from .columns import CLAIM_COLUMNS, NODE_COLUMNS
from .problems import CurationFailed, Problems
from .table import read_table
from .turtle import Block, document
from .vocab import MK, MKD, RDFS, SKOS, closed_sets, local

COLUMNS = {"claims": CLAIM_COLUMNS, "nodes": NODE_COLUMNS}


def _names():
    """The shared name resolver (mesokg.query.names)."""
    from ..query import names

    return names


class Context:
    """What converting one pair of tables needs: the graph so far, the resolvers, the problems."""

    def __init__(self, background: list, now: str):
        from ..store import OxigraphStore

        self.store = OxigraphStore()
        self.store.add(background)
        self.problems = Problems()
        self.blocks: list[Block] = []
        self.by_iri: dict[str, Block] = {}
        self.new_sources: dict[str, str] = {}
        self.now = now
        self._sub: dict[str, set[str]] = {}
        self.failed_names: set[str] = set()
        self.sets = closed_sets(self.store)
        names = _names()
        self.set_index = {c: names.NameIndex(cs.rows()) for c, cs in self.sets.items()}
        rows = self.store.query("SELECT DISTINCT ?s WHERE { ?s a ?t . FILTER(isIRI(?s)) }").rows
        self.existing = {r[0].value for r in rows}
        self.ids: dict[str, str] = {}  # DOI / PMID / lower-case label -> IRI
        q = f"""SELECT ?s ?k WHERE {{ {{ ?s <{MK}doi> ?k }} UNION {{ ?s <{MK}pmid> ?k }}
            UNION {{ ?s <{RDFS}label>|<{SKOS}altLabel> ?k . FILTER(STRSTARTS(STR(?s), "{MKD}")) }} }}"""
        for s, k in self.store.query(q).rows:
            self.ids.setdefault(k.value.strip().lower(), s.value)
        self.reindex()

    def reindex(self) -> None:
        self.index = _names().build_index(self.store)

    # -- reporting ---------------------------------------------------------------------------
    def error(self, row, column, message) -> None:
        self.problems.error(row.file, message, row.row, column, row.colnum.get(column))

    @staticmethod
    def spec(kind: str, column: str) -> dict:
        return COLUMNS[kind][column]

    # -- names --------------------------------------------------------------------------------
    def pick(self, row, column, noun, required=False):
        """A value of a closed set (predicate, polarity, design, level, ...) or ``None``."""
        text = row.get(column)
        if not text:
            if required:
                self.error(row, column, f"empty: give {noun} ({self.spec_any(column)})")
            return None
        try:
            return self.set_index[column].resolve(text, what=column)
        except InputError:
            values = sorted(self.sets[column].labels.values(), key=lambda v: (len(v) > 2, v))
            close = self.set_index[column].suggestions(text)
            hint = f"did you mean {', '.join(close)}?" if close else f"use one of: {', '.join(values)}"
            self.error(row, column, f'"{text}" is not {noun}: {hint}')
            return None

    def spec_any(self, column: str) -> str:
        return (CLAIM_COLUMNS.get(column) or NODE_COLUMNS.get(column) or {}).get("help", "")

    def set_term(self, column: str, label: str) -> str:
        return next(i for i, lab in self.sets[column].labels.items() if lab == label)

    def node(self, row, column, prefer=None, required=False, text=None):
        """A node of the graph (or of nodes.tsv) named by a label, synonym, id, CURIE or IRI."""
        text = row.get(column) if text is None else text
        if not text:
            if required:
                self.error(row, column, f"empty: give {self.spec_any(column)}")
            return None
        try:
            return self.index.resolve(text, prefer=prefer, what=column)
        except InputError as e:
            norm = _names().normalise
            if norm(text) in {norm(n) for n in self.failed_names}:
                return None  # a node of nodes.tsv with its own error: reported there, once
            msg = str(e).removeprefix(f"{column}: ")
            if column in ("subject", "object", "comparator", "ingredients"):
                msg += "; if it is new, add it to nodes.tsv"
            self.error(row, column, msg)
            return None

    def label(self, iri: str) -> str:
        for cs in self.sets.values():
            if iri in cs.labels:
                return cs.labels[iri]
        b = self.by_iri.get(iri)
        if b is not None:
            return next((o.value for p, o in b.props if p == RDFS + "label"), local(iri))
        return self.index.label(iri)

    def existing_label(self, label: str) -> str | None:
        iri = self.ids.get(label.strip().lower())
        return iri if iri and iri.startswith(MKD) and not iri.startswith(MKD + "src-") else None

    def source_by_id(self, text: str) -> str | None:
        key = text.strip().lower().removeprefix("mkd:")
        if not key:
            return None
        iri = self.ids.get(key) or (MKD + key if MKD + key in self.existing else None)
        return iri if iri and self.is_a(iri, MK + "Source") else None

    def subclasses(self, cls: str) -> set[str]:
        if cls not in self._sub:
            rows = self.store.query(f"SELECT ?c WHERE {{ ?c <{RDFS}subClassOf>* <{cls}> }}").rows
            self._sub[cls] = {r[0].value for r in rows}
        return self._sub[cls]

    def is_a(self, iri: str, cls: str) -> bool:
        b = self.by_iri.get(iri)
        if b is not None:
            return any(t in self.subclasses(cls) for t in b.types)
        return bool(
            self.store.raw.query(
                f"ASK {{ <{iri}> a ?t . FILTER(?t IN ({', '.join(f'<{c}>' for c in self.subclasses(cls))})) }}",
                use_default_graph_as_union=True,
            )
        )

    def value(self, iri: str | None, pred: str) -> str | None:
        if not iri:
            return None
        b = self.by_iri.get(iri)
        if b is not None:
            return next((o.value for p, o in b.props if p == pred), None)
        rows = self.store.query(f"SELECT ?o WHERE {{ <{iri}> <{pred}> ?o }} LIMIT 1").rows
        return rows[0][0].value if rows else None

    def same_claim(self, iri, subject, predicate, obj, source) -> bool:
        return all(
            self.value(iri, MK + p) == v
            for p, v in (("subject", subject), ("predicate", predicate), ("object", obj), ("source", source))
        )

    def push(self, block: Block) -> None:
        self.blocks.append(block)
        self.by_iri[block.iri] = block


@dataclass
class Curated:
    """The additions made from the tables, and the problems found (errors and warnings)."""

    blocks: list[Block]
    problems: Problems
    files: list[str] = field(default_factory=list)

    def quads(self, graph=None) -> list:
        return [q for b in self.blocks for q in b.quads(graph)]

    def turtle(self) -> str:
        note = "Curated additions made by `mesokg curate` from " + ", ".join(Path(f).name for f in self.files)
        return document(self.blocks, note)

    @property
    def ok(self) -> bool:
        return not self.problems.errors


def curate(claims=None, nodes=None, *, background=None, now: str | None = None, check: bool = True) -> Curated:
    """Turn ``claims.tsv`` (and ``nodes.tsv``) into additions; raise :class:`CurationFailed` on errors.

    ``background``: the quads the additions join (default: ontology + seeds + mappings).
    ``now``: the curation time for rows without ``curated_on`` (default: the current UTC time).
    """
    from ..knowledge.assemble import curated_quads
    from .table import Table

    if background is None:
        background = curated_quads()
    now = now or datetime.now(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    ctx = Context(list(background), now)
    tables: dict[str, Table] = {}
    for kind, path in (("nodes", nodes), ("claims", claims)):
        if path is not None:
            tables[kind] = read_table(path, COLUMNS[kind], kind, ctx.problems, sheet=kind)
    if ctx.problems.errors:  # the header is wrong: the rows cannot be read reliably
        raise CurationFailed(ctx.problems)
    if "nodes" in tables:
        node_mod.first_pass(ctx, tables["nodes"])
        ctx.store.add([q for b in ctx.blocks for q in b.quads()])
        ctx.reindex()
        node_mod.second_pass(ctx, tables["nodes"])
    if "claims" in tables:
        claim_mod.claim_rows(ctx, tables["claims"])
    result = Curated(ctx.blocks, ctx.problems, [str(p) for p in (nodes, claims) if p is not None])
    if check and not ctx.problems.errors:
        from .check import check_additions

        check_additions(result, background)
    if result.problems.errors:
        raise CurationFailed(result.problems)
    return result
