"""Blue and green are identical apart from color, image and weight (a stack policy).

Each colored resource is paired with its counterpart by type and name with the color
word taken out (``checkout-blue-deployment`` / ``checkout-green-deployment``). Their
properties are compared after removing what may differ by design (the color word
wherever it appears, image fields, weights, the version label derived from the image)
and what the cloud fills in (ids, ARNs, status, timestamps: the drift module's deep
normalisation, which also redacts secrets, so no secret value is ever shown).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from fnmatch import fnmatchcase
from typing import Any

import orjson
from pydantic import Field

from ..drift.normalize import deep_normalize
from ..spec.weights import COLORS
from .model import Context, Finding, Options, Resource, Rule
from .shapes import color_of, uncolor

NAME = "color-parity"
_MISSING = object()


class ColorParityOptions(Options):
    ignore_keys: list[str] = Field(
        default_factory=lambda: [
            "image",
            "imageUri",
            "imageId",
            "imageName",
            "weight",
            "priority",
            "id",
            "arn",
            "uid",
            "resourceVersion",
            "creationTimestamp",
            "generation",
            "managedFields",
            "status",
            "selfLink",
            "clusterIP",
            "clusterIPs",
            "__inputs",
            "__meta",
        ],
        alias="ignoreKeys",
        description="Property names (at any depth) that may differ between the colors (an ALB "
        "listener rule's priority is unique per rule).",
    )
    ignore_labels: list[str] = Field(
        default_factory=lambda: ["app.kubernetes.io/version", "tricolor.dev/weight*", "tricolor.dev/image*"],
        alias="ignoreLabels",
        description="Label or tag key patterns that may differ between the colors.",
    )
    max_paths: int = Field(
        10, ge=1, alias="maxPaths", description="Differing fields listed per resource pair."
    )


def normalize(value: Any, options: ColorParityOptions, key: str | None = None) -> Any:
    if isinstance(value, Mapping):
        labels = key in ("labels", "tags", "tagsAll", "dockerLabels")
        return {
            k: normalize(v, options, str(k))
            for k, v in value.items()
            if str(k) not in options.ignore_keys
            and not (labels and any(fnmatchcase(str(k), p) for p in options.ignore_labels))
        }
    if isinstance(value, list):
        if key == "labels" and all(isinstance(i, Mapping) and "label" in i for i in value):
            value = [
                i for i in value if not any(fnmatchcase(str(i["label"]), p) for p in options.ignore_labels)
            ]
        return [normalize(v, options) for v in value]
    return value


_COLOR_BYTES = re.compile(rb"(?<![A-Za-z0-9])(?:" + b"|".join(c.encode() for c in COLORS) + rb")(?![A-Za-z0-9])")


def fingerprint(resource: Resource) -> bytes:
    """Cheap canonical bytes of the properties with color words blanked: equal bytes mean
    the pair is identical apart from color, so the field-level comparison is skipped."""
    data = orjson.dumps(resource.props, option=orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS, default=str)
    return _COLOR_BYTES.sub(b"<color>", data)


def _props(resource: Resource, options: ColorParityOptions) -> Any:
    """The drift module's deep normal form (volatile fields dropped, secrets redacted,
    named lists keyed by name, JSON text parsed), then the colors' allowed differences
    taken out."""
    return uncolor(normalize(deep_normalize(dict(resource.props), resource.type), options))


def flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    """Dotted paths (``spec.template.spec.containers[0].name``) to scalar values."""
    if isinstance(value, Mapping) and value:
        out: dict[str, Any] = {}
        for k, v in value.items():
            out.update(flatten(v, f"{prefix}.{k}" if prefix else str(k)))
        return out
    if isinstance(value, list) and value:
        out = {}
        for i, v in enumerate(value):
            out.update(flatten(v, f"{prefix}[{i}]"))
        return out
    return {prefix: value}


def differences(left: Any, right: Any) -> list[tuple[str, Any, Any]]:
    """``(path, left value, right value)`` for every path where the two differ."""
    a, b = flatten(left), flatten(right)
    return [
        (path, a.get(path, _MISSING), b.get(path, _MISSING))
        for path in sorted(set(a) | set(b))
        if a.get(path, _MISSING) != b.get(path, _MISSING)
    ]


def _show(value: Any) -> str:
    return "(absent)" if value is _MISSING else json.dumps(value, default=str)


def check(resources: Sequence[Resource], options: ColorParityOptions, context: Context) -> list[Finding]:
    pairs: dict[tuple[str, str], dict[str, Resource]] = {}
    for resource in resources:
        color = color_of(resource)
        if color is not None:
            pairs.setdefault((resource.type, uncolor(resource.name)), {}).setdefault(color, resource)
    findings: list[Finding] = []
    for (type_, _), by_color in sorted(pairs.items()):
        if len(by_color) < len(COLORS):
            ((color, only),) = by_color.items()
            other = next(c for c in COLORS if c != color)
            findings.append(
                Finding(f"{only.describe()} exists for {color} only; {other} has no counterpart", only.urn)
            )
            continue
        blue, green = by_color["blue"], by_color["green"]
        if fingerprint(blue) == fingerprint(green):
            continue
        diffs = differences(_props(blue, options), _props(green, options))
        if not diffs:
            continue
        shown = "; ".join(
            f"{path}: blue {_show(b)}, green {_show(g)}" for path, b, g in diffs[: options.max_paths]
        )
        more = f"; and {len(diffs) - options.max_paths} more" if len(diffs) > options.max_paths else ""
        findings.append(
            Finding(
                f"{type_} {blue.name!r} and {green.name!r} differ beyond color, image and weight: "
                f"{shown}{more}",
                green.urn,
            )
        )
    return findings


RULE = Rule(
    name=NAME,
    description="Blue and green are identical apart from color, image and weight.",
    kind="stack",
    enforcement="mandatory",
    options=ColorParityOptions,
    check=check,
)
