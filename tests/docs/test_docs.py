"""The documentation holds together: links resolve, every screenshot is taken and shown.

Runs without a browser: it reads the Markdown and the screenshot script's table.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from importlib.machinery import SourceFileLoader
from importlib.util import module_from_spec, spec_from_loader
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
PAGES = [ROOT / "README.md", *sorted(DOCS.glob("*.md"))]
LINK = re.compile(r"\]\(([^)\s]+)\)")


def slug(heading: str) -> str:
    """A heading's anchor as Git hosts make it: letters, digits, - and _ kept."""
    kept = []
    for ch in re.sub(r"[`*]", "", heading).strip().lower():
        if ch == " ":
            kept.append("-")
        elif ch in "-_" or unicodedata.category(ch)[0] in "LN":
            kept.append(ch)
    return "".join(kept)


def anchors(page: Path) -> set[str]:
    text = re.sub(r"(?ms)^```.*?^```", "", page.read_text(encoding="utf-8"))
    return {slug(h) for h in re.findall(r"(?m)^#{1,6} (.+)$", text)}


def shots() -> list:
    path = str(ROOT / "scripts" / "docs-screenshots")
    loader = SourceFileLoader("docs_screenshots", path)
    module = module_from_spec(spec_from_loader(loader.name, loader))
    sys.modules[loader.name] = module  # its dataclass looks itself up there
    loader.exec_module(module)
    return list(module.SHOTS)


def test_every_relative_link_and_anchor_resolves():
    broken = []
    for page in PAGES:
        for target in LINK.findall(page.read_text(encoding="utf-8")):
            if target.startswith(("http://", "https://", "mailto:")):
                continue
            path, _, fragment = target.partition("#")
            resolved = (page.parent / path) if path else page
            if not resolved.exists():
                broken.append(f"{page.name}: {target}")
            elif resolved.suffix == ".md" and fragment not in {"", *anchors(resolved)}:
                broken.append(f"{page.name}: #{fragment}")
    assert broken == []


def test_every_screenshot_is_taken_and_shown():
    names = {shot.name for shot in shots()}
    taken = {png.stem for png in (DOCS / "img").glob("*.png")}
    shown = {
        Path(target).stem
        for page in PAGES
        for target in LINK.findall(page.read_text(encoding="utf-8"))
        if target.endswith(".png")
    }
    assert taken == names  # the script made each file, and nothing else is left
    assert shown <= taken
    assert names - shown == set()  # no screenshot taken for nobody


def test_the_guides_cover_every_role():
    index = (DOCS / "README.md").read_text(encoding="utf-8")
    for guide in ("officer", "leader", "auditor", "admin"):
        assert f"guide-{guide}.md" in index and (DOCS / f"guide-{guide}.md").exists()
