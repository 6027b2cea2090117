"""Pulumi state as a drift source: self-managed (DIY) backends and ``pulumi stack export``.

Backends: a folder or ``file://`` URL (``.pulumi/stacks/<project>/<stack>.json`` or
``.json.gz``, or the older ``.pulumi/stacks/<stack>.json``), an ``s3://bucket/prefix``
URL (boto3), or per stack an export file or ``-`` for standard input. Both shapes are
read: the on-disk ``{"version", "checkpoint": {"latest": ...}}`` and the export
``{"version", "deployment": ...}``, schema versions 3 and 4. A v4 ``features`` entry this
reader does not know is refused, as the Pulumi CLI refuses it.
"""

from __future__ import annotations

import gzip
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

import orjson

from .errors import SourceError, StateFormatError
from .model import Snapshot
from .normalize import Item, build_snapshots, color_of, parse_urn

VERSIONS = (3, 4)
# Features of checkpoint schema v4 this reader understands (they change no resource shape).
KNOWN_FEATURES = frozenset({"refreshBeforeUpdate"})
SKIPPED_TYPES = ("pulumi:pulumi:Stack",)
DEFAULT_PROJECT = "tricolor"


@dataclass(frozen=True)
class State:
    """The resources of one parsed checkpoint or export."""

    version: int
    resources: list[dict[str, Any]]
    features: tuple[str, ...] = ()


def parse_state(data: bytes, where: str) -> State:
    """Parse a checkpoint or export, gzip-compressed or not; errors name ``where``."""
    data = _decode(data, where)
    try:
        document = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise SourceError(f"{where}: not valid JSON (truncated or corrupt?): {exc}") from None
    if not isinstance(document, dict):
        raise StateFormatError(f"{where}: expected a JSON object with 'version', got {type(document).__name__}")
    version = document.get("version")
    if version not in VERSIONS:
        raise StateFormatError(f"{where}: unsupported state schema version {version!r}; "
                               f"this reader knows versions {', '.join(map(str, VERSIONS))}")
    features = document.get("features") or []
    if not isinstance(features, list) or not all(isinstance(f, str) for f in features):
        raise StateFormatError(f"{where}: 'features' must be a list of names")
    unknown = sorted(set(features) - KNOWN_FEATURES)
    if unknown:
        raise StateFormatError(f"{where}: state uses feature(s) this reader does not support: "
                               f"{', '.join(unknown)} (known: {', '.join(sorted(KNOWN_FEATURES))})")
    if "checkpoint" in document:
        checkpoint = document["checkpoint"]
        if not isinstance(checkpoint, dict):
            raise StateFormatError(f"{where}: 'checkpoint' must be an object")
        deployment = checkpoint.get("latest") or {}
    elif "deployment" in document:
        deployment = document["deployment"] or {}
    else:
        raise StateFormatError(f"{where}: neither a checkpoint ('checkpoint.latest') nor an export ('deployment')")
    if not isinstance(deployment, dict):
        raise StateFormatError(f"{where}: the deployment must be an object")
    resources = deployment.get("resources") or []
    if not isinstance(resources, list):
        raise StateFormatError(f"{where}: 'resources' must be a list")
    return State(int(version), resources, tuple(features))


def items_of(state: State, where: str) -> list[Item]:
    """The custom resources of a state as source items (outputs, else inputs)."""
    items = []
    for number, resource in enumerate(state.resources):
        if not isinstance(resource, dict) or not isinstance(resource.get("urn"), str):
            raise StateFormatError(f"{where}: resources[{number}] has no URN")
        if not resource.get("custom") or resource.get("delete"):
            continue
        try:
            _, type_, name = parse_urn(resource["urn"])
        except ValueError as exc:
            raise StateFormatError(f"{where}: resources[{number}]: {exc}") from None
        if type_ in SKIPPED_TYPES or type_.startswith("pulumi:providers:"):
            continue
        body = resource.get("outputs") or resource.get("inputs") or {}
        meta = body.get("metadata") if isinstance(body, dict) else None
        labels = meta.get("labels") if isinstance(meta, dict) else None
        tags = body.get("tags") if isinstance(body, dict) else None
        marks = labels if isinstance(labels, dict) else tags if isinstance(tags, dict) else None
        items.append(Item(type_, name, body if isinstance(body, dict) else {"value": body}, color_of(name, marks)))
    return items


