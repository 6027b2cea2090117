"""SQLite history: first seen, new since the last run, the trend."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from tricolor.drift import HistoryError, Item, build_snapshots, compare
from tricolor.drift.history import History


def _result(replicas: int, extra: bool = False) -> object:
    a = build_snapshots("a", [Item("aws:ecs/service:Service", "svc", {"desiredCount": 2, "x": 1})])
    body = {"desiredCount": replicas, "x": 2 if extra else 1}
    b = build_snapshots("b", [Item("aws:ecs/service:Service", "svc", body)])
    return compare(a + b, ["replicas"])


def test_first_seen_and_new(tmp_path: Path) -> None:
    path = tmp_path / "h" / "drift.sqlite"
    with History(path) as db:
        first = db.record(_result(3), datetime(2026, 1, 1, tzinfo=UTC))
        second = db.record(_result(3, extra=True), datetime(2026, 1, 2, tzinfo=UTC))
        third = db.record(_result(3, extra=True), datetime(2026, 1, 3, tzinfo=UTC))
        runs = db.runs()
    # A first run has nothing to be new against: no "new" at all (the report shows no count).
    assert [(d.new, d.first_seen) for d in first.differences] == [(None, "2026-01-01T00:00:00+00:00")]
    assert not first.annotated
    by_path = {d.path: d for d in second.differences}
    assert by_path["desiredCount"].new is False and by_path["desiredCount"].first_seen == "2026-01-01T00:00:00+00:00"
    assert by_path["x"].new is True and by_path["x"].first_seen == "2026-01-02T00:00:00+00:00"
    assert {d.path: d.first_seen for d in third.differences}["x"] == "2026-01-02T00:00:00+00:00"
    assert [(r.drift, r.allowed, r.new, r.resolved) for r in runs] == [(0, 1, None, None), (1, 1, 1, 0),
                                                                         (1, 1, 0, 0)]


def test_annotating_reads_and_never_writes(tmp_path: Path) -> None:
    path = tmp_path / "drift.sqlite"
    with History(path) as db:
        db.record(_result(3), datetime(2026, 1, 1, tzinfo=UTC))
    before = path.read_bytes()
    with History(path, readonly=True) as db:
        annotated = db.annotate(_result(3, extra=True), datetime(2026, 1, 5, tzinfo=UTC))
        assert len(db.runs()) == 1
    assert path.read_bytes() == before
    by_path = {d.path: d for d in annotated.differences}
    assert by_path["desiredCount"].new is False and by_path["x"].new is True
    with History(tmp_path / "empty.sqlite") as db:  # no run yet: the result as it was
        assert not db.annotate(_result(3)).annotated


def test_unusable_history_file(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    with pytest.raises(HistoryError, match="cannot be opened"):
        History(tmp_path / "file" / "drift.sqlite")
    bad = tmp_path / "bad.sqlite"
    bad.write_text("this is not a database" * 100)
    with pytest.raises(HistoryError, match="bad.sqlite"):
        History(bad)
