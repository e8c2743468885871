"""Counted nouns for messages: the one place that knows "1 record" but "2 records"."""

from __future__ import annotations


def counted(count: int, noun: str) -> str:
    """``count`` and ``noun``, plural (an ``s`` added) unless the count is one: ``1 record``, ``0 records``."""
    return f"{count} {noun}{'' if count == 1 else 's'}"
