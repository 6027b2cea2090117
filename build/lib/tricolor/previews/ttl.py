"""TTL arithmetic: a preview expires ``ttl`` after it was created, whatever happens since.

Pushes update a preview but never extend its life: the creation time is kept. Every
function takes ``now`` so that tests move time forward instead of sleeping.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from ..spec.durations import format_duration, parse_duration
from .errors import PreviewInputError

DEFAULT_TTL = "72h"
MAX_TTL = timedelta(days=90)
_COMPACT = re.compile(r"^(\d{4}-\d{2}-\d{2})T(\d{2})(\d{2})(\d{2})(?:\.\d+)?Z?$")


def parse_ttl(text: str | int | float) -> timedelta:
    """A TTL such as ``72h`` or ``2d``: more than zero, at most 90 days.

    ``-1h``, ``forever``, ``0s`` and empty text are errors naming the value."""
    try:
        ttl = parse_duration(text)
    except ValueError as exc:
        raise PreviewInputError(f"--ttl: {exc} (a preview always expires)") from None
    if ttl <= timedelta(0):
        raise PreviewInputError(f"--ttl: {text!r} is not more than 0; a preview needs time to live")
    if ttl > MAX_TTL:
        raise PreviewInputError(f"--ttl: {text!r} is above the limit of {format_duration(MAX_TTL)}")
    return ttl


def utcnow() -> datetime:
    return datetime.now(UTC)


def format_time(moment: datetime) -> str:
    """``2026-11-26T07:16:03Z``: UTC, whole seconds (the form tags and config carry)."""
    return as_utc(moment).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def as_utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def parse_time(text: str) -> datetime:
    """Parse an ISO 8601 time (``Z`` or an offset; naive means UTC) or the compact label
    form ``2026-11-26T071603Z`` that Kubernetes labels carry. ``ValueError`` otherwise."""
    value = str(text).strip()
    compact = _COMPACT.match(value)
    if compact:
        day, hours, minutes, seconds = compact.groups()
        return datetime.fromisoformat(f"{day}T{hours}:{minutes}:{seconds}+00:00")
    try:
        return as_utc(datetime.fromisoformat(value.replace("Z", "+00:00")))
    except ValueError:
        raise ValueError(f"{text!r} is not a time such as 2026-11-26T07:16:03Z") from None


def expires_at(created_at: datetime, ttl: timedelta) -> datetime:
    return as_utc(created_at) + ttl


def remaining(created_at: datetime, ttl: timedelta, now: datetime) -> timedelta:
    """Time left before expiry (negative once expired)."""
    return expires_at(created_at, ttl) - as_utc(now)


def is_expired(created_at: datetime, ttl: timedelta, now: datetime) -> bool:
    """Expired from the very moment ``created_at + ttl`` is reached."""
    return as_utc(now) >= expires_at(created_at, ttl)


def age(created_at: datetime, now: datetime) -> timedelta:
    return max(as_utc(now) - as_utc(created_at), timedelta(0))


def describe(delta: timedelta) -> str:
    """``3h5m`` or ``-2h`` (whole minutes past an hour, whole seconds below a minute)."""
    sign = "-" if delta < timedelta(0) else ""
    seconds = abs(int(delta.total_seconds()))
    if seconds >= 3600:
        seconds -= seconds % 60
    return sign + format_duration(timedelta(seconds=seconds))
