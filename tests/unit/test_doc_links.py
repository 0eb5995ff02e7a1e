"""Every relative link in README.md and docs/ points at a file that exists (anchors are not checked), and
every `docs/….md` a page or a source file names exists too."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
# [text](target) and [text](target "title"); images too. Code spans are removed first (they show syntax).
_LINK = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
_CODE = re.compile(r"```.*?```|`[^`\n]*`", re.S)
_DOC_PATH = re.compile(r"(?<![\w/.-])docs/[\w./-]+\.md")
SOURCES = (
    "config",
    "graph",
    "ingest",
    "queries",
    "analysis",
    "appdb",
    "api",
    "cli",
    "history",
    "pipeline",
    "bench",
    "scripts",
    "tests",
)


def _pages() -> list[Path]:
    return [REPO / "README.md", *sorted((REPO / "docs").rglob("*.md"))]


def test_relative_links_point_at_existing_files() -> None:
    broken = []
    for page in _pages():
        for target in _LINK.findall(_CODE.sub("", page.read_text())):
            if re.match(r"^[a-z][a-z0-9+.-]*:", target) or target.startswith("#"):
                continue  # http(s)://, mailto: … and anchors within the page
            path = (page.parent / target.split("#", 1)[0]).resolve()
            if not path.exists():
                broken.append(f"{page.relative_to(REPO)} → {target}")
    assert not broken, "links to missing files:\n" + "\n".join(broken)


def test_the_checker_sees_links() -> None:
    # Guards the pattern itself: README links docs/cli.md, so zero links found would mean a broken regex.
    assert "docs/cli.md" in _LINK.findall((REPO / "README.md").read_text())


def test_named_docs_pages_exist() -> None:
    texts = [*_pages(), REPO / "Makefile", REPO / "pyproject.toml"]
    texts += [p for d in SOURCES if (REPO / d).is_dir() for p in sorted((REPO / d).rglob("*.py"))]
    missing = sorted(
        f"{path.relative_to(REPO)} → {name}"
        for path in texts
        for name in set(_DOC_PATH.findall(path.read_text(errors="replace")))
        if not (REPO / name).exists()
    )
    assert not missing, "names of missing docs pages:\n" + "\n".join(missing)
