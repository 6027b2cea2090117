"""TTL arithmetic with time moved forward by hand (never slept)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tricolor.previews.errors import PreviewInputError
from tricolor.previews.ttl import age, describe, expires_at, format_time, is_expired, parse_time, parse_ttl, remaining

CREATED = datetime(2026, 11, 26, 7, 0, 0, tzinfo=UTC)


def test_expiry_as_time_moves_forward() -> None:
    ttl = parse_ttl("72h")
    assert expires_at(CREATED, ttl) == datetime(2026, 11, 29, 7, 0, 0, tzinfo=UTC)
    now = CREATED
    assert not is_expired(CREATED, ttl, now) and remaining(CREATED, ttl, now) == ttl
    now += timedelta(hours=71, minutes=59, seconds=59)
    assert not is_expired(CREATED, ttl, now) and remaining(CREATED, ttl, now) == timedelta(seconds=1)
    now += timedelta(seconds=1)
    assert is_expired(CREATED, ttl, now) and remaining(CREATED, ttl, now) == timedelta(0)
    now += timedelta(hours=2)
    assert is_expired(CREATED, ttl, now) and describe(remaining(CREATED, ttl, now)) == "-2h"
    assert describe(age(CREATED, now)) == "3d2h"


@given(st.integers(min_value=1, max_value=90 * 86400), st.integers(min_value=0, max_value=200 * 86400))
def test_expired_exactly_when_ttl_has_passed(ttl_seconds: int, elapsed: int) -> None:
    ttl = timedelta(seconds=ttl_seconds)
    now = CREATED + timedelta(seconds=elapsed)
    assert is_expired(CREATED, ttl, now) is (elapsed >= ttl_seconds)
    assert remaining(CREATED, ttl, now) == ttl - timedelta(seconds=elapsed)


def test_times_in_other_zones_and_label_form() -> None:
    assert parse_time("2026-11-26T08:00:00+01:00") == CREATED
    assert parse_time("2026-11-26T07:00:00Z") == CREATED
    assert parse_time("2026-11-26T070000Z") == CREATED  # the Kubernetes label form
    assert parse_time(format_time(CREATED)) == CREATED
    naive = datetime(2026, 11, 26, 7, 0, 0)
    assert not is_expired(naive, timedelta(hours=1), CREATED)
    with pytest.raises(ValueError, match="not a time"):
        parse_time("yesterday")


@pytest.mark.parametrize(("text", "expected"), [("72h", timedelta(hours=72)), ("2d", timedelta(days=2)),
                                                 ("1h30m", timedelta(minutes=90))])
def test_good_ttls(text: str, expected: timedelta) -> None:
    assert parse_ttl(text) == expected


@pytest.mark.parametrize("text", ["-1h", "forever", "0s", "", "never", "72", "91d", "1y"])
def test_bad_ttls(text: str) -> None:
    with pytest.raises(PreviewInputError, match="--ttl"):
        parse_ttl(text)
