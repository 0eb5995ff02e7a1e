"""Fetch Neo4j Community jars from Maven Central and compile the small Java launcher, once.

The jars land in ``<cache>/neo4j-<version>/lib`` (about 120 MB); a marker file makes the step idempotent
and a half-finished download is never mistaken for a complete one (we copy into a temp folder first).
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from config import get_settings

NEO4J_VERSION = "5.26.30"  # keep equal to <neo4j.version> in pom.xml
SUPPORTED_JAVA = (17, 21)
_HERE = Path(__file__).resolve().parent
POM = _HERE / "pom.xml"
LAUNCHER_SOURCE = _HERE / "InvgraphNeo4j.java"


class EmbeddedError(RuntimeError):
    """A one-line, user-facing reason why the embedded Neo4j cannot be installed or run."""


@dataclass(frozen=True)
class Runtime:
    java: str
    java_major: int
    lib_dir: Path
    classes_dir: Path


def cache_root() -> Path:
    return get_settings().embedded.cache_root() / f"neo4j-{NEO4J_VERSION}"


def java_major(java: str) -> int:
    try:
        out = subprocess.run([java, "-version"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise EmbeddedError(f"Java not found or not runnable ({java}): install OpenJDK 17 or 21") from exc
    match = re.search(r'version "(\d+)(?:\.(\d+))?', out.stderr + out.stdout)
    if not match:
        raise EmbeddedError(
            f"cannot read the Java version from `{java} -version`: {out.stderr.strip()[:200]}"
        )
    major = int(match.group(1))
    return int(match.group(2)) if major == 1 and match.group(2) else major


def find_java() -> tuple[str, int]:
    home = os.environ.get("JAVA_HOME")
    java = str(Path(home) / "bin" / "java") if home else shutil.which("java")
    if not java or not Path(java).exists():
        raise EmbeddedError(
            "Java is missing: Neo4j 5.26 needs OpenJDK 17 or 21 (apt-get install openjdk-17-jdk)"
        )
    major = java_major(java)
    if major not in SUPPORTED_JAVA:
        raise EmbeddedError(
            f"Java {major} found at {java}; Neo4j {NEO4J_VERSION} needs Java 17 or 21 (set JAVA_HOME to one)"
        )
    return java, major


def _resolve_jars(lib_dir: Path) -> None:
    mvn = shutil.which("mvn")
    if not mvn:
        raise EmbeddedError("Maven is missing: it fetches the Neo4j jars once (apt-get install maven)")
    tmp = lib_dir.with_name("lib.partial")
    shutil.rmtree(tmp, ignore_errors=True)
    cmd = [
        mvn,
        "-B",
        "-q",
        "-f",
        str(POM),
        "dependency:copy-dependencies",
        f"-DoutputDirectory={tmp}",
        "-DincludeScope=runtime",
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        tail = " ".join((proc.stdout + proc.stderr).strip().splitlines()[-3:])[:400]
        raise EmbeddedError(f"downloading Neo4j {NEO4J_VERSION} jars with Maven failed: {tail}")
    shutil.rmtree(lib_dir, ignore_errors=True)
    tmp.rename(lib_dir)


def _compile_launcher(java: str, lib_dir: Path, classes_dir: Path) -> None:
    javac = str(Path(java).resolve().parent / "javac")
    if not Path(javac).exists():
        javac = shutil.which("javac") or ""
    if not javac:
        raise EmbeddedError("javac is missing: install a full JDK 17 (openjdk-17-jdk), not only the JRE")
    classes_dir.mkdir(parents=True, exist_ok=True)
    proc = subprocess.run(
        [javac, "-d", str(classes_dir), "-cp", f"{lib_dir}/*", str(LAUNCHER_SOURCE)],
        capture_output=True,
        text=True,
    )
    if proc.returncode != 0:
        raise EmbeddedError(f"compiling the Neo4j launcher failed: {proc.stderr.strip()[:400]}")


def ensure_installed() -> Runtime:
    """Resolve jars and compile the launcher if not done yet; return what `start` needs."""
    java, major = find_java()
    root = cache_root()
    lib_dir, classes_dir = root / "lib", root / "classes"
    marker = root / ".complete"
    if not marker.exists() or not any(lib_dir.glob("neo4j-kernel-*.jar")):
        root.mkdir(parents=True, exist_ok=True)
        _resolve_jars(lib_dir)
        marker.write_text(NEO4J_VERSION)
    # Recompiled when the source's content or the JDK changed, not its mtime: a fresh clone (CI, `make test`
    # on a clean checkout) has a new mtime on the same source and would pay javac for nothing.
    compiled, stamp = classes_dir / "InvgraphNeo4j.class", classes_dir / "InvgraphNeo4j.source"
    want = f"{hashlib.sha256(LAUNCHER_SOURCE.read_bytes()).hexdigest()} java {major}\n"
    if not compiled.exists() or not stamp.exists() or stamp.read_text() != want:
        _compile_launcher(java, lib_dir, classes_dir)
        stamp.write_text(want)
    return Runtime(java=java, java_major=major, lib_dir=lib_dir, classes_dir=classes_dir)
