"""The user's project: found from the working directory, the way git finds its root.

A folder is a **tricolor project** when it holds a Pulumi project file (``Pulumi.yaml``
or ``Pulumi.yml``) that uses tricolor, which is one of:

- its ``config:`` declares a key of the ``tricolor:`` namespace (``tricolor init``
  writes ``tricolor:spec``);
- its program's ``__main__.py`` (in the folder ``main`` names, else beside the project
  file) imports ``tricolor`` (``from tricolor.stacks.__main__ import main``).

``find_project`` walks up from the working directory (or ``-C DIR``) to the nearest
such folder; a Pulumi project that does not use tricolor is stepped over (and named in
the error when nothing is found). Everything a command reads or writes by default
resolves from the project's root, never from where tricolor is installed:

- the stack files: ``stackConfigDir`` (else the root);
- the spec: a stack's ``tricolor:spec``, else the project's, else ``service.yaml``,
  relative to the root;
- ``.tricolor/``: the release ledger's default folder, the drift history, release
  reports;
- the Pulumi work dir of the Automation API: the root.

A broken project file is reported with every problem and its line (the strict reader);
nothing here imports Pulumi.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import TricolorError
from ..spec.errors import Problem, SpecError, SpecFileError
from ..spec.load import read_document, with_lines
from ..spec.stack import NAMESPACE

__all__ = [
    "PROJECT_FILES",
    "STATE_FOLDER",
    "Project",
    "ProjectError",
    "find_project",
    "project_of",
    "read_project",
    "shared_backend",
    "uses_tricolor",
]

PROJECT_FILES = ("Pulumi.yaml", "Pulumi.yml")
STATE_FOLDER = ".tricolor"  # under the root: the default ledger, the drift history, release reports
DEFAULT_SPEC = "service.yaml"
_IMPORTS_TRICOLOR = re.compile(r"^\s*(from\s+tricolor[\s.]|import\s+tricolor\b)", re.MULTILINE)


class ProjectError(TricolorError):
    """No tricolor project here, or files ``tricolor init`` would overwrite: exit 1."""


@dataclass(frozen=True)
class Project:
    """A tricolor project: where its files are (every path absolute)."""

    root: Path
    file: Path
    name: str
    stacks_dir: Path
    spec: Path  # the project's default spec (``config: tricolor:spec``), else service.yaml
    backend_url: str | None = None  # ``backend: url:`` of the project file

    @property
    def state_dir(self) -> Path:
        return self.root / STATE_FOLDER

    @property
    def drift_history(self) -> Path:
        return self.state_dir / "drift-history.sqlite"

    @property
    def reports(self) -> Path:
        return self.state_dir / "reports"

    def path(self, relative: str | Path) -> Path:
        """``relative`` (a path written in a project or stack file) from the root."""
        return _under(self.root, str(relative))


def _project_file(folder: Path) -> Path | None:
    return next((folder / name for name in PROJECT_FILES if (folder / name).is_file()), None)


def _config_value(entry: Any) -> Any:
    """A project config entry's value: plain, ``{value: ...}`` or ``{default: ...}``."""
    if isinstance(entry, dict):
        return entry.get("value", entry.get("default"))
    return entry


def _read(file: Path) -> tuple[dict[str, Any], Any]:
    document = read_document(file)
    if document.problems:
        raise SpecFileError(with_lines(document.problems, document.line_of))
    data = document.data
    if not isinstance(data, dict):
        raise SpecError(Problem(str(file), "", "a Pulumi project file is a mapping (name, runtime, ...)", 1))
    return data, document


def uses_tricolor(file: Path, data: dict[str, Any] | None = None) -> bool:
    """Whether the project file ``file`` is a tricolor project (see the module docstring)."""
    data = _read(file)[0] if data is None else data
    config = data.get("config")
    if isinstance(config, dict) and any(str(key).startswith(f"{NAMESPACE}:") for key in config):
        return True
    main = data.get("main")
    program = file.parent / main if isinstance(main, str) else file.parent
    entry = (program if program.suffix != ".py" else program.parent) / "__main__.py"
    try:
        with entry.open("rb") as handle:
            text = handle.read(64 * 1024).decode("utf-8", "replace")
    except OSError:
        return False
    return bool(_IMPORTS_TRICOLOR.search(text))


