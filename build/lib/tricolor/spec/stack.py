"""A stack's configuration: which environment, which backend, allowed overrides.

A Pulumi stack file ``stacks/Pulumi.<stack>.yaml`` holds ``tricolor:*`` keys::

    tricolor:environment: production        # staging | production | preview
    tricolor:backend: kubernetes            # kubernetes | aws | docker
    tricolor:overrides: {replicas: 6}       # only paths in the spec's parity.allowed
    tricolor:weights: {blue: 100, green: 0} # production only (the ledger wins later)
    tricolor:images: {blue: ..., green: ...}
    tricolor:hostnames: [checkout.staging.example.com]   # else the spec's routing.hostnames
    tricolor:ledger: s3://acme-releases/tricolor  # production: the release ledger (or a folder)
    tricolor:dbPassword: {secure: ...}      # secret config named by the spec's secrets

Keys of other namespaces (``kubernetes:context``, ``aws:region``) pass through.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field, StrictInt, field_validator, model_validator

from .errors import Problem, SpecError
from .load import validate_model
from .model import DnsLabel, ImageRef, ServiceSpec
from .naming import dns_label_problem, stack_name_problem
from .parity import is_allowed, set_path
from .release import Duration, Strict
from .weights import COLORS, Color, Weights

NAMESPACE = "tricolor"
BACKENDS = ("kubernetes", "aws", "docker")
ENVIRONMENTS = ("staging", "production", "preview")
Environment = Literal["staging", "production", "preview"]


def _hostname(value: str) -> str:
    labels = value.split(".")
    if len(value) > 253 or any(dns_label_problem(label) for label in labels):
        raise ValueError(f"{value!r} is not a host name of DNS-1123 labels")
    return value


class PreviewInfo(Strict):
    """What a preview stack carries so the reaper can judge it."""

    pr: StrictInt = Field(ge=1)
    branch: str = Field(min_length=1)
    ttl: Duration
    created_at: str = Field(alias="createdAt")
    commit: str | None = None


class StackConfig(Strict):
    environment: Environment
    backend: str
    spec: str = "service.yaml"
    namespace: DnsLabel | None = None
    overrides: dict[str, Any] = Field(default_factory=dict)
    weights: dict[str, Any] | None = None
    images: dict[Color, ImageRef] | None = None
    image: ImageRef | None = None
    # Each environment answers on its own hostnames (staging, previews); the spec's
    # routing.hostnames are production's.
    hostnames: list[Annotated[str, AfterValidator(_hostname)]] | None = None
    preview: PreviewInfo | None = None
    # Where the release ledger is (a folder, relative to the project, or s3://bucket/prefix):
    # the program and every `tricolor release` verb read the state in force from it.
    ledger: str | None = None
    kubernetes: dict[str, Any] = Field(default_factory=dict)
    aws: dict[str, Any] = Field(default_factory=dict)
    docker: dict[str, Any] = Field(default_factory=dict)

    @field_validator("backend")
    @classmethod
    def _backend(cls, value: str) -> str:
        if value not in BACKENDS:
            raise ValueError(f"unknown backend {value!r}; supported backends: {', '.join(BACKENDS)}")
        return value

    @field_validator("ledger")
    @classmethod
    def _ledger(cls, value: str | None) -> str | None:
        if value is None:
            return value
        scheme = value.split("://", 1)[0] if "://" in value else "file"
        if not value.strip() or scheme not in ("file", "s3"):
            raise ValueError(f"{value[:80]!r} is not a ledger location: a folder or s3://bucket/prefix")
        if scheme == "s3" and not value[len("s3://"):].split("/", 1)[0]:
            raise ValueError(f"{value[:80]!r} names no bucket: s3://bucket/prefix")
        return value

    @field_validator("weights")
    @classmethod
    def _weights(cls, value: dict[str, Any] | None) -> dict[str, Any] | None:
        if value is not None:
            Weights.from_mapping(value)
        return value

    @model_validator(mode="after")
    def _per_environment(self) -> StackConfig:
        if self.environment != "production" and (self.weights or self.images):
            raise ValueError("weights and images are only for the production environment")
        if self.environment == "preview" and self.preview is None:
            raise ValueError("a preview stack needs tricolor:preview (pr, branch, ttl, createdAt)")
        return self


@dataclass(frozen=True)
class Stack:
    """A stack resolved against the spec: its config and its effective spec."""

    name: str
    config: StackConfig
    spec: ServiceSpec
    base_spec: ServiceSpec
    other_config: dict[str, Any] = field(default_factory=dict)

    @property
    def environment(self) -> str:
        return self.config.environment

    @property
    def backend(self) -> str:
        return self.config.backend

    @property
    def weights(self) -> Weights:
        if self.config.weights is None:
            return Weights.all_on("blue")
        return Weights.from_mapping(self.config.weights)

    def image_of(self, color: Color | None = None) -> str:
        if color and self.config.images and color in self.config.images:
            return self.config.images[color]
        return self.config.image or self.spec.image

    @property
    def images(self) -> dict[Color, str]:
        return {c: self.image_of(c) for c in COLORS}


def split_config(raw: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Split Pulumi config into ``tricolor:`` keys (without prefix) and the rest."""
    ours, rest = {}, {}
    for key, value in raw.items():
        if key.startswith(NAMESPACE + ":"):
            ours[key[len(NAMESPACE) + 1:]] = value
        else:
            rest[key] = value
    return ours, rest


