"""The ledger record: one JSON document per stack, the single source of truth of a release.

It holds the release id, the step being worked on and whether it is being applied,
the weights and images in force (and the target while a change is applied), the lock,
pending requests from people (pause, promote, abort, rollback), every verdict with its
numbers and a timeline for the report.
"""

from __future__ import annotations

import json
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from ..spec import Color, Weights
from .errors import LedgerError
from .plan import PlanStep

Status = Literal["running", "paused", "aborting", "aborted", "succeeded", "rolling-back",
                 "rolled-back", "completed"]
#: a release in one of these states never moves again
TERMINAL: frozenset[str] = frozenset({"aborted", "rolled-back", "completed"})
StepState = Literal["pending", "applying", "applied"]
RequestAction = Literal["pause", "resume", "promote", "abort", "rollback"]
SCHEMA = 1


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


def _weights(value: Any) -> Any:
    if value is not None:
        Weights.from_mapping(value)
    return value


class LockInfo(Model):
    owner: str
    host: str
    pid: int
    acquired_at: float
    heartbeat: float


class Request(Model):
    action: RequestAction
    by: str
    at: float
    reason: str | None = None


class Counters(Model):
    """Measurements of the current analysis step."""

    measurements: int = 0
    failures: int = 0
    inconclusive: int = 0
    errors_in_row: int = 0
    successes_in_row: int = 0
    last_at: float | None = None


class Event(Model):
    at: float
    kind: str
    step: int
    weights: dict[str, int]
    detail: str = ""


class VerdictEntry(Model):
    at: float
    step: int
    verdict: Literal["pass", "fail", "inconclusive", "error"]
    reason: str
    metrics: list[dict[str, Any]] = Field(default_factory=list)


class LedgerRecord(Model):
    schema_version: int = SCHEMA
    stack: str
    release_id: str
    status: Status
    step_index: int = 0
    step_state: StepState = "pending"
    step_started_at: float | None = None
    weight_since: float | None = None
    canary: Color
    stable: Color
    image: str
    weights: dict[str, int]
    images: dict[str, str]
    target: dict[str, int] | None = None
    target_images: dict[str, str] | None = None
    plan: list[dict[str, Any]]
    settings: dict[str, Any] = Field(default_factory=dict)
    started_at: float
    updated_at: float
    finished_at: float | None = None
    rollback_until: float | None = None
    scaled_down: Color | None = None
    paused_by: str | None = None
    request: Request | None = None
    lock: LockInfo | None = None
    counters: Counters = Field(default_factory=Counters)
    verdicts: list[VerdictEntry] = Field(default_factory=list)
    events: list[Event] = Field(default_factory=list)
    reason: str | None = None

    @field_validator("weights", "target")
    @classmethod
    def _valid_weights(cls, value: Any) -> Any:
        return _weights(value)

    @property
    def steps(self) -> list[PlanStep]:
        return [PlanStep.from_dict(s) for s in self.plan]

    @property
    def current_step(self) -> PlanStep | None:
        steps = self.steps
        return steps[self.step_index] if 0 <= self.step_index < len(steps) else None

    @property
    def in_force(self) -> Weights:
        return Weights.from_mapping(self.weights)

    @property
    def terminal(self) -> bool:
        return self.status in TERMINAL

    def to_json(self) -> bytes:
        return json.dumps(self.model_dump(mode="json"), indent=2, sort_keys=True).encode()

    @classmethod
    def from_json(cls, data: bytes, where: str) -> LedgerRecord:
        try:
            return cls.model_validate(json.loads(data))
        except (ValueError, ValidationError) as exc:
            raise LedgerError(f"{where}: not a valid ledger record: {exc}") from None
