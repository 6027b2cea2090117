"""What ``tricolor plan --against SOURCE`` compares with, read into ``Planned`` resources.

SOURCE is one of:

- ``git:REF``: the spec and the stack files as they were at commit ``REF``, rendered
  offline with today's program (``git show`` into a temporary folder; nothing in the
  working tree changes);
- a saved plan (``tricolor plan --output json > base.json``);
- a state: a ``pulumi stack export`` file or a checkpoint file (the stack named by its
  URNs), or a DIY backend (a folder, ``file://``, ``s3://``) read like ``tricolor drift``
  reads it, with ``--project``.

A stack the base does not have is new (every resource to add) for a git ref or a
backend; for a file that holds other stacks it is not compared. Every failure is a
``PlanBaseError`` naming the source (exit 1).
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from ..drift.changes import Planned, planned
from ..drift.errors import PlanBaseError, SourceError
from ..drift.pulumi_state import read_state_bytes
from ..errors import TricolorError
from ..stacks.config import load_stacks, project_root, read_stack_config, spec_path, stack_file
from ..stacks.render import render
from ..vocab import checkpoint
from ..vocab.wire import Urn

__all__ = ["Base", "read_base"]

NOT_IN_FILE = "not in this file"


@dataclass(frozen=True)
class Base:
    """Per stack, its resources in the base (``None``: the base has no such stack and it
    is new; a stack missing from ``stacks`` is not compared, see ``skipped``)."""

    label: str
    stacks: dict[str, list[Planned] | None]
    skipped: dict[str, str]


def _from_state(resources: Sequence[Any]) -> list[Planned]:
    out = []
    for r in resources:
        if not r.get("custom") or r.get("delete") or str(r.get("type", "")).startswith("pulumi:"):
            continue
        out.append(planned(str(r["urn"]), r.get("inputs") or r.get("outputs") or {}))
    return out


def _state_file(path: Path, names: Sequence[str], label: str) -> Base:
    state = checkpoint.parse_state(checkpoint.read_file(path), str(path))
    stacks = {Urn.parse(str(r["urn"])).stack for r in state.resources} | ({state.stack} if state.stack else set())
    stacks.discard("")
    if len(stacks) != 1:
        raise PlanBaseError(f"--against {path}: holds {len(stacks)} stacks ({', '.join(sorted(stacks)) or 'none'}); "
                            "a state or export file must hold one")
    (stack,) = stacks
    if stack not in names:
        raise PlanBaseError(f"--against {path}: is the state of stack {stack!r}, which is not planned "
                            f"(planned: {', '.join(names)}; add --stack {stack})")
    skipped = {name: NOT_IN_FILE for name in names if name != stack}
    return Base(label, {stack: _from_state(state.resources)}, skipped)


def _saved_plan(document: dict[str, Any], path: Path, names: Sequence[str], label: str) -> Base:
    stacks: dict[str, list[Planned] | None] = {}
    items = document.get("stacks")
    if not isinstance(items, list):
        raise PlanBaseError(f"--against {path}: 'stacks' must be a list (a saved 'tricolor plan --output json')")
    for number, item in enumerate(items):
        where = f"--against {path}: stacks[{number}]"
        if not isinstance(item, dict) or not isinstance(item.get("stack"), str) \
                or not isinstance(item.get("resources"), list):
            raise PlanBaseError(f"{where} must be an object with 'stack' and 'resources'")
        resources = []
        for index, resource in enumerate(item["resources"]):
            if not isinstance(resource, dict) or not isinstance(resource.get("urn"), str):
                raise PlanBaseError(f"{where}.resources[{index}] has no URN")
            try:
                resources.append(planned(resource["urn"], resource.get("inputs")))
            except ValueError as exc:
                raise PlanBaseError(f"{where}.resources[{index}].urn: {exc}") from None
        stacks[item["stack"]] = resources
    skipped = {name: NOT_IN_FILE for name in names if name not in stacks}
    return Base(label, {name: stacks[name] for name in names if name in stacks}, skipped)


def _file(path: Path, names: Sequence[str]) -> Base:
    data = checkpoint.read_file(path)
    try:
        document = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise PlanBaseError(f"--against {path}: not valid JSON (truncated or corrupt?): {exc}") from None
    if isinstance(document, dict) and "stacks" in document and "version" not in document:
        return _saved_plan(document, path, names, f"saved plan {path}")
    return _state_file(path, names, f"state {path}")


def _backend(url: str, project: str, names: Sequence[str]) -> Base:
    stacks: dict[str, list[Planned] | None] = {}
    for name in names:
        try:
            data, where = read_state_bytes(url, project, name)
        except SourceError as exc:
            if "not found in backend" not in str(exc):
                raise
            stacks[name] = None  # not deployed yet: every resource is new
            continue
        stacks[name] = _from_state(checkpoint.parse_state(data, where).resources)
    return Base(f"backend {url} (project {project})", stacks, {})


# -- git:REF ------------------------------------------------------------------------------

def _git(args: Sequence[str], cwd: Path, what: str) -> bytes:
    git = shutil.which("git")
    if git is None:
        raise PlanBaseError(f"--against {what}: git is not installed")
    try:
        done = subprocess.run([git, *args], cwd=cwd, capture_output=True, timeout=60, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise PlanBaseError(f"--against {what}: git {args[0]} failed: {exc}") from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise PlanBaseError(f"--against {what}: git {args[0]} failed: {(message or ['?'])[-1][:300]}")
    return done.stdout


Renderer = Callable[[list[str], Path, Path], dict[str, list[Planned] | None]]


def _relative(path: Path, root: Path, what: str) -> str:
    try:
        return path.resolve().relative_to(root).as_posix()
    except ValueError:
        raise PlanBaseError(f"--against {what}: {path} is outside the git repository at {root}") from None


def _git_base(ref: str, names: Sequence[str], stacks_dir: Path, spec: Path | None, render_at: Renderer) -> Base:
    what = f"git:{ref}"
    if not ref or ref.startswith("-"):
        raise PlanBaseError(f"--against {what}: name a commit, branch or tag after 'git:'")
    root = Path(_git(["rev-parse", "--show-toplevel"], stacks_dir, what).decode().strip()).resolve()
    sha = _git(["rev-parse", "--verify", "--end-of-options", f"{ref}^{{commit}}"], root,
               what).decode().strip()
    configured = None
    first = stack_file(names[0], stacks_dir) if names else None
    if spec is None and first is not None and first.is_file():
        configured = read_stack_config(names[0], stacks_dir)[0].get("tricolor:spec")
    spec_now = spec_path(configured if isinstance(configured, str) else None, spec, project_root(stacks_dir))
    spec_rel, stacks_rel = _relative(spec_now, root, what), _relative(stacks_dir, root, what)
    with tempfile.TemporaryDirectory(prefix="tricolor-plan-") as tmp:
        folder = Path(tmp)
        listed = _git(["ls-tree", "-r", "--name-only", sha, "--", f"{stacks_rel}/"], root, what).decode().splitlines()
        base_stacks = folder / "stacks"
        base_stacks.mkdir()
        for path in listed:
            name = path.rsplit("/", 1)[-1]
            if name.startswith("Pulumi.") and name.endswith(".yaml") and "/" not in path[len(stacks_rel) + 1:]:
                (base_stacks / name).write_bytes(_git(["show", f"{sha}:{path}"], root, what))
        base_spec = folder / Path(spec_rel).name
        base_spec.write_bytes(_git(["show", f"{sha}:{spec_rel}"], root, what))
        try:
            stacks = render_at(list(names), base_stacks, base_spec)
        except TricolorError as exc:
            message = str(exc).replace(str(base_stacks), f"{ref}:{stacks_rel}").replace(str(base_spec),
                                                                                        f"{ref}:{spec_rel}")
            raise PlanBaseError(f"--against {what}: the spec and stacks at that commit do not render: "
                                f"{message}") from None
    return Base(f"git:{ref} ({sha[:12]})", stacks, {})


def read_base(source: str, names: Sequence[str], stacks_dir: Path, spec: Path | None, project: str,
              render_at: Renderer) -> Base:
    """The base named by ``source`` for the planned stacks ``names``."""
    if source.startswith("git:"):
        return _git_base(source[len("git:"):], names, stacks_dir, spec, render_at)
    if "://" in source:
        return _backend(source, project, names)
    path = Path(source).expanduser()
    if path.is_dir():
        return _backend(str(path), project, names)
    if not path.is_file():
        raise PlanBaseError(f"--against {source[:300]}: no such file, folder or git:REF "
                            "(a state or export file, a saved plan, a DIY backend URL, or git:REF)")
    return _file(path, names)


def render_stacks(names: list[str], stacks_dir: Path, spec: Path | None,
                  configs: dict[str, tuple[dict[str, Any], set[str]]]) -> dict[str, list[Planned] | None]:
    """The named stacks rendered from ``stacks_dir`` (``None`` for a stack with no file and
    no derived config: it did not exist)."""
    present = [n for n in names if stack_file(n, stacks_dir).is_file() or n in configs]
    rendered = {item.stack.name: render(item)
                for item in load_stacks(present, spec, stacks_dir, configs={k: configs[k] for k in present
                                                                             if k in configs})}
    return {name: [planned(r.urn, r.inputs) for r in rendered[name].resources if r.custom] if name in rendered
            else None for name in names}
