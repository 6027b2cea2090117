"""What a release keeps in its record so every later verb behaves the same.

``ReleaseSettings`` is written when a release starts and reused by every later
``resume``, ``promote``, ``abort``, ``rollback`` and ``retry``, from any host: the
analysis (judge, provider, limits, metrics), the rollback window, the smoke tests, and
where things are (applier, spec file, stacks folder, ledger, smoke-test URL).

Defaults live in ONE place, the spec's models (``spec.release.Analysis`` and
``Release``): the fields below take their defaults from a default ``Analysis``, so a
record that lacks a setting gets exactly what a spec that omits it gets (failure limit
1, inconclusive limit 3, consecutive-error limit 3, ...). The engine asks these
settings; it never hard-codes a fallback.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from ..spec.release import Analysis, HttpCheck, Metric, Release
from ..spec.strategies import Migrations

__all__ = ["AnalysisSettings", "Recorded", "ReleaseSettings"]

# the spec's defaults, read without validating (a validation at import builds validators: start-up)
_ANALYSIS = Analysis.model_construct()
_RELEASE_FIELDS = Release.model_fields


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)  # built when first used


class AnalysisSettings(_Model):
    """How an analysis step measures and judges (the spec's ``release.analysis``)."""

    judge: str = _ANALYSIS.judge
    provider: str = _ANALYSIS.provider
    provider_settings: dict[str, Any] = Field(default_factory=dict)
    interval: float = _ANALYSIS.interval.total_seconds()
    min_samples: int = _ANALYSIS.min_samples
    alpha: float = _ANALYSIS.alpha
    looks: int = _ANALYSIS.looks
    failure_limit: int = _ANALYSIS.failure_limit
    inconclusive_limit: int = _ANALYSIS.inconclusive_limit
    consecutive_error_limit: int = _ANALYSIS.consecutive_error_limit
    consecutive_success_limit: int = _ANALYSIS.consecutive_success_limit
    #: seconds an analysis step keeps measuring before INCONCLUSIVE counts (``extendUntil``)
    extend_until: float | None = None
    metrics: list[Metric] = Field(default_factory=list)
    verify_traffic: bool = _ANALYSIS.verify_traffic
    traffic_tolerance: float = _ANALYSIS.traffic_tolerance
    traffic_min_requests: int = _ANALYSIS.traffic_min_requests
    traffic_mismatch_limit: int = _ANALYSIS.traffic_mismatch_limit
    #: records of schema 1 kept no judge, provider nor metrics: those come from the spec
    from_spec: bool = False

    @classmethod
    def of(cls, analysis: Analysis) -> AnalysisSettings:
        return cls(judge=analysis.judge, provider=analysis.provider,
                   provider_settings=dict(analysis.provider_settings), interval=analysis.interval.total_seconds(),
                   min_samples=analysis.min_samples, alpha=analysis.alpha, looks=analysis.looks,
                   failure_limit=analysis.failure_limit, inconclusive_limit=analysis.inconclusive_limit,
                   consecutive_error_limit=analysis.consecutive_error_limit,
                   consecutive_success_limit=analysis.consecutive_success_limit, metrics=list(analysis.metrics),
                   verify_traffic=analysis.verify_traffic, traffic_tolerance=analysis.traffic_tolerance,
                   traffic_min_requests=analysis.traffic_min_requests,
                   traffic_mismatch_limit=analysis.traffic_mismatch_limit,
                   extend_until=None if analysis.extend_until is None else analysis.extend_until.total_seconds())

    def with_spec(self, analysis: Analysis) -> AnalysisSettings:
        """For a schema-1 record: judge, provider and metrics from the spec, limits kept."""
        if not self.from_spec:
            return self
        fresh = AnalysisSettings.of(analysis)
        return fresh.model_copy(update={k: getattr(self, k) for k in (
            "interval", "failure_limit", "inconclusive_limit", "consecutive_error_limit",
            "consecutive_success_limit")})


class Recorded(_Model):
    """Where things are, as the release was started; every later verb reuses them
    unless told otherwise (``None``: not given, the default applies)."""

    applier: str | None = None
    spec_file: str | None = None
    stacks_dir: str | None = None
    ledger: str | None = None
    smoke_url: str | None = None
    smoke_header: str | None = None


class ReleaseSettings(_Model):
    analysis: AnalysisSettings = Field(default_factory=AnalysisSettings)
    rollback_window: float = _RELEASE_FIELDS["rollback_window"].get_default().total_seconds()
    scale_down_idle: bool = bool(_RELEASE_FIELDS["scale_down_idle"].get_default())
    smoke_tests: list[HttpCheck] = Field(default_factory=list)
    recorded: Recorded = Field(default_factory=Recorded)
    #: ``blueGreen`` or ``rolling`` (one environment updated in place)
    strategy: str = str(_RELEASE_FIELDS["strategy"].get_default())
    migrations: Migrations | None = None

    @property
    def rolling(self) -> bool:
        return self.strategy == "rolling"

    @classmethod
    def of(cls, release: Release, recorded: Recorded | None = None) -> ReleaseSettings:
        return cls(analysis=AnalysisSettings.of(release.analysis),
                   rollback_window=release.rollback_window.total_seconds(),
                   scale_down_idle=release.scale_down_idle, smoke_tests=list(release.smoke_tests),
                   recorded=recorded or Recorded(), strategy=release.strategy, migrations=release.migrations)

    @classmethod
    def upgrade(cls, old: dict[str, Any]) -> dict[str, Any]:
        """Schema 1 kept a flat dict (``interval``, ``failure_limit``, ...; maybe empty)."""
        limits = ("interval", "failure_limit", "inconclusive_limit", "consecutive_error_limit",
                  "consecutive_success_limit")
        analysis = {k: old[k] for k in limits if k in old}
        out: dict[str, Any] = {"analysis": {**analysis, "from_spec": True}}
        for key in ("rollback_window", "scale_down_idle"):
            if key in old:
                out[key] = old[key]
        return out
