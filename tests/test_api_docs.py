"""The API page (docs/api.md) lists exactly the public modules' ``__all__``: regenerated, it equals the committed
page, and every name it lists is importable from its module."""

from __future__ import annotations

import importlib
import re
import runpy

from tests.conftest import ROOT


def test_the_api_page_is_current() -> None:
    page = runpy.run_path(str(ROOT / "scripts" / "api_docs.py"))["page"]
    assert (ROOT / "docs" / "api.md").read_text(encoding="utf-8") == page(), \
        "docs/api.md is stale: run python scripts/api_docs.py"


def test_every_listed_name_is_in_its_modules_all() -> None:
    module = None
    listed: dict[str, list[str]] = {}
    for line in (ROOT / "docs" / "api.md").read_text(encoding="utf-8").splitlines():
        if (heading := re.fullmatch(r"## `([\w.]+)`", line)) is not None:
            module = heading.group(1)
            listed[module] = []
        elif (row := re.match(r"\| `(\w+)` \(", line)) is not None and module is not None:
            listed[module].append(row.group(1))
    assert listed.get("archivist.records")
    for name, names in listed.items():
        assert sorted(names) == sorted(getattr(importlib.import_module(name), "__all__", [])), name
