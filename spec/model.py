"""The shared service spec as pydantic models (``extra`` keys are errors).

Bounds: integers Kubernetes or AWS keep in 32 bits are ``Int32``; replica counts are
at most ``MAX_REPLICAS``; every number is finite; host names are DNS names
(``naming.hostname_problem``); ``parity.allowed`` names paths the spec has
(``parity.pattern_problem``). Values in messages are cut (``shown``); regular
expressions match whole values.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, StrictInt, ValidationInfo, field_validator, model_validator

from .errors import FieldProblems, shown
from .fields import INT32_MAX, Replicas, Strict
from .naming import dns_label_problem, hostname_problem, service_name_problem
from .parity import pattern_problem, spec_paths
from .release import Release

Seconds = Annotated[StrictInt, Field(le=INT32_MAX)]

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
    if not isinstance(image, str) or len(image) > 4096 or not _IMAGE.fullmatch(image):
        return f"{shown(image)} is not a valid image reference such as registry/repo:tag or repo@sha256:..."
    return None


def checked_by(problem_of: Callable[[str], str | None]) -> AfterValidator:
    """A validator from a rule that says why a value is wrong (``None``: it is fine)."""

    def check(value: str) -> str:
        problem = problem_of(value)
        if problem:
            raise ValueError(problem)
        return value

    return AfterValidator(check)


ImageRef = Annotated[str, checked_by(image_problem)]


def image_tag(image: str) -> str | None:
    match = _IMAGE.fullmatch(image)
    return match.group("tag") if match else None


def image_digest(image: str) -> str | None:
    match = _IMAGE.fullmatch(image)
    return match.group("digest") if match else None


DnsLabel = Annotated[str, checked_by(dns_label_problem)]
ServiceName = Annotated[str, checked_by(service_name_problem)]
Hostname = Annotated[str, checked_by(hostname_problem)]


def unique_hostnames(value: list[str]) -> list[str]:
    problems = [((index,), f"{shown(host)} is listed twice") for index, host in enumerate(value)
                if host in value[:index]]
    if problems:
        raise FieldProblems(problems)
    return value


Hostnames = Annotated[list[Hostname], AfterValidator(unique_hostnames)]


class Amounts(Strict):
    cpu: str
    memory: str

    @field_validator("cpu", "memory", mode="before")
    @classmethod
    def _quantity(cls, value: object) -> str:
        text = str(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else value
        if not isinstance(text, str) or not _QUANTITY.fullmatch(text):
            raise ValueError(f"{shown(value)} is not a Kubernetes quantity such as 250m, 1, 512Mi")
        return text


class Resources(Strict):
    requests: Amounts
    limits: Amounts


class Probe(Strict):
    path: str
    port: StrictInt | None = Field(None, ge=1, le=65535)
    initial_delay_seconds: Seconds = Field(0, alias="initialDelaySeconds", ge=0)
    period_seconds: Seconds = Field(10, alias="periodSeconds", ge=1)
    timeout_seconds: Seconds = Field(1, alias="timeoutSeconds", ge=1)
    failure_threshold: Seconds = Field(3, alias="failureThreshold", ge=1)

    @field_validator("path")
    @classmethod
    def _absolute(cls, value: str) -> str:
        if not value.startswith("/"):
            raise ValueError(f"{shown(value)} must start with '/'")
        return value


class Probes(Strict):
    readiness: Probe
    liveness: Probe | None = None


class Autoscaling(Strict):
    min_replicas: Replicas = Field(alias="minReplicas", ge=1)
    max_replicas: Replicas = Field(alias="maxReplicas", ge=1)
    target_cpu: StrictInt = Field(70, alias="targetCPUUtilizationPercentage", ge=1, le=100)

    @model_validator(mode="after")
    def _bounds(self) -> Autoscaling:
        if self.min_replicas > self.max_replicas:
            raise ValueError(f"minReplicas {self.min_replicas} is above maxReplicas {self.max_replicas}")
        return self


class DisruptionBudget(Strict):
    min_available: Replicas | None = Field(None, alias="minAvailable")
    max_unavailable: Replicas | None = Field(None, alias="maxUnavailable")

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
        if not _CONFIG_KEY.fullmatch(value):
            raise ValueError(f"{shown(value)} is not a Pulumi config key such as dbPassword")
        return value


ENGINES = ("postgres", "mysql", "redis")
# What a dependency's ``env`` may ask for, per kind (``password`` is wired as a secret).
ATTRIBUTES: dict[str, tuple[str, ...]] = {
    "postgres": ("host", "port", "url", "user", "database", "password"),
    "mysql": ("host", "port", "url", "user", "database", "password"),
    "redis": ("host", "port", "url", "password"),
    "volume": ("path",),
    "external": ("host", "port", "url", "user", "database", "password"),
}
_DB_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,62}$")
_USER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,31}$")
_HOST_LABEL = r"[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_HOST = re.compile(rf"^(?=.{{1,253}}$){_HOST_LABEL}(\.{_HOST_LABEL})*$")


def matching(pattern: re.Pattern[str], expected: str) -> AfterValidator:
    """A validator: the text matches ``pattern``, else "'x' is not <expected>"."""

    def check(value: str) -> str:
        if not pattern.match(value):
            raise ValueError(f"{value!r} is not {expected}")
        return value

    return AfterValidator(check)


class Dependency(Strict):
    """A shared stateful dependency: declared once per stack, used by both colors.

    - ``postgres``, ``mysql``, ``redis``: run by the stack (a StatefulSet on Kubernetes,
      a container on Docker; RDS or ElastiCache on AWS). ``credentials`` names the spec
      secret (an entry of ``secrets``) whose Pulumi secret config holds the password:
      the value is never in the spec.
    - ``volume``: storage both colors mount (``env`` may ask only for its ``path``).
    - ``external``: a managed service the stack does not create (RDS, Cloud SQL, ...):
      ``host`` and ``port`` say where it is, ``engine`` what it speaks (for ``url``),
      ``credentials`` which spec secret holds its password. Nothing is created for it;
      the environments are only wired to it.

    ``env`` maps an environment variable to what it receives: one of ``ATTRIBUTES[kind]``.
    """

    name: DnsLabel
    kind: Literal["postgres", "mysql", "redis", "volume", "external"]
    size: str = "10Gi"
    version: str | None = None
    env: dict[str, str] = Field(default_factory=dict)
    credentials: Annotated[str, matching(_ENV_NAME, "the name of one of the spec's secrets (DATABASE_PASSWORD)")] \
        | None = None
    user: Annotated[str, matching(_USER, "a user name: a letter or '_', then letters, digits, '_' (at most 32)")] \
        | None = None
    database: Annotated[str, matching(_DB_NAME, "a database name: a letter or '_', then letters, digits, '_' "
                                                "(at most 63)")] | None = None
    host: Annotated[str, matching(_HOST, "a host name such as orders.abc123.eu-west-1.rds.amazonaws.com")] | None = None
    port: StrictInt | None = Field(None, ge=1, le=65535)
    engine: Literal["postgres", "mysql", "redis"] | None = None
    resources: Resources | None = None

    @field_validator("size")
    @classmethod
    def _size(cls, value: str) -> str:
        if not _QUANTITY.fullmatch(value):
            raise ValueError(f"{shown(value)} is not a size such as 20Gi")
        return value

    @model_validator(mode="after")
    def _by_kind(self) -> Dependency:
        only = {"host": ("external",), "port": ("external",), "engine": ("external",),
                "version": ENGINES, "resources": ENGINES}
        problems = [f"{key} is only for kind {' or '.join(kinds)}" for key, kinds in only.items()
                    if getattr(self, key) is not None and self.kind not in kinds]
        if self.kind == "external" and (self.host is None or self.port is None):
            problems.append("an external dependency needs host and port")
        if self.credentials is not None and self.kind == "volume":
            problems.append("a volume has no credentials")
        sql = self.kind in ("postgres", "mysql") or (self.kind == "external" and self.engine != "redis")
        for key, given in (("user", self.user), ("database", self.database)):
            if given is not None and not sql:
                problems.append(f"{key} is only for postgres, mysql or an external SQL database")
        if self.kind == "mysql" and self.user == "root":
            problems.append("user: 'root' is MySQL's own account; leave user out to connect as root")
        allowed = ATTRIBUTES[self.kind]
        for variable, attribute in self.env.items():
            if not _ENV_NAME.match(variable):
                problems.append(f"env: {variable!r} is not an environment variable name")
            elif attribute not in allowed:
                problems.append(f"env.{variable}: {attribute!r} is not something a {self.kind} dependency gives; "
                                f"use one of {', '.join(allowed)}")
            elif attribute == "url" and self.kind == "external" and self.engine is None:
                problems.append(f"env.{variable}: url needs engine (postgres, mysql or redis) for its scheme")
            elif attribute == "password" and self.kind == "external" and self.credentials is None:
                problems.append(f"env.{variable}: password needs credentials (the spec secret holding it)")
        if problems:
            raise ValueError("; ".join(problems))
        return self


class Gateway(Strict):
    name: DnsLabel
    namespace: DnsLabel


class Routing(Strict):
    gateway: Gateway
    hostnames: Hostnames = Field(default_factory=list)
    path: str = "/"
    header: str = "x-tricolor-color"

    @field_validator("header")
    @classmethod
    def _header(cls, value: str) -> str:
        if not re.fullmatch(r"[A-Za-z0-9!#$%&'*+.^_`|~-]+", value):
            raise ValueError(f"{shown(value)} is not an HTTP header name")
        return value.lower()


class Parity(Strict):
    """Paths that may differ between environments (checked against the spec by
    ``ServiceSpec._parity``, which knows the declared env and secret names)."""

    allowed: list[str] = Field(default_factory=list)


class ServiceSpec(Strict):
    """The one shared spec of a service."""

    api_version: Literal["tricolor.dev/v1"] = Field(alias="apiVersion")
    name: ServiceName
    image: ImageRef
    port: StrictInt = Field(ge=1, le=65535)
    env: dict[str, str] = Field(default_factory=dict)
    secrets: dict[str, SecretRef] = Field(default_factory=dict)
    resources: Resources
    probes: Probes
    replicas: Replicas
    autoscaling: Autoscaling | None = None
    disruption_budget: DisruptionBudget | None = Field(None, alias="disruptionBudget")
    dependencies: list[Dependency] = Field(default_factory=list)
    routing: Routing
    parity: Parity = Field(default_factory=Parity)
    release: Release

    @field_validator("env", "secrets")
    @classmethod
    def _env_names(cls, value: dict[str, object]) -> dict[str, object]:
        problems = [((key,), f"{shown(key)} is not an environment variable name")
                    for key in value if not _ENV_NAME.fullmatch(key)]
        if problems:
            raise FieldProblems(problems)
        return value

    @field_validator("parity")
    @classmethod
    def _parity(cls, value: Parity, info: ValidationInfo) -> Parity:
        # env/secrets that failed validation are not in info.data: their paths are free-form
        declared = {name: list(info.data[name]) if name in info.data else None for name in ("env", "secrets")}
        paths, free = spec_paths(cls, declared)
        problems = [(("allowed", index), problem) for index, pattern in enumerate(value.allowed)
                    if (problem := pattern_problem(pattern, paths, free))]
        if problems:
            raise FieldProblems(problems)
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
        problems: list[tuple[tuple[int | str, ...], str]] = [
            (("secrets", name), f"{name} is in env and in secrets; keep one")
            for name in sorted(set(self.env) & set(self.secrets))]
        names = [d.name for d in self.dependencies]
        problems += [(("dependencies", index), f"dependency {name} is declared more than once")
                     for index, name in enumerate(names) if name in names[:index]]
        migrations = self.release.migrations
        image = migrations.image if migrations is not None else None
        if image is not None and image_problem(image):  # the release's migrations may run another image
            problems.append((("release", "migrations", "image"), str(image_problem(image))))
        if problems:
            raise FieldProblems(problems)
        return self

    def as_data(self) -> dict[str, object]:
        """The spec as plain data with the user's key names (for overrides and diffs)."""
        return self.model_dump(mode="json", by_alias=True, exclude_none=True)
