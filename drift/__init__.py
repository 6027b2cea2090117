"""Drift: compare the live configuration of environments with each other.

sources (Pulumi state, live Kubernetes, live AWS; ``source`` the protocol, ``sources``
the registry) -> ``normalize`` (roles, volatile fields, embedded documents, secrets
redacted before anything is fingerprinted) -> ``diff.compare`` (fingerprints, then
deepdiff) -> reports (``report``: text, Markdown, JSON, HTML, JUnit XML) and a SQLite
history written only when asked. Exit codes: 0 parity, 2 drift, 1 error. Heavy
third-party modules (deepdiff, jinja2, boto3, kubernetes, rich) are imported only when
used, so the pure core stays light.
"""

from __future__ import annotations

from .diff import compare, odd_ones
from .errors import (
    DesiredStateError,
    DriftError,
    HistoryError,
    IgnoreFileError,
    PlanBaseError,
    ReportError,
    SourceError,
    StateFormatError,
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
    "PlanBaseError",
    "ReportError",
    "Resource",
    "Snapshot",
    "SourceError",
    "StateFormatError",
    "allowed_reason",
    "build_snapshots",
    "canonical",
    "compare",
    "deep_normalize",
    "odd_ones",
    "role_from_urn",
    "snapshots_from_rendered",
    "spec_path",
]
