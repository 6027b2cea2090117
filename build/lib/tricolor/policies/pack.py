"""The CrossGuard policy pack: each pack rule as a ``pulumi_policy`` policy.

``build_policies()`` makes the policy objects and ``pack_arguments()`` everything
``PolicyPack`` takes; ``__main__.py`` passes them to ``PolicyPack``, whose constructor
starts the analyzer's gRPC server. Building them here keeps them inspectable (and
testable) without serving.

Each policy adapts what the engine sends (proxied properties, ``Secret`` values) to
plain ``Resource`` data and reports the rule's findings. The stack's environment comes
from its ``tricolor:environment`` config (the engine passes the stack's config to the
analyzer) when a resource carries no ``tricolor.dev/environment`` label.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from typing import Any

from pulumi_policy import (
    EnforcementLevel,
    Policy,
    PolicyConfigSchema,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    Secret,
    StackValidationArgs,
    StackValidationPolicy,
)

from .model import PACK_NAME, SECRET, Context, Resource, Rule, plain
from .registry import PACK_RULES
from .settings import parse_options

DESCRIPTION = (
    "tricolor: pinned images, blue/green parity, production resources and probes, valid router "
    "weights, labelled previews, shared stateful resources, an isolated idle color."
)


def unwrap(value: Any) -> Any:
    """Engine properties as plain data: proxies opened (unknowns kept as Pulumi's
    sentinels, which ``plain`` marks), secrets replaced by ``[secret]``, whole numbers as
    integers (the protocol carries every number as a double)."""
    if isinstance(value, Secret):
        return SECRET
    if type(value).__name__ in ("_DictProxy", "_ListProxy"):
        value = value["__target"]
    if isinstance(value, Mapping):
        return {str(k): unwrap(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [unwrap(v) for v in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def runtime_context() -> Context:
    """The stack and its ``tricolor:environment`` as the analyzer was configured."""
    environment = None
    try:
        import pulumi.runtime

        environment = pulumi.runtime.get_config("tricolor:environment")
    except Exception:  # noqa: BLE001 - no runtime config: the labels decide
        environment = None
    return Context(stack=os.environ.get("PULUMI_STACK"), environment=environment)


def _resource_validation(rule: Rule) -> Callable[[ResourceValidationArgs, ReportViolation], None]:
    def validate(args: ResourceValidationArgs, report: ReportViolation) -> None:
        options = parse_options(rule, args.get_config())
        resource = Resource(
            type=args.resource_type,
            name=args.name,
            urn=args.urn,
            props=plain(unwrap(args.props)),
            parent=getattr(args.opts, "parent", None),
        )
        for finding in rule.check(resource, options, runtime_context()):
            report(finding.message, None)

    return validate


def _stack_validation(rule: Rule) -> Callable[[StackValidationArgs, ReportViolation], None]:
    def validate(args: StackValidationArgs, report: ReportViolation) -> None:
        options = parse_options(rule, args.get_config())
        resources = [
            Resource(
                type=r.resource_type,
                name=r.name,
                urn=r.urn,
                props=plain(unwrap(r.props)),
                parent=r.parent.urn if r.parent is not None else None,
            )
            for r in args.resources
        ]
        for finding in rule.check(resources, options, runtime_context()):
            report(finding.message, finding.urn)

    return validate


def build_policy(rule: Rule) -> Policy:
    schema = PolicyConfigSchema(properties=rule.config_schema())
    level = EnforcementLevel(rule.enforcement)
    if rule.kind == "resource":
        return ResourceValidationPolicy(
            name=rule.name,
            description=rule.description,
            validate=_resource_validation(rule),
            enforcement_level=level,
            config_schema=schema,
        )
    if rule.kind == "stack":
        return StackValidationPolicy(
            name=rule.name,
            description=rule.description,
            validate=_stack_validation(rule),
            enforcement_level=level,
            config_schema=schema,
        )
    raise ValueError(f"rule {rule.name!r} spans stacks and cannot run in a CrossGuard pack")


def build_policies(rules: tuple[Rule, ...] = PACK_RULES) -> list[Policy]:
    """One CrossGuard policy per pack rule."""
    return [build_policy(rule) for rule in rules]


def pack_arguments() -> dict[str, Any]:
    """Everything ``PolicyPack(...)`` takes, policies included."""
    return {
        "name": PACK_NAME,
        "description": DESCRIPTION,
        "enforcement_level": EnforcementLevel.ADVISORY,
        "policies": build_policies(),
    }
