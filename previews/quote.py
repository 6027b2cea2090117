"""How the previews quote a value in a message: its ``repr``, cut to a bounded length.

Values come from the command line and from the backend (tags, labels, file names), so
any of them may be long or hostile; a message never echoes one whole.
"""

from __future__ import annotations

from typing import Any

LIMIT = 60


def quote(value: Any, limit: int = LIMIT) -> str:
    """``repr(value)`` when short, else its first ``limit`` characters and the length."""
    text = value if isinstance(value, str) else str(value)
    if len(text) <= limit:
        return repr(text)
    return f"{text[:limit]!r}... ({len(text)} characters)"
