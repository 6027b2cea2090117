"""Blue and green are identical apart from color, image and weight (a stack policy).

Each colored resource is paired with its counterpart by type and name with the color
word taken out (``checkout-blue-deployment`` / ``checkout-green-deployment``). Their
properties are compared after removing what may differ by design (the color word
wherever it appears, image fields and, on Lambda, the version each image is published
as, weights, the version label derived from the image)
and what the cloud fills in (ids, ARNs, status, timestamps: the drift module's deep
normalisation). Secrets are redacted by ``tricolor.vocab.redact`` before anything is
compared, so no secret value is ever shown, and whether two colors' secrets are equal
or not changes nothing in the result.
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
from ..vocab.labels import COLORS
from ..vocab.redact import redact
from .model import Context, Finding, Options, Resource, Rule
from .shapes import color_of, uncolor

NAME = "color-parity"
_MISSING = object()
SHOWN = 120  # characters of one value shown in a finding


class ColorParityOptions(Options):
    ignore_keys: list[str] = Field(
        default_factory=lambda: [
            "image",
            "imageUri",
            "imageId",
            "imageName",
            # a Lambda color's own version (its alias, its provisioned concurrency, the
            # ExecutedVersion dimension of its alarms): a new image is a new version
            "functionVersion",
            "qualifier",
            "ExecutedVersion",
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
    """The drift module's deep normal form (volatile fields dropped, named lists keyed by
    name, JSON text parsed), every secret redacted by ``vocab.redact`` (by name and by
    structure, so an env list with a duplicated name still hides its passwords), then the
    colors' allowed differences taken out. Nothing compared or shown depends on a secret."""
    normal = deep_normalize(dict(resource.props), resource.type)
    return uncolor(normalize(redact(normal, type_=resource.type), options))


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
    """A value of the redacted normal form (see ``_props``), as JSON, cut."""
    if value is _MISSING:
        return "(absent)"
    text = json.dumps(value, default=str, ensure_ascii=False)
    return text if len(text) <= SHOWN else f"{text[:SHOWN]}... ({len(text)} characters)"


def check(resources: Sequence[Resource], options: ColorParityOptions, context: Context) -> list[Finding]:
    pairs: dict[tuple[str, str], dict[str, Resource]] = {}
    for resource in resources:
        color = color_of(resource)
        if color is not None:
            pairs.setdefault((resource.type, uncolor(resource.name)), {}).setdefault(color, resource)
    findings: list[Finding] = []
    for (type_, _), by_color in sorted(pairs.items()):
        if len(by_color) < len(COLORS):
            ((lone, only),) = by_color.items()
            other = next(c for c in COLORS if c != lone)
            findings.append(
                Finding(f"{only.describe()} exists for {lone} only; {other} has no counterpart", only.urn)
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
