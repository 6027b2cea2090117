"""A rolling production's ECS deployment settings from the spec's ``release.rollingUpdate``.

ECS replaces a service's tasks in place between two bounds, in percent of the desired
count: ``maximumPercent`` (how many may run during the update) and
``minimumHealthyPercent`` (how many must stay healthy). Kubernetes' ``maxSurge`` and
``maxUnavailable`` map onto them: a percentage directly, a count through the desired
count (rounded as Kubernetes rounds: a surge up, unavailability down). The deployment
circuit breaker (with rollback) is on for every ECS service tricolor creates: a rolling
update whose tasks never get healthy is rolled back by ECS itself, before the release's
own smoke tests and analysis judge it.

Worked example: 4 tasks, ``maxSurge: 25%``, ``maxUnavailable: 0`` give ``200``/``100``
for blue-green's colors but ``125``/``100`` here: one extra task at a time, never fewer
than 4 healthy. ``maxSurge: 1`` on 3 tasks: ``134`` (ECS rounds the task count down, so
one extra task is 1/3 of 3, rounded up to a whole percent).
"""

from __future__ import annotations

import math

from ...spec.strategies import RollingUpdate

__all__ = ["deployment_percents"]


def _percent(value: int | str, replicas: int, up: bool) -> int:
    if isinstance(value, str):
        return int(value.rstrip("%"))
    share = value * 100 / max(1, replicas)
    return math.ceil(share) if up else math.floor(share)


def deployment_percents(update: RollingUpdate, replicas: int) -> tuple[int, int]:
    """``(minimumHealthyPercent, maximumPercent)`` of a rolling update of ``replicas`` tasks."""
    surge = _percent(update.max_surge, replicas, up=True)
    unavailable = min(100, _percent(update.max_unavailable, replicas, up=False))
    return 100 - unavailable, 100 + surge
