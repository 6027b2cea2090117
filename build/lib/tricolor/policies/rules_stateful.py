"""Stateful resources (persistent volumes, databases, caches) are never created per
color: they are declared once per stack and shared by blue and green."""

from __future__ import annotations

from fnmatch import fnmatchcase

from pydantic import Field

from .model import Context, Finding, Options, Resource, Rule
from .shapes import COLOR_LABEL, color_in, containers_of, labels_of, urn_name

NAME = "stateful-shared"


class StatefulOptions(Options):
    stateful_types: list[str] = Field(
        default_factory=lambda: [
            "kubernetes:core/v1:PersistentVolumeClaim",
            "kubernetes:core/v1:PersistentVolume",
            "kubernetes:apps/v1:StatefulSet",
            "aws:rds/*",
            "aws:elasticache/*",
            "aws:dynamodb/table:*",
            "aws:efs/fileSystem:*",
            "aws:ebs/volume:*",
            "aws:docdb/*",
            "aws:memorydb/*",
            "aws:s3/bucket:*",
            "docker:index/volume:*",
        ],
        alias="statefulTypes",
        description="Type patterns of stateful resources.",
    )
    stateful_images: list[str] = Field(
        default_factory=lambda: [
            "postgres",
            "mysql",
            "mariadb",
            "redis",
            "valkey",
            "mongo",
            "memcached",
            "cassandra",
            "elasticsearch",
            "rabbitmq",
            "kafka",
            "zookeeper",
        ],
        alias="statefulImages",
        description="Image repositories (last path part) that run a stateful service.",
    )


def _image_repository(image: object) -> str | None:
    if not isinstance(image, str):
        return None
    name = image.split("@", 1)[0].rsplit("/", 1)[-1]
    return name.split(":", 1)[0]


def what_is_stateful(resource: Resource, options: StatefulOptions) -> str | None:
    """Why the resource is stateful (its type, or the database image it runs), or ``None``."""
    if any(fnmatchcase(resource.type, p) for p in options.stateful_types):
        return "a stateful resource"
    for container in containers_of(resource):
        repository = _image_repository(container.image)
        if container.runs_service and repository in options.stateful_images:
            return f"runs the stateful image {container.image!r} ({container.image_field})"
    return None


def per_color(resource: Resource) -> tuple[str, str] | None:
    """(color, evidence) when the resource belongs to one color."""
    labels = labels_of(resource) or {}
    if labels.get(COLOR_LABEL) in ("blue", "green"):
        return str(labels[COLOR_LABEL]), f"label or tag {COLOR_LABEL}"
    color = color_in(resource.name)
    if color:
        return color, "its name"
    parent = urn_name(resource.parent)
    color = color_in(parent)
    if color:
        return color, f"its parent {parent!r}"
    return None


def check(resource: Resource, options: StatefulOptions, context: Context) -> list[Finding]:
    why = what_is_stateful(resource, options)
    if why is None:
        return []
    owner = per_color(resource)
    if owner is None:
        return []
    color, evidence = owner
    return [
        Finding(
            f"{resource.describe()} {why} and belongs to the {color} color ({evidence}); "
            "declare it once per stack and share it between the colors",
            resource.urn,
        )
    ]


RULE = Rule(
    name=NAME,
    description="Stateful resources (volumes, databases, caches) are shared by the colors, never "
    "created per color.",
    kind="resource",
    enforcement="mandatory",
    options=StatefulOptions,
    check=check,
)
