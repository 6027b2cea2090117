"""A preview's stack config: the staging stack's config with preview settings.

- ``tricolor:environment`` becomes ``preview``; ``tricolor:namespace`` is the preview's
  namespace; ``tricolor:preview`` carries pr, branch, TTL, creation time and commit;
  ``tricolor:image`` is the pull request's image when one is given.
- ``tricolor:overrides`` keeps staging's and adds the preview overrides (one replica,
  autoscaling 1..1, no disruption budget floor), each only where the spec's
  ``parity.allowed`` lets a stack override it and the spec has that setting; the
  others are reported in ``dropped``, never forced.
- Secure values are not copied: each stack encrypts its own. ``preview up`` takes them
  from the environment (``secret_env_name``); ``tricolor plan`` shows placeholders.

The result is validated against the spec exactly as the program will validate it.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from ..spec.load import load_spec
from ..spec.model import ServiceSpec, image_problem
from ..spec.parity import get_path, is_allowed
from ..spec.stack import NAMESPACE, full_key, resolve_stack
from ..stacks.config import project_root, read_stack_config, spec_path, stack_file, stacks_folder
from .errors import PreviewInputError
from .naming import PreviewNames, names_of_stack
from .tags import PreviewMeta
from .ttl import DEFAULT_TTL, parse_ttl, utcnow

BASE_STACK = "staging"
PREVIEW_OVERRIDES: dict[str, Any] = {
    "replicas": 1,
    "autoscaling.minReplicas": 1,
    "autoscaling.maxReplicas": 1,
    "disruptionBudget.minAvailable": 0,
}
_PRODUCTION_ONLY = ("weights", "images")


@dataclass(frozen=True)
class PreviewConfig:
    names: PreviewNames
    config: dict[str, Any]
    secure_keys: frozenset[str]
    spec: ServiceSpec
    dropped: list[str] = field(default_factory=list)


def base_spec(stacks_dir: Path | None = None, spec_file: Path | None = None,
              base_stack: str = BASE_STACK) -> ServiceSpec:
    """The spec the base (staging) stack is built from (stacks folder and spec paths
    from the working project unless given)."""
    stacks_dir = stacks_folder(stacks_dir)
    config, _ = read_stack_config(base_stack, stacks_dir)
    configured = config.get(f"{NAMESPACE}:spec")
    return load_spec(spec_path(configured if isinstance(configured, str) else None, spec_file,
                               project_root(stacks_dir)))


def preview_overrides(spec: ServiceSpec, base: Mapping[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """The base overrides plus the preview overrides the spec allows and has."""
    merged = dict(base)
    data = spec.as_data()
    dropped: list[str] = []
    for path, value in PREVIEW_OVERRIDES.items():
        if not is_allowed(path, spec.parity.allowed):
            dropped.append(f"{path} (not in parity.allowed)")
        elif path != "replicas" and get_path(data, path) is None and path not in base:
            dropped.append(f"{path} (the spec does not set it)")
        else:
            merged[path] = value
    if "disruptionBudget.minAvailable" not in merged and "disruptionBudget.maxUnavailable" in merged:
        dropped.append("disruptionBudget.minAvailable (the base stack sets maxUnavailable)")
    return merged, dropped


def preview_config(names: PreviewNames, meta: PreviewMeta, image: str | None = None,
                   stacks_dir: Path | None = None, spec_file: Path | None = None,
                   base_stack: str = BASE_STACK) -> PreviewConfig:
    """Derive and validate the preview's config; ``SpecError``/``PreviewInputError`` on a problem."""
    if image is not None:
        problem = image_problem(image)
        if problem:
            raise PreviewInputError(f"--image: {problem}")
    raw, secure = read_stack_config(base_stack, stacks_dir)
    spec = base_spec(stacks_dir, spec_file, base_stack)
    config = {k: v for k, v in raw.items()
              if k not in secure and k not in {f"{NAMESPACE}:{p}" for p in _PRODUCTION_ONLY}}
    base_overrides = raw.get(f"{NAMESPACE}:overrides") or {}
    if not isinstance(base_overrides, dict):
        base_overrides = {}
    overrides, dropped = preview_overrides(spec, base_overrides)
    config[f"{NAMESPACE}:environment"] = "preview"
    config[f"{NAMESPACE}:namespace"] = names.namespace
    # The preview answers on its own host under each production hostname, never on them.
    config[f"{NAMESPACE}:hostnames"] = [f"{names.host}.{host}" for host in spec.routing.hostnames]
    config[f"{NAMESPACE}:overrides"] = overrides
    config[f"{NAMESPACE}:preview"] = meta.to_config()
    if image is not None:
        config[f"{NAMESPACE}:image"] = image
    if spec_file is not None:
        config[f"{NAMESPACE}:spec"] = str(spec_file.resolve())
    file = f"preview {names.stack} (from {stack_file(base_stack, stacks_dir)})"
    resolve_stack(names.stack, config, spec, file)  # raises SpecError with every problem
    return PreviewConfig(names=names, config=config, secure_keys=frozenset(), spec=spec, dropped=dropped)


def preview_plan_config(stack_name: str, stacks_dir: Path | None = None, spec_file: Path | None = None,
                        now: datetime | None = None) -> tuple[dict[str, Any], set[str]] | None:
    """The config of preview stack ``stack_name`` for an offline ``tricolor plan``, or
    ``None`` when the name is not a preview's (``pr-<n>-<slug>-<hash>``).

    The pull-request number and slug come from the name; the TTL is the default and the
    creation time ``now``. The spec's secrets appear as placeholders, as in any plan."""
    spec = base_spec(stacks_dir, spec_file)
    names = names_of_stack(stack_name, spec.name)
    if names is None:
        return None
    meta = PreviewMeta(pr=names.pr, created_at=now or utcnow(), ttl=parse_ttl(DEFAULT_TTL),
                       branch=names.branch)
    derived = preview_config(names, meta, None, stacks_dir, spec_file)
    return dict(derived.config), set(derived.secure_keys)


def secret_env_name(config_key: str) -> str:
    """``databasePassword`` -> ``TRICOLOR_SECRET_DATABASE_PASSWORD`` (namespace dropped)."""
    key = config_key.rpartition(":")[2]
    snake = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", key)
    return "TRICOLOR_SECRET_" + re.sub(r"[^A-Za-z0-9]+", "_", snake).upper()


def secrets_from_env(spec: ServiceSpec, environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """``{"tricolor:databasePassword": value}`` for every secret the spec names, from the
    environment; ``PreviewInputError`` naming every missing variable (never a value)."""
    env = os.environ if environ is None else environ
    values: dict[str, str] = {}
    missing: list[str] = []
    for ref in sorted({r.config for r in spec.secrets.values()}):
        key = full_key(ref)
        variable = secret_env_name(ref)
        if env.get(variable):
            values[key] = env[variable]
        else:
            missing.append(f"{variable} (for {key})")
    if missing:
        raise PreviewInputError("preview up needs the spec's secrets from the environment; missing: "
                                + ", ".join(missing))
    return values
