"""Durations written as ``90s``, ``5m``, ``1h30m``, ``72h`` or ``2d``."""

from __future__ import annotations

import re
from datetime import timedelta

_PART = re.compile(r"(\d+)(ms|s|m|h|d)")
_WHOLE = re.compile(r"^(?:\d+(?:ms|s|m|h|d))+$")
_UNIT_SECONDS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_duration(text: str | int | float) -> timedelta:
    """Parse a duration; raise ``ValueError`` naming the value when it is not one.

    Plain numbers are seconds. Negative, empty and unit-less words (``forever``) fail.
    """
    if isinstance(text, bool):
        raise ValueError(f"{text!r} is not a duration")
    if isinstance(text, (int, float)):
        if text < 0:
            raise ValueError(f"{text!r} is negative; a duration is at least 0")
        return timedelta(seconds=text)
    value = str(text).strip()
    if value.startswith("-"):
        raise ValueError(f"{text!r} is negative; a duration is at least 0")
    if not _WHOLE.match(value):
        raise ValueError(f"{text!r} is not a duration such as 30s, 5m, 1h30m, 72h or 2d")
    seconds = sum(int(n) * _UNIT_SECONDS[unit] for n, unit in _PART.findall(value))
    return timedelta(seconds=seconds)


def format_duration(delta: timedelta) -> str:
    """The shortest ``1h30m``-style text for ``delta`` (whole seconds)."""
    total = int(delta.total_seconds())
    if total == 0:
        return "0s"
    parts = []
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60), ("s", 1)):
        count, total = divmod(total, size)
        if count:
            parts.append(f"{count}{unit}")
    return "".join(parts)
