"""A stack's configuration: which environment, which backend, allowed overrides.

A Pulumi stack file ``stacks/Pulumi.<stack>.yaml`` holds ``tricolor:*`` keys::

    tricolor:environment: production        # staging | production | preview
    tricolor:backend: kubernetes            # kubernetes | aws | docker | lambda
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
from typing import Any, Literal

from pydantic import Field, StrictInt, field_validator, model_validator

from .backends import AwsSettings, DockerSettings, KubernetesSettings, LambdaSettings
from .errors import Problem, SpecError, shown
from .fields import INT32_MAX, Duration, Strict
from .load import validate_model
from .model import DnsLabel, Hostnames, ImageRef, ServiceSpec
from .naming import stack_name_problem
from .parity import is_allowed, set_path
from .suggest import closest, did_you_mean
from .weights import COLORS, Color, Weights
from .yamlfile import render_path

NAMESPACE = "tricolor"
BACKENDS = ("kubernetes", "aws", "docker", "lambda")
ENVIRONMENTS = ("staging", "production", "preview")
Environment = Literal["staging", "production", "preview"]


class PreviewInfo(Strict):
    """What a preview stack carries so the reaper can judge it."""

    pr: StrictInt = Field(ge=1, le=INT32_MAX)
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
    hostnames: Hostnames | None = None
    preview: PreviewInfo | None = None
    # Where the release ledger is (a folder, relative to the project, or s3://bucket/prefix):
    # the program and every `tricolor release` verb read the state in force from it.
    ledger: str | None = None
    # Each backend's settings (spec/backends.py); AWS has no defaults for its network.
    kubernetes: KubernetesSettings = Field(default_factory=KubernetesSettings)  # type: ignore[arg-type]
    aws: AwsSettings | None = None
    docker: DockerSettings = Field(default_factory=DockerSettings)  # type: ignore[arg-type]
    lambda_: LambdaSettings = Field(default_factory=LambdaSettings, alias="lambda")  # type: ignore[arg-type]

    @field_validator("backend")
    @classmethod
    def _backend(cls, value: str) -> str:
        if value not in BACKENDS:
            raise ValueError(f"unknown backend {shown(value)}; supported backends: {', '.join(BACKENDS)}"
                             + did_you_mean(value, BACKENDS))
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


def full_key(key: str) -> str:
    """A config key as Pulumi stores it: ``databasePassword`` -> ``tricolor:databasePassword``
    (a key with a namespace stays as written)."""
    return key if ":" in key else f"{NAMESPACE}:{key}"


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
    odd = [key for key in raw_config if not isinstance(key, str)]
    problems += [Problem(file, "config", f"key {shown(key)} is not text; config keys are text such as "
                                         f"{NAMESPACE}:replicas (quote it)") for key in odd]
    ours, rest = split_config({k: v for k, v in raw_config.items() if isinstance(k, str)})
    secret_keys = {ref.config for ref in base.secrets.values() if ":" not in ref.config}
    known = set(StackConfig.model_fields) | {f.alias for f in StackConfig.model_fields.values() if f.alias}
    settings = {k: v for k, v in ours.items() if k in known}
    for key in sorted(set(ours) - known - secret_keys):
        match = closest(key, known | secret_keys)
        hint = f"; did you mean {shown(f'{NAMESPACE}:{match}')}?" if match else ""
        problems.append(Problem(file, render_path(("config", f"{NAMESPACE}:{key}")), "unknown key" + hint))
    config: StackConfig | None = None
    try:
        config = validate_model(StackConfig, settings, file, prefix=f"config.{NAMESPACE}:")
    except SpecError as exc:
        problems.extend(exc.problems)
    spec = base
    # overrides are checked even when another key is wrong: every problem in one pass
    raw = settings.get("overrides")
    overrides = config.overrides if config is not None else raw if isinstance(raw, dict) and all(
        isinstance(k, str) for k in raw) else None
    if overrides is not None:
        try:
            spec = apply_overrides(base, overrides, file)
        except SpecError as exc:
            problems.extend(exc.problems)
    if problems:
        raise SpecError(problems)
    assert config is not None
    return Stack(name=name, config=config, spec=spec, base_spec=base, other_config=rest)


def apply_overrides(base: ServiceSpec, overrides: dict[str, Any], file: str) -> ServiceSpec:
    """The spec with ``overrides`` (dotted path -> value) applied, each checked against
    ``parity.allowed``; the allowed ones are validated even when others are refused."""
    prefix = f"config.{NAMESPACE}:overrides"
    allowed = {path: value for path, value in overrides.items() if is_allowed(path, base.parity.allowed)}
    problems = [
        Problem(file, render_path(("config", f"{NAMESPACE}:overrides", path)),
                f"overriding {shown(path)} is not allowed; parity.allowed lists: "
                f"{', '.join(base.parity.allowed) or '(nothing)'}"
                + did_you_mean(path, [p for p in base.parity.allowed if "*" not in p]))
        for path in overrides
        if path not in allowed
    ]
    spec = base
    if allowed:
        data = copy.deepcopy(base.as_data())
        for path, value in allowed.items():
            set_path(data, path, value)
        try:
            spec = validate_model(ServiceSpec, data, file, prefix=prefix)
        except SpecError as exc:
            problems.extend(exc.problems)
    if problems:
        raise SpecError(problems)
    return spec
