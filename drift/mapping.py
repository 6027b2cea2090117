"""Where each spec path lives in each backend's resources: one table per backend.

``parity.allowed`` names *spec* paths (``replicas``, ``resources.*``, ``env.LOG_LEVEL``);
a difference is found on a *resource* field (a Deployment's ``spec.replicas``, a
ConfigMap's ``data.LOG_LEVEL``). ``spec_path`` maps the second onto the first, so the
spec's list decides what is allowed. Release-managed paths (image, color, weight) are
always allowed: the release engine moves them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fnmatch import fnmatchcase

# Mirrors tricolor.spec.parity.RELEASE_MANAGED (a test keeps them equal); drift's hot path
# does not import the spec's pydantic models.
RELEASE_MANAGED = ("image", "color", "weight", "revision")
# Paths each environment sets for itself in its stack config: ``tricolor:hostnames``
# (staging and previews answer on their own hostnames) and where a Docker environment's
# router listens on its host (``tricolor:docker`` ``routerPort``, ``bindAddress``: two
# environments on one host cannot share a port). Reported as allowed, never hidden.
PER_ENVIRONMENT = ("routing.hostnames", "docker.routerPort", "docker.bindAddress")


@dataclass(frozen=True)
class Rule:
    """Fields of resources of ``types`` (glob on the type token) under ``field`` (path
    segments, ``*`` is one segment) are the spec path ``spec`` plus the rest of the path."""

    types: str
    field: tuple[str, ...]
    spec: str


def _rules(types: str, *pairs: tuple[str | tuple[str, ...], str]) -> list[Rule]:
    """Fields are dotted text, or a tuple of segments where a key holds dots (labels)."""
    return [Rule(types, f if isinstance(f, tuple) else tuple(f.split(".")) if f else (), s) for f, s in pairs]


_VERSION, _COLOR = "app.kubernetes.io/version", "tricolor.dev/color"
# The revision a color runs and the versions of the secret values an object holds: each
# environment's own (a production color runs the revision a release gave it).
_REVISION, _VALUES = "tricolor.dev/revision", "tricolor.dev/value-versions"


_CONTAINER = "spec.template.spec.containers.*"
KUBERNETES: list[Rule] = [
    *_rules("kubernetes:apps/v1:Deployment",
            ("spec.replicas", "replicas"),
            (f"{_CONTAINER}.resources", "resources"),
            (f"{_CONTAINER}.image", "image"),
            (f"{_CONTAINER}.env", "env"),
            (f"{_CONTAINER}.readinessProbe", "probes.readiness"),
            (f"{_CONTAINER}.livenessProbe", "probes.liveness"),
            (f"{_CONTAINER}.ports.*.containerPort", "port"),
            (("spec", "template", "metadata", "labels", _VERSION), "image")),
    *_rules("kubernetes:core/v1:ConfigMap", ("data", "env")),
    *_rules("kubernetes:autoscaling/*:HorizontalPodAutoscaler",
            ("", "autoscaling"),
            ("spec.minReplicas", "autoscaling.minReplicas"),
            ("spec.maxReplicas", "autoscaling.maxReplicas"),
            ("spec.metrics.*.resource.target.averageUtilization", "autoscaling.targetCPUUtilizationPercentage")),
    *_rules("kubernetes:policy/v1*:PodDisruptionBudget",
            ("", "disruptionBudget"),
            ("spec.minAvailable", "disruptionBudget.minAvailable"),
            ("spec.maxUnavailable", "disruptionBudget.maxUnavailable")),
    *_rules("kubernetes:gateway.networking.k8s.io/*:HTTPRoute",
            ("spec.rules.*.backendRefs.*.weight", "weight"),
            ("spec.hostnames", "routing.hostnames"),
            ("colorRoute", "color")),
    *_rules("kubernetes:*", (("metadata", "labels", _VERSION), "image"),
            (("metadata", "annotations", _REVISION), "revision"),
            (("metadata", "annotations", _VALUES), "revision"),
            (("spec", "template", "metadata", "annotations", _REVISION), "revision"),
            (("metadata", "labels", _COLOR), "color"),
            (("spec", "template", "metadata", "labels", _COLOR), "color")),
]

_CONTAINER_DEF = "containerDefinitions.*"
AWS: list[Rule] = [
    *_rules("aws:ecs/taskDefinition:TaskDefinition",
            ("cpu", "resources.limits.cpu"),
            ("memory", "resources.limits.memory"),
            (f"{_CONTAINER_DEF}.cpu", "resources.requests.cpu"),
            (f"{_CONTAINER_DEF}.memory", "resources.limits.memory"),
            (f"{_CONTAINER_DEF}.memoryReservation", "resources.requests.memory"),
            (f"{_CONTAINER_DEF}.image", "image"),
            (f"{_CONTAINER_DEF}.environment", "env"),
            (f"{_CONTAINER_DEF}.healthCheck", "probes.readiness"),
            (f"{_CONTAINER_DEF}.portMappings.*.containerPort", "port"),
            (("containerDefinitions", "*", "dockerLabels", _REVISION), "revision"),
            # the log streams of a color are prefixed by its color (staging: its environment)
            (f"{_CONTAINER_DEF}.logConfiguration.options.awslogs-stream-prefix", "color")),
    # The smoke-test rule: its header value names the color (staging: its environment).
    *_rules("aws:lb/listenerRule:ListenerRule", ("conditions.*.httpHeader.values", "color")),
    *_rules("aws:ecs/service:Service", ("desiredCount", "replicas")),
    *_rules("aws:appautoscaling/target:Target",
            ("", "autoscaling"), ("minCapacity", "autoscaling.minReplicas"),
            ("maxCapacity", "autoscaling.maxReplicas")),
    *_rules("aws:appautoscaling/policy:Policy",
            ("targetTrackingScalingPolicyConfiguration.targetValue", "autoscaling.targetCPUUtilizationPercentage")),
    *_rules("aws:lb/targetGroup:TargetGroup", ("healthCheck", "probes.readiness"), ("port", "port"),
            ("HealthCheckPath", "probes.readiness.path"),
            ("HealthCheckIntervalSeconds", "probes.readiness.periodSeconds"),
            ("HealthCheckTimeoutSeconds", "probes.readiness.timeoutSeconds"),
            ("UnhealthyThresholdCount", "probes.readiness.failureThreshold"), ("Port", "port")),
    *_rules("aws:lb/listener*",
            ("defaultActions.*.forward.targetGroups.*.weight", "weight"),
            ("actions.*.forward.targetGroups.*.weight", "weight"),
            ("DefaultActions.*.ForwardConfig.TargetGroups.*.Weight", "weight")),
    *_rules("aws:*", (("tags", _COLOR), "color"), (("tagsAll", _COLOR), "color"), (("Tags", _COLOR), "color"),
            (("tags", _VALUES), "revision"), (("tagsAll", _VALUES), "revision"), (("Tags", _VALUES), "revision")),
]

# Lambda (``tricolor:backend: lambda``): each color is a published version of one
# function, so a color's own version (the version resource, its alias, its provisioned
# concurrency, the ExecutedVersion of its alarms) moves with its image; the production
# alias's additional version weight is the canary's weight. Pulumi state in camelCase,
# the Lambda API in PascalCase.
_LAMBDA_DIMENSION = ("dimensions", "ExecutedVersion")
LAMBDA: list[Rule] = [
    *_rules("aws:lambda/function:Function",
            ("memorySize", "resources.limits.memory"), ("MemorySize", "resources.limits.memory"),
            ("environment.variables", "env"), ("Environment.Variables", "env"),
            ("imageUri", "image"), ("Code.ImageUri", "image")),
    *_rules("aws:lambda/alias:Alias",
            ("functionVersion", "image"), ("FunctionVersion", "image"),
            ("routingConfig.additionalVersionWeights", "weight"),
            ("RoutingConfig.AdditionalVersionWeights", "weight")),
    *_rules("aws:lambda/provisionedConcurrencyConfig:*",
            ("qualifier", "image"), ("Qualifier", "image"),
            ("provisionedConcurrentExecutions", "replicas")),
    *_rules("aws:cloudwatch/metricAlarm:*",
            (_LAMBDA_DIMENSION, "image"), (("metricQueries", "*", "metric", *_LAMBDA_DIMENSION), "image"),
            (("Dimensions", "ExecutedVersion"), "image")),
]
# The color's published version: tricolor's own resource (``components.aws_lambda.versions``).
LAMBDA_VERSIONS: list[Rule] = _rules("pulumi-python:dynamic/lambda:Version",
                                     ("image", "image"), ("version", "image"), ("arn", "image"))

DOCKER: list[Rule] = [
    *_rules("docker:index/container:Container",
            ("image", "image"),
            ("envs", "env"),
            ("memory", "resources.limits.memory"),
            ("cpuShares", "resources.requests.cpu"),
            ("cpuSet", "resources.limits.cpu"),
            ("healthcheck", "probes.readiness"),
            ("ports.*.internal", "port"),
            ("ports.*.external", "docker.routerPort"), ("ports.*.ip", "docker.bindAddress"),
            # The router's nginx configuration is generated from the weights in force (one
            # upstream where there are no colors): the release engine rewrites it.
            ("uploads", "weight")),
    *_rules("docker:*", (("labels", _COLOR), "color"), (("labels", _REVISION), "revision"),
            (("labels", _VALUES), "revision")),
]

TABLES: dict[str, list[Rule]] = {"kubernetes": KUBERNETES, "aws": [*AWS, *LAMBDA], "docker": DOCKER,
                                  "pulumi-python": LAMBDA_VERSIONS}


def backend_of(type_: str) -> str | None:
    prefix = type_.split(":", 1)[0]
    return prefix if prefix in TABLES else None


def spec_path(type_: str, path: Sequence[str]) -> str | None:
    """The spec path a resource field belongs to, or ``None`` when the spec does not
    describe it (the most specific rule wins)."""
    backend = backend_of(type_)
    if backend is None:
        return None
    best: tuple[int, str] | None = None
    for rule in TABLES[backend]:
        size = len(rule.field)
        if size > len(path) or (size == 0 and path) or not fnmatchcase(type_, rule.types):
            continue
        if all(want == "*" or want == got for want, got in zip(rule.field, path, strict=False)):
            rest = [p for p in path[size:] if p.isidentifier() or not p.isdigit()]
            target = ".".join([rule.spec, *rest]) if rule.spec and rest and rule.spec not in RELEASE_MANAGED \
                else rule.spec
            if best is None or size > best[0]:
                best = (size, target)
    return best[1] if best else None


def _covers(path: str, pattern: str) -> bool:
    if fnmatchcase(path, pattern) or path.startswith(pattern + "."):
        return True
    # ``resources.*`` also covers ``resources`` as a whole.
    return pattern.endswith(".*") and path == pattern[:-2]


def allowed_reason(type_: str, path: Sequence[str], allowed: Sequence[str]) -> str | None:
    """Why a difference at ``path`` is allowed (``parity.allowed: replicas`` or
    ``release-managed: image``), or ``None`` when it is not."""
    target = spec_path(type_, path)
    if target is None:
        return None
    head = target.split(".", 1)[0]
    if head in RELEASE_MANAGED:
        return f"release-managed: {head}"
    for path in PER_ENVIRONMENT:
        if _covers(target, path):
            return f"per-environment: {path} (stack config)"
    for pattern in allowed:
        if _covers(target, pattern):
            return f"parity.allowed: {pattern} (spec path {target})"
    return None
