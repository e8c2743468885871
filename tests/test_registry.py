"""The one registry type behind exporters and packages: lazy built-ins, plugins by entry point, name lists."""

from __future__ import annotations

import importlib.metadata
import sys
from collections.abc import Callable
from typing import Any, TypeGuard

import pytest

from archivist import UnknownFormat
from archivist._registry import Registry, choose, split_names

GROUP = "archivist.test-plugins"


class Plugin:
    def __init__(self, name: str, order: int = 0) -> None:
        self.name = name
        self.order = order


ONE = Plugin("one")
TWO = Plugin("two")
LAST = Plugin("last", order=1)
EXTRA = Plugin("extra")
CLAIMS_ONE = Plugin("one")  # a plugin whose own name is a built-in one
NOT_A_PLUGIN = object()


def accepts(plugin: object) -> TypeGuard[Plugin]:
    return isinstance(plugin, Plugin)


def is_function(plugin: object) -> TypeGuard[Callable[[], None]]:
    return callable(plugin)


def registry() -> Registry[Plugin]:
    return Registry("widget", GROUP, {"one": f"{__name__}:ONE", "last": f"{__name__}:LAST", "two": f"{__name__}:TWO"},
                    accepts, lambda p: p.name, lambda p: p.order)


def installed(monkeypatch: pytest.MonkeyPatch, **entries: str) -> None:
    points = [importlib.metadata.EntryPoint(name=n, value=f"{__name__}:{v}", group=GROUP) for n, v in entries.items()]
    monkeypatch.setattr(importlib.metadata, "entry_points", lambda **_: points)


def no_scan(**_: Any) -> Any:
    raise AssertionError("installed packages were scanned")


def test_a_built_in_is_found_without_scanning(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(importlib.metadata, "entry_points", no_scan)
    widgets = registry()
    assert widgets.get("two") is TWO and widgets.builtin_names() == ("one", "last", "two")
    with pytest.raises(AssertionError, match="scanned"):
        widgets.get("extra")


def test_built_ins_are_imported_when_first_asked_for(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delitem(sys.modules, "json.tool", raising=False)
    lazy: Registry[Callable[[], None]] = Registry("widget", GROUP, {"tool": "json.tool:main"}, is_function,
                                                  lambda p: "tool")
    assert "json.tool" not in sys.modules
    assert lazy.get("tool") is sys.modules["json.tool"].main


def test_plugins_are_listed_with_the_built_ins(monkeypatch: pytest.MonkeyPatch) -> None:
    installed(monkeypatch, extra="EXTRA")
    widgets = registry()
    assert widgets.get("extra") is EXTRA
    assert list(widgets.available()) == ["extra", "last", "one", "two"]


def test_an_unknown_name_lists_the_valid_ones(monkeypatch: pytest.MonkeyPatch) -> None:
    installed(monkeypatch, extra="EXTRA")
    with pytest.raises(UnknownFormat, match="unknown format 'nope'; valid formats: extra, last, one, two"):
        registry().get("nope")


@pytest.mark.parametrize("entries", [{"one": "EXTRA"}, {"mine": "CLAIMS_ONE"}])
def test_a_plugin_cannot_take_a_built_in_name(monkeypatch: pytest.MonkeyPatch, entries: dict[str, str]) -> None:
    installed(monkeypatch, **entries)
    widgets = registry()
    found = widgets.available()
    assert found["one"] is ONE and "extra" not in found
    (said,) = widgets.ignored
    assert said.endswith("is ignored: 'one' is a built-in widget")


def test_an_entry_point_of_another_kind_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    installed(monkeypatch, odd="NOT_A_PLUGIN")
    with pytest.raises(TypeError, match=f"'odd' in {GROUP} is not an archivist widget"):
        registry().available()


def test_register_and_unregister(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(importlib.metadata, "entry_points", lambda **_: [])
    widgets = registry()
    widgets.register(EXTRA)
    assert widgets.get("extra") is EXTRA
    widgets.unregister("extra")
    with pytest.raises(UnknownFormat):
        widgets.get("extra")


def test_split_names() -> None:
    assert split_names(" a, ,b,") == ["a", "b"]
    assert split_names(["a,b", " c "]) == ["a", "b", "c"]


def test_choose_shares_names_out_in_order_once_each(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(importlib.metadata, "entry_points", no_scan)
    formats = Registry("format", GROUP, {"x": f"{__name__}:EXTRA"}, accepts, lambda p: "x")
    assert choose("last,all,x,two,x", [registry(), formats], ["two", "one"]) == [["two", "one", "last"], ["x"]]


def test_choose_refuses_an_empty_list_naming_every_valid_name(monkeypatch: pytest.MonkeyPatch) -> None:
    installed(monkeypatch)
    with pytest.raises(UnknownFormat, match="unknown format ''; valid formats: last, one, two"):
        choose(" , ", [registry()], [])
