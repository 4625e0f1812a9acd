"""Saved SPARQL queries: the catalogue in ``queries/*.rq``, parameter binding, running, formatting.

Each saved query is one file whose first lines are ``# key: value`` comments::

    # title: Substances used for an indication, ranked by best evidence
    # description: One row per substance and indication ...
    # param: indication | iri | | | the indication (short id, CURIE or IRI); leave out for all
    # keywords: substance, indication, evidence
    # columns: indication, indication_label, substance, substance_label, best_level
    PREFIX mk: <https://w3id.org/mesokg/>
    SELECT ...

A ``param`` line reads ``name | type | default | allowed values | help``; the type is one of
``iri``, ``string``, ``integer``, ``decimal`` or ``enum``. An enum value written ``value=CURIE``
binds that IRI (``supports=mk:Supports``); a bare value binds a plain string.

In the query text a parameter is just a variable (``?indication``). Values are parsed into RDF
terms and handed to the engine (pyoxigraph ``substitutions``, or a ``VALUES`` block built from
terms for a remote server); user text is never pasted into the query. A parameter left out (and
without a default) stays unbound, and the query then answers for every value. Because pyoxigraph
binds only projected variables, every parameter is also a column of the result.

>>> q = get_saved("substances-for-indication")
>>> q.param("indication").type
'iri'
>>> bind_params(q, {"indication": "androgenetic-alopecia"})["indication"]
<NamedNode value=https://w3id.org/mesokg/id/androgenetic-alopecia>
"""

from __future__ import annotations

import functools
import re
from collections import namedtuple
from pathlib import Path

import pyoxigraph as ox

from mesokg import paths
from mesokg.errors import InputError, MesokgError, QueryRefused
from mesokg.query.formats import (  # noqa: F401  (formatting names stay importable from here)
    GRAPH_FORMATS,
    PREFIXES,
    SELECT_FORMATS,
    XSD,
    format_markdown,
    format_result,
    format_table,
    limit_result,
    shorten,
    table_width,
    to_python,
)
from mesokg.query.results import QueryResult

PARAM_TYPES = ("iri", "string", "integer", "decimal", "enum")
RESERVED = {"as_frame", "store", "name"}  # keyword arguments of run_saved itself
_SHORT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_INTEGER = re.compile(r"^[+-]?[0-9]+$")
_DECIMAL = re.compile(r"^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)$")


class Param(namedtuple("Param", "name type default allowed targets help", defaults=(None, (), (), ""))):
    """One declared parameter of a saved query: ``name``, ``type``, ``default``, ``allowed`` (enum
    values as the user types them), ``targets`` (enum value -> IRI, for values written value=CURIE)
    and ``help``. A named tuple: immutable, and cheap to import (no ``typing``, no ``dataclasses``).
    """

    __slots__ = ()

    def usage(self) -> str:
        """Short form for listings: ``name=TYPE`` with the default or the allowed values."""
        kind = " | ".join(self.allowed) if self.type == "enum" else self.type.upper()
        text = f"{self.name}={kind}"
        return f"{text} (default {self.default})" if self.default is not None else text


class SavedQuery(
    namedtuple("SavedQuery", "name title description params keywords columns text path", defaults=(None,))
):
    """A query of the catalogue: ``name``, ``title``, ``description``, ``params`` (a tuple of
    :class:`Param`), ``keywords``, ``columns``, the query ``text`` and the ``path`` it was read from."""

    __slots__ = ()

    def param(self, name: str) -> Param:
        for p in self.params:
            if p.name == name:
                return p
        raise KeyError(name)

    def describe(self) -> dict:
        """The metadata as plain JSON-ready data (what `mesokg queries --format json` and /queries show)."""
        return {
            "name": self.name,
            "title": self.title,
            "description": self.description,
            "keywords": list(self.keywords),
            "columns": list(self.columns),
            "params": [
                {"name": p.name, "type": p.type, "default": p.default, "allowed": list(p.allowed), "help": p.help}
                for p in self.params
            ],
        }


