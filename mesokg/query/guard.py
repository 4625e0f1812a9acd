"""The query guard: refuse, with a clear message, what would reach outside the graph or change it.

:func:`check_query` reads the query with the SPARQL 1.1 grammar's own tokens (IRIREF, PNAME_NS and
PNAME_LN with PLX escapes, the four string forms with their escapes, variables, blank node labels,
comments) in one left-to-right pass, so it takes linear time whatever the input, and refuses:

- ``SERVICE`` (anywhere a keyword could be read: the engine matches keywords without a word
  boundary, so ``SERVICE:x`` or ``trueSERVICE<…>`` count too), ``LOAD`` and the update keywords;
- ``FROM`` / ``FROM NAMED`` with anything but one of mesokg's own graph names
  (``https://w3id.org/mesokg/graph/…``), prefixed names and ``BASE`` resolved first;
- a string that is never closed (the engine would refuse it as well; the guard does not guess).

The guard gives the message; it is not the security boundary. The processes that evaluate user
queries have no network at all (:mod:`mesokg.sandbox`), so a spelling the guard missed still
cannot reach another server.
"""

from __future__ import annotations

import re

from mesokg.errors import InputError, QueryRefused

OWN_GRAPHS = "https://w3id.org/mesokg/graph/"
_OWN_GRAPH_NAME = re.compile(r"https://w3id\.org/mesokg/graph/[A-Za-z0-9_~-]+(?:/[A-Za-z0-9_~-]+)*")

# Any non-ASCII character counts as a name character: wider than the grammar's PN_CHARS_BASE, which
# is safe here, since a non-ASCII character that is not a name character is no token at all to the
# engine (it stops with a syntax error). Classes are written as "not these ASCII characters", which
# compiles in microseconds where the grammar's dozen Unicode ranges take tens of milliseconds.
_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def _cls(ascii_allowed: str) -> str:
    """A class matching ``ascii_allowed`` and every non-ASCII character."""
    banned = "".join(chr(c) for c in range(128) if chr(c) not in ascii_allowed)
    return "[^" + re.escape(banned) + "]"


_NAME_CH = _LETTERS + "_-0123456789"
_PLX = r"%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%]"
_LOCAL = rf"(?:{_cls(_NAME_CH + ':')}|{_PLX})(?:(?:{_cls(_NAME_CH + '.:')}|{_PLX})*(?:{_cls(_NAME_CH + ':')}|{_PLX}))?"
_NAME = rf"{_cls(_LETTERS)}(?:{_cls(_NAME_CH + '.')}*{_cls(_NAME_CH)})?"
_IRI_CHAR = r"[^<>\"{}|^`\\\x00-\x20]"
_UCHAR = r"\\(?:u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8})"

