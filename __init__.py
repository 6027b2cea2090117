"""tricolor: staging, blue and green environments from one spec, on Pulumi.

The repository root is this package; its subpackages are the capabilities:
``spec``, ``components``, ``stacks``, ``rollout``, ``drift``, ``policies``,
``previews`` and ``cli``.

Importing it imports nothing else: commands start fast (``cli.app`` loads a command's
modules when it runs). Nothing here points at user data: every command finds the
user's project from the working directory (``stacks.project``); the example bundled
with the package (``service.yaml``, ``stacks/Pulumi.*.yaml``) is package data that
only ``tricolor init --example`` reads.
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
