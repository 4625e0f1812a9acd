"""What a SPARQL query newly answers after triples were added, without running it over everything.

A solution that did not exist before the addition uses at least one added triple in a pattern
that is not negated (adding data only removes solutions of ``FILTER NOT EXISTS`` / ``MINUS``).
So the query runs once per such pattern, with that pattern's variables bound (``VALUES``) to
the added triples it matches: every new solution is among the answers. Patterns this cannot
bind (sequence or repeated paths, blank nodes among the added triples) make :func:`delta`
return None, and the caller runs the query in full.
"""

from __future__ import annotations

import re
from functools import cache

import pyoxigraph as ox

_LEX = re.compile(r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|<[^<>"\s]*>|#[^\n]*')


@cache
def positive_patterns(text: str):
    """The query's triple patterns outside negation, as (s, p, o) rdflib terms/paths; None if unparsable."""
    from rdflib.plugins.sparql import prepareQuery
    from rdflib.plugins.sparql.parserutils import CompValue

    try:
        q = prepareQuery(text)
    except Exception:  # noqa: BLE001 - a query rdflib cannot read is run in full
        return None
    out = []

    def walk(node, negative: bool, optional: bool) -> None:
        if isinstance(node, CompValue):
            if node.name == "Builtin_NOTEXISTS":
                negative = True
            if node.name == "Minus":
                walk(node.get("p1"), negative, optional)
                return
            if node.name == "LeftJoin":
                walk(node.get("p1"), negative, optional)
                walk(node.get("p2"), negative, True)
                walk(node.get("expr"), negative, True)
                return
            if node.name == "BGP" and not negative:
                out.extend((t, optional) for t in node.get("triples") or [])
            for v in node.values():
                walk(v, negative, optional)
        elif isinstance(node, list | tuple):
            for x in node:
                walk(x, negative, optional)

    walk(q.algebra, False, False)
    return tuple(out)


def _steps(p):
    """[(predicate IRI or None for any, inverse)] for a pattern's predicate; None if not one step."""
    from rdflib import URIRef, Variable
    from rdflib.paths import AlternativePath, InvPath

    if isinstance(p, Variable):
        return [(None, False)]
    if isinstance(p, URIRef):
        return [(str(p), False)]
    if isinstance(p, InvPath) and isinstance(p.arg, URIRef):
        return [(str(p.arg), True)]
    if isinstance(p, AlternativePath):
        out = []
        for a in p.args:
            s = _steps(a)
            if s is None or any(x is None for x, _ in s):
                return None
            out += s
        return out
    return None


def _term(t):
    from rdflib import BNode, Literal, URIRef, Variable

    if isinstance(t, Variable):
        return ("var", str(t))
    if isinstance(t, BNode):
        return ("any", None)
    if isinstance(t, URIRef):
        return ("const", ox.NamedNode(str(t)))
    if isinstance(t, Literal):
        from mesokg.knowledge.fastshacl.shapes import to_ox

        return ("const", to_ox(t))
    return ("any", None)


def bind_this(query: str, nodes: list) -> str:
    """``query`` with ``VALUES ?this {...}`` first in its outermost WHERE group."""
    code = _LEX.sub(lambda m: "_" * len(m.group(0)), query)
    m = re.search(r"(?i)\bWHERE\s*\{", code) or re.search(r"\{", code)
    if not m:
        raise ValueError("query without a WHERE clause")
    block = " VALUES ?this { " + " ".join(str(n) for n in nodes) + " } "
    return query[: m.end()] + block + query[m.end() :]


def bind(query: str, names: list[str], rows: list[tuple]) -> str:
    """``query`` with ``VALUES (?a ?b) { … }`` first in its outermost WHERE group."""
    code = _LEX.sub(lambda m: "_" * len(m.group(0)), query)
    m = re.search(r"(?i)\bWHERE\s*\{", code) or re.search(r"\{", code)
    body = " ".join("(" + " ".join(str(v) for v in row) + ")" for row in rows)
    block = " VALUES (" + " ".join("?" + n for n in names) + ") { " + body + " } "
    return query[: m.end()] + block + query[m.end() :]


def delta(query: str, added: list[ox.Triple], run) -> list | None:
    """Solutions of ``query`` that can be new after ``added``: ``run(text)`` runs a query and
    returns its solutions as dicts; None when the query must be run in full."""
    if any(isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode) for t in added):
        return None
    patterns = positive_patterns(query)
    if patterns is None:
        return None
    assigned = set(re.findall(r"(?i)\bAS\s+[?$](\w+)", query))  # BIND targets cannot be pre-bound
    # only variables every solution binds can be pre-bound: VALUES would give the others a value
    required = {str(x) for (tr, opt) in patterns if not opt for x in tr if type(x).__name__ == "Variable"}
    out, seen = [], set()
    for (s, p, o), optional in patterns:
        steps = _steps(p)
        if steps is None:
            return None
        ts, tp, to = _term(s), _term(p) if not hasattr(p, "args") else ("any", None), _term(o)
        names = [x[1] for x in (ts, tp, to) if x[0] == "var" and x[1] not in assigned]
        if optional:
            names = [n for n in names if n in required]
        names = list(dict.fromkeys(names))
        if not names:
            if any(x[0] == "var" for x in (ts, tp, to)) or any(_matches(t, steps, ts, tp, to) for t in added):
                return None  # cannot restrict this pattern: run the query in full
            continue
        rows = set()
        for t in added:
            for pred, inverse in steps:
                if pred is not None and t.predicate.value != pred:
                    continue
                subj, obj = (t.object, t.subject) if inverse else (t.subject, t.object)
                if isinstance(subj, ox.Literal):
                    continue
                binding = {}
                ok = True
                for (kind, val), term in ((ts, subj), (tp, t.predicate), (to, obj)):
                    if kind == "const" and val != term:
                        ok = False
                    elif kind == "var":
                        if binding.get(val, term) != term:
                            ok = False
                        binding[val] = term
                if ok:
                    rows.add(tuple(binding[n] for n in names))
        rows = {r for r in rows}
        if not rows:
            continue
        for sol in run(bind(query, names, sorted(rows, key=str))):
            key = tuple(sorted((k, str(v)) for k, v in sol.items()))
            if key not in seen:
                seen.add(key)
                out.append(sol)
    return out


def _matches(t, steps, ts, tp, to) -> bool:
    for pred, inverse in steps:
        if pred is not None and t.predicate.value != pred:
            continue
        subj, obj = (t.object, t.subject) if inverse else (t.subject, t.object)
        if all(kind != "const" or val == term for (kind, val), term in ((ts, subj), (tp, t.predicate), (to, obj))):
            return True
    return False
