"""Resources of a ``pulumi stack export`` or checkpoint file, as the rules see them.

The file is parsed by the drift module's state reader (schema versions 3 and 4, both
the on-disk checkpoint and the export shape, unknown v4 features refused); this module
only turns its resources into ``Resource``s: the inputs the program declared (as a
CrossGuard resource policy sees them), else the outputs, with secrets redacted.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..drift.errors import DriftError
from ..drift.pulumi_state import parse_state
from .errors import PolicyInputError
from .model import Resource, plain

SKIPPED_TYPES = ("pulumi:pulumi:Stack",)


@dataclass(frozen=True)
class StateResources:
    stack: str
    version: int
    resources: tuple[Resource, ...]
    source: str = ""


def read_state(path: Path) -> StateResources:
    """Read ``path`` (``.json`` or ``.json.gz``); a clear error names the file otherwise."""
    where = str(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise PolicyInputError(f"{where}: cannot read the state file: {exc.strerror or exc}") from None
    try:
        state = parse_state(data, where)
    except DriftError as exc:
        raise PolicyInputError(str(exc)) from None
    resources: list[Resource] = []
    for number, item in enumerate(state.resources):
        urn = item.get("urn") if isinstance(item, dict) else None
        type_ = item.get("type") if isinstance(item, dict) else None
        if not isinstance(urn, str) or not isinstance(type_, str):
            raise PolicyInputError(f"{where}: resources[{number}] has no URN or type")
        if type_ in SKIPPED_TYPES or item.get("delete"):
            continue
        props = item.get("inputs") or item.get("outputs") or {}
        parent = item.get("parent")
        resources.append(
            Resource(
                type=type_,
                name=urn.rsplit("::", 1)[-1],
                urn=urn,
                props=plain(props) if isinstance(props, dict) else {},
                parent=parent if isinstance(parent, str) else None,
            )
        )
    stack = next((r.stack for r in resources if r.stack), None) or path.stem
    return StateResources(stack=stack, version=state.version, resources=tuple(resources), source=where)
