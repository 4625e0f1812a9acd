"""What a SPARQL query newly answers after triples were added, without running it over everything.

A solution that did not exist before the addition uses at least one added triple in a pattern
that is not negated (adding data only removes solutions of ``FILTER NOT EXISTS`` / ``MINUS``).
So the query runs once per such pattern, with that pattern's variables bound (``VALUES``) to
the added triples it matches: every new solution is among the answers. Patterns this cannot
bind (sequence or repeated paths, blank nodes among the added triples) make :func:`delta`
return None, and the caller runs the query in full.

How a bound query runs (:func:`solutions`): Oxigraph joins a ``VALUES`` block with the rest of the
query after evaluating the rest, so a ``VALUES`` binding costs a run over everything (an
``OPTIONAL`` anti-join reads its whole right side, a sub-select aggregates every group). For a
few rows each row runs on its own with its values *substituted* (evaluation starts from them),
and the anti-joins written ``OPTIONAL {…} FILTER(!BOUND(?c))`` for full runs become the equivalent
``FILTER NOT EXISTS {…}``, evaluated per bound row: the work follows the change, not the store.
"""

from __future__ import annotations

import re
from functools import cache

import pyoxigraph as ox

_LEX = re.compile(r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|<[^<>"\s]*>|#[^\n]*')


@cache
def _code(query: str) -> str:
    """``query`` with its strings, IRIs and comments blanked out (same length): what is left is syntax."""
    return _LEX.sub(lambda m: "_" * len(m.group(0)), query)


SUBSTITUTE_LIMIT = 64  # bound rows: up to this many run one by one with their values substituted

_ANTI_JOIN = re.compile(r"OPTIONAL\s*\{([^{}]*)\}\s*FILTER\s*\(\s*!\s*BOUND\s*\(\s*\?(\w+)\s*\)\s*\)", re.I)


@cache
def anti_joins(query: str) -> str:
    """``OPTIONAL { B } FILTER(!BOUND(?c))`` as ``FILTER NOT EXISTS { B }`` where B binds ?c and ?c
    occurs in no other place (the same solutions; Oxigraph evaluates the second per row, the
    first by reading all of B)."""
    code = _code(query)
    sites = list(_ANTI_JOIN.finditer(code))

    def count(var: str, text: str) -> int:
        return len(re.findall(rf"[?$]{var}\b", text))

    ok = {
        m.group(2)
        for m in sites
        if count(m.group(2), code) == sum(count(x.group(2), x.group(1)) + 1 for x in sites if x.group(2) == m.group(2))
    }
    out, last = [], 0
    for m in sites:
        if m.group(2) in ok and count(m.group(2), m.group(1)):
            out.append(query[last : m.start()] + "FILTER NOT EXISTS {" + query[m.start(1) : m.end(1)] + "}")
            last = m.end()
    return "".join(out) + query[last:]


@cache
def projected(query: str) -> frozenset | None:
    """The variables the query's outermost SELECT returns (None for ``SELECT *``)."""
    code = _code(query)
    m = re.search(r"(?is)\bSELECT\b(.*?)(?:\bWHERE\b|\{)", code)
    if not m:
        return frozenset()
    head, top, depth = m.group(1), [], 0
    for ch in head:  # what is inside (expression AS ?v) is not returned, ?v is
        depth += (ch == "(") - (ch == ")")
        top.append(ch if depth == 0 and ch != ")" else " ")
    top = "".join(top)
    if re.search(r"(?<![\w?$])\*", top):
        return None
    return frozenset(re.findall(r"[?$](\w+)", top) + re.findall(r"(?i)\bAS\s+[?$](\w+)", head))


@cache
def _widened(query: str, extra: tuple) -> str | None:
    """``query`` returning ``extra`` variables too, when that changes nothing else: one SELECT,
    no grouping or aggregates; None otherwise."""
    code = _code(query)
    if len(re.findall(r"(?i)\bSELECT\b", code)) != 1 or re.search(
        r"(?i)\bGROUP\s+BY\b|\b(COUNT|SUM|MIN|MAX|AVG|SAMPLE|GROUP_CONCAT)\s*\(", code
    ):
        return None
    m = re.search(r"(?i)\bSELECT\s+((DISTINCT|REDUCED)\s+)?", code)
    return query[: m.end()] + " ".join("?" + n for n in extra) + " " + query[m.end() :]


def solutions(query: str, names: list[str], rows: list[tuple], run) -> list:
    """Solutions of ``query`` with ``names`` bound to each of ``rows``: ``run(text, substitutions)``
    runs a query and returns solutions as dicts. Few rows run one by one with their values
    substituted (names the query does not return are added to what it returns when that changes
    nothing else, and left out of the solutions again)."""
    if len(rows) > SUBSTITUTE_LIMIT:
        return list(run(bind(query, names, rows), None))
    proj = projected(query)
    extra = tuple(n for n in names if proj is not None and n not in proj)
    text = anti_joins(query)
    if extra and (wide := _widened(text, extra)) is not None:
        text, proj = wide, None
    subst = [i for i, n in enumerate(names) if proj is None or n in proj]
    if not subst:
        return list(run(bind(query, names, rows), None))
    rest = [i for i in range(len(names)) if i not in subst]
    groups: dict = {}
    for row in rows:
        groups.setdefault(tuple(row[i] for i in subst), []).append(tuple(row[i] for i in rest))
    out = []
    for key, others in groups.items():
        bound = bind(text, [names[i] for i in rest], others) if rest else text
        for sol in run(bound, {ox.Variable(names[i]): v for i, v in zip(subst, key, strict=True)}):
            out.append({k: v for k, v in sol.items() if k not in extra})
    return out


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

    def walk(node, negative: bool, optional: bool, inverted: bool = False) -> None:
        """``inverted``: under an odd number of ``!``, where EXISTS can only remove solutions."""
        if isinstance(node, CompValue):
            if node.name == "UnaryNot":
                walk(node.get("expr"), negative, optional, not inverted)
                return
            if node.name == "Builtin_NOTEXISTS" and not inverted:
                negative = True
            if node.name == "Builtin_EXISTS" and inverted:
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
            if node.name == "TriplesBlock" and not negative:  # inside FILTER EXISTS, left as parsed
                for flat in node.get("triples") or []:
                    out.extend(((flat[i], flat[i + 1], flat[i + 2]), optional) for i in range(0, len(flat) - 2, 3))
            for v in node.values():
                walk(v, negative, optional, inverted)
        elif isinstance(node, list | tuple):
            for x in node:
                walk(x, negative, optional, inverted)

    walk(q.algebra, False, False)
    return tuple(out)


_COMPILED: dict | None = None  # text digest -> patterns, read once from the cache file


def compiled(text: str) -> tuple | None:
    """The query's positive patterns as (s, p, o, steps, optional), each term ``("var", name)``,
    ``("const", term)`` or ``("any", None)``; None if rdflib cannot read the query. Kept in a
    cache file keyed by the text's digest: parsing 43 texts with rdflib takes ~2 s a process."""
    import hashlib
    import json

    from mesokg.knowledge.dataset import cache_dir

    global _COMPILED
    path = cache_dir() / "query-patterns-v1.json"
    if _COMPILED is None:
        try:
            _COMPILED = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            _COMPILED = {}
    key = hashlib.sha256(text.encode()).hexdigest()
    if key not in _COMPILED:
        patterns = positive_patterns(text)
        _COMPILED[key] = (
            None
            if patterns is None
            else [
                [
                    _enc(_term(s)),
                    _enc(_term(p) if not hasattr(p, "args") else ("any", None)),
                    _enc(_term(o)),
                    _steps(p),
                    opt,
                ]
                for (s, p, o), opt in patterns
            ]
        )
        try:
            from mesokg.rdfio import write_atomic

            write_atomic(path, json.dumps(_COMPILED).encode())
        except OSError:  # a read-only home only costs speed
            pass
    got = _COMPILED[key]
    if got is None:
        return None
    return tuple(
        (_dec(ts), _dec(tp), _dec(to), None if st is None else [tuple(x) for x in st], opt)
        for ts, tp, to, st, opt in got
    )


def _enc(t):
    kind, v = t
    if kind != "const":
        return [kind, v]
    if isinstance(v, ox.NamedNode):
        return ["iri", v.value]
    return ["lit", v.value, v.datatype.value, v.language]


def _dec(t):
    if t[0] == "iri":
        return ("const", ox.NamedNode(t[1]))
    if t[0] == "lit":
        return ("const", ox.Literal(t[1], language=t[3]) if t[3] else ox.Literal(t[1], datatype=ox.NamedNode(t[2])))
    return (t[0], t[1])


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


def bind(query: str, names: list[str], rows: list[tuple]) -> str:
    """``query`` with ``VALUES (?a ?b) { … }`` first in its outermost WHERE group."""
    code = _code(query)
    m = re.search(r"(?i)\bWHERE\s*\{", code) or re.search(r"\{", code)
    body = " ".join("(" + " ".join(str(v) for v in row) + ")" for row in rows)
    block = " VALUES (" + " ".join("?" + n for n in names) + ") { " + body + " } "
    return query[: m.end()] + block + query[m.end() :]


def delta(query: str, added: list[ox.Triple], run) -> list | None:
    """Solutions of ``query`` that can be new after ``added``: ``run(text, substitutions)`` runs a
    query and returns its solutions as dicts; None when the query must be run in full."""
    if any(isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode) for t in added):
        return None
    patterns = compiled(anti_joins(query))  # an anti-join's patterns are negated
    if patterns is None:
        return None
    assigned = set(re.findall(r"(?i)\bAS\s+[?$](\w+)", query))  # BIND targets cannot be pre-bound
    # only variables every solution binds can be pre-bound: VALUES would give the others a value
    required = {x[1] for *terms, _, opt in patterns if not opt for x in terms if x[0] == "var"}
    out, seen = [], set()
    for ts, tp, to, steps, optional in patterns:
        if steps is None:
            return None
        names = [x[1] for x in (ts, tp, to) if x[0] == "var" and x[1] not in assigned]
        if optional:
            names = [n for n in names if n in required]
        names = list(dict.fromkeys(names))
        if not names:
            if any(x[0] == "var" for x in (ts, tp, to)) or any(_bindings(t, ts, tp, to, steps) for t in added):
                return None  # cannot restrict this pattern: run the query in full
            continue
        rows = {tuple(b[n] for n in names) for t in added for b in _bindings(t, ts, tp, to, steps)}
        if not rows:
            continue
        for sol in solutions(query, names, sorted(rows, key=str), run):
            key = tuple(sorted((k, str(v)) for k, v in sol.items()))
            if key not in seen:
                seen.add(key)
                out.append(sol)
    return out


def _bindings(t, ts, tp, to, steps) -> list[dict]:
    """How the added triple ``t`` matches the pattern (ts, tp, to) through one of ``steps``: the
    values it gives the pattern's variables, once per matching step (none: no match)."""
    out = []
    for pred, inverse in steps:
        if pred is not None and t.predicate.value != pred:
            continue
        subj, obj = (t.object, t.subject) if inverse else (t.subject, t.object)
        binding: dict = {}
        for (kind, val), term in ((ts, subj), (tp, t.predicate), (to, obj)):
            if (kind == "const" and val != term) or (kind == "var" and binding.setdefault(val, term) != term):
                break
        else:
            out.append(binding)
    return out


def new_this(query: str, added: list[ox.Triple], rows, quads) -> tuple[set, bool] | None:
    """The ``?this`` of the solutions ``added`` can create, as (nodes, exact): by
    :func:`reach_this` (perhaps more nodes), else by :func:`delta` (exact); None when neither
    can follow the query."""
    reached = reach_this(query, added, quads)
    if reached is not None:
        return reached, False
    got = delta(query, added, rows)
    return None if got is None else ({r["this"] for r in got if "this" in r}, True)


def reach_this(query: str, added: list[ox.Triple], quads, limit: int = 1000) -> set | None:
    """Every ``?this`` a new solution of ``query`` can have, or more (never fewer): from each added
    triple that matches a pattern, the values of the pattern's variables are followed through the
    query's other one-step patterns with index lookups (``quads(s, p, o)``), each variable's
    candidates narrowed to what every pattern allows. Cheaper than the bound query when Oxigraph
    would plan it from the wrong end. None when ``?this`` cannot be reached so (the caller then
    uses :func:`delta`): a ``UNION``, a path of more than one step, optional patterns only."""
    if any(isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode) for t in added):
        return None
    code = _code(query)
    patterns = compiled(anti_joins(query))
    if patterns is None or re.search(r"(?i)\bUNION\b", code):
        return None
    pats = []
    for ts, _tp, to, steps, optional in patterns:
        if steps is None or any(x is None for x, _ in steps):
            return None
        pats.append((ts, steps, to, optional))
    out: set = set()
    for ts, steps, to, _opt in pats:
        for t in added:
            for binding in _bindings(t, ts, ("any", None), to, steps):
                got = _narrow(pats, {k: {v} for k, v in binding.items()}, quads, limit)
                if got is None:
                    return None
                out |= got
    return out if len(out) <= limit else None