def resolve_stack(name: str, raw_config: dict[str, Any], base: ServiceSpec, file: str) -> Stack:
    """Validate a stack's config and apply its overrides to the spec.

    Raise ``SpecError`` listing every problem: a bad stack name, unknown keys, an
    override of a path the spec does not allow, an override that breaks the spec.
    """
    problems: list[Problem] = []
    name_problem = stack_name_problem(name)
    if name_problem:
        problems.append(Problem(file, "stack", name_problem))
    ours, rest = split_config(raw_config)
    secret_keys = {ref.config for ref in base.secrets.values() if ":" not in ref.config}
    known = set(StackConfig.model_fields) | {f.alias for f in StackConfig.model_fields.values() if f.alias}
    settings = {k: v for k, v in ours.items() if k in known}
    for key in sorted(set(ours) - known - secret_keys):
        problems.append(Problem(file, f"config.{NAMESPACE}:{key}", "unknown key"))
    config: StackConfig | None = None
    try:
        config = validate_model(StackConfig, settings, file, prefix=f"config.{NAMESPACE}:")
    except SpecError as exc:
        problems.extend(exc.problems)
    spec = base
    if config is not None:
        try:
            spec = apply_overrides(base, config.overrides, file)
        except SpecError as exc:
            problems.extend(exc.problems)
    if problems:
        raise SpecError(problems)
    assert config is not None
    return Stack(name=name, config=config, spec=spec, base_spec=base, other_config=rest)


def apply_overrides(base: ServiceSpec, overrides: dict[str, Any], file: str) -> ServiceSpec:
    """The spec with ``overrides`` (dotted path -> value) applied, each checked against
    ``parity.allowed``."""
    prefix = f"config.{NAMESPACE}:overrides"
    problems = [
        Problem(file, f"{prefix}.{path}",
                f"overriding {path!r} is not allowed; parity.allowed lists: "
                f"{', '.join(base.parity.allowed) or '(nothing)'}")
        for path in overrides
        if not is_allowed(path, base.parity.allowed)
    ]
    if problems:
        raise SpecError(problems)
    if not overrides:
        return base
    data = copy.deepcopy(base.as_data())
    for path, value in overrides.items():
        set_path(data, path, value)
    return validate_model(ServiceSpec, data, file, prefix=prefix)
