"""The release engine: steps, strategies, ledger, judges, metrics providers, appliers.

Pure core: ``plan`` (schedule -> steps), ``machine`` (state transitions), ``analysis``
(measurements -> decision), the judges. I/O at the edges: ledger stores, metrics
providers, appliers, notifications, smoke tests, and the ``Engine`` that drives them.
"""

from __future__ import annotations

from .applier import APPLIERS, Applier, ApplyResult, Change, get_applier
from .clock import Clock, SystemClock, VirtualClock
from .engine import Engine, request
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
from .ledger import Ledger, forced_state, state_in_force
from .lock import Owner
from .metrics import PROVIDERS, Measurement, MetricsProvider, Window, get_provider
from .plan import PlanStep, build_plan
from .record import LedgerRecord
from .store import LedgerStore, MemoryStore, ledger_url, open_store

__all__ = [
    "APPLIERS",
    "JUDGES",
    "PROVIDERS",
    "Applier",
    "ApplyError",
    "ApplyResult",
    "Change",
    "Clock",
    "ConflictError",
    "Counts",
    "Engine",
    "InvalidRequestError",
    "Judge",
    "JudgeInputError",
    "Judgement",
    "Ledger",
    "LedgerError",
    "LedgerRecord",
    "LedgerStore",
    "LockedError",
    "Measurement",
    "MemoryStore",
    "MetricVerdict",
    "MetricWindow",
    "MetricsProvider",
    "NoReleaseError",
    "Owner",
    "PlanStep",
    "ProviderError",
    "RolloutError",
    "SystemClock",
    "UnknownNameError",
    "VirtualClock",
    "Window",
    "build_plan",
    "forced_state",
    "get_applier",
    "get_judge",
    "get_provider",
    "judge_all",
    "ledger_url",
    "open_store",
    "request",
    "state_in_force",
]
