"""OWL 2 DL profile check of release files with the OWL API (``OWL2DLProfile``).

The OWL API comes from PyPI inside owlready2 (``owlready2/pellet/owlapi-distribution-3.4.3-bin.jar``),
so nothing is downloaded; a 60-line Java program (``java/ProfileCheck.java``) is compiled once with
``javac`` into the mesokg cache and run on the files. Imports are resolved only through the IRI →
file pairs given (the release's ``catalog-v001.xml``), never over the network.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from mesokg.errors import MesokgError

SOURCE = Path(__file__).with_name("java") / "ProfileCheck.java"


@dataclass
class LoadedOntology:
    file: str
    iri: str
    version_iri: str
    axioms: int
    imports: int
    violations: list[str] = field(default_factory=list)


def owlapi_jar() -> Path:
    import owlready2

    jars = sorted((Path(owlready2.__file__).parent / "pellet").glob("owlapi-distribution-*.jar"))
    if not jars:
        raise MesokgError("the OWL API jar that owlready2 ships (pellet/owlapi-distribution-*.jar) is missing")
    return jars[-1]


def _compiled(jar: Path) -> Path:
    from mesokg.knowledge.dataset import cache_dir

    key = hashlib.sha256(SOURCE.read_bytes() + jar.name.encode()).hexdigest()[:16]
    for base in (cache_dir(), Path(tempfile.gettempdir()) / "mesokg-cache"):
        target = base / f"profilecheck-{key}"
        if (target / "ProfileCheck.class").is_file():
            return target
        javac = shutil.which("javac")
        if not javac:
            raise MesokgError(
                "javac not found: the OWL profile check needs a JDK (apt-get install default-jdk-headless)"
            )
        try:
            target.mkdir(parents=True, exist_ok=True)
        except OSError:
            continue
        tmp = Path(tempfile.mkdtemp(dir=target.parent, prefix=".profilecheck-"))
        r = subprocess.run(
            [javac, "-nowarn", "-cp", str(jar), "-d", str(tmp), str(SOURCE)], capture_output=True, text=True
        )
        if r.returncode != 0:
            raise MesokgError(
                f"{SOURCE}: javac failed: {r.stderr.strip().splitlines()[0] if r.stderr else r.returncode}"
            )
        (tmp / "ProfileCheck.class").replace(target / "ProfileCheck.class")
        shutil.rmtree(tmp, ignore_errors=True)
        return target
    raise MesokgError("no writable cache folder for the compiled OWL profile check")


def catalog_pairs(catalog: Path) -> dict[str, Path]:
    """IRI → file pairs of a Protégé XML catalog (``catalog-v001.xml``)."""
    text = catalog.read_text(encoding="utf-8")
    return {m[0]: catalog.parent / m[1] for m in re.findall(r'<uri name="([^"]+)" uri="([^"]+)"/>', text)}


def check_profile(files: list[Path], iri_map: dict[str, Path] | None = None) -> list[LoadedOntology]:
    """Load ``files`` together into one OWL API manager; one entry per file with its DL violations."""
    jar = owlapi_jar()
    cmd = ["java", "-cp", f"{jar}:{_compiled(jar)}", "ProfileCheck"]
    for iri, path in (iri_map or {}).items():
        cmd += ["--map", f"{iri}={Path(path).resolve()}"]
    cmd += [str(Path(f).resolve()) for f in files]
    r = subprocess.run(cmd, capture_output=True, text=True)
    loaded: dict[str, LoadedOntology] = {}
    for line in r.stdout.splitlines():
        parts = line.split("\t")
        if parts[0] == "ONTOLOGY" and len(parts) == 6:
            loaded[parts[1]] = LoadedOntology(parts[1], parts[2], parts[3], int(parts[4]), int(parts[5]))
        elif parts[0] == "VIOLATION" and len(parts) == 3:
            loaded[parts[1]].violations.append(parts[2])
        elif parts[0] == "ERROR":
            raise MesokgError(f"{parts[1]}: the OWL API cannot load it: {parts[2] if len(parts) > 2 else ''}")
    if r.returncode != 0 or len(loaded) != len(files):
        raise MesokgError(f"OWL profile check failed (exit {r.returncode}): {r.stderr.strip()[-300:]}")
    return list(loaded.values())
