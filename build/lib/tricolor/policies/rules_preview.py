"""Preview stacks carry their TTL, pull-request number and creation time as labels or
tags, so the reaper can judge every resource it finds."""

from __future__ import annotations

import re
from fnmatch import fnmatchcase

from pydantic import Field

from .model import Context, Finding, Options, Resource, Rule, is_opaque
from .shapes import environment_of, labels_of

NAME = "preview-labels"
_TTL = re.compile(r"^[0-9]+(s|m|h|d)?$|^([0-9]+[smhd])+$")
_PR = re.compile(r"^[1-9][0-9]*$")
_CREATED = re.compile(r"^[0-9]{4}-?[0-9]{2}-?[0-9]{2}([T ][0-9:.]+)?(Z|[+-]?[0-9:]{4,5})?$")


class PreviewOptions(Options):
    ttl_key: str = Field("tricolor.dev/ttl", alias="ttlKey", description="Label or tag holding the TTL.")
    pr_key: str = Field(
        "tricolor.dev/pr", alias="prKey", description="Label or tag holding the pull-request number."
    )
    created_at_key: str = Field(
        "tricolor.dev/created-at", alias="createdAtKey", description="Label or tag holding the creation time."
    )
    types: list[str] = Field(
        default_factory=lambda: [
            "kubernetes:*",
            "aws:ecs/*",
            "aws:lb/*",
            "aws:alb/*",
            "aws:rds/*",
            "aws:elasticache/*",
            "aws:s3/bucket:*",
            "aws:cloudwatch/logGroup:*",
            "aws:ec2/securityGroup:*",
            "docker:index/container:*",
            "docker:index/network:*",
            "docker:index/volume:*",
        ],
        description="Type patterns of resources that must carry the labels or tags (any resource that "
        "already has labels or tags is checked too).",
    )


def _labelled(resource: Resource, options: PreviewOptions) -> bool:
    if resource.type.startswith("pulumi:providers:"):
        return False
    return labels_of(resource) is not None or any(fnmatchcase(resource.type, p) for p in options.types)


def check(resource: Resource, options: PreviewOptions, context: Context) -> list[Finding]:
    if environment_of(resource, context) != "preview" or not _labelled(resource, options):
        return []
    labels = labels_of(resource)
    if labels is None:
        return [
            Finding(
                f"{resource.describe()}: has no labels or tags; a preview resource carries "
                f"{options.ttl_key}, {options.pr_key} and {options.created_at_key}",
                resource.urn,
            )
        ]
    findings = []
    for key, pattern, what in (
        (options.ttl_key, _TTL, "a TTL such as 259200s"),
        (options.pr_key, _PR, "a pull-request number"),
        (options.created_at_key, _CREATED, "a creation time such as 2026-01-31T120000Z"),
    ):
        value = labels.get(key)
        if value is None or value == "":
            findings.append(
                Finding(f"{resource.describe()}: label or tag {key} is missing ({what})", resource.urn)
            )
        elif not is_opaque(value) and not (isinstance(value, str) and pattern.match(value)):
            findings.append(
                Finding(f"{resource.describe()}: label or tag {key} is {value!r}, not {what}", resource.urn)
            )
    return findings


RULE = Rule(
    name=NAME,
    description="Preview stacks carry their TTL, pull-request number and creation time as labels or tags.",
    kind="resource",
    enforcement="mandatory",
    options=PreviewOptions,
    check=check,
)
