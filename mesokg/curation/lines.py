"""Where a node is written in a Turtle file: the line of its subject, and of each of its properties.

Parsers give triples without positions, so this reads the file once more with a small tokenizer
that follows Turtle's statement structure (subject, then predicate-object lists separated by ``;``)
and records, for every subject at the top level, the line it starts on and the line of each of
its predicates.

>>> loc = TurtleLines.from_text('@prefix mkd: <https://w3id.org/mesokg/id/> .\\n'
...     'mkd:a a mkd:B ;\\n  mkd:p "x" .\\n')
>>> loc.line("https://w3id.org/mesokg/id/a"), loc.line("https://w3id.org/mesokg/id/a", "https://w3id.org/mesokg/id/p")
(2, 3)
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_TOKEN = re.compile(
    r'''(?P<ws>[ \t\r\n]+)|(?P<comment>\#[^\n]*)
    |(?P<string>"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^'\\]|\\.|'(?!''))*\'\'\'|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
    |(?P<iri><[^<>"{}|^`\\\s]*>)
    |(?P<directive>@prefix|@base|PREFIX\b|BASE\b)
    |(?P<punct>\^\^|[.;,\[\]()])
    |(?P<word>[^\s.;,\[\]()"'<>#]+(?:\.[^\s.;,\[\]()"'<>#]+)*)''',
    re.X,
)


@dataclass
class TurtleLines:
    subjects: dict[str, int] = field(default_factory=dict)  # subject IRI -> first line
    props: dict[tuple[str, str], int] = field(default_factory=dict)  # (subject, predicate) -> first line
    mentions: dict[str, int] = field(default_factory=dict)  # any IRI -> first line it appears on

    @classmethod
    def from_file(cls, path) -> TurtleLines:
        return cls.from_text(Path(path).read_text(encoding="utf-8", errors="replace"))

    @classmethod
    def from_text(cls, text: str) -> TurtleLines:
        out = cls()
        prefixes: dict[str, str] = {}
        line, depth = 1, 0
        subject = None
        expect = "subject"  # what the next term at depth 0 is: subject | predicate | object
        pending: list[str] = []  # directive tokens
        for m in _TOKEN.finditer(text):
            kind, tok = m.lastgroup, m.group()
            here = line
            line += tok.count("\n")
            if kind in ("ws", "comment"):
                continue
            if kind == "directive" or pending:
                pending.append(tok)
                if tok == "." or (pending[0].upper() in ("PREFIX", "BASE") and len(pending) == 3):
                    if pending[0].lower() in ("@prefix", "prefix") and len(pending) >= 3:
                        prefixes[pending[1].rstrip(":")] = pending[2][1:-1]
                    pending = []
                continue
            iri = None
            if kind == "iri":
                iri = tok[1:-1]
            elif kind == "word" and ":" in tok and not tok.startswith("_:"):
                pfx, _, loc = tok.partition(":")
                if pfx in prefixes:
                    iri = prefixes[pfx] + loc
            elif kind == "word" and tok == "a":
                iri = RDF_TYPE
            if iri:
                out.mentions.setdefault(iri, here)
            if kind == "punct":
                if tok in "[(":
                    depth += 1
                elif tok in "])":
                    depth -= 1
                elif depth == 0 and tok == ";":
                    expect = "predicate"
                elif depth == 0 and tok == ",":
                    expect = "object"
                elif depth == 0 and tok == ".":
                    expect, subject = "subject", None
                continue
            if depth:
                continue
            if expect == "subject":
                subject = iri
                if iri:
                    out.subjects.setdefault(iri, here)
                expect = "predicate"
            elif expect == "predicate":
                if subject and iri:
                    out.props.setdefault((subject, iri), here)
                expect = "object"
        return out

    def line(self, node: str, predicate: str | None = None) -> int | None:
        """The line of ``predicate`` in the description of ``node`` (or of ``node`` itself)."""
        if predicate and (node, predicate) in self.props:
            return self.props[(node, predicate)]
        return self.subjects.get(node) or self.mentions.get(node)
