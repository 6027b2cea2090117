"""Read a stack's configuration: from Pulumi's runtime config (``pulumi up``) or from
``stacks/Pulumi.<stack>.yaml`` (offline ``tricolor plan``).

Paths resolve from the user's project (``project.find_project``), never from where
tricolor is installed: a stacks folder not given is the working project's; a spec
path (``tricolor:spec``) is relative to the root of the project holding the stacks
folder (else of the working project). Keys written without a namespace belong to the
project (as Pulumi reads them): ``tricolor:`` only in a project named ``tricolor``.

Stack files are read by the spec's strict YAML reader (``spec.load.read_document``:
size, UTF-8, depth, alias and duplicate-key bounds, keys are text), every problem of a
file reported together with its line; problems found later while resolving the stack
against the spec get the line of their key in the file. ``load_stacks`` reads and
resolves several stacks at once (every problem of every stack in one error), without
importing the program that renders them.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..spec.errors import Problem, SpecError, SpecFileError, shown
from ..spec.load import Document, load_spec, read_document, with_lines
from ..spec.model import ServiceSpec
from ..spec.stack import NAMESPACE, Stack, StackConfig, resolve_stack
from .project import ProjectError, find_project, project_of

PROJECT = "tricolor"  # the bundled example's Pulumi project (and the mock runtime's)
SECRET_PLACEHOLDER = "[secret]"


def stacks_folder(stacks_dir: Path | None = None) -> Path:
    """``stacks_dir``, else the working project's stacks folder (``stackConfigDir``)."""
    return stacks_dir if stacks_dir is not None else find_project().stacks_dir


def project_root(stacks_dir: Path | None = None) -> Path:
    """The root paths in stack files are relative to: the project holding ``stacks_dir``,
    else the working project, else (a loose stacks folder) the stacks folder's parent.
    Without ``stacks_dir``: the working project's (``ProjectError`` outside any)."""
    if stacks_dir is None:
        return find_project().root
    held = project_of(stacks_dir) or project_of(Path.cwd())
    return held.root if held is not None else stacks_dir.resolve().parent


def stack_file(name: str, stacks_dir: Path | None = None) -> Path:
    return stacks_folder(stacks_dir) / f"Pulumi.{name}.yaml"


def stack_names(stacks_dir: Path | None = None) -> list[str]:
    """The stacks that have a config file, staging first, then production, then the rest."""
    names = [p.name[len("Pulumi."):-len(".yaml")] for p in stacks_folder(stacks_dir).glob("Pulumi.*.yaml")]
    order = {"staging": 0, "prod": 1}
    return sorted(names, key=lambda n: (order.get(n, 2), n))


def read_stack_config(name: str, stacks_dir: Path | None = None) -> tuple[dict[str, Any], set[str]]:
    """The stack file's config as ``{"ns:key": value}`` and the keys that are secure.

    Keys without a namespace belong to the project, as Pulumi reads them.
    """
    stacks_dir = stacks_folder(stacks_dir)
    path = stack_file(name, stacks_dir)
    if not path.exists():
        known = ", ".join(stack_names(stacks_dir)) or "none"
        raise SpecFileError(Problem(str(path), "", f"no such stack {shown(name)} "
                                                   f"(stacks with a config file: {known})"))
    document = read_document(path)
    if document.problems:
        raise SpecFileError(with_lines(document.problems, document.line_of))
    data = {} if document.data is None else document.data
    if not isinstance(data, dict) or not isinstance(data.get("config", {}), dict):
        raise SpecError(Problem(str(path), "config", "must be a mapping of config keys", document.line_of("config")))
    config: dict[str, Any] = {}
    secure: set[str] = set()
    held = project_of(stacks_dir)
    namespace = held.name if held is not None else PROJECT
    for key, value in (data.get("config") or {}).items():
        full = key if ":" in key else f"{namespace}:{key}"
        if isinstance(value, dict) and set(value) == {"secure"}:
            secure.add(full)
            value = SECRET_PLACEHOLDER
        config[full] = value
    return config, secure


def spec_path(configured: str | None, override: Path | None = None, root: Path | None = None) -> Path:
    """Where the spec is: ``--spec``, else ``tricolor:spec`` (else the project's spec)
    relative to the project ``root`` (default: the working project's)."""
    if override is not None:
        return override
    if configured is None:
        held = project_of(root) if root is not None else find_project()
        if held is not None:
            return held.spec
    relative = Path(configured or "service.yaml").expanduser()
    if relative.is_absolute():
        return relative
    return (root if root is not None else find_project().root) / relative


