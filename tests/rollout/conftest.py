"""Shared fixtures of the release engine tests: small specs, stacks, ledgers, servers."""

from __future__ import annotations

import copy
import http.server
import json
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import support
import yaml

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:  # the test doubles of this folder (journal.py) import by name
    sys.path.insert(0, str(HERE))

from release_support import Harness  # noqa: E402

FAST_RELEASE: dict[str, Any] = {
    "steps": [{"setWeight": 20}, {"pause": "1s"}, {"analysis": {}}, {"setWeight": 50}, {"pause": "1s"},
              {"setWeight": 100}],
    "smokeTests": [],
    "rollbackWindow": "0s",
    "scaleDownIdle": True,
    "analysis": {
        "judge": "statistical", "provider": "synthetic", "interval": "1s", "minSamples": 100,
        "failureLimit": 0, "inconclusiveLimit": 3, "consecutiveErrorLimit": 2,
        "providerSettings": {"rps": 200000, "seed": 7},
        "metrics": [{"name": "error-rate", "kind": "rate", "max": 0.05}],
    },
}


@pytest.fixture
def base_spec() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "service.yaml").read_text())


@pytest.fixture
def spec_with(tmp_path: Path, base_spec: dict[str, Any]) -> Callable[..., Path]:
    """Write the example spec with ``release`` replaced (merged over FAST_RELEASE)."""

    def write(release: dict[str, Any] | None = None, name: str = "service.yaml", **analysis: Any) -> Path:
        data = copy.deepcopy(base_spec)
        rel = copy.deepcopy(FAST_RELEASE)
        rel.update(copy.deepcopy(release or {}))
        if "preset" in (release or {}):
            rel.pop("steps", None)
        rel["analysis"] = {**rel["analysis"], **analysis}
        data["release"] = rel
        path = tmp_path / name
        path.write_text(yaml.safe_dump(data, sort_keys=False))
        return path

    return write


@pytest.fixture
def load_prod() -> Callable[[Path], Any]:
    from tricolor.stacks.config import load_stacks

    def load(spec: Path) -> Any:
        (item,) = load_stacks(["prod"], spec)
        return item.stack

    return load


class Recorder(http.server.ThreadingHTTPServer):
    """A tiny HTTP server on 127.0.0.1 that records requests and answers from a handler."""

    def __init__(self, answer: Callable[[str, str, dict[str, str], bytes], tuple[int, Any]]) -> None:
        self.answer = answer
        self.seen: list[dict[str, Any]] = []
        super().__init__(("127.0.0.1", 0), _Handler)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _Handler(http.server.BaseHTTPRequestHandler):
    server: Recorder

    def _serve(self, method: str) -> None:
        length = int(self.headers.get("content-length") or 0)
        body = self.rfile.read(length) if length else b""
        headers = {k.lower(): v for k, v in self.headers.items()}
        self.server.seen.append({"method": method, "path": self.path, "headers": headers,
                                 "body": json.loads(body) if body else None})
        status, payload = self.server.answer(method, self.path, headers, body)
        data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:  # noqa: N802
        self._serve("GET")

    def do_POST(self) -> None:  # noqa: N802
        self._serve("POST")

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def http_server() -> Iterator[Callable[..., Recorder]]:
    servers: list[Recorder] = []

    def start(answer: Callable[[str, str, dict[str, str], bytes], tuple[int, Any]]) -> Recorder:
        server = Recorder(answer)
        threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def tools() -> ModuleType:
    """The server helpers of ``tests/support.py``."""
    return support



@pytest.fixture
def harness(tmp_path: Path) -> Callable[..., Harness]:
    def make(stack: Any, **kw: Any) -> Harness:
        return Harness(stack, tmp_path, **kw)

    return make