# One regex per kind of token, picked by the token's first character. Each either matches or fails
# within the text up to its first impossible character, and a string never fails (its closing
# quote is optional and checked afterwards), so no text is read twice: linear time.
_BLANKS = re.compile(r"[ \t\r\n(){}\[\],;*+\-/=!|&^>~.0-9]+")  # characters that carry no keyword
_BLANK_START = frozenset(" \t\r\n(){}[],;*+-/=!|&^>~.0123456789")
_COMMENT = re.compile(r"#[^\r\n]*")
_Q1, _Q2 = "'", '"'
_STRINGS = {
    _Q1 * 3: re.compile(r"'''[^'\\]*(?:(?:\\[\s\S]|'(?!''))[^'\\]*)*(''')?"),
    _Q2 * 3: re.compile(r'"""[^"\\]*(?:(?:\\[\s\S]|"(?!""))[^"\\]*)*(""")?'),
    _Q1: re.compile(r"'[^'\\\n\r]*(?:\\.[^'\\\n\r]*)*(')?"),
    _Q2: re.compile(r'"[^"\\\n\r]*(?:\\.[^"\\\n\r]*)*(")?'),
}
_IRI = re.compile(rf"<{_IRI_CHAR}*(?:{_UCHAR}{_IRI_CHAR}*)*>")
_VAR = re.compile(rf"[?$]{_cls(_NAME_CH.replace('-', ''))}+")
_BNODE = re.compile(rf"_:{_cls(_NAME_CH.replace('-', ''))}(?:{_cls(_NAME_CH + '.')}*{_cls(_NAME_CH)})?")
_PNAME = re.compile(rf"(?P<prefix>{_NAME})?:(?P<local>{_LOCAL})?")
_WORD = re.compile(_NAME)
_LANG = re.compile(r"@[A-Za-z]+(?:-[A-Za-z0-9]+)*")
_OTHER = re.compile(r"[!%&()*+,\-./0-9;=>\[\\\]^`{|}~\x00-\x08\x0b\x0c\x0e-\x1f\x7f]+")  # ASCII, no token start
_UPDATE_WORDS = {"INSERT", "DELETE", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"}
_WATCHED = ("LOAD", "FROM", "PREFIX", "BASE", "NAMED", "WHERE")
_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")

SERVICE_REFUSED = "refused: SERVICE would contact another server; mesokg queries only its own graph"
LOAD_REFUSED = "refused: LOAD would fetch or read a file; the graph is read-only"


def _where(text: str, pos: int) -> str:
    line = text.count("\n", 0, pos) + 1
    return f"{line}:{pos - (text.rfind(chr(10), 0, pos) + 1) + 1}"


def _unescape_iri(body: str) -> str:
    def char(m: re.Match) -> str:
        code = int(m.group(1) or m.group(2), 16)
        return chr(code) if code < 0x110000 else "\ufffd"

    return _ESCAPE.sub(char, body)


def tokens(text: str):
    """``(kind, match)`` for each token of ``text`` that can matter to the guard, in order.

    ``kind`` is ``word`` (a keyword the guard watches), ``pname``, ``iri``, ``{`` (with its offset
    instead of a match) or ``other`` (one run of strings, variables, punctuation and other words;
    no match). Blanks and comments are skipped.
    Raises :class:`InputError` for a string that is never closed.
    """
    pos, end = 0, len(text)
    blanks, blank_start, other = _BLANKS.match, _BLANK_START, False  # other: "other" was the last yielded
    while pos < end:
        c = text[pos]
        if c in blank_start:
            m = blanks(text, pos)
            run = m.group(0)
            if "{" in run:
                yield "{", pos + run.index("{")
                other = False
            pos = m.end()
            continue
        if c == "#":
            pos = _COMMENT.match(text, pos).end()
            continue
        m = None
        if c == _Q1 or c == _Q2:
            s = _STRINGS[c * 3 if text.startswith(c * 3, pos) else c].match(text, pos)
            if s.group(1) is None:
                raise InputError(f"SPARQL syntax error: {_where(text, pos)}: a string opened here is never closed")
            pos = s.end()
        elif c == "?" or c == "$":
            s = _VAR.match(text, pos)
            pos = s.end() if s else pos + 1
        elif c == "<":
            m, kind = _IRI.match(text, pos), "iri"
            pos = m.end() if m else pos + 1  # "<" as less-than
        elif c == "_" or c == "@":
            s = (_BNODE if c == "_" else _LANG).match(text, pos)
            pos = s.end() if s else pos + 1
            if s and "SERVICE" in s.group(0).upper():
                m, kind = s, "word"
        elif c == ":":
            m, kind = _PNAME.match(text, pos), "pname"
            pos = m.end()
        else:
            s = _WORD.match(text, pos)
            if s is None:
                s = _OTHER.match(text, pos)
                pos = s.end() if s else pos + 1
            elif text.startswith(":", s.end()):
                m, kind = _PNAME.match(text, pos), "pname"
                pos = m.end()
            else:
                pos = s.end()
                if _interesting(s.group(0)):
                    m, kind = s, "word"
        if m is not None:
            other = False
            yield kind, m
        elif not other:  # a run of strings, variables, punctuation and ordinary words is one "other"
            other = True
            yield "other", None


def _interesting(word: str) -> bool:
    up = word.upper()
    return "SERVICE" in up or up.startswith(_WATCHED) or up in _UPDATE_WORDS


def _iri_of(kind: str, m: re.Match, prefixes: dict[str, str], base: str | None) -> str | None:
    """The absolute IRI a graph-name token stands for, or None when it cannot be told."""
    if kind == "iri":
        iri = _unescape_iri(m.group(0)[1:-1])
    elif kind == "pname":
        ns = prefixes.get(m.group("prefix") or "")
        if ns is None:
            return None
        iri = ns + re.sub(r"\\(.)", r"\1", m.group("local") or "")
    else:
        return None
    if base and not re.match(r"[A-Za-z][A-Za-z0-9+.-]*:", iri):
        from urllib.parse import urljoin

        iri = urljoin(base, iri)
    return iri


def _outside(label: str, shown: str) -> QueryRefused:
    return QueryRefused(
        f"refused: {label} {shown} names a graph outside mesokg; use {label} <{OWN_GRAPHS}...> or leave it out"
    )


class _Ahead:
    """Tokens with a look-ahead of a few, read lazily (memory stays small however long the query)."""

    def __init__(self, text: str):
        self._it = tokens(text)
        self._buf: list = []

    def peek(self, k: int = 0):
        while len(self._buf) <= k:
            nxt = next(self._it, None)
            if nxt is None:
                return None
            self._buf.append(nxt)
        return self._buf[k]

    def pop(self):
        tok = self.peek()
        if tok is not None:
            del self._buf[0]
        return tok


def _scan(text: str) -> None:
    prefixes: dict[str, str] = {}
    base: str | None = None
    toks = _Ahead(text)
    in_body = False  # past the first "{": no dataset clause can follow
    while (tok := toks.pop()) is not None:
        kind, m = tok
        if kind == "{":
            in_body = True
            continue
        if m is None:
            continue
        token = m.group(0)
        if kind == "pname":
            code = (m.group("prefix") or "").upper()
        else:
            code = "" if kind == "iri" else token.upper()
        # keywords are matched without a word boundary: SERVICE:x is SERVICE :x to the engine
        if "SERVICE" in code:
            raise QueryRefused(SERVICE_REFUSED)
        if kind == "word":
            if code.startswith("LOAD"):
                raise QueryRefused(LOAD_REFUSED)
            if code in _UPDATE_WORDS:
                raise QueryRefused(f"refused: {code} is a SPARQL update; the graph is read-only here")
            nxt, after = toks.peek(), toks.peek(1)
            if code == "PREFIX" and nxt and after and nxt[0] == "pname" and after[0] == "iri":
                if "SERVICE" in (nxt[1].group("prefix") or "").upper():
                    raise QueryRefused(SERVICE_REFUSED)
                prefixes[nxt[1].group("prefix") or ""] = _iri_of("iri", after[1], {}, base) or ""
                toks.pop(), toks.pop()
                continue
            if code == "BASE" and nxt and nxt[0] == "iri":
                base = _iri_of("iri", nxt[1], {}, base)
                toks.pop()
                continue
            if code.startswith("FROM"):
                _check_from(text, m, toks, prefixes, base)
                continue
        if kind == "pname" and not in_body:  # FROMx:y reads as FROM x:y, LOADx:y as LOAD x:y
            if code.startswith("FROM"):
                raise _outside("FROM", token[4:])
            if code.startswith("LOAD"):
                raise QueryRefused(LOAD_REFUSED)


def _check_from(text: str, m: re.Match, toks: _Ahead, prefixes: dict[str, str], base: str | None) -> None:
    """Check the dataset clause that starts with the word ``m`` (FROM, FROMNAMED); consume its graph."""
    rest = m.group(0)[4:]
    label = "FROM"
    if rest.upper() == "NAMED":
        label, rest = "FROM NAMED", ""
    elif not rest and (nxt := toks.peek()) is not None and nxt[0] in ("word", "pname"):
        word = nxt[1].group(0)
        if word.upper() == "NAMED":
            label = "FROM NAMED"
            toks.pop()
        elif word.upper().startswith("NAMED"):  # NAMEDx:y reads as NAMED x:y
            raise _outside("FROM NAMED", word[5:])
    if rest:
        raise _outside(label, rest)
    target = toks.pop()
    if target is None or target[1] is None:
        raise QueryRefused(f"refused: {label} at {_where(text, m.start())} names no graph of mesokg")
    kind, tm = target
    iri = _iri_of(kind, tm, prefixes, base)
    if iri is None or not _OWN_GRAPH_NAME.fullmatch(iri):
        raise _outside(label, f"<{iri}>" if iri is not None else tm.group(0))


def where_brace(text: str) -> int | None:
    """The offset of the ``{`` that opens the WHERE clause (or of the first ``{``), outside strings and comments."""
    first = None
    after_where = False
    for kind, m in tokens(text):
        if kind == "{":
            if after_where:
                return m
            first = m if first is None else first
        after_where = kind == "word" and m.group(0).upper() == "WHERE"
    return first


def check_query(query: str) -> None:
    """Raise :class:`QueryRefused` if the query could leave the graph or modify it.

    >>> check_query("SELECT * WHERE { ?s ?p 'SERVICE' }")
    >>> check_query("SELECT * WHERE { SERVICE <http://x/> { ?s ?p ?o } }")
    Traceback (most recent call last):
    ...
    mesokg.errors.QueryRefused: refused: SERVICE would contact another server; mesokg queries only its own graph
    """
    _scan(query)
