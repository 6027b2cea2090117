"""Allowed differences between environments.

``parity.allowed`` in the spec lists dotted spec paths (``replicas``, ``resources.*``,
``env.LOG_LEVEL``); ``*`` matches any rest of a path. A stack may override only those
paths, and drift reports a difference on them as *allowed*. Some differences are part
of the design and always allowed: the color, the image (the release engine moves it)
and the traffic weights.

Every pattern must name something the spec has (``pattern_problem``): a path of the
spec model (``autoscaling.minReplicas``; list items are addressed without an index,
``dependencies.size``), ``env.X`` / ``secrets.X`` for a declared name, or a prefix
followed by one trailing ``*`` that matches at least one such path (``resources.*``,
``env.*``, ``env.FEATURE_*``). Below a free-form mapping (``providerSettings``) any path
is accepted. A typo is refused with a "did you mean".
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from fnmatch import fnmatchcase
from typing import Any, get_args, get_origin

from pydantic import BaseModel

from .errors import shown
from .suggest import did_you_mean, leaves, model_keys

__all__ = ["RELEASE_MANAGED", "get_path", "is_allowed", "matches", "pattern_problem", "set_path", "spec_paths"]

# Spec paths that may always differ: releases move images, weights and revisions (the
# configuration a color runs), and colors exist to be different. They are reported as
# allowed, never hidden.
RELEASE_MANAGED = ("image", "color", "weight", "revision")
_SYNTAX = re.compile(r"[A-Za-z0-9_*-]+(\.[A-Za-z0-9_*-]+)*")


def matches(path: str, pattern: str) -> bool:
    """Whether dotted ``path`` is covered by ``pattern`` (a prefix match covers children)."""
    return fnmatchcase(path, pattern) or path.startswith(pattern + ".")


def is_allowed(path: str, allowed: list[str] | tuple[str, ...]) -> bool:
    return any(matches(path, pattern) for pattern in allowed)


def spec_paths(model: type[BaseModel], declared: Mapping[str, Iterable[str] | None]) -> tuple[set[str], set[str]]:
    """Every dotted path of ``model`` and the free-form mappings among them.

    ``declared`` gives the keys of named mappings (``{"env": [...], "secrets": [...]}``);
    a mapping not listed there (or listed as ``None``) is free-form.
    """
    paths: set[str] = set()
    free: set[str] = set()

    def walk(current: type[BaseModel], prefix: str, depth: int) -> None:
        for key, annotation in model_keys(current).items():
            path = prefix + key
            paths.add(path)
            for leaf in leaves(annotation):
                if get_origin(leaf) in (list, tuple):
                    leaf = next(iter(get_args(leaf)), Any)
                for inner in leaves(leaf):
                    if isinstance(inner, type) and issubclass(inner, BaseModel) and depth < 8:
                        walk(inner, path + ".", depth + 1)
                    elif get_origin(inner) is dict:
                        names = declared.get(path)
                        if names is None:
                            free.add(path)
                        else:
                            paths.update(f"{path}.{name}" for name in names)

    walk(model, "", 0)
    return paths, free


def pattern_problem(pattern: Any, paths: set[str], free: set[str]) -> str | None:
    """Why ``pattern`` names nothing in the spec, or ``None`` when it does."""
    if not isinstance(pattern, str) or not _SYNTAX.fullmatch(pattern):
        return f"{shown(pattern)} is not a dotted path such as replicas, resources.* or env.LOG_LEVEL"
    if pattern in paths or pattern in RELEASE_MANAGED or any(pattern.startswith(f + ".") for f in free):
        return None
    known = sorted(paths | set(RELEASE_MANAGED))
    head, star, rest = pattern.partition("*")
    if star and rest:
        return f"{shown(pattern)}: a '*' is allowed only at the end of a path" + did_you_mean(head + "*", known)
    if star:
        if not head or head[:-1] in paths or any(p.startswith(head) for p in paths) \
                or any(head.startswith(f + ".") for f in free):
            return None
        return f"{shown(pattern)} matches no path of the spec" + did_you_mean(head.rstrip("."), known)
    return f"{shown(pattern)} is not a path of the spec" + did_you_mean(pattern, known)


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
