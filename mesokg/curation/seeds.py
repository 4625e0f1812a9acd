"""``mesokg curate ... --into seeds/``: accepted additions filed into the topic files.

Each node goes to the file of its topic (seeds/README.md, Files): sources to ``sources.ttl``,
curators to ``agents.ttl``, substances to ``substances.ttl``, indications to ``indications.ttl``,
use and efficacy claims to ``uses-<area>.ttl``, safety claims to ``safety.ttl``. The additions are
appended under a comment naming the tables they came from, so a contribution is one diff.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import MesokgError
from ..rdfio import parse_file, write_atomic
from .turtle import PREFIXES, block_text


def into_seeds(curated, folder) -> dict[Path, int]:
    """Append the blocks of ``curated`` to the topic files in ``folder``; return nodes per file."""
    folder = Path(folder)
    if not folder.is_dir():
        raise MesokgError(f"{folder}: no such folder (give the seeds/ folder of a checkout)")
    by_file: dict[Path, list] = {}
    for b in curated.blocks:
        by_file.setdefault(folder / (b.topic or "uses-medical.ttl"), []).append(b)
    rank = {"node": 0, "source": 1, "curator": 2, "claim": 3}
    source = ", ".join(Path(f).name for f in curated.files)
    written: dict[Path, str] = {}
    for path, blocks in by_file.items():
        old = path.read_text(encoding="utf-8") if path.exists() else ""
        missing = [p for p in PREFIXES if not re.search(rf"(?im)^\s*@prefix\s+{p}:", old)]
        chunk = "" if not old or old.endswith("\n") else "\n"
        chunk += f"\n# Added with `mesokg curate` from {source}.\n"
        chunk += "".join(f"@prefix {p}: <{PREFIXES[p]}> .\n" for p in missing)
        for b in sorted(blocks, key=lambda b: rank.get(b.kind, 9)):
            chunk += "\n" + block_text(b)
        written[path] = old + chunk
    for path, text in written.items():  # check every file before writing any
        tmp = path.with_name(f".{path.name}.check.ttl")
        try:
            tmp.write_text(text, encoding="utf-8")
            parse_file(tmp)
        finally:
            tmp.unlink(missing_ok=True)
    for path, text in written.items():
        write_atomic(path, text.encode())
    return {p: len(bs) for p, bs in by_file.items()}
