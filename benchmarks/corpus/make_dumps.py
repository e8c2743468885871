"""Render every corpus HTML page to text with three text browsers, and copy in the pages kept outside the repository.

    python benchmarks/corpus/make_dumps.py [--mirror DIR] [ID ...]

Dumps: ``text/<id>.txt`` (w3m), ``lynx/<id>.txt`` and ``elinks/<id>.txt``, each made from ``html/<id>.html`` with
the options in ``BROWSERS`` (200 columns, UTF-8 in and out, no link list), so the same page and browser version give
the same file. Pages whose licence does not let the repository keep them (``"stored": false`` in expected.json) are
read from a git clone of the repository named in their ``source`` (``github:owner/name@commit path``), found as
``DIR/owner+name/repo`` or ``DIR/owner+name`` (default DIR: /work/.mirror), and written with their dumps under
``external/`` (ignored by git).
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
from pathlib import Path

CORPUS = Path(__file__).parent
BROWSERS = {
    "text": ["w3m", "-dump", "-T", "text/html", "-I", "UTF-8", "-O", "UTF-8", "-cols", "200"],
    "lynx": ["lynx", "-dump", "-stdin", "-nolist", "-width=200", "-assume_charset=UTF-8", "-display_charset=UTF-8"],
    "elinks": ["elinks", "-dump", "1", "-no-references", "-no-numbering", "-dump-width", "200", "-dump-charset",
               "utf-8", "-eval", 'set document.codepage.assume = "utf-8"', "-eval",
               "set document.codepage.force_assumed = 1"],
}
"""Folder of the dump -> the browser's command line (w3m's dumps keep the folder name ``text``)."""
_SOURCE = re.compile(r"^github:(?P<repo>[\w.-]+/[\w.-]+)@(?P<commit>[0-9a-f]{7,40}) (?P<path>.+)$")


def root(item: dict[str, object]) -> Path:
    """The folder holding an item's captures: the corpus, or ``external/`` for pages the repository does not keep."""
    return CORPUS if item.get("stored", True) else CORPUS / "external"


def dump(html: bytes, browser: str) -> str:
    """One browser's text rendering of a page, as the browser writes it."""
    out = subprocess.run(BROWSERS[browser], input=html, capture_output=True, check=True, timeout=120).stdout
    return out.decode("utf-8", "replace")


def fetch_external(item: dict[str, object], mirror: Path) -> Path:
    """Copy an external page out of a git clone of its source repository into ``external/html``."""
    match = _SOURCE.match(str(item["source"]))
    if match is None:
        raise SystemExit(f"expected.json: {item['id']}: /source: expected 'github:owner/name@commit path'")
    name = match["repo"].replace("/", "+")
    gitdir = next((d for d in (mirror / name / "repo", mirror / name) if d.exists()), None)
    if gitdir is None:
        raise SystemExit(f"{mirror / name}: no clone of {match['repo']}; expected one (git clone --mirror)")
    raw = subprocess.run(["git", "-C", str(gitdir), "show", f"{match['commit']}:{match['path']}"],
                         capture_output=True, check=True).stdout
    out = root(item) / "html" / f"{item['id']}.html"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(raw)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mirror", type=Path, default=Path("/work/.mirror"), help="folder of git clones")
    parser.add_argument("ids", nargs="*", help="only these pages")
    args = parser.parse_args()
    items = json.loads((CORPUS / "expected.json").read_text(encoding="utf-8"))["items"]
    for item in items:
        if args.ids and item["id"] not in args.ids:
            continue
        page = root(item) / "html" / f"{item['id']}.html"
        if not item.get("stored", True):
            fetch_external(item, args.mirror)
        if not page.exists():
            continue  # a text capture with no HTML page
        for folder in BROWSERS:
            out = root(item) / folder / f"{item['id']}.txt"
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(dump(page.read_bytes(), folder), encoding="utf-8", newline="")
            print(out.relative_to(CORPUS))


if __name__ == "__main__":
    main()
