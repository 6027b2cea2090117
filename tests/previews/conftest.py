"""Shared helpers of the preview tests: a folder backend laid out as Pulumi's DIY
backend lays it out, checkpoints built from what the real program renders, and a
small GitHub-like HTTP server on 127.0.0.1."""

from __future__ import annotations

import gzip
import json
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from tricolor.previews.config import preview_plan_config
from tricolor.previews.naming import preview_names
from tricolor.previews.tags import PreviewMeta
from tricolor.stacks.config import load_stacks
from tricolor.stacks.render import render
from tricolor.vocab.labels import PREVIEW as LABEL_MARKER

PROJECT = "tricolor"
NOW = datetime(2026, 11, 26, 12, 0, 0, tzinfo=UTC)


@pytest.fixture(scope="session")
def rendered_preview() -> list[dict[str, Any]]:
    """The resources of a real preview render (pull request 7, branch feat/x), as
    checkpoint resources: the labels on them are the ones the program writes."""
    names = preview_names(7, "feat/x", "checkout")
    config = preview_plan_config(names.stack, now=NOW - timedelta(hours=1))
    assert config is not None
    (item,) = load_stacks([names.stack], configs={names.stack: config})
    resources = []
    for res in render(item).resources:
        entry: dict[str, Any] = {"urn": res.urn, "custom": res.custom, "type": res.type}
        if res.custom:
            entry.update(id=f"{res.name}-id", inputs=res.inputs, outputs=res.inputs)
        if res.parent:
            entry["parent"] = res.parent
        resources.append(entry)
    assert any(LABEL_MARKER in json.dumps(r) for r in resources)
    return resources


def checkpoint(stack: str, resources: list[dict[str, Any]], updated: datetime = NOW,
               project: str | None = PROJECT) -> dict[str, Any]:
    """A checkpoint in the on-disk form the DIY backend writes (an unscoped stack names
    itself by its bare name)."""
    return {
        "version": 3,
        "checkpoint": {
            "stack": f"organization/{project}/{stack}" if project else stack,
            "latest": {
                "manifest": {"time": updated.isoformat(), "magic": "", "version": "v3.200.0"},
                "secrets_providers": {"type": "passphrase", "state": {"salt": "v1:abc"}},
                "resources": resources,
            },
        },
    }


def relabel(resources: list[dict[str, Any]], stack: str, project: str = PROJECT, **labels: str) -> list[dict[str, Any]]:
    """``resources`` of stack ``stack`` in ``project`` with the preview labels changed
    (or removed when given as '')."""
    original = preview_names(7, "feat/x", "checkout").stack
    text = json.dumps(resources).replace(original, stack)
    out = json.loads(text.replace(f"::{PROJECT}::", f"::{project}::"))
    for res in out:
        for side in ("inputs", "outputs"):
            meta = (res.get(side) or {}).get("metadata")
            if isinstance(meta, dict) and isinstance(meta.get("labels"), dict):
                for key, value in labels.items():
                    name = f"tricolor.dev/{key.replace('_', '-')}"
                    if value == "":
                        meta["labels"].pop(name, None)
                    else:
                        meta["labels"][name] = value
    return out


class Backend:
    """A folder backend with Pulumi's DIY layout (``meta=None``: no ``meta.yaml``)."""

    def __init__(self, root: Path, meta: str | None = "version: 1\n") -> None:
        self.root = root
        self.stacks = root / ".pulumi" / "stacks" / PROJECT
        self.stacks.mkdir(parents=True)
        if meta is not None:
            (root / ".pulumi" / "meta.yaml").write_text(meta)

    @property
    def url(self) -> str:
        return f"file://{self.root}"

    def add(self, stack: str, resources: list[dict[str, Any]] | None = None, tags: dict[str, str] | None = None,
            gz: bool = False, project: str | None = PROJECT, updated: datetime = NOW) -> None:
        folder = self.root / ".pulumi" / "stacks" / project if project else self.root / ".pulumi" / "stacks"
        folder.mkdir(parents=True, exist_ok=True)
        data = json.dumps(checkpoint(stack, resources or [], updated, project)).encode()
        if gz:
            (folder / f"{stack}.json.gz").write_bytes(gzip.compress(data))
        else:
            (folder / f"{stack}.json").write_bytes(data)
        if tags is not None:
            body = {"version": 1, "tags": {"pulumi:project": project or PROJECT, **tags}}
            (folder / f"{stack}.pulumi-tags").write_text(json.dumps(body, indent=4))

    def lock(self, stack: str, project: str | None = PROJECT) -> None:
        folder = self.root / ".pulumi" / "locks" / (project or "") / stack
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "0f1e2d3c.json").write_text(json.dumps({"pid": 1, "username": "ci", "hostname": "runner"}))

    def remove(self, stack: Any) -> None:
        """What ``pulumi stack rm`` leaves behind: nothing of the stack (a name in this
        project, or a ``StackRef``)."""
        project, name = (stack.project, stack.name) if hasattr(stack, "name") else (PROJECT, stack)
        folder = self.root / ".pulumi" / "stacks" / project if project else self.root / ".pulumi" / "stacks"
        for path in folder.glob(f"{name}.*"):
            path.unlink()

    def files(self) -> list[str]:
        return sorted(p.relative_to(self.root).as_posix() for p in self.root.rglob("*") if p.is_file())


@pytest.fixture
def backend(tmp_path: Path) -> Backend:
    return Backend(tmp_path / "state")


def preview_tags(pr: int, branch: str, created: datetime, ttl: str = "72h", commit: str = "0a1b2c3") -> dict[str, str]:
    from tricolor.previews.ttl import parse_ttl

    return PreviewMeta(pr=pr, created_at=created, ttl=parse_ttl(ttl), branch=branch, commit=commit).to_tags()


@pytest.fixture
def github() -> Iterator[tuple[str, dict[str, Any]]]:
    """A GitHub-like API on 127.0.0.1: ``state["pulls"][n]`` is ``open``/``closed`` or an
    HTTP status to answer with; ``state["seen"]`` records (path, authorization)."""
    state: dict[str, Any] = {"pulls": {}, "seen": []}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            state["seen"].append((self.path, self.headers.get("Authorization")))
            parts = self.path.strip("/").split("/")
            answer = state["pulls"].get(int(parts[-1])) if parts[-1].isdigit() else None
            if isinstance(answer, str):
                body = json.dumps({"number": int(parts[-1]), "state": answer}).encode()
                self.send_response(200)
            else:
                body = json.dumps({"message": "Not Found"}).encode()
                self.send_response(answer or 404)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture
def no_pulumi(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[[], None]:
    """PATH without any ``pulumi`` binary (CI may have one; these tests need none)."""
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    return lambda: None


@pytest.fixture
def now() -> datetime:
    """A fixed "now" that tests move forward by hand."""
    return NOW


@pytest.fixture
def tags_for() -> Callable[..., dict[str, str]]:
    """``tags_for(pr, branch, created, ttl="72h")``: the stack tags ``preview up`` writes."""
    return preview_tags


@pytest.fixture
def labelled(rendered_preview: list[dict[str, Any]]) -> Callable[..., list[dict[str, Any]]]:
    """``labelled(stack, pr="9", created_at=..., project=...)``: the rendered resources of
    a preview with its labels changed (a value of '' removes the label)."""
    return lambda stack, **labels: relabel(rendered_preview, stack, **labels)
