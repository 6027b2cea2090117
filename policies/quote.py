"""How a policy message quotes a value: redacted first, then cut.

Every value a finding shows goes through ``tricolor.vocab.redact.redact`` (by its key
and by structure: env lists keyed by name, anything under a secret-looking key, URL
passwords), so no message can carry a secret, whatever rule wrote it; then it is cut to
a bounded length. Scalars are shown as ``repr`` (``'nginx:latest'``, ``True``), objects
and lists as JSON.
"""

from __future__ import annotations

import json
from typing import Any

from ..vocab.redact import redact

__all__ = ["LIMIT", "quoted"]

LIMIT = 200


def quoted(value: Any, key: str = "", limit: int = LIMIT) -> str:
    """``value`` fit for a message: redacted as the value of ``key``, then cut."""
    safe = redact(value, key)
    if isinstance(safe, (dict, list)):
        text = json.dumps(safe, default=str, ensure_ascii=False, sort_keys=True)
    else:
        text = repr(safe)
    return text if len(text) <= limit else f"{text[:limit]}... ({len(text)} characters)"
