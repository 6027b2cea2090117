"""The shared spec: load, validate, allowed differences, naming rules. No Pulumi here."""

from __future__ import annotations

from .durations import format_duration, parse_duration
from .errors import NamingError, Problem, SpecError, SpecFileError, TricolorError
from .load import load_spec, parse_spec, read_yaml
from .model import ServiceSpec, image_digest, image_problem, image_tag
from .naming import dns_label, dns_label_problem, is_dns_label, short_hash, stack_name_problem
from .parity import RELEASE_MANAGED, is_allowed
from .release import PRESETS, AnalysisStep, Pause, Release, SetWeight, Step, describe_step
from .stack import BACKENDS, ENVIRONMENTS, Stack, StackConfig, resolve_stack, split_config
from .weights import COLORS, Color, Weights, check_weight, other

__all__ = [
    "BACKENDS",
    "COLORS",
    "ENVIRONMENTS",
    "PRESETS",
    "RELEASE_MANAGED",
    "AnalysisStep",
    "Color",
    "NamingError",
    "Pause",
    "Problem",
    "Release",
    "ServiceSpec",
    "SetWeight",
    "SpecError",
    "SpecFileError",
    "Stack",
    "StackConfig",
    "Step",
    "TricolorError",
    "Weights",
    "check_weight",
    "describe_step",
    "dns_label",
    "dns_label_problem",
    "format_duration",
    "image_digest",
    "image_problem",
    "image_tag",
    "is_allowed",
    "is_dns_label",
    "load_spec",
    "other",
    "parse_duration",
    "parse_spec",
    "read_yaml",
    "resolve_stack",
    "short_hash",
    "split_config",
    "stack_name_problem",
]
