"""Where a self-managed Pulumi backend keeps its files, read directly (no Pulumi CLI).

``BackendStore`` is the integration point: list keys under a prefix, read one key.
Implementations, one module each: ``folder`` (a path or ``file://``) and ``s3``
(``s3://bucket/prefix``, boto3). ``open_backend(url)`` picks one and refuses anything
else by name (Pulumi Cloud, ``gs://``, ``azblob://``), never silently.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable
from urllib.parse import urlparse

from .errors import BackendError


@runtime_checkable
class BackendStore(Protocol):
    """Read-only view of a backend's object store; keys are ``/``-separated and relative
    to the backend URL (``.pulumi/stacks/tricolor/pr-1-x-0123abcd.json``)."""

    @property
    def url(self) -> str:
        """The backend URL as given."""
        ...

    def list(self, prefix: str) -> list[str]:
        """Every key under ``prefix`` (recursively), sorted."""
        ...

    def read(self, key: str) -> bytes | None:
        """The bytes of ``key``, or ``None`` when it does not exist."""
        ...


def backend_kind(url: str) -> str:
    """``folder`` or ``s3`` for a self-managed backend URL; ``BackendError`` otherwise."""
    if not url or not url.strip():
        raise BackendError("no backend URL: pass --backend or set PULUMI_BACKEND_URL (file://... or s3://...)")
    scheme = urlparse(url).scheme
    if scheme in ("", "file"):
        return "folder"
    if scheme == "s3":
        return "s3"
    if scheme in ("http", "https"):
        raise BackendError(
            f"{url!r} is a Pulumi Cloud backend; tricolor previews read self-managed backends "
            "(file://, s3://) directly - Pulumi Cloud has review stacks and TTL schedules of its own")
    raise BackendError(f"backend {url!r}: unsupported scheme {scheme!r}; supported: file:// (or a path), s3://")


def open_backend(url: str) -> BackendStore:
    """The store for ``url``: a path, ``file://``, or ``s3://bucket/prefix[?region=..&endpoint=..]``."""
    kind = backend_kind(url)
    if kind == "folder":
        from .folder import FolderStore

        return FolderStore.from_url(url)
    from .s3 import S3Store

    return S3Store.from_url(url)
