"""A self-managed backend in a local folder: ``file:///path``, ``file://~/path`` or a path."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlparse

from .errors import BackendError


@dataclass(frozen=True)
class FolderStore:
    url: str
    root: Path

    @classmethod
    def from_url(cls, url: str) -> FolderStore:
        parsed = urlparse(url)
        # file:///abs, file://~/rel and file://./rel (as Pulumi accepts them), or a plain path
        raw = unquote(parsed.netloc + parsed.path) if parsed.scheme == "file" else url
        root = Path(raw).expanduser()
        if not root.is_dir():
            raise BackendError(f"backend {url!r}: {root} is not a folder")
        return cls(url=url, root=root)

    def list(self, prefix: str) -> list[str]:
        base = self.root / prefix
        if not base.is_dir():
            return []
        return sorted(p.relative_to(self.root).as_posix() for p in base.rglob("*") if p.is_file())

    def read(self, key: str) -> bytes | None:
        path = self.root / key
        try:
            return path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise BackendError(f"backend {self.url!r}: cannot read {key}: {exc.strerror}") from None
