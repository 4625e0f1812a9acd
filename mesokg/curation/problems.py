"""Problems a curator can act on: where (``file:row:column`` or ``file:line``), what, how to fix it.

Each problem is one line. A list of problems keeps only the first problem per place (a cell of a
table, or a node and property of a Turtle file), so one mistake is reported once even when
several rules notice it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..errors import InputError, ValidationFailed


@dataclass(frozen=True)
class Problem:
    file: str
    message: str  # the rule in plain words, with the fix
    row: int | None = None  # line of the file (TSV: the spreadsheet row; header is row 1)
    column: str | None = None  # TSV column name
    col: int | None = None  # TSV column number, 1-based
    severity: str = "error"  # "error" | "warning"
    subject: str | None = None  # Turtle: the node (short form) the problem is about

    def where(self) -> str:
        w = self.file
        if self.row is not None:
            w += f":{self.row}"
            if self.col is not None:
                w += f":{self.col}"
        return w

    def __str__(self) -> str:
        what = f"column {self.column}: " if self.column else (f"{self.subject}: " if self.subject else "")
        sev = "" if self.severity == "error" else f"{self.severity}: "
        return f"{self.where()}: {sev}{what}{self.message}"


@dataclass
class Problems:
    """An ordered list of problems, one per place."""

    items: list[Problem] = field(default_factory=list)
    _seen: set = field(default_factory=set)

    def add(self, problem: Problem) -> None:
        key = (problem.file, problem.row, problem.column, problem.subject if problem.column is None else None)
        if problem.row is None:  # no place: one per message
            key = (problem.file, problem.message)
        if key in self._seen:
            return
        self._seen.add(key)
        self.items.append(problem)

    def error(self, file, message, row=None, column=None, col=None, subject=None) -> None:
        self.add(Problem(str(file), message, row, column, col, "error", subject))

    def warning(self, file, message, row=None, column=None, col=None, subject=None) -> None:
        self.add(Problem(str(file), message, row, column, col, "warning", subject))

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.items if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.items if p.severity != "error"]

    def sorted(self) -> list[Problem]:
        return sorted(self.items, key=lambda p: (p.severity != "error", p.file, p.row or 0, p.col or 0))

    def __len__(self) -> int:
        return len(self.items)

    def text(self) -> str:
        return "\n".join(str(p) for p in self.sorted())


class CurationFailed(ValidationFailed):
    """The input has errors; nothing was written. ``problems`` lists them, one line each."""

    def __init__(self, problems: Problems, what: str = "nothing was written"):
        self.problems = problems
        n = len(problems.errors)
        super().__init__(f"{n} problem(s); {what}:\n" + "\n".join(str(p) for p in problems.sorted()))


class TemplateError(InputError):
    """A table that cannot be read at all (missing file, no header, wrong columns)."""
