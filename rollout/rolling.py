"""The ``rolling`` strategy: what its plan walks, and the windows its analysis compares.

Pure functions. A rolling release has no weights to move: production is one
environment, and the ledger's two colors are two *slots* (the image in force and the
image before it). The plan:

==========  ======  ===============================================================
step        weight  what happens
==========  ======  ===============================================================
deploy      100     the new image to the one environment (the platform's rolling
                    update: Kubernetes ``RollingUpdate``, ECS with its circuit
                    breaker, Docker recreate, the Lambda alias moved at once)
smoke       100     the smoke tests, against the updated environment
pause       100     ``rollingUpdate.pause``: the new version takes traffic
analysis    100     the new version (since the update) against the previous one
                    (as long a window, ending when the update began)
finish      100     done; the previous image stays recorded for ``rollback``
==========  ======  ===============================================================

A failed smoke test or analysis aborts: the abort puts the previous slot back in
force, which applies the previous image again (``kubectl rollout undo``). The pause
and the analysis are in the plan only when the spec declares metrics (without them
the smoke tests, the platform's health checks and the circuit breaker decide).

Worked example of the windows: the update began at 10:00:00 and ended (the apply
returned) at 10:02:00; measured at 10:07:00 the new version is judged over
10:02:00-10:07:00 and the previous one over 09:55:00-10:00:00 (five minutes each).
"""

from __future__ import annotations

from ..spec.durations import format_duration
from ..spec.release import Release
from ..spec.strategies import Migrations

__all__ = ["before_after", "migration_text", "rolling_rows"]


def rolling_rows(release: Release) -> list[tuple[str, int, float | None, str]]:
    """(action, weight, duration, description) of each step of a rolling release."""
    update = release.rolling_update
    rows: list[tuple[str, int, float | None, str]] = [
        ("deploy", 100, None, f"roll the new image out in place: the platform's rolling update (maxSurge "
                              f"{update.max_surge}, maxUnavailable {update.max_unavailable}); the previous image "
                              "stays recorded for rollback"),
    ]
    if release.smoke_tests:
        rows.append(("smoke", 100, None, f"smoke-test the updated environment ({len(release.smoke_tests)} checks)"))
    if release.analysis.metrics:
        pause = update.pause.total_seconds()
        if pause > 0:
            rows.append(("pause", 100, pause, f"pause {format_duration(update.pause)}: the new version takes "
                                              "traffic before it is judged"))
        rows.append(("analysis", 100, None, "analysis: the new version against the previous one over as long a "
                                            "window before the update"))
    rows.append(("finish", 100, None, "the new version is active; the previous image can be applied again "
                                      "(rollback) during the rollback window"))
    return rows


def migration_text(migrations: Migrations, phase: str, strategy: str = "blueGreen") -> str:
    """What a migration step runs, and when."""
    words = " ".join(migrations.command_line(phase))
    if len(words) > 80:
        words = words[:79] + "…"
    image = migrations.image or "the new image"
    if phase == "expand":
        return f"expand migration: run `{words}` with {image}; the new version is deployed only if it succeeds"
    after = "the previous version is gone" if strategy == "rolling" else "the old color is scaled down"
    return (f"contract migration: run `{words}` with {image} once the rollback window has closed and {after} "
            "(rollback is refused from then on)")


def before_after(update_began: float, update_done: float, now: float) -> tuple[float, float, float, float]:
    """(baseline start, baseline end, canary start, canary end): the new version since
    the update, the previous one over as long a window ending when the update began."""
    length = max(0.0, now - update_done)
    return update_began - length, update_began, update_done, now
