"""The ledger record: one JSON document per stack, the single source of truth of a release.

It holds the release id, the step being worked on and whether it is being applied,
the state in force (weights, images, the scaled-down color, the header routes to the
new color and its scale) and, while a change is
applied, its target; the lock; a pending request from a person (pause, resume,
promote, abort, rollback); the settings recorded at start; every verdict with its
numbers and a timeline a person reads.

Since schema 3 the state in force also names the revision each color runs and the one
whose shared part is in force; ``catalog`` keeps the body of every revision the record
names (the spec it renders, the versions of its secret values: never a value), so the
program can render each color from its own revision (``revisions.py``).

Invariants: weights are valid integers adding up to 100 (``Weights``); ``target`` is
set exactly while ``step_state`` is ``applying``; the infrastructure holds ``in_force``
or, while applying, possibly ``target`` (nothing else); every revision id the record
names is in its catalog. Records are versioned (``schema_version``); ``upgrade`` reads
every earlier schema.
"""

from __future__ import annotations

import json
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, model_validator

from ..spec.canary import CanaryScale, HeaderRoute
from ..spec.revision import Revision
from ..spec.weights import Color, Weights
from ..vocab.labels import COLORS
from .errors import LedgerError
from .plan import PlanStep
from .settings import ReleaseSettings

__all__ = ["SCHEMA", "Status", "StepState", "RequestAction", "Verdict", "InForce", "LockInfo", "Request",
           "Counters", "Event", "VerdictEntry", "MigrationState", "MigrationEntry", "LedgerRecord", "upgrade"]

SCHEMA = 3


class Status(StrEnum):
    RUNNING = "running"
    PAUSED = "paused"
    ABORTING = "aborting"
    ABORTED = "aborted"
    SUCCEEDED = "succeeded"  # the new color is active; the old one stays warm for the rollback window
    ROLLING_BACK = "rolling-back"
    ROLLED_BACK = "rolled-back"
    COMPLETED = "completed"

    @property
    def terminal(self) -> bool:
        """A release in one of these states never moves again."""
        return self in (Status.ABORTED, Status.ROLLED_BACK, Status.COMPLETED)

    @property
    def closing(self) -> bool:
        """Heading for a terminal state with a known target: any verb finishes it."""
        return self in (Status.ABORTING, Status.ROLLING_BACK)

    @property
    def exit_code(self) -> int:
        """0 completed or succeeded, 2 aborted or rolled back, 3 anything still moving."""
        if self in (Status.COMPLETED, Status.SUCCEEDED):
            return 0
        return 2 if self in (Status.ABORTED, Status.ROLLED_BACK) else 3


class StepState(StrEnum):
    PENDING = "pending"
    APPLYING = "applying"
    APPLIED = "applied"


class RequestAction(StrEnum):
    PAUSE = "pause"
    RESUME = "resume"
    PROMOTE = "promote"
    ABORT = "abort"
    ROLLBACK = "rollback"


class Verdict(StrEnum):
    PASS = "pass"
    FAIL = "fail"
    INCONCLUSIVE = "inconclusive"
    ERROR = "error"  # the provider or the judge failed: never a pass


class MigrationState(StrEnum):
    RUNNING = "running"  # started (or being observed again after a kill)
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    ABANDONED = "abandoned"  # the release ended while it ran (an expand is backward compatible)
    SKIPPED = "skipped"  # a contract the release never ran (superseded, or the old color kept)


class Model(BaseModel):
    # defer_build: a model's validator is built when first used, not at import (start-up)
    model_config = ConfigDict(extra="forbid", validate_assignment=True, defer_build=True)


def _images(value: Any) -> Any:
    if isinstance(value, dict) and set(value) != set(COLORS):
        raise ValueError(f"images: {value!r} must map exactly 'blue' and 'green' to images")
    return value


def _revisions(value: Any) -> Any:
    if isinstance(value, dict) and set(value) != set(COLORS):
        raise ValueError(f"revisions: {value!r} must map exactly 'blue' and 'green' to revision ids")
    return value


def _weights(value: Any) -> Any:
    """Weights from a mapping, strictly (no ``"5"``, no ``2.5``), as the spec reads them."""
    return Weights.from_mapping(value) if isinstance(value, dict) else value


