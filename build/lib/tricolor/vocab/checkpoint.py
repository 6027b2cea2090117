"""The one strict reader of Pulumi checkpoints and stack exports.

Shapes read (schema versions 3 and 4, plain or gzip)::

    {"version": 3, "checkpoint": {"stack": ..., "latest": {"resources": [...], ...}}}   # DIY backend file
    {"version": 3, "deployment": {"resources": [...], ...}}                              # pulumi stack export

``"latest": null`` is a stack that was never deployed (no resources); ``resources``
may be absent. Anything else that is not this shape is refused with the file and the
JSON path: a ``latest`` that is a list, ``"resources": ""``, ``"deployment": null``, a
resource without a URN or type, ``inputs`` or ``outputs`` that are not objects, two live
resources with one URN (a pending-delete copy, ``"delete": true``, may share its URN). A
v4 ``features`` entry this reader does not know is refused, as the Pulumi CLI refuses
it.

Bounds: a file (or what a gzip inflates to) larger than ``max_bytes`` is refused
without being held in memory (default 1 GiB, ``$TRICOLOR_MAX_STATE_MB``), and JSON
nested deeper than orjson's limits (1024 to parse, 254 to serialise) is refused, so
no later walk can overflow the stack.
"""

from __future__ import annotations

import os
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from ..errors import TricolorError
from .wire import Urn

VERSIONS = (3, 4)
#: v4 features this reader understands (they change no resource shape)
KNOWN_FEATURES = frozenset({"refreshBeforeUpdate"})
MAX_BYTES_ENV = "TRICOLOR_MAX_STATE_MB"
DEFAULT_MAX_BYTES = 1024 * 1024 * 1024
_CHUNK = 1 << 20


class CheckpointError(TricolorError):
    """A checkpoint or export cannot be read, or is not a state this reader accepts;
    the message names the file and the JSON path."""


@dataclass(frozen=True)
class State:
    """The validated resources of one checkpoint or export (dicts as Pulumi wrote them)."""

    version: int
    resources: tuple[Mapping[str, Any], ...]
    features: tuple[str, ...] = ()
    stack: str | None = None  # the checkpoint's ``stack`` field, when it has one


def max_bytes() -> int:
    """The size limit in force: ``$TRICOLOR_MAX_STATE_MB`` MiB, else 1 GiB."""
    raw = os.environ.get(MAX_BYTES_ENV, "")
    try:
        return int(float(raw) * 1024 * 1024) if raw else DEFAULT_MAX_BYTES
    except ValueError:
        return DEFAULT_MAX_BYTES


def _too_big(where: str, limit: int, what: str) -> CheckpointError:
    return CheckpointError(f"{where}: {what} more than {limit // (1024 * 1024)} MiB; refused "
                           f"(raise ${MAX_BYTES_ENV} if the state is really that large)")


def inflate(data: bytes, where: str, limit: int | None = None) -> bytes:
    """``data`` uncompressed when it is gzip (recognised by its magic bytes), never
    inflating past ``limit`` bytes."""
    limit = max_bytes() if limit is None else limit
    if data[:2] != b"\x1f\x8b":
        if where.endswith(".gz") and not data.lstrip().startswith(b"{"):
            raise CheckpointError(f"{where}: not a valid gzip file (no gzip header)")
        if len(data) > limit:
            raise _too_big(where, limit, "it is")
        return data
    inflater = zlib.decompressobj(wbits=31)
    out = bytearray()
    try:
        chunk = inflater.decompress(data, _CHUNK)
        while True:
            out += chunk
            if len(out) > limit:
                raise _too_big(where, limit, "it inflates to")
            if inflater.eof or not inflater.unconsumed_tail:
                break
            chunk = inflater.decompress(inflater.unconsumed_tail, _CHUNK)
        if not inflater.eof:
            raise CheckpointError(f"{where}: not a valid gzip file (truncated)")
    except zlib.error as exc:
        raise CheckpointError(f"{where}: not a valid gzip file ({exc})") from None
    return bytes(out)


def read_file(path: Path | str, limit: int | None = None) -> bytes:
    """The bytes of a state file, uncompressed, refusing oversized files before reading."""
    path = Path(path)
    limit = max_bytes() if limit is None else limit
    try:
        size = path.stat().st_size
        if size > limit:
            raise _too_big(str(path), limit, "it is")
        data = path.read_bytes()
    except OSError as exc:
        raise CheckpointError(f"{path}: cannot read the state file: {exc.strerror or exc}") from None
    return inflate(data, str(path), limit)


