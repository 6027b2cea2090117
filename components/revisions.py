"""What every backend does the same with a color's revision (``args.RevisionArgs``).

- ``versions_digest``: one short hash of the versions of a color's secret values, put
  on the objects that hold them (an annotation, a tag, a label): a person and a diff see
  WHICH values a color holds without any value being shown;
- ``keep``: the resource options of an object holding secret values. While the secret
  config holds other values than the ones the color's revision recorded (a new value
  set, not released to this color yet), the object keeps what it holds
  (``ignore_changes`` on the properties carrying the values): a new secret value
  reaches a color only when a release brings it its revision, never both colors at once.
  A color with no revision (staging, a preview) follows the config.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping

from .args import RevisionArgs

__all__ = ["ignored", "versions_digest"]


def versions_digest(versions: Mapping[str, str]) -> str:
    """12 hex digits naming the set of secret versions (``-`` when there are none)."""
    if not versions:
        return "-"
    return hashlib.sha256(json.dumps(dict(versions), sort_keys=True).encode()).hexdigest()[:12]


def ignored(revision: RevisionArgs | None, *properties: str) -> list[str] | None:
    """``ignore_changes`` of an object holding secret values of ``revision``."""
    return list(properties) if revision is not None and revision.keep_secrets else None
