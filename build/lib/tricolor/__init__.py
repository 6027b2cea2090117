"""tricolor: staging, blue and green environments from one spec, on Pulumi.

The repository root is this package; its subpackages are the capabilities:
``spec``, ``components``, ``stacks``, ``rollout``, ``drift``, ``policies``,
``previews`` and ``cli``.
"""

from __future__ import annotations

from pathlib import Path

__version__ = "0.1.0"

ROOT = Path(__file__).resolve().parent
DEFAULT_SPEC = ROOT / "service.yaml"
STACKS_DIR = ROOT / "stacks"
