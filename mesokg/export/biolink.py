"""Validate a KGX export against the Biolink Model with bmt, offline.

bmt's ``Toolkit()`` downloads the model by default; here it reads the ``biolink_model.yaml`` that the
``biolink-model`` PyPI package ships, so validation needs no network. (The ``kgx`` library itself
fetches the model and a JSON-LD context over the network when imported or when a Validator is made,
so it cannot validate offline; see README.)
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from mesokg.errors import MesokgError


@lru_cache(maxsize=1)
def toolkit():
    """A bmt Toolkit over the Biolink Model schema of the installed ``biolink-model`` package."""
    try:
        import biolink_model
        import bmt
    except ImportError as e:
        raise MesokgError(
            f"Biolink validation needs bmt and biolink-model (pip install bmt biolink-model): {e}"
        ) from None
    base = Path(biolink_model.__path__[0])
    schema = base / "schema" / "biolink_model.yaml"
    if not schema.is_file():
        raise MesokgError(f"{schema}: the biolink-model package has no schema file")
    return bmt.Toolkit(schema=str(schema), predicate_map={"predicate mappings": []})


@dataclass
class BiolinkReport:
    model_version: str
    nodes: int = 0
    edges: int = 0
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    named_thing_only: int = 0
    non_biolink_predicates: int = 0


def _read_tsv(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


def _read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _as_list(value) -> list[str]:
    if isinstance(value, list):
        return value
    return [v for v in str(value or "").split("|") if v]


def validate_kgx(
    folder: str | Path, fmt: str = "tsv", extension_columns: frozenset[str] = frozenset()
) -> BiolinkReport:
    """Check nodes and edges files in ``folder`` (``tsv`` or ``jsonl``) against the Biolink Model.

    Errors: a node without a category, a category that is not a Biolink class (or is a mixin or
    abstract), a node whose only category is ``biolink:NamedThing``, an edge whose predicate is not
    a Biolink predicate (or is a mixin), an edge end that is not a node, a column that is neither a
    Biolink slot nor a declared extension, a knowledge_level / agent_type outside Biolink's enums, a
    ``negated`` that is not boolean. Warnings: a predicate whose Biolink domain or range does not
    fit the categories of the edge's ends.
    """
    folder = Path(folder)
    tk = toolkit()
    read = _read_tsv if fmt == "tsv" else _read_jsonl
    nodes = read(folder / f"nodes.{fmt}")
    edges = read(folder / f"edges.{fmt}")
    rep = BiolinkReport(tk.get_model_version(), len(nodes), len(edges))
    enums = {
        "knowledge_level": set(tk.view.get_enum("KnowledgeLevelEnum").permissible_values),
        "agent_type": set(tk.view.get_enum("AgentTypeEnum").permissible_values),
    }

    for col in sorted({c for row in nodes + edges for c in row} - set(extension_columns)):
        if tk.get_element(col) is None or not tk.view.get_slot(tk.get_element(col).name):
            rep.errors.append(f"column {col!r} is not a Biolink slot")

    categories: dict[str, list[str]] = {}
    for n in nodes:
        cats = _as_list(n.get("category"))
        categories[n["id"]] = cats
        if ":" not in n.get("id", ""):
            rep.errors.append(f"node {n.get('id')!r}: id is not a CURIE")
        if not cats:
            rep.errors.append(f"node {n['id']}: no category")
        if cats and all(c == "biolink:NamedThing" for c in cats):
            rep.named_thing_only += 1
            rep.errors.append(f"node {n['id']}: only biolink:NamedThing")
        for c in cats:
            el = tk.get_element(c)
            if not tk.is_category(c) or el is None or el.mixin or el.abstract:
                rep.errors.append(f"node {n['id']}: {c} is not a concrete Biolink category")

    for e in edges:
        p = e.get("predicate", "")
        el = tk.get_element(p) if p else None
        if not p or not tk.is_predicate(p) or el is None or el.mixin:
            rep.non_biolink_predicates += 1
            rep.errors.append(f"edge {e.get('id')}: predicate {p!r} is not a (non-mixin) Biolink predicate")
        for end in ("subject", "object"):
            if e.get(end) not in categories:
                rep.errors.append(f"edge {e.get('id')}: {end} {e.get(end)!r} is not a node")
        for slot, allowed in enums.items():
            if e.get(slot) not in allowed:
                rep.errors.append(f"edge {e.get('id')}: {slot} {e.get(slot)!r} is not one of Biolink's values")
        if e.get("negated") not in (True, False, "True", "False", "", None):
            rep.errors.append(f"edge {e.get('id')}: negated {e.get('negated')!r} is not a boolean")
        if el is not None and e.get("subject") in categories and e.get("object") in categories:
            for end, want in (("subject", el.domain), ("object", el.range)):
                if want and not any(
                    tk.get_element(want).name in {a.lower() for a in tk.get_ancestors(c, formatted=False, mixin=True)}
                    for c in categories[e[end]]
                ):
                    rep.warnings.append(
                        f"edge {e.get('id')}: {end} categories {categories[e[end]]} outside {p}'s {want}"
                    )
    return rep
