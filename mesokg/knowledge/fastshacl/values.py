"""Value checks with pyshacl's rules (datatypes, ranges, patterns, languages) and report conversion."""

from __future__ import annotations

import re

import pyoxigraph as ox
import rdflib
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SH, XSD

from mesokg.knowledge.fastshacl.shapes import Unsupported, to_rdflib

_NODE_KINDS = {
    SH.IRI: {"IRI"},
    SH.BlankNode: {"BlankNode"},
    SH.Literal: {"Literal"},
    SH.BlankNodeOrIRI: {"IRI", "BlankNode"},
    SH.BlankNodeOrLiteral: {"BlankNode", "Literal"},
    SH.IRIOrLiteral: {"IRI", "Literal"},
}
_RANGE = ("MinInclusive", "MaxInclusive", "MinExclusive", "MaxExclusive")
_KIND = {ox.NamedNode: "IRI", ox.BlankNode: "BlankNode", ox.Literal: "Literal"}


def value_ok(kind: str, arg, v) -> bool:
    """Whether value node ``v`` passes a constraint that looks at the value alone."""

    if kind == "Datatype":
        return _datatype_ok(v, arg)
    if kind == "NodeKind":
        return _KIND[type(v)] in _NODE_KINDS[arg]
    if kind == "Pattern":
        if isinstance(v, ox.BlankNode):
            return False
        s = _string(v)
        return bool(arg.match(s) or arg.search(s))
    if kind == "LanguageIn":
        if not isinstance(v, ox.Literal) or not v.language:
            return False
        return any(_lang_matches(v.language, r) for r in arg)
    if kind in ("MinLength", "MaxLength"):
        if isinstance(v, ox.BlankNode):
            return kind == "MinLength" and arg == 0
        n = len(_string(v))
        return n >= arg if kind == "MinLength" else n <= arg
    if kind in _RANGE:
        return _range_ok(kind, arg, v)
    raise Unsupported(kind)


def format_message(msg: str, fmt: dict) -> str:
    """Fill ``{?var}`` / ``{$var}`` in a SPARQL constraint's message as pyshacl does."""
    for var, val in fmt.items():
        text = val.value if isinstance(val, ox.NamedNode | ox.Literal | ox.BlankNode) else str(val)
        msg = re.sub(f"{{[?$]{var}}}", text.replace("\\", "\\\\"), msg)
    return msg


def _string(v) -> str:
    if isinstance(v, ox.Literal):
        return v.value if (v.language or v.datatype.value == str(XSD.string)) else str(to_rdflib(v))
    return v.value


def _lang_matches(tag: str, rng: str) -> bool:
    tag, rng = tag.lower(), rng.lower()
    return rng == "*" or tag == rng or tag.startswith(rng + "-")


def _datatype_ok(v, dtype) -> bool:
    if not isinstance(v, ox.Literal):
        return False
    lit = to_rdflib(v)
    datatype, lang = lit.datatype, lit.language
    if datatype == dtype:
        if getattr(lit, "ill_typed", None) is True:
            return False
        return _actual(lit, dtype)
    if dtype == RDFS.Literal:
        return True
    if dtype == RDFS.Datatype and datatype:
        return True
    if datatype is None and lang is None and dtype == XSD.string:
        return _actual(lit, dtype)
    if dtype == RDF.langString and lang:
        return _actual(lit, dtype)
    return False


def _actual(lit: Literal, dtype) -> bool:
    from datetime import date, datetime, time
    from decimal import Decimal

    value = lit.value
    checks = {
        XSD.string: (str, bytes),
        RDF.langString: (str, bytes),
        XSD.integer: int,
        XSD.float: float,
        XSD.decimal: Decimal,
        XSD.boolean: bool,
        XSD.date: date,
        XSD.time: time,
        XSD.dateTime: datetime,
    }
    if dtype in checks:
        return isinstance(value, checks[dtype])
    return True


def _range_ok(kind: str, bound, v) -> bool:
    from pyshacl.rdfutil.compare import compare_literal

    if not isinstance(v, ox.Literal):
        return False
    lit = to_rdflib(v)
    bound_is_string = isinstance(bound.value, str)
    v_is_string = isinstance(lit.value, str)
    if bound_is_string != v_is_string:
        return False
    try:
        cmp = compare_literal(lit, bound)
    except (TypeError, NotImplementedError):
        return False
    return {
        "MinInclusive": cmp >= 0,
        "MinExclusive": cmp > 0,
        "MaxInclusive": cmp <= 0,
        "MaxExclusive": cmp < 0,
    }[kind]


def less(v, o, or_equal: bool) -> bool:
    a, b = to_rdflib(v), to_rdflib(o)
    if isinstance(a, BNode) or isinstance(b, BNode):
        raise Unsupported("lessThan on a blank node")

    def norm(x):
        if isinstance(x, URIRef):
            return str(x), True
        if isinstance(x.value, str):
            return x.value, True
        return x, False

    (a, sa), (b, sb) = norm(a), norm(b)
    if sa != sb:
        return False
    try:
        return bool(a <= b) if or_equal else bool(a < b)
    except TypeError:
        return False


def results(raws: list, sg: rdflib.Graph) -> list:
    """pyshacl-style ``mesokg.validate.Result`` objects, sorted as ``validate`` sorts them."""
    from mesokg.knowledge.report import SEVERITY_ORDER, Result, compact, path_text

    out = set()
    for r in raws:
        value = r.value
        if value is not None and value == r.focus and r.path is None:
            value = None  # as mesokg.validate does with pyshacl's node-level results
        out.add(
            Result(
                severity=r.severity,
                shape=r.shape,
                focus=compact(to_rdflib(r.focus)),
                path=path_text(sg, r.path) if r.path is not None else None,
                value=compact(to_rdflib(value)) if value is not None else None,
                message=r.message or "(no message)",
                component=r.component,
                focus_node=to_rdflib(r.focus),
                value_node=to_rdflib(value) if value is not None else None,
            )
        )
    return sorted(
        out,
        key=lambda x: (
            SEVERITY_ORDER.get(x.severity, 3),
            x.shape,
            x.focus or "",
            x.path or "",
            x.value or "",
            x.message,
        ),
    )


def report_graph(res: list) -> rdflib.Graph:
    g = rdflib.Graph()
    g.bind("sh", SH)
    rep = BNode()
    g.add((rep, RDF.type, SH.ValidationReport))
    g.add((rep, SH.conforms, Literal(not any(r.severity == "Violation" for r in res))))
    for r in res:
        n = BNode()
        g.add((rep, SH.result, n))
        g.add((n, RDF.type, SH.ValidationResult))
        g.add((n, SH.resultSeverity, SH[r.severity]))
        g.add((n, SH.focusNode, r.focus_node))
        if r.value_node is not None:
            g.add((n, SH.value, r.value_node))
        g.add((n, SH.resultMessage, Literal(r.message)))
        if r.component:
            g.add((n, SH.sourceConstraintComponent, SH[r.component.split(":", 1)[1]]))
    return g
