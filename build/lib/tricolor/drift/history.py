"""Drift history in SQLite: every run appended; each difference gets when it was first
seen and whether it is new since the last run over the same environments."""

from __future__ import annotations

import dataclasses
import sqlite3
from collections.abc import Sequence
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from .errors import HistoryError
from .model import DriftResult

SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    environments TEXT NOT NULL,
    drift INTEGER NOT NULL, allowed INTEGER NOT NULL, ignored INTEGER NOT NULL,
    resources INTEGER NOT NULL, exit_code INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS differences (
    run_id INTEGER NOT NULL REFERENCES runs(id),
    key TEXT NOT NULL, resource TEXT NOT NULL, path TEXT NOT NULL, status TEXT NOT NULL,
    first_seen TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS differences_run ON differences(run_id);
CREATE INDEX IF NOT EXISTS runs_environments ON runs(environments, id);
"""


@dataclass(frozen=True)
class Run:
    id: int
    at: str
    environments: str
    drift: int
    allowed: int
    ignored: int
    resources: int
    exit_code: int
    new: int
    resolved: int


class History:
    """A SQLite file of drift runs."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(self.path)
            self.db.executescript(SCHEMA)
        except (OSError, sqlite3.Error) as exc:
            raise HistoryError(f"drift history {self.path}: cannot be opened ({exc})") from None

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> History:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _last(self, environments: str) -> tuple[int | None, dict[str, str]]:
        row = self.db.execute("SELECT id FROM runs WHERE environments = ? ORDER BY id DESC LIMIT 1",
                              (environments,)).fetchone()
        if row is None:
            return None, {}
        seen = dict(self.db.execute("SELECT key, first_seen FROM differences WHERE run_id = ?", (row[0],)))
        return int(row[0]), seen

    def record(self, result: DriftResult, at: datetime | None = None) -> DriftResult:
        """Append ``result`` as a run; return it with ``first_seen`` and ``new`` filled in."""
        now = (at or datetime.now(UTC)).isoformat(timespec="seconds")
        environments = ",".join(result.environments)
        try:
            last_id, seen = self._last(environments)
            annotated = tuple(
                dataclasses.replace(d, first_seen=seen.get(d.key, now), new=d.key not in seen)
                for d in result.differences)
            counts = result.counts
            with self.db:
                cursor = self.db.execute(
                    "INSERT INTO runs (at, environments, drift, allowed, ignored, resources, exit_code) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (now, environments, counts["drift"], counts["allowed"], counts["ignored"], result.resources,
                     result.exit_code))
                self.db.executemany(
                    "INSERT INTO differences (run_id, key, resource, path, status, first_seen) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    [(cursor.lastrowid, d.key, d.resource, d.path, d.status, d.first_seen) for d in annotated])
        except sqlite3.Error as exc:
            raise HistoryError(f"drift history {self.path}: cannot be written ({exc})") from None
        return dataclasses.replace(result, differences=annotated)

    def runs(self, environments: Sequence[str] | None = None, limit: int = 20) -> list[Run]:
        """The latest runs, oldest first, each with how many differences were new or resolved."""
        query = "SELECT id, at, environments, drift, allowed, ignored, resources, exit_code FROM runs"
        args: tuple[object, ...] = ()
        if environments:
            query += " WHERE environments = ?"
            args = (",".join(environments),)
        try:
            with closing(self.db.cursor()) as cursor:
                rows = cursor.execute(query + " ORDER BY id DESC LIMIT ?", (*args, limit)).fetchall()
                out: list[Run] = []
                for row in reversed(rows):
                    keys = {k for (k,) in cursor.execute("SELECT key FROM differences WHERE run_id = ?", (row[0],))}
                    previous = cursor.execute("SELECT id FROM runs WHERE environments = ? AND id < ? "
                                              "ORDER BY id DESC LIMIT 1", (row[2], row[0])).fetchone()
                    before = {k for (k,) in cursor.execute("SELECT key FROM differences WHERE run_id = ?",
                                                           (previous[0],))} if previous else set()
                    out.append(Run(*row, new=len(keys - before), resolved=len(before - keys)))
        except sqlite3.Error as exc:
            raise HistoryError(f"drift history {self.path}: cannot be read ({exc})") from None
        return out
