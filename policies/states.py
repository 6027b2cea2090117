"""Resources of a ``pulumi stack export`` or checkpoint file, as the rules see them.

The file is read by the one strict reader (``tricolor.vocab.checkpoint``: schema
versions 3 and 4, the on-disk checkpoint and the export shape, gzip bounded, unknown v4
features, malformed shapes and duplicate URNs refused, each naming the file and the
JSON path); this module only turns its resources into ``Resource``s: the inputs the
program declared (as a CrossGuard resource policy sees them), else the outputs, as plain
data (``vocab.wire.plain``: secret envelopes become ``[secret]``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..vocab.checkpoint import CheckpointError, parse_state, read_file
from ..vocab.wire import Urn, plain
from .errors import PolicyInputError
from .model import Resource

__all__ = ["SKIPPED_TYPES", "StateResources", "read_state"]

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
        state = parse_state(read_file(path), where)
    except CheckpointError as exc:
        raise PolicyInputError(str(exc)) from None
    resources: list[Resource] = []
    for item in state.resources:  # the reader checked every URN and type
        if item["type"] in SKIPPED_TYPES or item.get("delete"):
            continue
        props = item.get("inputs") or item.get("outputs") or {}
        urn = Urn.parse(item["urn"])
        resources.append(Resource(type=item["type"], name=urn.name, urn=item["urn"], props=plain(props),
                                  parent=item.get("parent")))
    stack = next((r.stack for r in resources if r.stack), None) or path.name.split(".", 1)[0]
    return StateResources(stack=stack, version=state.version, resources=tuple(resources), source=where)
