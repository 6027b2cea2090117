"""The shared spec: load, validate, allowed differences, naming rules. No Pulumi here."""

from __future__ import annotations

from .canary import (
    CanaryScale,
    CanaryScaleSpec,
    HeaderMatch,
    HeaderRoute,
    HeaderRouteSpec,
    StringMatch,
    scaled_replicas,
)
from .durations import MAX_DURATION, format_duration, parse_duration
from .errors import NamingError, Problem, SpecError, SpecFileError, TricolorError, shown
from .fields import INT32_MAX, MAX_REPLICAS
from .load import load_spec, parse_spec, read_document, read_yaml
from .model import ServiceSpec, image_digest, image_problem, image_tag
from .naming import dns_label, dns_label_problem, hostname_problem, is_dns_label, short_hash, stack_name_problem
from .parity import RELEASE_MANAGED, is_allowed
from .release import (
    PRESETS,
    AnalysisStep,
    Pause,
    Release,
    SetCanaryScale,
    SetHeaderRoute,
    SetWeight,
    Step,
    describe_step,
)
from .stack import BACKENDS, ENVIRONMENTS, Stack, StackConfig, resolve_stack, split_config
from .suggest import did_you_mean
from .weights import COLORS, Color, Weights, check_weight, other

__all__ = [
    "BACKENDS",
    "COLORS",
    "ENVIRONMENTS",
    "INT32_MAX",
    "MAX_DURATION",
    "MAX_REPLICAS",
    "PRESETS",
    "RELEASE_MANAGED",
    "AnalysisStep",
    "CanaryScale",
    "CanaryScaleSpec",
    "Color",
    "HeaderMatch",
    "HeaderRoute",
    "HeaderRouteSpec",
    "NamingError",
    "Pause",
    "Problem",
    "Release",
    "ServiceSpec",
    "SetCanaryScale",
    "SetHeaderRoute",
    "SetWeight",
    "SpecError",
    "SpecFileError",
    "Stack",
    "StackConfig",
    "Step",
    "StringMatch",
    "TricolorError",
    "Weights",
    "check_weight",
    "describe_step",
    "did_you_mean",
    "dns_label",
    "dns_label_problem",
    "format_duration",
    "hostname_problem",
    "image_digest",
    "image_problem",
    "image_tag",
    "is_allowed",
    "is_dns_label",
    "load_spec",
    "other",
    "parse_duration",
    "parse_spec",
    "read_document",
    "read_yaml",
    "resolve_stack",
    "scaled_replicas",
    "short_hash",
    "shown",
    "split_config",
    "stack_name_problem",
]
