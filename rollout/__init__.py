"""The release engine: steps, state machine, ledger, judges, metrics providers, appliers.

Pure core: ``plan`` (schedule -> steps), ``machine`` (state transitions; ``steering``:
a person's requests), ``analysis`` (measurements -> decision), ``settings`` and
``record`` (the typed ledger record), the judges. I/O at the edges: ledger ``stores``,
metrics ``providers``, ``appliers``, ``notifiers``, ``migrations`` (expand/contract
runners), smoke tests, and the ``Engine`` that drives them; ``verbs`` says what each
command does in each state. Strategies: ``plan`` (blue-green) and ``rolling``;
``costs`` says what each costs.

Each integration point is a package: the protocol in ``base``, one module per
implementation, the name -> class registry in ``registry`` (import it where a name is
chosen; this module stays light so commands that only read the ledger start fast).
"""

from __future__ import annotations

from .clock import Clock, SystemClock, VirtualClock
from .engine import Engine, Lazy, Services, Stop
from .errors import (
    ApplyError,
    ConflictError,
    InvalidRequestError,
    JudgeInputError,
    LedgerError,
    LockedError,
    NoReleaseError,
    ProviderError,
    RolloutError,
    UnknownNameError,
)
from .judge import JUDGES, Counts, Judge, Judgement, MetricVerdict, MetricWindow, get_judge, judge_all
from .ledger import Ledger, state_in_force
from .lock import Owner
from .plan import PlanStep, StepAction, build_plan
from .record import InForce, LedgerRecord, RequestAction, Status, StepState, Verdict
from .settings import AnalysisSettings, Recorded, ReleaseSettings

__all__ = [
    "JUDGES",
    "AnalysisSettings",
    "ApplyError",
    "Clock",
    "ConflictError",
    "Counts",
    "Engine",
    "InForce",
    "InvalidRequestError",
    "Judge",
    "JudgeInputError",
    "Judgement",
    "Lazy",
    "Ledger",
    "LedgerError",
    "LedgerRecord",
    "LockedError",
    "MetricVerdict",
    "MetricWindow",
    "NoReleaseError",
    "Owner",
    "PlanStep",
    "ProviderError",
    "Recorded",
    "ReleaseSettings",
    "RequestAction",
    "RolloutError",
    "Services",
    "Status",
    "StepAction",
    "StepState",
    "Stop",
    "SystemClock",
    "UnknownNameError",
    "Verdict",
    "VirtualClock",
    "build_plan",
    "get_judge",
    "judge_all",
    "state_in_force",
]
