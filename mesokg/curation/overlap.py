"""Copied wording: runs of 10 or more words that a project file shares with a source document.

The graph may hold the facts and figures of the source documents, never their sentences. The
documents themselves are not part of the repository; where a maintainer has them, this checks the
tracked files against them::

    python -m mesokg.curation.overlap --documents DIR [FILE ...]

``DIR`` holds the documents as ``*.txt``; it defaults to ``$MESOKG_SOURCE_DOCUMENTS``. Prints one
``file:line`` per shared run; exit status 1 when something is shared, 2 when there are no documents.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

WINDOW = 10
TEXT_SUFFIXES = {".ttl", ".rq", ".md", ".txt", ".py", ".json", ".csv", ".tsv", ".html", ".toml", ".yaml", ".yml"}
_WORD = re.compile(r"[a-z0-9]+")


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def documents_folder(given: str | os.PathLike | None = None) -> Path | None:
    """The folder of source documents: ``given``, else ``$MESOKG_SOURCE_DOCUMENTS``; ``None`` if
    neither names a folder with ``*.txt`` files."""
    for cand in (given, os.environ.get("MESOKG_SOURCE_DOCUMENTS")):
        if cand and Path(cand).is_dir() and any(Path(cand).glob("*.txt")):
            return Path(cand)
    return None


def shared_runs(files, documents: Path, window: int = WINDOW) -> list[str]:
    """``file:line: shares with DOC: "words ..."`` for each line holding a run from a document."""
    runs: dict[str, str] = {}
    for doc in sorted(documents.glob("*.txt")):
        ws = _words(doc.read_text(encoding="utf-8", errors="replace"))
        for i in range(len(ws) - window + 1):
            runs.setdefault(" ".join(ws[i : i + window]), doc.name)
    out = []
    for path in map(Path, files):
        if path.suffix.lower() not in TEXT_SUFFIXES or not path.is_file():
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
            ws = _words(line)
            hit = next(
                (
                    " ".join(ws[i : i + window])
                    for i in range(len(ws) - window + 1)
                    if " ".join(ws[i : i + window]) in runs
                ),
                None,
            )
            if hit:
                out.append(f'{path}:{n}: shares with {runs[hit]}: "{hit} ..."')
    return out


def tracked_files(root: Path) -> list[Path]:
    res = subprocess.run(["git", "ls-files"], cwd=root, capture_output=True, text=True, check=False)
    return [root / p for p in res.stdout.splitlines()]


def main(argv=None) -> int:
    import argparse

    ap = argparse.ArgumentParser(prog="python -m mesokg.curation.overlap", description=__doc__.split("\n\n")[0])
    ap.add_argument("--documents", help="folder of the source documents (*.txt)")
    ap.add_argument("--window", type=int, default=WINDOW)
    ap.add_argument("files", nargs="*", help="files to check (default: every file git tracks here)")
    args = ap.parse_args(argv)
    docs = documents_folder(args.documents)
    if docs is None:
        print(
            "no source documents: give --documents DIR (a folder of *.txt) or set MESOKG_SOURCE_DOCUMENTS",
            file=sys.stderr,
        )
        return 2
    found = shared_runs(args.files or tracked_files(Path.cwd()), docs, args.window)
    if found:
        print("\n".join(found))
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
