"""The entry point: a Ctrl-C while the command line is still being loaded is a clean stop, not a traceback."""

from __future__ import annotations

import sys
import types

import pytest

from archivist.cli import _entry


class _Interrupted(types.ModuleType):
    def __getattr__(self, name: str) -> object:
        raise KeyboardInterrupt


def test_ctrl_c_while_loading_exits_130_with_one_line(monkeypatch: pytest.MonkeyPatch,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setitem(sys.modules, "archivist.cli._app", _Interrupted("archivist.cli._app"))
    with pytest.raises(SystemExit) as stop:
        _entry.main()
    assert stop.value.code == 130
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "stopped by SIGINT" in err and "Traceback" not in err


def test_the_console_script_is_the_entry_point() -> None:
    from importlib.metadata import entry_points

    (script,) = [e for e in entry_points(group="console_scripts") if e.name == "archivist"]
    assert script.value == "archivist.cli._entry:main"


class _WrappedInterrupt(types.ModuleType):
    def __getattr__(self, name: str) -> object:
        try:
            raise KeyboardInterrupt
        except KeyboardInterrupt as exc:  # what Python 3.11 does to one raised in a class's __set_name__
            raise RuntimeError("Error calling __set_name__") from exc


def test_ctrl_c_wrapped_by_python_while_loading_is_a_clean_stop_too(monkeypatch: pytest.MonkeyPatch,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setitem(sys.modules, "archivist.cli._app", _WrappedInterrupt("archivist.cli._app"))
    with pytest.raises(SystemExit) as stop:
        _entry.main()
    assert stop.value.code == 130 and "Traceback" not in capsys.readouterr().err


class _Broken(types.ModuleType):
    def __getattr__(self, name: str) -> object:
        raise RuntimeError("a real bug")


def test_any_other_error_while_loading_is_not_hidden(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "archivist.cli._app", _Broken("archivist.cli._app"))
    with pytest.raises(RuntimeError, match="a real bug"):
        _entry.main()
