"""Render every corpus HTML page to text with three text browsers.

    python benchmarks/corpus/make_dumps.py [ID ...]

Dumps: ``text/<id>.txt`` (w3m), ``lynx/<id>.txt`` and ``elinks/<id>.txt``, each made from ``html/<id>.html`` with
the options in ``BROWSERS`` (200 columns, UTF-8 in and out, no link list), so the same page and browser version give
the same file. Every page is kept in the repository, so the dumps need nothing from outside it.
"""

from __future__ import annotations

import argparse
import json
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


def dump(html: bytes, browser: str) -> str:
    """One browser's text rendering of a page, as the browser writes it."""
    out = subprocess.run(BROWSERS[browser], input=html, capture_output=True, check=True, timeout=120).stdout
    return out.decode("utf-8", "replace")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("ids", nargs="*", help="only these pages")
    args = parser.parse_args()
    items = json.loads((CORPUS / "expected.json").read_text(encoding="utf-8"))["items"]
    for item in items:
        if args.ids and item["id"] not in args.ids:
            continue
        page = CORPUS / "html" / f"{item['id']}.html"
        if not page.exists():
            continue  # a text capture with no HTML page
        for folder in BROWSERS:
            out = CORPUS / folder / f"{item['id']}.txt"
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(dump(page.read_bytes(), folder), encoding="utf-8", newline="")
            print(out.relative_to(CORPUS))


if __name__ == "__main__":
    main()
