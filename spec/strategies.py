"""How production is released: the strategy, its rolling-update settings, and the
expand/contract migrations that run as release steps.

``strategy``:

- ``blueGreen`` (the default): production is blue, green and a router; a release
  deploys to the idle color and walks the steps (canary weights, analysis);
- ``rolling``: production is ONE environment updated in place by the platform's own
  rolling update (``rollingUpdate``); the same smoke tests and analysis follow the
  update (the new version against the previous one over as long a window before the
  update) and decide whether the previous image is applied again. The spec's ``steps``
  are not walked (there are no weights to move).

``rollingUpdate`` (used by ``rolling`` only): ``maxSurge`` and ``maxUnavailable`` as
Kubernetes writes them (a count or a percentage, not both 0), and ``pause``: how long
the new version takes traffic before the first analysis.

``migrations``: ``command`` (the entry point, e.g. ``[python, manage.py, migrate]``),
``expand`` and/or ``contract`` (the arguments of each phase), ``image`` (default: the
release's new image; checked by the spec model, which knows image references),
``timeout`` (how long a phase may run). *expand* runs before the new version is
deployed and must succeed; *contract* runs only once the rollback window has closed and
the old version is gone.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Annotated, Literal

from pydantic import BeforeValidator, Field, StrictInt, field_validator, model_validator

from .errors import shown
from .fields import Duration, Strict
from .suggest import did_you_mean

__all__ = ["STRATEGIES", "Migrations", "RollingUpdate", "Strategy", "surge_of"]

STRATEGIES = ("blueGreen", "rolling")
Strategy = Literal["blueGreen", "rolling"]
_PERCENT = re.compile(r"^([0-9]{1,3})%$")


def _count_or_percent(value: object) -> object:
    """``2``, ``"25%"``: a count of pods or a percentage of the replicas (0..100 %)."""
    if isinstance(value, bool):
        raise ValueError(f"{shown(value)} is not a count (2) or a percentage ('25%')")
    if isinstance(value, int):
        if value < 0:
            raise ValueError(f"{value} is below 0")
        return value
    if isinstance(value, str):
        match = _PERCENT.fullmatch(value.strip())
        if match and int(match.group(1)) <= 100:
            return f"{int(match.group(1))}%"
    raise ValueError(f"{shown(value)} is not a count (2) or a percentage from 0% to 100% ('25%')")


CountOrPercent = Annotated[StrictInt | str, BeforeValidator(_count_or_percent)]


def surge_of(value: int | str, replicas: int, round_up: bool) -> int:
    """A count or percentage as pods of ``replicas``; percentages round up for a surge
    and down for unavailability, as Kubernetes does (``25%`` of 3: surge 1, unavailable 0)."""
    if isinstance(value, int):
        return value
    percent = int(value.rstrip("%"))
    whole, rest = divmod(percent * replicas, 100)
    return whole + (1 if round_up and rest else 0)


def _percent_of(value: int | str) -> int:
    return int(value.rstrip("%")) if isinstance(value, str) else value


class RollingUpdate(Strict):
    """How the ``rolling`` strategy replaces the pods (tasks, container) in place."""

    max_surge: CountOrPercent = Field("25%", alias="maxSurge")
    max_unavailable: CountOrPercent = Field(0, alias="maxUnavailable")
    pause: Duration = timedelta(minutes=5)

    @model_validator(mode="after")
    def _moves(self) -> RollingUpdate:
        if _percent_of(self.max_surge) == 0 and _percent_of(self.max_unavailable) == 0:
            raise ValueError("maxSurge and maxUnavailable are both 0: the update could never replace a pod; "
                             "give maxSurge above 0 (a new pod first) or maxUnavailable above 0")
        return self


class Migrations(Strict):
    """A schema migration run by the release: *expand* before the new version is
    deployed, *contract* after the old one is gone (``docs``: the module docstring)."""

    image: str | None = None
    command: list[str] = Field(min_length=1)
    expand: list[str] | None = None
    contract: list[str] | None = None
    timeout: Duration = timedelta(minutes=30)

    @field_validator("command")
    @classmethod
    def _command(cls, value: list[str]) -> list[str]:
        if not value[0].strip():
            raise ValueError("the command's first word (the program) is empty")
        return value

    @field_validator("timeout")
    @classmethod
    def _timeout(cls, value: timedelta) -> timedelta:
        if value < timedelta(seconds=1):
            raise ValueError("a migration needs a timeout of at least 1s")
        return value

    @model_validator(mode="after")
    def _a_phase(self) -> Migrations:
        if self.expand is None and self.contract is None:
            raise ValueError("give expand and/or contract: the arguments of each phase (expand runs before the "
                             "new version is deployed, contract after the old one is gone)")
        return self

    def phases(self) -> tuple[str, ...]:
        return tuple(p for p in ("expand", "contract") if self.args(p) is not None)

    def args(self, phase: str) -> list[str] | None:
        return self.expand if phase == "expand" else self.contract if phase == "contract" else None

    def command_line(self, phase: str) -> list[str]:
        return [*self.command, *(self.args(phase) or [])]


def strategy_problem(value: object) -> str | None:
    """Why ``value`` is not a strategy (with a did-you-mean), or ``None``."""
    if value in STRATEGIES:
        return None
    return (f"unknown strategy {shown(value)}; strategies: {', '.join(STRATEGIES)}"
            + (did_you_mean(value, STRATEGIES) if isinstance(value, str) else ""))
