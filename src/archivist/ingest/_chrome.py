"""Named, data-driven rules that recognise site chrome (banners, share links, footers) in captured text."""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

from .._errors import IngestError


@dataclass(frozen=True)
class ChromeRule:
    """A line is chrome when the whole (stripped) line matches ``pattern`` and is at most ``max_length`` long."""

    name: str
    pattern: re.Pattern[str]
    max_length: int = 200

    def matches(self, line: str) -> bool:
        text = line.strip()
        return bool(text) and len(text) <= self.max_length and self.pattern.fullmatch(text) is not None


def _parse_rules(data: Any, origin: str) -> tuple[ChromeRule, ...]:
    if not isinstance(data, dict) or not isinstance(data.get("rules"), list):
        raise IngestError(origin, 'chrome rules must be a JSON object with a "rules" list')
    rules = []
    for index, item in enumerate(data["rules"]):
        where = f"/rules/{index}"
        if not isinstance(item, dict) or not isinstance(item.get("name"), str) \
                or not isinstance(item.get("pattern"), str):
            raise IngestError(origin, f"{where}: each rule needs a string 'name' and 'pattern'")
        try:
            pattern = re.compile(item["pattern"], re.IGNORECASE)
        except re.error as exc:
            raise IngestError(origin, f"{where}/pattern: not a valid regular expression: {exc}") from None
        max_length = item.get("max_length", 200)
        if not isinstance(max_length, int) or max_length < 1:
            raise IngestError(origin, f"{where}/max_length: expected a positive integer")
        rules.append(ChromeRule(item["name"], pattern, max_length))
    return tuple(rules)


@cache
def builtin_rules() -> tuple[ChromeRule, ...]:
    """The rules shipped with archivist (``archivist/ingest/chrome_rules.json``)."""
    text = files("archivist.ingest").joinpath("chrome_rules.json").read_text(encoding="utf-8")
    return _parse_rules(json.loads(text), "chrome_rules.json")


def load_rules(path: str | os.PathLike[str]) -> tuple[ChromeRule, ...]:
    """Rules from a user's JSON file of the same shape as the built-in one."""
    name = os.fspath(path)
    try:
        data = json.loads(Path(name).read_text(encoding="utf-8"))
    except OSError as exc:
        raise IngestError(name, exc.strerror or str(exc)) from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise IngestError(name, f"not a JSON rules file: {exc}") from None
    return _parse_rules(data, name)


def match_rule(line: str, rules: tuple[ChromeRule, ...]) -> str | None:
    """The name of the first rule that marks ``line`` as chrome, or None."""
    for rule in rules:
        if rule.matches(line):
            return rule.name
    return None
