"""Allowed differences between environments.

``parity.allowed`` in the spec lists dotted spec paths (``replicas``, ``resources.*``,
``env.LOG_LEVEL``); ``*`` matches any rest of a path. A stack may override only those
paths, and drift reports a difference on them as *allowed*. Some differences are part
of the design and always allowed: the color, the image (the release engine moves it)
and the traffic weights.
"""

from __future__ import annotations

from fnmatch import fnmatchcase
from typing import Any

# Spec paths that may always differ: releases move images and weights, and colors exist
# to be different. They are reported as allowed, never hidden.
RELEASE_MANAGED = ("image", "color", "weight")


def matches(path: str, pattern: str) -> bool:
    """Whether dotted ``path`` is covered by ``pattern`` (a prefix match covers children)."""
    return fnmatchcase(path, pattern) or path.startswith(pattern + ".")


def is_allowed(path: str, allowed: list[str] | tuple[str, ...]) -> bool:
    return any(matches(path, pattern) for pattern in allowed)


def set_path(data: dict[str, Any], path: str, value: Any) -> None:
    """Set ``a.b.c`` in nested ``data``, creating mappings on the way."""
    keys = path.split(".")
    node = data
    for key in keys[:-1]:
        child = node.get(key)
        if not isinstance(child, dict):
            child = {}
            node[key] = child
        node = child
    node[keys[-1]] = value


def get_path(data: Any, path: str, default: Any = None) -> Any:
    node = data
    for key in path.split("."):
        if not isinstance(node, dict) or key not in node:
            return default
        node = node[key]
    return node