def expand_curie(value: str) -> str | None:
    """``mkd:x`` -> the full IRI when the prefix is known, else ``None``."""
    prefix, sep, local = value.partition(":")
    if sep and prefix in PREFIXES and not local.startswith("//"):
        return PREFIXES[prefix] + local
    return None


# ---------------------------------------------------------------------------
# parsing the catalogue
# ---------------------------------------------------------------------------


def _split_list(value: str) -> tuple[str, ...]:
    return tuple(v.strip() for v in value.split(",") if v.strip())


def _parse_param(spec: str, where: str) -> Param:
    parts = [p.strip() for p in spec.split("|")]
    if len(parts) != 5:
        raise MesokgError(f"{where}: a param line needs 5 fields: name | type | default | allowed | help")
    name, ptype, default, allowed_text, help_ = parts
    if not re.fullmatch(r"[a-z][a-z0-9_]*", name) or name in RESERVED:
        raise MesokgError(f"{where}: parameter name {name!r} must be lower_snake_case and not {sorted(RESERVED)}")
    if ptype not in PARAM_TYPES:
        raise MesokgError(f"{where}: parameter {name}: type {ptype!r} is not one of {', '.join(PARAM_TYPES)}")
    allowed: list[str] = []
    targets: list[tuple[str, str]] = []
    for item in _split_list(allowed_text):
        value, eq, target = (s.strip() for s in item.partition("="))
        allowed.append(value)
        if eq:
            iri = expand_curie(target) or target
            targets.append((value, ox.NamedNode(iri).value))
    if ptype == "enum" and not allowed:
        raise MesokgError(f"{where}: enum parameter {name} lists no allowed values")
    param = Param(name, ptype, default or None, tuple(allowed), tuple(targets), help_)
    if param.default is not None:
        _term(param, param.default)  # a bad default is a catalogue bug: fail loudly
    return param


def parse_saved(text: str, name: str, path: Path | None = None) -> SavedQuery:
    """Read the ``# key: value`` header of a query text (a missing header gives empty metadata)."""
    meta: dict[str, list[str]] = {}
    params: list[Param] = []
    for i, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped:
            continue
        if not stripped.startswith("#"):
            break
        m = re.match(r"#\s*([A-Za-z_]+)\s*:\s?(.*)$", stripped)
        if not m:
            continue
        key, value = m.group(1).lower(), m.group(2).strip()
        if key == "param":
            params.append(_parse_param(value, f"{path or name}:{i}"))
        else:
            meta.setdefault(key, []).append(value)
    return SavedQuery(
        name=name,
        title=" ".join(meta.get("title", [])) or name,
        description=" ".join(meta.get("description", [])),
        params=tuple(params),
        keywords=_split_list(",".join(meta.get("keywords", []))),
        columns=_split_list(",".join(meta.get("columns", []))),
        text=text,
        path=path,
    )