def _object(value: Any, where: str, path: str, *, optional: bool = False) -> Mapping[str, Any] | None:
    if value is None and optional:
        return None
    if not isinstance(value, dict):
        shown = "null" if value is None else type(value).__name__
        raise CheckpointError(f"{where}: {path} must be an object, not {shown}")
    return value


def _check_resource(resource: Any, where: str, number: int) -> str:
    path = f"resources[{number}]"
    body = _object(resource, where, path)
    assert body is not None
    urn = body.get("urn")
    if not isinstance(urn, str):
        raise CheckpointError(f"{where}: {path}.urn is missing or not a string")
    try:
        Urn.parse(urn)
    except ValueError as exc:
        raise CheckpointError(f"{where}: {path}.urn: {exc}") from None
    if not isinstance(body.get("type"), str):
        raise CheckpointError(f"{where}: {path}.type is missing or not a string")
    for key in ("inputs", "outputs"):
        _object(body.get(key), where, f"{path}.{key}", optional=True)
    for key in ("custom", "delete", "protect", "external"):
        if key in body and not isinstance(body[key], bool):
            raise CheckpointError(f"{where}: {path}.{key} must be true or false")
    for key in ("parent", "provider", "id"):
        if body.get(key) is not None and not isinstance(body[key], str):
            raise CheckpointError(f"{where}: {path}.{key} must be a string")
    return urn


def parse_state(data: bytes, where: str, limit: int | None = None) -> State:
    """Parse and validate a checkpoint or export (plain or gzip); errors name ``where``
    and the JSON path at fault."""
    data = inflate(data, where, limit)
    try:
        document = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise CheckpointError(f"{where}: not valid JSON (truncated, corrupt or nested too deeply): {exc}") from None
    del data
    if not isinstance(document, dict):
        raise CheckpointError(f"{where}: expected a JSON object with 'version', got {type(document).__name__}")
    version = document.get("version")
    if isinstance(version, bool) or version not in VERSIONS:
        raise CheckpointError(f"{where}: unsupported state schema version {str(version)[:40]!r}; "
                              f"this reader knows versions {', '.join(map(str, VERSIONS))}")
    features = document.get("features") or []
    if not isinstance(features, list) or not all(isinstance(f, str) for f in features):
        raise CheckpointError(f"{where}: features must be a list of names")
    unknown = sorted(set(features) - KNOWN_FEATURES)
    if unknown:
        raise CheckpointError(f"{where}: state uses feature(s) this reader does not support: "
                              f"{', '.join(unknown)[:400]} (known: {', '.join(sorted(KNOWN_FEATURES))})")
    stack: str | None = None
    if "checkpoint" in document:
        checkpoint = _object(document["checkpoint"], where, "checkpoint")
        assert checkpoint is not None
        stack = checkpoint.get("stack") if isinstance(checkpoint.get("stack"), str) else None
        deployment = _object(checkpoint.get("latest"), where, "checkpoint.latest", optional=True)
        base = "checkpoint.latest"
    elif "deployment" in document:
        deployment = _object(document["deployment"], where, "deployment")
        base = "deployment"
    else:
        raise CheckpointError(f"{where}: neither a checkpoint ('checkpoint.latest') nor an export ('deployment')")
    resources: Any = [] if deployment is None else deployment.get("resources", [])
    if resources is None:
        resources = []
    if not isinstance(resources, list):
        raise CheckpointError(f"{where}: {base}.resources must be a list, not {type(resources).__name__}")
    live: set[str] = set()
    for number, resource in enumerate(resources):
        try:
            urn = _check_resource(resource, where, number)
        except CheckpointError as exc:
            raise CheckpointError(str(exc).replace(": resources[", f": {base}.resources[", 1)) from None
        if not resource.get("delete"):
            if urn in live:
                raise CheckpointError(f"{where}: {base}.resources[{number}]: URN {urn[:300]} appears twice")
            live.add(urn)
    try:  # orjson serialises at most 254 levels: what passes here, every later walk can handle
        orjson.dumps(resources)
    except orjson.JSONEncodeError:
        raise CheckpointError(f"{where}: {base}.resources are nested too deeply") from None
    return State(int(version), tuple(resources), tuple(features), stack)
