"""Durations as Go and Argo Rollouts write them, plus days: ``90s``, ``1h30m``, ``1.5h``,
``500ms``, ``250us``, ``+5m``, ``2d``.

- A number (YAML ``30``) is that many seconds; so is a string of digits (``"30"``) where
  the caller asks for Argo Rollouts' reading (``digits_are_seconds``, the spec's fields);
  elsewhere (a preview's ``--ttl 72``) a unit is required, so ``72`` is not 72 seconds.
- Units: ``ns``, ``us`` (``µs``), ``ms``, ``s``, ``m``, ``h`` and ``d`` (24 h; Go has
  no days, tricolor keeps them). Each part may be fractional (``1.5h``, ``.5s``).
- A leading ``+`` is allowed; a negative, empty, non-finite or unit-less word
  (``forever``, ``1.5``) is refused with a ``ValueError`` naming the value.
- Every duration is at most ``MAX_DURATION`` (365 days): a larger one is refused with
  a message, never an overflow. Arithmetic is exact (fractions), then rounded to the
  microsecond that ``timedelta`` holds.

``format_duration`` writes the shortest text that ``parse_duration`` reads back to the
same value (``500ms``, ``1m30s``, ``1s250ms``), so a spec round-trips.
"""

from __future__ import annotations

import math
import re
from datetime import timedelta
from fractions import Fraction

from .errors import shown

MAX_DURATION = timedelta(days=365)
_MAX_TEXT = 64
_NUMBER = r"(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)"
_UNIT = r"(?:ns|us|µs|μs|ms|s|m|h|d)"
_PART = re.compile(rf"({_NUMBER})({_UNIT})")
_WHOLE = re.compile(rf"^(?:{_NUMBER}{_UNIT})+$")
_DIGITS = re.compile(r"^[0-9]+$")
_UNIT_SECONDS = {
    "ns": Fraction(1, 10**9), "us": Fraction(1, 10**6), "µs": Fraction(1, 10**6), "μs": Fraction(1, 10**6),
    "ms": Fraction(1, 1000), "s": Fraction(1), "m": Fraction(60), "h": Fraction(3600), "d": Fraction(86400),
}
_EXAMPLES = "such as 30s, 1h30m, 1.5h, 500ms or 2d (a bare number is seconds)"


def _seconds(value: str | int | float, digits_are_seconds: bool) -> Fraction:
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise ValueError(f"{shown(value)} is not a duration {_EXAMPLES}")
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"{shown(value)} is not a duration: it must be a finite number of seconds")
        return Fraction(value)
    if isinstance(value, int):
        return Fraction(value)
    text = value.strip()
    if len(text) > _MAX_TEXT:
        raise ValueError(f"{shown(value)} is not a duration {_EXAMPLES}")
    if text.startswith("-"):
        raise ValueError(f"{shown(value)} is negative; a duration is at least 0")
    text = text.removeprefix("+")
    if _DIGITS.match(text) and (digits_are_seconds or text == "0"):
        return Fraction(int(text))
    if not _WHOLE.match(text):
        raise ValueError(f"{shown(value)} is not a duration {_EXAMPLES}")
    return sum((Fraction(number) * _UNIT_SECONDS[unit] for number, unit in _PART.findall(text)), Fraction(0))


def parse_duration(value: str | int | float, limit: timedelta = MAX_DURATION, *,
                   digits_are_seconds: bool = False) -> timedelta:
    """Parse a duration; raise ``ValueError`` naming the value when it is not one, is
    negative, or is longer than ``limit``. ``digits_are_seconds`` reads ``"30"`` as 30s."""
    seconds = _seconds(value, digits_are_seconds)
    if seconds < 0:
        raise ValueError(f"{shown(value)} is negative; a duration is at least 0")
    if seconds > Fraction(int(limit.total_seconds())):
        raise ValueError(f"{shown(value)} is longer than the limit of {format_duration(limit)}")
    return timedelta(microseconds=round(seconds * 1_000_000))


_SIZES = (("d", 86_400_000_000), ("h", 3_600_000_000), ("m", 60_000_000), ("s", 1_000_000), ("ms", 1000), ("us", 1))


def format_duration(delta: timedelta) -> str:
    """The shortest ``1h30m``-style text for ``delta`` (``500ms``, ``0s``), read back
    by ``parse_duration`` to the same value. A negative delta gets a leading ``-``."""
    total = delta // timedelta(microseconds=1)
    if total == 0:
        return "0s"
    sign, total = ("-", -total) if total < 0 else ("", total)
    parts = []
    for unit, size in _SIZES:
        count, total = divmod(total, size)
        if count:
            parts.append(f"{count}{unit}")
    return sign + "".join(parts)
