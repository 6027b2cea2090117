"""Drift: compare the live configuration of environments with each other.

sources (Pulumi state, live Kubernetes, live AWS) -> ``normalize`` (roles, volatile
fields, secrets) -> ``diff.compare`` (fingerprints, then deepdiff) -> reports (terminal,
Markdown, JSON, HTML, JUnit XML) and a SQLite history. Exit codes: 0 parity, 2 drift,
1 error. Sources, reports and history are imported from their modules when needed, so
the pure core stays light.
"""

from __future__ import annotations

from .diff import compare
from .errors import (
    DesiredStateError,
    DriftError,
    HistoryError,
    IgnoreFileError,
    ReportError,
    SourceError,
    StateFormatError,
    UnknownSourceError,
)
from .ignore import IgnoreRule, IgnoreRules
from .mapping import RELEASE_MANAGED, allowed_reason, spec_path
from .model import EXIT_DRIFT, EXIT_ERROR, EXIT_PARITY, Difference, DriftResult, Resource, Snapshot
from .normalize import Affixes, Item, build_snapshots, canonical, deep_normalize, role_from_urn, snapshots_from_rendered

__all__ = [
    "EXIT_DRIFT",
    "EXIT_ERROR",
    "EXIT_PARITY",
    "RELEASE_MANAGED",
    "Affixes",
    "DesiredStateError",
    "Difference",
    "DriftError",
    "DriftResult",
    "HistoryError",
    "IgnoreFileError",
    "IgnoreRule",
    "IgnoreRules",
    "Item",
    "ReportError",
    "Resource",
    "Snapshot",
    "SourceError",
    "StateFormatError",
    "UnknownSourceError",
    "allowed_reason",
    "build_snapshots",
    "canonical",
    "compare",
    "deep_normalize",
    "role_from_urn",
    "snapshots_from_rendered",
    "spec_path",
]
