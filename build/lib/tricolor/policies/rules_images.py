"""Images are pinned by digest or an immutable tag; ``latest`` or no tag is forbidden
in production."""

from __future__ import annotations

import re

from pydantic import Field

from ..spec.model import image_digest, image_problem, image_tag
from .model import Context, Finding, Options, Resource, Rule, is_opaque
from .shapes import containers_of, environment_of

NAME = "images-pinned"
_IMAGE_ID = re.compile(r"^sha256:[a-f0-9]{64}$")  # a Docker image id, as a RemoteImage gives it


class ImageOptions(Options):
    environments: list[str] = Field(
        default_factory=lambda: ["production"],
        description="Environments where the rule applies (the tricolor.dev/environment label or the stack's "
        "tricolor:environment); '*' for all.",
    )
    mutable_tags: list[str] = Field(
        default_factory=lambda: ["latest", "main", "master", "dev", "develop", "edge", "nightly", "stable"],
        alias="mutableTags",
        description="Tags that move and so do not pin an image.",
    )
    require_digest: bool = Field(
        False, alias="requireDigest", description="Demand a @sha256 digest, not only an immutable tag."
    )


def applies(environment: str | None, environments: list[str]) -> bool:
    return "*" in environments or (environment is not None and environment in environments)


def image_finding(image: object, options: ImageOptions) -> str | None:
    """Why ``image`` is not pinned, or ``None`` when it is (or cannot be seen)."""
    if image is None:
        return "is missing"
    if not isinstance(image, str) or is_opaque(image):
        return None
    if _IMAGE_ID.match(image) or image_digest(image):
        return None
    if image_problem(image):
        return f"{image!r} is not a valid image reference"
    tag = image_tag(image)
    if tag is None:
        return f"{image!r} has no tag (it pulls 'latest'); pin a version tag or a @sha256 digest"
    if tag in options.mutable_tags:
        return f"{image!r} uses the mutable tag {tag!r}; pin a version tag or a @sha256 digest"
    if options.require_digest:
        return f"{image!r} is not pinned by a @sha256 digest"
    return None


def check(resource: Resource, options: ImageOptions, context: Context) -> list[Finding]:
    containers = containers_of(resource)
    if not containers or not applies(environment_of(resource, context), options.environments):
        return []
    findings = []
    for container in containers:
        problem = image_finding(container.image, options)
        if problem:
            findings.append(
                Finding(f"{resource.describe()}: {container.image_field} {problem}", resource.urn)
            )
    return findings


RULE = Rule(
    name=NAME,
    description="Images are pinned by digest or an immutable tag; 'latest' or no tag is forbidden "
    "in production.",
    kind="resource",
    enforcement="mandatory",
    options=ImageOptions,
    check=check,
)
