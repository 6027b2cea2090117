"""The shared service spec as pydantic models (``extra`` keys are errors)."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, StrictInt, field_validator, model_validator

from .naming import dns_label_problem
from .release import Release, Strict

# A container image reference: [registry[:port]/]path[:tag][@sha256:digest]
_IMAGE = re.compile(
    # A first component is a registry only if it looks like a host (as Docker decides).
    r"^(?:(?P<registry>[a-zA-Z0-9-]+(?:\.[a-zA-Z0-9-]+)+(?::[0-9]+)?|[a-zA-Z0-9-]+:[0-9]+|localhost)/)?"
    r"(?P<path>[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*)"
    r"(?::(?P<tag>[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}))?"
    r"(?:@(?P<digest>sha256:[a-f0-9]{64}))?$"
)
_QUANTITY = re.compile(r"^[0-9]+(\.[0-9]+)?(m|k|Ki|Mi|Gi|Ti|M|G|T)?$")
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_CONFIG_KEY = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*(:[A-Za-z][A-Za-z0-9_-]*)?$")


def image_problem(image: str) -> str | None:
    """Why ``image`` is not a valid container image reference, or ``None``."""
    if not isinstance(image, str) or not _IMAGE.match(image):
        return f"{image!r} is not a valid image reference such as registry/repo:tag or repo@sha256:..."
    return None


def _checked_image(value: str) -> str:
    problem = image_problem(value)
    if problem:
        raise ValueError(problem)
    return value


ImageRef = Annotated[str, AfterValidator(_checked_image)]


def image_tag(image: str) -> str | None:
    match = _IMAGE.match(image)
    return match.group("tag") if match else None


def image_digest(image: str) -> str | None:
    match = _IMAGE.match(image)
    return match.group("digest") if match else None


def _dns_label(value: str) -> str:
    problem = dns_label_problem(value)
    if problem:
        raise ValueError(problem)
    return value


DnsLabel = Annotated[str, AfterValidator(_dns_label)]


class Amounts(Strict):
    cpu: str
    memory: str

    @field_validator("cpu", "memory", mode="before")
    @classmethod
    def _quantity(cls, value: object) -> str:
        text = str(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else value
        if not isinstance(text, str) or not _QUANTITY.match(text):
            raise ValueError(f"{value!r} is not a Kubernetes quantity such as 250m, 1, 512Mi")
        return text


class Resources(Strict):
    requests: Amounts
    limits: Amounts


class Probe(Strict):
    path: str
    port: StrictInt | None = Field(None, ge=1, le=65535)
    initial_delay_seconds: StrictInt = Field(0, alias="initialDelaySeconds", ge=0)
    period_seconds: StrictInt = Field(10, alias="periodSeconds", ge=1)
    timeout_seconds: StrictInt = Field(1, alias="timeoutSeconds", ge=1)
    failure_threshold: StrictInt = Field(3, alias="failureThreshold", ge=1)

    @field_validator("path")
    @classmethod
    def _absolute(cls, value: str) -> str:
        if not value.startswith("/"):
            raise ValueError(f"{value!r} must start with '/'")
        return value


class Probes(Strict):
    readiness: Probe
    liveness: Probe | None = None


class Autoscaling(Strict):
    min_replicas: StrictInt = Field(alias="minReplicas", ge=1)
    max_replicas: StrictInt = Field(alias="maxReplicas", ge=1)
    target_cpu: StrictInt = Field(70, alias="targetCPUUtilizationPercentage", ge=1, le=100)

    @model_validator(mode="after")
    def _bounds(self) -> Autoscaling:
        if self.min_replicas > self.max_replicas:
            raise ValueError(f"minReplicas {self.min_replicas} is above maxReplicas {self.max_replicas}")
        return self


class DisruptionBudget(Strict):
    min_available: StrictInt | None = Field(None, alias="minAvailable", ge=0)
    max_unavailable: StrictInt | None = Field(None, alias="maxUnavailable", ge=0)

    @model_validator(mode="after")
    def _one(self) -> DisruptionBudget:
        if (self.min_available is None) == (self.max_unavailable is None):
            raise ValueError("give exactly one of minAvailable or maxUnavailable")
        return self


class SecretRef(Strict):
    """A secret value taken from Pulumi secret config, never written in the spec."""

    config: str

    @field_validator("config")
    @classmethod
    def _key(cls, value: str) -> str:
        if not _CONFIG_KEY.match(value):
            raise ValueError(f"{value!r} is not a Pulumi config key such as dbPassword")
        return value


class Dependency(Strict):
    """A shared stateful dependency: declared once per stack, used by both colors."""

    name: DnsLabel
    kind: Literal["postgres", "mysql", "redis", "volume"]
    size: str = "10Gi"
    version: str | None = None
    env: dict[str, str] = Field(default_factory=dict)

    @field_validator("size")
    @classmethod
    def _size(cls, value: str) -> str:
        if not _QUANTITY.match(value):
            raise ValueError(f"{value!r} is not a size such as 20Gi")
        return value


class Gateway(Strict):
    name: DnsLabel
    namespace: DnsLabel


class Routing(Strict):
    gateway: Gateway
    hostnames: list[str] = Field(default_factory=list)
    path: str = "/"
    header: str = "x-tricolor-color"

    @field_validator("header")
    @classmethod
    def _header(cls, value: str) -> str:
        if not re.match(r"^[A-Za-z0-9!#$%&'*+.^_`|~-]+$", value):
            raise ValueError(f"{value!r} is not an HTTP header name")
        return value.lower()


class Parity(Strict):
    allowed: list[str] = Field(default_factory=list)

    @field_validator("allowed")
    @classmethod
    def _paths(cls, value: list[str]) -> list[str]:
        for path in value:
            if not re.match(r"^[A-Za-z0-9_*]+(\.[A-Za-z0-9_*-]+)*$", path):
                raise ValueError(f"{path!r} is not a dotted path such as replicas or env.LOG_LEVEL")
        return value


class ServiceSpec(Strict):
    """The one shared spec of a service."""

    api_version: Literal["tricolor.dev/v1"] = Field(alias="apiVersion")
    name: DnsLabel
    image: ImageRef
    port: StrictInt = Field(ge=1, le=65535)
    env: dict[str, str] = Field(default_factory=dict)
    secrets: dict[str, SecretRef] = Field(default_factory=dict)
    resources: Resources
    probes: Probes
    replicas: StrictInt = Field(ge=0)
    autoscaling: Autoscaling | None = None
    disruption_budget: DisruptionBudget | None = Field(None, alias="disruptionBudget")
    dependencies: list[Dependency] = Field(default_factory=list)
    routing: Routing
    parity: Parity = Field(default_factory=Parity)
    release: Release

    @field_validator("env", "secrets")
    @classmethod
    def _env_names(cls, value: dict[str, object]) -> dict[str, object]:
        for key in value:
            if not _ENV_NAME.match(key):
                raise ValueError(f"{key!r} is not an environment variable name")
        return value

    @field_validator("env", mode="before")
    @classmethod
    def _env_strings(cls, value: object) -> object:
        # YAML turns 8080 or true into numbers and booleans; environment values are text.
        if isinstance(value, dict):
            return {k: str(v).lower() if isinstance(v, bool) else str(v) if isinstance(v, (int, float)) else v
                    for k, v in value.items()}
        return value

    @model_validator(mode="after")
    def _cross_checks(self) -> ServiceSpec:
        clash = set(self.env) & set(self.secrets)
        if clash:
            raise ValueError(f"env and secrets both define {', '.join(sorted(clash))}")
        names = [d.name for d in self.dependencies]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"dependencies: {', '.join(dupes)} declared more than once")
        return self

    def as_data(self) -> dict[str, object]:
        """The spec as plain data with the user's key names (for overrides and diffs)."""
        return self.model_dump(mode="json", by_alias=True, exclude_none=True)
