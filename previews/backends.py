"""The registry of backend stores: a URL's scheme -> the ``BackendStore`` that reads it.

``open_backend`` refuses Pulumi Cloud with an explanation (it has review stacks and
TTL schedules of its own) and any other scheme with ``UnknownNameError`` listing the
known ones; never a silent default.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlparse

from ..errors import UnknownNameError
from .errors import BackendError
from .folder import FolderStore
from .s3 import S3Store
from .store import BackendStore

__all__ = ["STORES", "backend_kind", "open_backend"]

#: store kind -> constructor from the URL
STORES: dict[str, Callable[[str], BackendStore]] = {"folder": FolderStore.from_url, "s3": S3Store.from_url}
_SCHEMES = {"": "folder", "file": "folder", "s3": "s3"}


def backend_kind(url: str) -> str:
    """``folder`` or ``s3`` for a self-managed backend URL; an error otherwise."""
    if not url or not url.strip():
        raise BackendError("no backend URL: pass --backend-url or set PULUMI_BACKEND_URL (file://... or s3://...)")
    scheme = urlparse(url).scheme
    if scheme in ("http", "https"):
        raise BackendError(
            f"{url[:200]!r} is a Pulumi Cloud backend; tricolor previews read self-managed backends "
            "(file://, s3://) directly - Pulumi Cloud has review stacks and TTL schedules of its own")
    if scheme not in _SCHEMES:
        raise UnknownNameError("backend URL scheme", scheme[:40], ("file", "s3"))
    return _SCHEMES[scheme]


def open_backend(url: str) -> BackendStore:
    """The store for ``url``: a path, ``file://``, or ``s3://bucket/prefix[?region=..&endpoint=..]``."""
    return STORES[backend_kind(url)](url)