def read_project(file: Path) -> Project:
    """The project of the project file ``file``; every problem of the file at once."""
    data, document = _read(file)
    root = file.parent.resolve()
    problems = []

    def text(key: str, default: str | None) -> str | None:
        value = data.get(key, default)
        if value is None or (isinstance(value, str) and value.strip()):
            return value
        problems.append(Problem(str(file), key, "must be a non-empty string", document.line_of(key)))
        return default

    name = text("name", None)
    if name is None and "name" not in data:
        problems.append(Problem(str(file), "name", "is required (the Pulumi project's name)", None))
    stacks = text("stackConfigDir", ".")
    config = data.get("config") or {}
    if not isinstance(config, dict):
        problems.append(Problem(str(file), "config", "must be a mapping of config keys", document.line_of("config")))
        config = {}
    spec = _config_value(config.get(f"{NAMESPACE}:spec", DEFAULT_SPEC))
    if not isinstance(spec, str) or not spec.strip():
        problems.append(Problem(str(file), f"config.{NAMESPACE}:spec", "must be the spec's path (a string)",
                                document.line_of(f"config.{NAMESPACE}:spec")))
        spec = DEFAULT_SPEC
    backend = data.get("backend")
    url = backend.get("url") if isinstance(backend, dict) else None
    if url is not None and not isinstance(url, str):
        problems.append(Problem(str(file), "backend.url", "must be a string", document.line_of("backend.url")))
        url = None
    if problems:
        raise SpecError(problems)
    return Project(root=root, file=file.resolve(), name=str(name), stacks_dir=_under(root, stacks or "."),
                   spec=_under(root, spec), backend_url=url)


def _under(root: Path, relative: str) -> Path:
    given = Path(relative).expanduser()
    return given if given.is_absolute() else root / given


def _walk(start: Path) -> tuple[Project | None, list[tuple[Path, str]]]:
    """The nearest tricolor project at or above ``start``, and the project files stepped over."""
    skipped: list[tuple[Path, str]] = []
    for folder in (start, *start.parents):
        file = _project_file(folder)
        if file is None:
            continue
        data = _read(file)[0]
        if uses_tricolor(file, data):
            return read_project(file), skipped
        skipped.append((file, str(data.get("name", "?"))))
    return None, skipped


def find_project(start: Path | str | None = None) -> Project:
    """The tricolor project the working directory (or ``start``) is in; ``ProjectError``
    saying how to start one when there is none."""
    here = Path(start if start is not None else os.getcwd()).expanduser().resolve()
    if not here.is_dir():
        raise ProjectError(f"{here} is not a folder")
    project, skipped = _walk(here)
    if project is not None:
        return project
    seen = "".join(f"; {file} (project {name[:60]!r}) does not use tricolor" for file, name in skipped[:3])
    raise ProjectError(f"not in a tricolor project: no Pulumi.yaml using tricolor in {here} or any folder above "
                       f"it{seen}. Start one with `tricolor init [DIR] --name NAME --backend kubernetes` (or "
                       "`tricolor init --example`), or point at one with `tricolor -C DIR ...`")


def project_of(folder: Path) -> Project | None:
    """The tricolor project holding ``folder`` (a stacks folder, say), if any."""
    try:
        return _walk(Path(folder).expanduser().resolve())[0]
    except (SpecError, OSError):
        return None


def shared_backend(project: Project) -> str | None:
    """The project's state backend when it is shared (not a local folder or file://):
    ``$PULUMI_BACKEND_URL``, else the project file's ``backend.url``; ``None`` when local
    or not set (Pulumi Cloud through ``pulumi login`` is not visible from here)."""
    url = os.environ.get("PULUMI_BACKEND_URL") or project.backend_url
    if not url or url.startswith("file://") or "://" not in url:
        return None
    return url
