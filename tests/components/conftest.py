"""Helpers of the component tests: stacks rendered with changed config, a registration
spy, small HTTP backends and a real nginx on 127.0.0.1."""

from __future__ import annotations

import http.server
import importlib
import os
import shutil
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tricolor.stacks import Rendered, load_stacks, read_stack_config, render

render_module = importlib.import_module("tricolor.stacks.render")
IN_CI = os.environ.get("CI", "").lower() == "true"


def binary(name: str) -> str:
    """The path of ``name``; a missing binary fails in CI and skips elsewhere (as the
    shared ``require_binary``)."""
    path = shutil.which(name) or next((p for p in (f"/usr/sbin/{name}", f"/usr/bin/{name}") if os.path.exists(p)), None)
    if path:
        return path
    message = f"{name} is not installed (.ci/run installs it)"
    if IN_CI:
        pytest.fail(message)
    pytest.skip(message)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until(check: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.02)
    raise TimeoutError(f"not ready after {timeout}s: {what}")


def render_with(name: str, changes: dict[str, Any] | None = None) -> Rendered:
    """Render stack ``name`` with config keys changed (``None`` removes a key)."""
    config, secure = read_stack_config(name)
    config = dict(config)
    for key, value in (changes or {}).items():
        if value is None:
            config.pop(key, None)
        else:
            config[key] = value
    (item,) = load_stacks([name], configs={name: (config, secure)})
    return render(item)


@pytest.fixture
def rendered_with() -> Callable[..., Rendered]:
    return render_with


@pytest.fixture
def registrations(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every resource type registered with the mock monitor while the test runs."""
    seen: list[str] = []
    original = render_module._RecordingMonitor.RegisterResource

    def spy(self: Any, request: Any) -> Any:
        seen.append(request.type)
        return original(self, request)

    monkeypatch.setattr(render_module._RecordingMonitor, "RegisterResource", spy)
    return seen


class _ColorHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as nginx's upstream keepalive expects
    color = ""

    def do_GET(self) -> None:  # noqa: N802 - http.server's method name
        body = self.color.encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - signature of the base class
        return


@pytest.fixture(scope="module")
def color_backends() -> Iterator[dict[str, str]]:
    """Two HTTP servers on 127.0.0.1 answering with their color; yields color -> host:port."""
    servers = {}
    for color in ("blue", "green"):
        handler = type(f"{color}Handler", (_ColorHandler,), {"color": color})
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers[color] = server
    try:
        yield {color: f"127.0.0.1:{server.server_address[1]}" for color, server in servers.items()}
    finally:
        for server in servers.values():
            server.shutdown()
            server.server_close()


_MAIN = """\
worker_processes 1;
pid {dir}/nginx.pid;
error_log {dir}/error.log warn;
events {{ worker_connections 512; }}
http {{
    access_log off;
    client_body_temp_path {dir}/client_body;
    proxy_temp_path {dir}/proxy;
    fastcgi_temp_path {dir}/fastcgi;
    uwsgi_temp_path {dir}/uwsgi;
    scgi_temp_path {dir}/scgi;
    # The generated file, exactly as the Docker router mounts it in conf.d/.
    include {dir}/default.conf;
    # Test-only: which configuration generation the workers serve.
    server {{
        listen 127.0.0.1:{control};
        location / {{ return 200 "{generation}"; }}
    }}
}}
"""


@dataclass
class Nginx:
    binary: str
    dir: Path
    control: int
    process: subprocess.Popen[bytes] | None = None
    generation: int = 0
    log: list[str] = field(default_factory=list)

    def _write(self, config: str) -> None:
        self.generation += 1
        (self.dir / "default.conf").write_text(config)
        (self.dir / "nginx.conf").write_text(
            _MAIN.format(dir=self.dir, control=self.control, generation=self.generation))
        check = subprocess.run([self.binary, "-t", "-q", "-p", str(self.dir), "-e", str(self.dir / "error.log"),
                                "-c", str(self.dir / "nginx.conf")], capture_output=True, text=True, timeout=10)
        assert check.returncode == 0, f"nginx rejects the generated configuration:\n{check.stderr}\n{config}"

    def _serving(self) -> bool:
        import httpx

        try:
            return httpx.get(f"http://127.0.0.1:{self.control}/", timeout=1).text == str(self.generation)
        except httpx.HTTPError:
            return False

    def start(self, config: str) -> None:
        self._write(config)
        self.process = subprocess.Popen(
            [self.binary, "-g", "daemon off; master_process on;", "-p", str(self.dir),
             "-e", str(self.dir / "error.log"), "-c", str(self.dir / "nginx.conf")],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_until(self._serving, timeout=10, what="nginx serving its configuration")

    def reload(self, config: str) -> None:
        assert self.process is not None and self.process.poll() is None, "nginx is not running"
        self._write(config)
        os.kill(self.process.pid, signal.SIGHUP)
        wait_until(self._serving, timeout=10, what=f"nginx reloaded to generation {self.generation}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


@pytest.fixture
def nginx(tmp_path: Path) -> Iterator[Nginx]:
    """A real nginx (Debian's package) run by the test from ``tmp_path``; stopped after."""
    server = Nginx(binary=binary("nginx"), dir=tmp_path, control=free_port())
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def router_port() -> int:
    """A free port on 127.0.0.1 for the router under test."""
    return free_port()