def _decode(data: bytes, where: str) -> bytes:
    """``data`` uncompressed: gzip is recognised by its magic bytes, so decoding twice is
    harmless; a ``.gz`` file that is neither gzip nor JSON is refused as such."""
    if data[:2] == b"\x1f\x8b" or (where.endswith(".gz") and not data.lstrip().startswith(b"{")):
        try:
            return gzip.decompress(data)
        except (OSError, EOFError) as exc:
            raise SourceError(f"{where}: not a valid gzip file ({exc})") from None
    return data


@dataclass
class PulumiStateSource:
    """Reads stacks from a DIY backend URL, or per stack from an export file (``-``: stdin)."""

    backend_url: str | None = None
    project: str = DEFAULT_PROJECT
    exports: Mapping[str, str] = field(default_factory=dict)
    stdin: Callable[[], bytes] = field(default=lambda: sys.stdin.buffer.read())
    name: str = "state"

    def describe(self, stack: str) -> str:
        if stack in self.exports:
            return "standard input" if self.exports[stack] == "-" else self.exports[stack]
        return f"{self.backend_url} (project {self.project})"

    def read(self, stack: str) -> tuple[bytes, str]:
        if stack in self.exports:
            target = self.exports[stack]
            if target == "-":
                return self.stdin(), f"standard input (stack {stack})"
            path = Path(target)
            try:
                return _decode(path.read_bytes(), str(path)), str(path)
            except OSError as exc:
                raise SourceError(f"stack {stack}: cannot read export file {path}: {exc.strerror or exc}") from None
        if not self.backend_url:
            raise SourceError(f"stack {stack}: no backend URL (give --backend-url or set PULUMI_BACKEND_URL)")
        url = self.backend_url
        if url.startswith("s3://"):
            return self._read_s3(stack, url)
        if url.startswith("file://"):
            parsed = urlparse(url)
            root = Path(unquote(parsed.netloc + parsed.path)).expanduser()
        elif "://" in url:
            raise SourceError(f"backend URL {url!r} is not supported by the drift reader "
                              "(use a folder, file://PATH or s3://BUCKET/PREFIX)")
        else:
            root = Path(url).expanduser()
        if not root.is_dir():
            raise SourceError(f"backend URL {url}: {root} is not a readable folder")
        candidates = [root / ".pulumi" / "stacks" / self.project / f"{stack}{ext}" for ext in (".json", ".json.gz")]
        candidates += [root / ".pulumi" / "stacks" / f"{stack}{ext}" for ext in (".json", ".json.gz")]
        for path in candidates:
            if path.is_file():
                try:
                    return _decode(path.read_bytes(), str(path)), str(path)
                except OSError as exc:
                    raise SourceError(f"stack {stack}: cannot read {path}: {exc.strerror or exc}") from None
        raise SourceError(f"stack {stack} not found in backend {url} (looked for "
                          f"{', '.join(str(p.relative_to(root)) for p in candidates[:2])})")

    def _read_s3(self, stack: str, url: str) -> tuple[bytes, str]:
        import boto3
        from botocore.exceptions import BotoCoreError, ClientError

        parsed = urlparse(url)
        bucket, prefix = parsed.netloc, parsed.path.strip("/")
        if not bucket:
            raise SourceError(f"backend URL {url!r} names no bucket")
        base = f"{prefix}/.pulumi/stacks" if prefix else ".pulumi/stacks"
        keys = [f"{base}/{self.project}/{stack}{ext}" for ext in (".json", ".json.gz")]
        keys += [f"{base}/{stack}{ext}" for ext in (".json", ".json.gz")]
        client = boto3.client("s3")
        for key in keys:
            where = f"s3://{bucket}/{key}"
            try:
                body = client.get_object(Bucket=bucket, Key=key)["Body"].read()
            except ClientError as exc:
                code = exc.response.get("Error", {}).get("Code", "")
                if code in ("NoSuchKey", "404", "NotFound"):
                    continue
                raise SourceError(f"backend URL {url}: cannot read {where}: {code or exc}") from None
            except BotoCoreError as exc:
                raise SourceError(f"backend URL {url}: cannot be read: {exc}") from None
            return _decode(body, where), where
        raise SourceError(f"stack {stack} not found in backend {url} (looked for {keys[0]} and {keys[1]})")

    def snapshots(self, stack: str) -> list[Snapshot]:
        data, where = self.read(stack)
        state = parse_state(data, where)
        items = items_of(state, where)
        del data, state
        return build_snapshots(stack, items, source=where)
