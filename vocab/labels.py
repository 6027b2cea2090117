"""Every label, tag and annotation key tricolor writes and reads, formed here once.

Kubernetes objects carry them as ``metadata.labels``, AWS resources as ``tags``
(``tagsAll`` in state), Docker resources as a ``labels`` list of ``{label, value}``.
``labels_of`` reads any of the three; ``color_of`` tells which color a resource
belongs to.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Literal

PREFIX = "tricolor.dev"
MANAGED_BY = "tricolor"

STACK = f"{PREFIX}/stack"
ENVIRONMENT = f"{PREFIX}/environment"
COLOR = f"{PREFIX}/color"
ROLE = f"{PREFIX}/role"
DEPENDENCY = f"{PREFIX}/dependency"
REVISION = f"{PREFIX}/revision"
VALUE_VERSIONS = f"{PREFIX}/value-versions"  # the versions of the secret values an object holds
PREVIEW = f"{PREFIX}/preview"
PR = f"{PREFIX}/pr"
TTL = f"{PREFIX}/ttl"
CREATED_AT = f"{PREFIX}/created-at"

APP_NAME = "app.kubernetes.io/name"
APP_INSTANCE = "app.kubernetes.io/instance"
APP_VERSION = "app.kubernetes.io/version"
APP_COMPONENT = "app.kubernetes.io/component"
APP_PART_OF = "app.kubernetes.io/part-of"
APP_MANAGED_BY = "app.kubernetes.io/managed-by"

#: the header that reaches one color alone (smoke tests), unless the spec names another
COLOR_HEADER = "x-tricolor-color"

Color = Literal["blue", "green"]
COLORS: tuple[Color, Color] = ("blue", "green")

_COLOR_WORD = re.compile(r"(?<![A-Za-z0-9])(blue|green)(?![A-Za-z0-9])")


def labels_of(type_: str, body: Any) -> dict[str, Any] | None:
    """The labels or tags of a resource of type ``type_`` with properties ``body``;
    ``None`` when it carries none at all (which is not the same as ``{}``)."""
    if not isinstance(body, Mapping):
        return None
    package = type_.split(":", 1)[0]
    raw: Any
    if package == "kubernetes":
        meta = body.get("metadata")
        raw = meta.get("labels") if isinstance(meta, Mapping) else None
    elif package == "docker":
        raw = body.get("labels")
        if isinstance(raw, list):
            raw = {str(i.get("label")): i.get("value") for i in raw if isinstance(i, Mapping) and "label" in i}
    else:
        raw = body.get("tags")
        if raw is None:
            raw = body.get("tagsAll")
    if not isinstance(raw, Mapping):
        return None
    return {str(k): v for k, v in raw.items()}


def color_in(text: Any) -> Color | None:
    """The color named as a whole word in ``text`` (``checkout-green-config``); ``None``
    when there is none, or both."""
    if not isinstance(text, str):
        return None
    found = {m.group(1) for m in _COLOR_WORD.finditer(text)}
    return found.pop() if len(found) == 1 else None  # type: ignore[return-value]


def color_of(name: str | None, labels: Mapping[str, Any] | None = None, *more_names: str | None) -> Color | None:
    """The color a resource belongs to: its ``tricolor.dev/color`` label or tag, else a
    color word in its name (or in ``more_names``, such as its parent's); ``None`` for
    shared resources."""
    value = labels.get(COLOR) if labels else None
    if value in COLORS:
        return value
    for text in (name, *more_names):
        found = color_in(text)
        if found is not None:
            return found
    return None


def other(color: Color) -> Color:
    return "green" if color == "blue" else "blue"