#: weights of both colors, valid integers adding up to 100
WeightsField = Annotated[Weights, BeforeValidator(_weights)]
#: an image per color, both colors
Images = Annotated[dict[Color, str], BeforeValidator(_images)]
#: the revision id per color, both colors (``None``: not recorded, a record from before revisions)
Revisions = Annotated[dict[Color, str] | None, BeforeValidator(_revisions)]


class InForce(Model):
    """What the infrastructure holds (or an apply puts in force)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    weights: WeightsField
    images: Images
    scaled_down: Color | None = None
    revisions: Revisions = None
    shared: str | None = None  # the revision whose shared part is in force
    header_routes: tuple[HeaderRoute, ...] = ()  # setHeaderRoute: requests matching them go to their color
    canary_scale: CanaryScale | None = None  # setCanaryScale: the new color's replicas below 100 %


class LockInfo(Model):
    owner: str  # unique per engine
    host: str
    pid: int
    acquired_at: float
    heartbeat: float
    actor: str = ""  # who, as a person reads it (``$GITHUB_ACTOR``, git user, ``$USER``, plus the host)
    every: float = 5.0  # seconds between the owner's heartbeats


class Request(Model):
    action: RequestAction
    by: str
    at: float
    reason: str | None = None
    full: bool = False  # promote --full: skip every remaining step


class Counters(Model):
    """Measurements of the current analysis step."""

    measurements: int = 0
    failures: int = 0
    inconclusive: int = 0
    errors_in_row: int = 0
    successes_in_row: int = 0
    extended: int = 0  # inconclusive measurements not counted: the step was within ``extendUntil``
    last_at: float | None = None
    traffic_mismatches: int = 0  # looks whose delivered traffic share was not the weight's


class Event(Model):
    at: float
    kind: str
    step: int
    weights: WeightsField
    detail: str = ""
    by: str | None = None


class VerdictEntry(Model):
    at: float
    step: int
    verdict: Verdict
    reason: str
    metrics: list[dict[str, Any]] = Field(default_factory=list)
    traffic: dict[str, Any] | None = None  # the delivered-share check (``judges.traffic.ShareCheck``)


class MigrationEntry(Model):
    """One run of a migration phase: ``name`` is deterministic (release, phase, attempt),
    so a process that finds it ``running`` observes that run again, never starts another."""

    phase: str  # expand | contract
    name: str
    attempt: int = 1
    state: MigrationState
    image: str
    command: list[str] = Field(default_factory=list)
    started_at: float
    finished_at: float | None = None
    detail: str = ""


class LedgerRecord(Model):
    schema_version: int = SCHEMA
    stack: str
    release_id: str
    status: Status
    step_index: int = 0
    step_state: StepState = StepState.PENDING
    step_started_at: float | None = None
    weight_since: float | None = None
    canary: Color
    stable: Color
    image: str
    weights: WeightsField
    images: Images
    scaled_down: Color | None = None
    revisions: Revisions = None  # in force per color
    shared: str | None = None  # in force: the revision whose shared part the stack runs
    revision: str | None = None  # what this release deploys
    catalog: dict[str, Revision] = Field(default_factory=dict)
    include_shared: bool = False  # the release changes shared resources too (not canaried)
    header_routes: tuple[HeaderRoute, ...] = ()
    canary_scale: CanaryScale | None = None
    target: InForce | None = None
    plan: list[PlanStep]
    settings: ReleaseSettings = Field(default_factory=ReleaseSettings)
    started_at: float
    started_by: str = ""
    updated_at: float
    finished_at: float | None = None
    rollback_until: float | None = None
    paused_by: str | None = None
    request: Request | None = None
    lock: LockInfo | None = None
    counters: Counters = Field(default_factory=Counters)
    verdicts: list[VerdictEntry] = Field(default_factory=list)
    events: list[Event] = Field(default_factory=list)
    reason: str | None = None
    migrations: list[MigrationEntry] = Field(default_factory=list)

    @model_validator(mode="after")
    def _target_while_applying(self) -> LedgerRecord:
        if (self.target is not None) != (self.step_state == StepState.APPLYING):
            raise ValueError(f"target is {self.target!r} while the step is {self.step_state}")
        named = [self.revision, self.shared, *(self.revisions or {}).values()]
        if self.target is not None:
            named += [self.target.shared, *(self.target.revisions or {}).values()]
        unknown = sorted({r for r in named if r is not None and r not in self.catalog})
        if unknown:
            raise ValueError(f"revision(s) {', '.join(unknown)} named but not in the catalog")
        return self

    @property
    def current_step(self) -> PlanStep | None:
        return self.plan[self.step_index] if 0 <= self.step_index < len(self.plan) else None

    @property
    def in_force(self) -> InForce:
        return InForce(weights=self.weights, images=dict(self.images), scaled_down=self.scaled_down,
                       header_routes=self.header_routes, canary_scale=self.canary_scale,
                       revisions=None if self.revisions is None else dict(self.revisions), shared=self.shared)

    @property
    def new_revision(self) -> Revision | None:
        """The revision this release deploys (``None``: a record from before revisions)."""
        return self.catalog.get(self.revision) if self.revision else None

    @property
    def terminal(self) -> bool:
        return self.status.terminal

    def migration(self, phase: str) -> MigrationEntry | None:
        """The last run of migration ``phase``, if any."""
        return next((m for m in reversed(self.migrations) if m.phase == phase), None)

    @property
    def contracted(self) -> MigrationEntry | None:
        """The contract migration, once it started: the old version no longer fits the schema."""
        entry = self.migration("contract")
        return entry if entry is not None and entry.state in (MigrationState.RUNNING, MigrationState.SUCCEEDED,
                                                              MigrationState.FAILED) else None

    @property
    def contract_failed(self) -> bool:
        """The release completed, but its contract migration failed."""
        entry = self.migration("contract")
        return self.status == Status.COMPLETED and entry is not None and entry.state == MigrationState.FAILED

    @property
    def exit_code(self) -> int:
        """The status's exit code; 2 for a completed release whose contract migration failed."""
        return 2 if self.contract_failed else self.status.exit_code

    @property
    def active(self) -> Color:
        """The color that takes the traffic now (blue on a tie)."""
        return self.weights.active

    def to_json(self) -> bytes:
        return json.dumps(self.model_dump(mode="json"), indent=2, sort_keys=True).encode()

    @classmethod
    def from_json(cls, data: bytes, where: str) -> LedgerRecord:
        try:
            raw = json.loads(data)
        except ValueError as exc:
            raise LedgerError(f"{where}: not a valid ledger record: {exc}") from None
        try:
            return cls.model_validate(upgrade(raw, where))
        except ValidationError as exc:
            raise LedgerError(f"{where}: not a valid ledger record: {exc}") from None


