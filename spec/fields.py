"""The field types every spec model shares, with their bounds.

- ``Strict``: the base of every model: unknown keys are errors, models are frozen, and
  *no float field anywhere accepts NaN or an infinity* (``allow_inf_nan=False``): a
  limit, tolerance, alpha or quantile of ``.nan``/``.inf`` is refused naming the field,
  whatever field a later change adds.
- ``Number``: a finite number (an integer is fine, ``true`` is not).
- ``Int32``: an integer Kubernetes or AWS keeps in 32 bits (``10**30`` is refused);
  ``Replicas``: a replica count, at most ``MAX_REPLICAS`` (ECS's default quota of tasks
  per service; far above what one service of this toolkit runs).
- ``Duration``: ``parse_duration``'s forms, a string of digits read as seconds (as Argo
  Rollouts does), at most ``MAX_DURATION``; serialised back as text that reads to the
  same value (``500ms``).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PlainSerializer, StrictFloat, StrictInt

from .durations import MAX_DURATION, format_duration, parse_duration
from .errors import shown

__all__ = ["INT32_MAX", "MAX_DURATION", "MAX_REPLICAS", "Duration", "Int32", "Number", "Replicas", "Strict",
           "duration_of"]

INT32_MAX = 2**31 - 1
MAX_REPLICAS = 5000


class Strict(BaseModel):
    # defer_build: a model's validator is built the first time it validates, not when its
    # module is imported, so a command pays only for the models it uses (start-up)
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, allow_inf_nan=False,
                              defer_build=True)


Number = Annotated[StrictFloat, Field(allow_inf_nan=False)]
Int32 = Annotated[StrictInt, Field(ge=-INT32_MAX - 1, le=INT32_MAX)]
Replicas = Annotated[StrictInt, Field(ge=0, le=MAX_REPLICAS)]


def duration_of(value: object) -> timedelta:
    """A ``timedelta`` from any duration form (the ``Duration`` fields' validator)."""
    if isinstance(value, timedelta):
        if value > MAX_DURATION or value < timedelta(0):
            raise ValueError(f"{format_duration(value)} is outside 0s..{format_duration(MAX_DURATION)}")
        return value
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise ValueError(f"{shown(value)} is not a duration such as 30s, 5m or 72h")
    return parse_duration(value, digits_are_seconds=True)


Duration = Annotated[
    timedelta, BeforeValidator(duration_of), PlainSerializer(format_duration, return_type=str, when_used="json")
]
