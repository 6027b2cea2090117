"""Pulumi state as a drift source: self-managed (DIY) backends and ``pulumi stack export``.

Backends: a folder or ``file://`` URL (``.pulumi/stacks/<project>/<stack>.json`` or
``.json.gz``, or the older ``.pulumi/stacks/<stack>.json``), an ``s3://bucket/prefix``
URL (boto3), or per stack an export file or ``-`` for standard input. Reading and
validating is ``vocab.checkpoint``'s (bounded gzip and nesting, duplicate URNs and
malformed shapes refused, naming the file and the JSON path): a malformed state is an
error (exit 1), never an empty stack that compares as parity.

Memory: the file's bytes are handed to the parser and dropped; the parsed document is
dropped once the stack's snapshots (normalised bytes) are built.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from ..vocab import checkpoint, labels
from ..vocab.checkpoint import CheckpointError, State
from ..vocab.wire import Urn
from .errors import SourceError, StateFormatError
from .model import Snapshot
from .snapshots import Item, build_snapshots, color_of
from .source import SourceContext

__all__ = ["DEFAULT_PROJECT", "PulumiStateSource", "State", "items_of", "parse_state", "read_state_bytes"]

SKIPPED_TYPES = ("pulumi:pulumi:Stack",)
DEFAULT_PROJECT = "tricolor"


def parse_state(data: bytes, where: str) -> State:
    """``vocab.checkpoint.parse_state`` with its error as a drift ``StateFormatError``.

    A thin re-export kept for ``previews.state`` and ``policies.states``, which still
    import it from here; drift itself calls ``vocab.checkpoint`` directly."""
    try:
        return checkpoint.parse_state(data, where)
    except CheckpointError as exc:
        raise StateFormatError(str(exc)) from None


def items_of(state: State) -> list[Item]:
    """The live custom resources of a state as source items (outputs, else inputs)."""
    items = []
    for resource in state.resources:
        if not resource.get("custom") or resource.get("delete"):
            continue
        urn = Urn.parse(str(resource["urn"]))  # validated by the reader
        if urn.type in SKIPPED_TYPES or urn.type.startswith("pulumi:providers:"):
            continue
        body = resource.get("outputs") or resource.get("inputs") or {}
        items.append(Item(urn.type, urn.name, body, color_of(urn.name, labels.labels_of(urn.type, body))))
    return items


def read_state_bytes(backend_url: str, project: str, stack: str) -> tuple[bytes, str]:
    """The (uncompressed, size-bounded) bytes of ``stack`` in a DIY backend, and where
    they were read."""
    if backend_url.startswith("s3://"):
        return _read_s3(backend_url, project, stack)
    if backend_url.startswith("file://"):
        parsed = urlparse(backend_url)
        root = Path(unquote(parsed.netloc + parsed.path)).expanduser()
    elif "://" in backend_url:
        raise SourceError(f"backend URL {backend_url[:200]!r} is not supported by the state reader "
                          "(use a folder, file://PATH or s3://BUCKET/PREFIX)")
    else:
        root = Path(backend_url).expanduser()
    if not root.is_dir():
        raise SourceError(f"backend URL {backend_url[:200]}: {root} is not a readable folder")
    candidates = [root / ".pulumi" / "stacks" / project / f"{stack}{ext}" for ext in (".json", ".json.gz")]
    candidates += [root / ".pulumi" / "stacks" / f"{stack}{ext}" for ext in (".json", ".json.gz")]
    for path in candidates:
        if path.is_file():
            return checkpoint.read_file(path), str(path)
    raise SourceError(f"stack {stack} not found in backend {backend_url[:200]} (looked for "
                      f"{', '.join(str(p.relative_to(root)) for p in candidates[:2])})")


def _read_s3(url: str, project: str, stack: str) -> tuple[bytes, str]:
    import boto3
    from botocore.exceptions import BotoCoreError, ClientError

    parsed = urlparse(url)
    bucket, prefix = parsed.netloc, parsed.path.strip("/")
    if not bucket:
        raise SourceError(f"backend URL {url[:200]!r} names no bucket")
    base = f"{prefix}/.pulumi/stacks" if prefix else ".pulumi/stacks"
    keys = [f"{base}/{project}/{stack}{ext}" for ext in (".json", ".json.gz")]
    keys += [f"{base}/{stack}{ext}" for ext in (".json", ".json.gz")]
    client = boto3.client("s3")
    limit = checkpoint.max_bytes()
    for key in keys:
        where = f"s3://{bucket}/{key}"
        try:
            response = client.get_object(Bucket=bucket, Key=key)
            body = response["Body"].read(limit + 1)  # never more than the limit in memory
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code", "")
            if code in ("NoSuchKey", "404", "NotFound"):
                continue
            raise SourceError(f"backend URL {url[:200]}: cannot read {where}: {code or exc}") from None
        except BotoCoreError as exc:
            raise SourceError(f"backend URL {url[:200]}: cannot be read: {exc}") from None
        return checkpoint.inflate(body, where, limit), where
    raise SourceError(f"stack {stack} not found in backend {url[:200]} (looked for {keys[0]} and {keys[1]})")


@dataclass
class PulumiStateSource:
    """Reads stacks from a DIY backend URL, or per stack from an export file (``-``: stdin)."""

    backend_url: str | None = None
    project: str = DEFAULT_PROJECT
    exports: Mapping[str, str] = field(default_factory=dict)
    stdin: Callable[[], bytes] = field(default=lambda: sys.stdin.buffer.read(checkpoint.max_bytes() + 1))
    name: str = "state"

    @classmethod
    def from_context(cls, context: SourceContext) -> PulumiStateSource:
        options: dict[str, Any] = {"backend_url": context.backend_url, "project": context.project,
                                   "exports": dict(context.exports)}
        if context.stdin is not None:
            options["stdin"] = context.stdin
        return cls(**options)

    def describe(self, stack: str) -> str:
        if stack in self.exports:
            return "standard input" if self.exports[stack] == "-" else self.exports[stack]
        return f"{self.backend_url} (project {self.project})"

    def read(self, stack: str) -> tuple[bytes, str]:
        """The uncompressed bytes of ``stack``'s state and where they were read."""
        if stack in self.exports:
            target = self.exports[stack]
            if target == "-":
                where = f"standard input (stack {stack})"
                return checkpoint.inflate(self.stdin(), where), where
            return checkpoint.read_file(target), target
        if not self.backend_url:
            raise SourceError(f"stack {stack}: no backend URL (give --backend-url or set PULUMI_BACKEND_URL)")
        return read_state_bytes(self.backend_url, self.project, stack)

    def snapshots(self, stack: str) -> list[Snapshot]:
        data, where = self.read(stack)
        state = checkpoint.parse_state(data, where)
        del data
        items = items_of(state)
        del state  # the items hold what is still needed; the document goes with them
        return build_snapshots(stack, items, source=where)
