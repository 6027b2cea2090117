"""Normalisation: make the same part of the service look the same in every environment.

The one import point of the normal forms (``canonical``: cheap, the fingerprint's
input; ``deep_normalize``: full, for resources whose fingerprints differ), of roles and
colors, and of snapshots. The work is done in ``canonical`` (the two forms),
``documents`` (embedded JSON and policy documents), ``names`` (an environment's own
names), ``views`` (routers per color) and ``snapshots``.
"""

from __future__ import annotations

from ..vocab.wire import SECRET_TEXT, UNKNOWN, UNKNOWN_TEXT
from .canonical import canonical, deep_normalize, loads, needs_redaction
from .names import Affixes, learn
from .snapshots import Item, build_snapshots, color_of, guess_namespace, role_from_urn, snapshots_from_rendered

UNKNOWN_MARKER = UNKNOWN

__all__ = [
    "SECRET_TEXT",
    "UNKNOWN_MARKER",
    "UNKNOWN_TEXT",
    "Affixes",
    "Item",
    "build_snapshots",
    "canonical",
    "color_of",
    "deep_normalize",
    "guess_namespace",
    "learn",
    "loads",
    "needs_redaction",
    "role_from_urn",
    "snapshots_from_rendered",
]