def upgrade(raw: Any, where: str) -> dict[str, Any]:
    """A record of any schema this version knows, as the current schema."""
    if not isinstance(raw, dict):
        raise LedgerError(f"{where}: not a valid ledger record: a JSON object is expected")
    version = raw.get("schema_version", 1)
    if version == SCHEMA:
        return raw
    if version not in (1, 2):
        raise LedgerError(f"{where}: ledger record schema {version!r} is newer than this tricolor knows "
                          f"({SCHEMA}); upgrade tricolor")
    return _from_schema_2(_from_schema_1(raw) if version == 1 else raw)


def _from_schema_2(raw: dict[str, Any]) -> dict[str, Any]:
    """Schema 2 recorded no revisions: which spec each color runs is not known (the
    program builds both colors from the spec until a release records them). Its header
    routes and canary scale (written by versions that knew them; absent before) are
    kept as they are: absent means none."""
    return {**raw, "schema_version": SCHEMA}


def _from_schema_1(raw: dict[str, Any]) -> dict[str, Any]:
    """Schema 1: ``target`` (weights) and ``target_images`` apart, the scaled-down color
    of an apply implied by the status, ``settings`` a flat dict."""
    out = {k: v for k, v in raw.items() if k not in ("target", "target_images", "settings")}
    out["schema_version"] = 2
    out["settings"] = ReleaseSettings.upgrade(raw.get("settings") or {})
    if raw.get("target") is not None:
        scaled = raw.get("canary") if raw.get("status") == "succeeded" else raw.get("scaled_down")
        out["target"] = {"weights": raw["target"], "images": raw.get("target_images") or raw["images"],
                         "scaled_down": scaled}
    if out.get("step_state") == "applying" and out.get("target") is None:
        out["step_state"] = "pending"  # nothing recorded to finish: the step starts again
    if out.get("lock"):
        out["lock"] = {"actor": "", **out["lock"]}
    return out