def _narrow(pats: list, dom: dict, quads, limit: int) -> set | None:
    """Follow the required patterns from the known variables until ``this`` is known and stable."""
    for _ in range(2 * len(pats)):
        changed = False
        for ts, steps, to, optional in pats:
            if optional:
                continue
            for (ka, a), (kb, b), forward in ((ts, to, True), (to, ts, False)):
                if kb != "var" or ka not in ("var", "const"):
                    continue
                src = {a} if ka == "const" else dom.get(a)
                if src is None or len(src) > limit:
                    continue
                new = _follow(src, steps, forward, quads, limit)
                if new is None:  # a hub (a class, a shared value): not followed from this side
                    continue
                new = new if b not in dom else new & dom[b]
                if b not in dom or new != dom[b]:
                    dom[b] = new
                    changed = True
        if not changed:
            break
    return dom.get("this")


def _follow(src: set, steps, forward: bool, quads, limit: int) -> set | None:
    """The nodes one step from ``src``; None as soon as there are more than ``limit``."""
    new: set = set()
    for node in src:
        for pred, inverse in steps:
            pn = ox.NamedNode(pred)
            if forward != inverse:  # node is the subject of the stored triple
                found = () if isinstance(node, ox.Literal) else (q.object for q in quads(node, pn, None))
            else:
                found = (q.subject for q in quads(None, pn, node))
            for x in found:
                new.add(x)
                if len(new) > limit:
                    return None
    return new