def load_file(path: str | Path) -> SavedQuery:
    """A query from a file (``mesokg query --file``); its header, if any, declares parameters."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as e:
        raise InputError(f"{p}: cannot read ({e.strerror or e})") from None
    except UnicodeDecodeError:
        raise InputError(f"{p}: not UTF-8 text") from None
    return parse_saved(text, p.stem, p)


@functools.lru_cache(maxsize=4)
def _catalogue(folder: str) -> dict[str, SavedQuery]:
    return {f.stem: load_file(f) for f in sorted(Path(folder).glob("*.rq"))}


@functools.lru_cache(maxsize=64)
def _one(path: str) -> SavedQuery:
    return load_file(path)


@functools.lru_cache(maxsize=1)
def _folder() -> str:
    return str(paths.queries_dir())


def list_saved() -> list[SavedQuery]:
    """Every saved query (``queries/*.rq``, not the curation checks), sorted by name."""
    return list(_catalogue(_folder()).values())


def get_saved(name: str) -> SavedQuery:
    """The saved query called ``name``; an unknown name raises InputError with close matches."""
    one = Path(_folder()) / f"{name}.rq"
    if re.fullmatch(r"[A-Za-z0-9_.-]+", name) and one.is_file():
        return _one(str(one))  # one file, not the whole catalogue: a cold `mesokg query NAME` stays quick
    import difflib

    cat = _catalogue(_folder())
    if name in cat:
        return cat[name]
    close = difflib.get_close_matches(name, cat, n=3, cutoff=0.5)
    close += [n for n in cat if name and name in n and n not in close][: 3 - len(close)]
    hint = f"did you mean {', '.join(close)}?" if close else "run `mesokg queries` for the list"
    raise InputError(f"no saved query called {name!r}: {hint}")


# ---------------------------------------------------------------------------
# binding parameters
# ---------------------------------------------------------------------------


def _shown(value: str) -> str:
    return repr(value if len(value) <= 60 else value[:57] + "...")


def _iri(param: Param, value: str) -> ox.NamedNode:
    v = value.strip()
    if v.startswith("<") and v.endswith(">"):  # <https://...> as written in SPARQL or N-Triples
        v = v[1:-1]
    if _SHORT_ID.match(v):
        iri = PREFIXES["mkd"] + v
    elif (expanded := expand_curie(v)) is not None:
        iri = expanded
    elif _SCHEME.match(v):
        iri = v
    else:
        iri = ""
    try:
        if iri:
            return ox.NamedNode(iri)
    except ValueError:
        pass
    raise InputError(
        f"parameter {param.name}: {_shown(value)} is not an IRI; give a short id "
        f"(androgenetic-alopecia), a CURIE (mkd:…, mk:…) or a full IRI (https://…)"
    )


@functools.lru_cache(maxsize=4096)
def _term(param: Param, value: str):
    """Parse one user value into an RDF term of the parameter's type (terms are immutable: cached)."""
    if param.type == "iri":
        return _iri(param, value)
    if param.type == "string":
        return ox.Literal(value)
    if param.type == "integer":
        if not _INTEGER.match(value.strip()):
            raise InputError(f"parameter {param.name}: {_shown(value)} is not an integer (a whole number, e.g. 1987)")
        return ox.Literal(str(int(value.strip())), datatype=ox.NamedNode(XSD + "integer"))
    if param.type == "decimal":
        from decimal import Decimal, InvalidOperation

        v = value.strip()
        try:
            if not _DECIMAL.match(v):
                raise InvalidOperation
            return ox.Literal(str(Decimal(v)), datatype=ox.NamedNode(XSD + "decimal"))
        except InvalidOperation:
            raise InputError(f"parameter {param.name}: {_shown(value)} is not a decimal number (e.g. 0.05)") from None
    # enum
    key = value.strip()
    matches = [a for a in param.allowed if a.lower() == key.lower()]
    if not matches:
        raise InputError(
            f"parameter {param.name}: {_shown(value)} is not allowed; use one of {', '.join(param.allowed)}"
        )
    target = dict(param.targets).get(matches[0])
    return ox.NamedNode(target) if target else ox.Literal(matches[0])


def _raw_text(value) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, ox.NamedNode | ox.Literal):
        return value.value
    if isinstance(value, bool) or value is None:
        raise InputError(f"parameter value {value!r}: give text, a number or an IRI")
    return str(value)


def bind_params(saved: SavedQuery, raw: dict[str, object], store=None) -> dict[str, ox.NamedNode | ox.Literal]:
    """Check ``raw`` values (text as typed on the command line) and build terms, defaults included.

    Unknown names and values of the wrong type raise :class:`InputError` (one line, naming what
    is allowed). Parameters without a value and without a default are left out: unbound.
    With a ``store``, an ``iri`` parameter also takes a label or synonym ("hair loss"), resolved by
    :mod:`mesokg.query.names` (unknown names: "did you mean …"); explicit IRIs and CURIEs pass as
    written. Without a store, only short ids, CURIEs and IRIs are understood.
    """
    declared = {p.name: p for p in saved.params}
    out: dict[str, ox.NamedNode | ox.Literal] = {}
    for key, value in raw.items():
        name = key.replace("-", "_").lower()
        if name not in declared:
            allowed = ", ".join(declared) if declared else "none (this query takes no parameters)"
            raise InputError(f"unknown parameter {key!r} for query {saved.name}: use {allowed}")
        text = _raw_text(value)
        param = declared[name]
        if store is not None and param.type == "iri":
            short = text.strip()
            if _SHORT_ID.match(short) and _occurs(store, PREFIXES["mkd"] + short):
                out[name] = ox.NamedNode(PREFIXES["mkd"] + short)  # a known short id: no name index needed
                continue
            from mesokg.query import names

            if not names.is_explicit_iri(text):
                iri = names.resolve(store, text, prefer=param.name, what=f"parameter {param.name}", strict=False)
                out[name] = ox.NamedNode(iri)
                continue
        out[name] = _term(param, text)
    for p in saved.params:
        if p.name not in out and p.default is not None:
            out[p.name] = _term(p, p.default)
    return out


def _occurs(store, iri: str) -> bool:
    """Whether ``iri`` (built from a checked short id, so safe to write) occurs in the store."""
    return bool(store.query(f"ASK {{ {{ <{iri}> ?p ?o }} UNION {{ ?s ?p <{iri}> }} }}", check=False).boolean)


def parse_assignments(items: tuple[str, ...] | list[str]) -> dict[str, str]:
    """``["name=value", ...]`` from ``--param`` options into a dict (later ones win)."""
    out: dict[str, str] = {}
    for item in items:
        name, eq, value = item.partition("=")
        if not eq or not name.strip():
            raise InputError(f"--param {item!r}: write NAME=VALUE, e.g. --param indication=androgenetic-alopecia")
        out[name.strip()] = value
    return out


# ---------------------------------------------------------------------------
# running
# ---------------------------------------------------------------------------


_NOT_PROJECTED = re.compile(r"does not contains? variable \?(\w+) in its SELECT projection")


NETWORK_REFUSED = "refused: the query tried to open a network connection; mesokg queries only its own graph"


def execute(store, text: str, bindings: dict | None = None) -> QueryResult:
    """Run a query on any store; an engine failure becomes a one-line :class:`MesokgError`."""
    try:
        return store.query(text, bindings or None)
    except PermissionError:  # the sandbox (mesokg.sandbox) stopped a network connection
        raise QueryRefused(NETWORK_REFUSED) from None
    except (MesokgError, RuntimeError, ValueError, TypeError, OSError) as e:  # RuntimeError etc.: from pyoxigraph
        first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        m = _NOT_PROJECTED.search(first)
        if m:
            raise InputError(
                f"parameter {m.group(1)} must be a column of the query: add ?{m.group(1)} to SELECT "
                "(pyoxigraph binds only projected variables)"
            ) from None
        if isinstance(e, MesokgError):
            raise
        raise MesokgError(f"the query failed: {first}") from None


def run(store, saved: SavedQuery, raw: dict[str, object] | None = None) -> QueryResult:
    """Bind ``raw`` parameters and run ``saved`` on ``store``; the full :class:`QueryResult`."""
    return execute(store, saved.text, bind_params(saved, raw or {}, store))


def run_saved(store, name: str, *, as_frame: bool = False, **params):
    """Run a saved query by name with keyword parameters.

    Returns a list of dicts of plain Python values (IRIs and strings as ``str``, numbers as
    ``int``/``Decimal``/``float``; unbound columns left out), or with ``as_frame=True`` a
    ``pandas.DataFrame`` with one column per variable (needs pandas).

    >>> rows = run_saved(store, "substances-for-indication", indication="androgenetic-alopecia")  # doctest: +SKIP
    >>> rows[0]["substance_label"]  # doctest: +SKIP
    'dutasteride'
    """
    res = run(store, get_saved(name), params)
    if not as_frame:
        names, iri = res.variables, ox.NamedNode  # IRIs inline: most cells are IRIs, and this is the hot loop
        return [
            {v: t.value if type(t) is iri else to_python(t) for v, t in zip(names, row, strict=True) if t is not None}
            for row in res.rows
        ]
    try:
        import pandas as pd
    except ImportError:
        raise MesokgError("as_frame=True needs pandas: pip install pandas") from None
    return pd.DataFrame([[to_python(t) for t in row] for row in res.rows], columns=res.variables)
