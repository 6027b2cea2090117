"""What a canary puts in force beside the weights: header routes to the new color and the
new color's scale, as Argo Rollouts' ``setHeaderRoute`` and ``setCanaryScale`` write them.

Frozen data shared by the spec's steps, the release ledger, the program's release state
and the components (which turn it into each backend's own structure).

- ``StringMatch``: exactly one of ``exact``, ``prefix`` or ``regex`` (Argo's StringMatch).
  A regex must compile (Python's ``re`` as the common ground of RE2 and PCRE); a value
  is printable, at most 1,024 characters.
- ``HeaderMatch``: ``headerName`` (an HTTP token, at most 256 characters) and ``headerValue``.
- ``HeaderRouteSpec``: the step's ``{name, match}``; no ``match`` (or an empty one)
  removes the route of that name. ``HeaderRoute``: a route in force, naming its color.
  A request matching ANY of a route's matches goes to that color (the reading of Argo's
  documentation and of its Istio router, where each entry is its own alternative).
- ``CanaryScaleSpec``: exactly one of ``replicas: N``, ``weight: N`` (percent of the
  color's full replica count) or ``matchTrafficWeight: true`` (the percent follows the
  canary's traffic weight). ``CanaryScale``: a scale in force, resolved to ``replicas``
  or ``percent``; ``scaled_replicas`` rounds a percent up, as Argo does
  (``ceil(percent * replicas / 100)``): 25 % of 10 replicas is 3.

A route name is a DNS label (it names resources and rules): ``header-route-1``.
"""

from __future__ import annotations

import math
import re
from typing import Annotated

from pydantic import Field, StrictBool, StrictInt, StrictStr, field_validator, model_validator

from .errors import shown
from .fields import Replicas, Strict
from .weights import Color

__all__ = ["CanaryScale", "CanaryScaleSpec", "HeaderMatch", "HeaderRoute", "HeaderRouteSpec", "StringMatch",
           "describe_match", "describe_scale", "scaled_replicas"]

VALUE_MAX = 1024
HEADER_MAX = 256
_TOKEN = re.compile(r"^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$")
_ROUTE_NAME = re.compile(r"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")
Percent = Annotated[StrictInt, Field(ge=0, le=100)]


def _printable(value: str, what: str) -> str:
    if not value:
        raise ValueError(f"{what} is empty")
    if len(value) > VALUE_MAX:
        raise ValueError(f"{what} {shown(value)} is longer than {VALUE_MAX} characters")
    if not value.isprintable() or not value.isascii():
        raise ValueError(f"{what} {shown(value)} holds characters an HTTP header value cannot carry "
                         "(printable ASCII only)")
    return value


class StringMatch(Strict):
    """How a header value matches: exactly one of ``exact``, ``prefix``, ``regex``."""

    exact: StrictStr | None = None
    prefix: StrictStr | None = None
    regex: StrictStr | None = None

    @model_validator(mode="after")
    def _one(self) -> StringMatch:
        given = [k for k in ("exact", "prefix", "regex") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError("headerValue takes exactly one of exact, prefix or regex"
                             + (f"; got {', '.join(given)}" if given else ""))
        kind, value = self.kind, self.value
        _printable(value, f"headerValue.{kind}")
        if kind == "regex":
            try:
                re.compile(value)
            except re.error as exc:
                raise ValueError(f"headerValue.regex {shown(value)} is not a regular expression: {exc}") from None
        return self

    @property
    def kind(self) -> str:
        return "exact" if self.exact is not None else "prefix" if self.prefix is not None else "regex"

    @property
    def value(self) -> str:
        return next(v for v in (self.exact, self.prefix, self.regex) if v is not None)


class HeaderMatch(Strict):
    header_name: StrictStr = Field(alias="headerName")
    header_value: StringMatch = Field(alias="headerValue")

    @field_validator("header_name")
    @classmethod
    def _token(cls, value: str) -> str:
        if not _TOKEN.match(value) or len(value) > HEADER_MAX:
            raise ValueError(f"headerName {shown(value)} is not an HTTP header name (letters, digits and "
                             f"!#$%&'*+-.^_`|~, at most {HEADER_MAX})")
        return value


def _route_name(value: str) -> str:
    if not _ROUTE_NAME.match(value):
        raise ValueError(f"name {shown(value)} is not a route name: lower-case letters, digits and '-', "
                         "at most 63, starting and ending with a letter or digit (header-route-1)")
    return value


class HeaderRouteSpec(Strict):
    """A ``setHeaderRoute`` step: set the route ``name`` to ``match``, or remove it."""

    name: StrictStr
    match: tuple[HeaderMatch, ...] | None = None

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        return _route_name(value)

    @property
    def removes(self) -> bool:
        return not self.match


class HeaderRoute(Strict):
    """A header route in force: requests matching any of ``match`` go to ``color``."""

    name: StrictStr
    color: Color
    match: tuple[HeaderMatch, ...] = Field(min_length=1)

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        return _route_name(value)


class CanaryScaleSpec(Strict):
    """A ``setCanaryScale`` step: exactly one of ``replicas``, ``weight``, ``matchTrafficWeight: true``."""

    replicas: Replicas | None = None
    weight: Percent | None = None
    match_traffic_weight: StrictBool | None = Field(None, alias="matchTrafficWeight")

    @model_validator(mode="after")
    def _one(self) -> CanaryScaleSpec:
        given = [k for k, v in (("replicas", self.replicas), ("weight", self.weight),
                                ("matchTrafficWeight", self.match_traffic_weight)) if v is not None]
        if len(given) != 1:
            raise ValueError("setCanaryScale takes exactly one of replicas, weight or matchTrafficWeight: true"
                             + (f"; got {', '.join(given)}" if given else ""))
        if self.match_traffic_weight is False:
            raise ValueError("matchTrafficWeight: false sets nothing; write matchTrafficWeight: true (the new "
                             "color's replicas follow its traffic weight), replicas: N or weight: N")
        return self


class CanaryScale(Strict):
    """The new color's scale in force: ``replicas`` or ``percent`` of its full replica count."""

    color: Color
    replicas: Replicas | None = None
    percent: Percent | None = None

    @model_validator(mode="after")
    def _one(self) -> CanaryScale:
        if (self.replicas is None) == (self.percent is None):
            raise ValueError("a canary scale is either replicas or a percent")
        return self


def scaled_replicas(scale: CanaryScale, full: int) -> int:
    """The replicas ``scale`` gives a color whose full count is ``full`` (a percent rounds up)."""
    if scale.replicas is not None:
        return scale.replicas
    return math.ceil((scale.percent or 0) * full / 100)


def describe_match(match: HeaderMatch) -> str:
    value = match.header_value
    verb = {"exact": "=", "prefix": "starting with", "regex": "matching"}[value.kind]
    return f"{match.header_name} {verb} {value.value!r}"


def describe_scale(spec: CanaryScaleSpec) -> str:
    if spec.replicas is not None:
        return f"{spec.replicas} replica{'s' if spec.replicas != 1 else ''}"
    if spec.weight is not None:
        return f"{spec.weight} % of its replicas"
    return "replicas following its traffic weight"
