"""The image rules ``release start`` (and its dry run) apply before anything moves.

The rule itself is the policy pack's pure ``images-pinned`` rule (pinned tag or
digest; ``:latest``, a mutable tag or no tag is refused in production); here it is only
applied to the image given on the command line. A repository other than the spec's
image is allowed (a mirror, a rename) but said.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ...policies.environment import Inferred, Signal, applies
from ...policies.rules_images import ImageOptions, image_finding
from ...spec.model import image_digest, image_tag
from ...spec.stack import Stack

__all__ = ["ImageCheck", "check_image", "repository"]


def repository(image: str) -> str:
    """``registry/path`` of an image reference, without its tag and digest."""
    digest, tag = image_digest(image), image_tag(image)
    out = image[: -len(digest) - 1] if digest else image
    return out[: -len(tag) - 1] if tag else out


@dataclass(frozen=True)
class ImageCheck:
    finding: str | None = None  # the mandatory rule's finding: the release is refused
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.finding is None

    def as_dict(self) -> dict[str, object]:
        return {"ok": self.ok, "finding": self.finding, "warnings": list(self.warnings)}


def check_image(stack: Stack, image: str) -> ImageCheck:
    options = ImageOptions.model_validate({})
    inferred = Inferred((Signal(stack.environment, f"stack {stack.name}'s tricolor:environment"),))
    finding = image_finding(image, options) if applies(inferred, options.environments) else None
    warnings = []
    if repository(image) != repository(stack.spec.image):
        warnings.append(f"--image {image} is from repository {repository(image)}, not the spec's "
                        f"{repository(stack.spec.image)}")
    return ImageCheck(f"--image: {finding} (images-pinned is mandatory in {stack.environment})" if finding else None,
                      warnings)