def resolve(name: str, config: dict[str, Any], spec_file: Path | None = None,
            file: str | None = None, base: ServiceSpec | None = None, root: Path | None = None) -> Stack:
    """The stack ``name`` with ``config``, resolved against its spec (paths from ``root``)."""
    configured = config.get(f"{NAMESPACE}:spec")
    path = spec_path(configured if isinstance(configured, str) else None, spec_file, root)
    spec = base or load_spec(path)
    where = file or _file_of(name)
    try:
        return resolve_stack(name, config, spec, where)
    except SpecError as exc:
        raise SpecError(locate(exc.problems, Path(where))) from None


def _file_of(name: str) -> str:
    """The running stack's file in the working project (its name outside one)."""
    try:
        return str(stack_file(name))
    except ProjectError:
        return f"stack {name}"


def _line_in(document: Document, path: str) -> int | None:
    """The line of ``config.tricolor:key...``, also where the file writes the key without
    the project's namespace (``config.key``)."""
    plain = f"config.{PROJECT}:"
    if path.startswith(plain):
        key = re.split(r"[.\[]", path[len(plain):], maxsplit=1)[0]
        if not document.has(plain + key) and document.has("config." + key):
            path = "config." + path[len(plain):]
    return document.line_of(path)


def locate(problems: list[Problem], file: Path) -> list[Problem]:
    """``problems`` with the line of their key in the stack ``file`` (when it is one)."""
    if not file.is_file() or all(p.line is not None or p.file != str(file) for p in problems):
        return problems
    try:
        document = read_document(file)
    except SpecError:
        return problems
    located = [p if p.file != str(file) else with_lines([p], lambda path: _line_in(document, path))[0]
               for p in problems]
    return sorted(located, key=lambda p: (p.file != str(file), p.line or 0))


def runtime_config() -> dict[str, Any]:
    """The running program's ``tricolor:*`` config (under ``pulumi up`` or the mocks)."""
    import pulumi

    config = pulumi.Config(NAMESPACE)
    out: dict[str, Any] = {}
    for name, field in StackConfig.model_fields.items():
        key = field.alias or name  # ``tricolor:lambda`` is the field ``lambda_``
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


@dataclass(frozen=True)
class StackInput:
    """A validated stack with the config it was resolved from."""

    stack: Stack
    config: dict[str, Any]
    secret_keys: frozenset[str] = frozenset()


def load_stacks(
    names: list[str],
    spec_file: Path | None = None,
    stacks_dir: Path | None = None,
    configs: dict[str, tuple[dict[str, Any], set[str]]] | None = None,
) -> list[StackInput]:
    """Read and validate every named stack; raise one ``SpecError`` with every problem
    of every stack before anything is rendered.

    ``configs`` gives the config (and secure keys) of stacks that have no file, such as
    a preview stack derived from staging; other stacks are read from ``stacks_dir``
    (default: the working project's). Spec paths are relative to the project's root.
    """
    stacks_dir = stacks_folder(stacks_dir)
    root = project_root(stacks_dir)
    problems: list[Problem] = []
    loaded: list[StackInput] = []
    specs: dict[Path, ServiceSpec] = {}  # each spec file is read once
    for name in names:
        if configs and name in configs:
            config, secret_keys = dict(configs[name][0]), set(configs[name][1])
        else:
            config, secret_keys = read_stack_config(name, stacks_dir)
        if spec_file is not None:
            config[f"{NAMESPACE}:spec"] = str(spec_file.resolve())
        configured = config.get(f"{NAMESPACE}:spec")
        path = spec_path(configured if isinstance(configured, str) else None, spec_file, root)
        if path not in specs:
            specs[path] = load_spec(path)  # a broken spec stops here, with all its problems
        try:
            stack = resolve(name, config, spec_file, base=specs[path], file=str(stack_file(name, stacks_dir)),
                            root=root)
        except SpecError as exc:
            problems.extend(exc.problems)
            continue
        loaded.append(StackInput(stack, config, frozenset(secret_keys)))
    if problems:
        raise SpecError(problems)
    return loaded
