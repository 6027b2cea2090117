"""Read a stack's configuration: from Pulumi's runtime config (``pulumi up``) or from
``stacks/Pulumi.<stack>.yaml`` (offline ``tricolor plan``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .. import ROOT, STACKS_DIR
from ..spec import ServiceSpec, SpecError, Stack, load_spec, read_yaml, resolve_stack
from ..spec.errors import Problem, SpecFileError
from ..spec.stack import NAMESPACE, StackConfig

PROJECT = "tricolor"
SECRET_PLACEHOLDER = "[secret]"


def stack_file(name: str, stacks_dir: Path = STACKS_DIR) -> Path:
    return stacks_dir / f"Pulumi.{name}.yaml"


def stack_names(stacks_dir: Path = STACKS_DIR) -> list[str]:
    """The stacks that have a config file, staging first, then production, then the rest."""
    names = [p.name[len("Pulumi."):-len(".yaml")] for p in stacks_dir.glob("Pulumi.*.yaml")]
    order = {"staging": 0, "prod": 1}
    return sorted(names, key=lambda n: (order.get(n, 2), n))


def read_stack_config(name: str, stacks_dir: Path = STACKS_DIR) -> tuple[dict[str, Any], set[str]]:
    """The stack file's config as ``{"ns:key": value}`` and the keys that are secure.

    Keys without a namespace belong to the project, as Pulumi reads them.
    """
    path = stack_file(name, stacks_dir)
    if not path.exists():
        known = ", ".join(stack_names(stacks_dir)) or "none"
        raise SpecFileError(Problem(str(path), "", f"no such stack {name!r} (stacks with a config file: {known})"))
    data = read_yaml(path) or {}
    if not isinstance(data, dict) or not isinstance(data.get("config", {}), dict):
        raise SpecError(Problem(str(path), "config", "must be a mapping of config keys"))
    config: dict[str, Any] = {}
    secure: set[str] = set()
    for key, value in (data.get("config") or {}).items():
        full = key if ":" in key else f"{PROJECT}:{key}"
        if isinstance(value, dict) and set(value) == {"secure"}:
            secure.add(full)
            value = SECRET_PLACEHOLDER
        config[full] = value
    return config, secure


def spec_path(configured: str | None, override: Path | None = None) -> Path:
    """Where the spec is: ``--spec``, else ``tricolor:spec`` from the working directory
    (as ``pulumi up`` runs) or from the project root."""
    if override is not None:
        return override
    relative = Path(configured or "service.yaml")
    if relative.is_absolute():
        return relative
    for base in (Path.cwd(), ROOT):
        if (base / relative).exists():
            return base / relative
    return ROOT / relative


def resolve(name: str, config: dict[str, Any], spec_file: Path | None = None,
            file: str | None = None, base: ServiceSpec | None = None) -> Stack:
    """The stack ``name`` with ``config``, resolved against its spec."""
    configured = config.get(f"{NAMESPACE}:spec")
    path = spec_path(configured if isinstance(configured, str) else None, spec_file)
    spec = base or load_spec(path)
    return resolve_stack(name, config, spec, file or str(stack_file(name)))


def runtime_config() -> dict[str, Any]:
    """The running program's ``tricolor:*`` config (under ``pulumi up`` or the mocks)."""
    import pulumi

    config = pulumi.Config(NAMESPACE)
    out: dict[str, Any] = {}
    for key in StackConfig.model_fields:
        raw = config.get(key)
        if raw is None:
            continue
        try:
            value = json.loads(raw)
        except json.JSONDecodeError:
            value = raw
        # Plain words (production, kubernetes) stay words; objects come back as objects.
        out[f"{NAMESPACE}:{key}"] = value if isinstance(value, (dict, list)) else raw
    return out


def to_runtime(config: dict[str, Any]) -> dict[str, str]:
    """Config values as the Pulumi runtime holds them: strings, objects as JSON."""
    return {k: v if isinstance(v, str) else json.dumps(v) for k, v in config.items()}
