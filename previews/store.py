"""Where a self-managed Pulumi backend keeps its files, read directly (no Pulumi CLI).

``BackendStore`` is the integration point: list keys under a prefix, read one key.
Implementations, one module each: ``folder`` (a path or ``file://``) and ``s3``
(``s3://bucket/prefix``, boto3); ``backends.open_backend(url)`` picks one.

Every implementation raises ``BackendError`` (never a client library's exception) when
it cannot list or read, so a caller can keep one unreadable stack apart from the others.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

__all__ = ["BackendStore"]


@runtime_checkable
class BackendStore(Protocol):
    """Read-only view of a backend's object store; keys are ``/``-separated and relative
    to the backend URL (``.pulumi/stacks/tricolor/pr-1-x-0123abcd.json``)."""

    @property
    def url(self) -> str:
        """The backend URL as given."""
        ...

    def list(self, prefix: str) -> list[str]:
        """Every key under ``prefix`` (recursively), sorted; ``BackendError`` when it cannot."""
        ...

    def read(self, key: str) -> bytes | None:
        """The bytes of ``key``, ``None`` when it does not exist; ``BackendError`` when it cannot."""
        ...
