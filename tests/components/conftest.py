"""Helpers of the component tests: stacks rendered with changed config, a registration
spy, small HTTP backends and a real nginx on 127.0.0.1."""

from __future__ import annotations

import importlib
import os
import signal
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from support import free_port, port_open, require_binary, stop, wait_until

from tricolor.stacks.config import load_stacks, read_stack_config
from tricolor.stacks.render import Rendered, render

render_module = importlib.import_module("tricolor.stacks.render")
IN_CI = os.environ.get("CI", "").lower() == "true"


def render_with(name: str, changes: dict[str, Any] | None = None,
                outputs: dict[str, dict[str, Any]] | None = None) -> Rendered:
    """Render stack ``name`` with config keys changed (``None`` removes a key); when
    ``outputs`` is given, it receives every component's registered outputs by URN."""
    config, secure = read_stack_config(name)
    config = dict(config)
    for key, value in (changes or {}).items():
        if value is None:
            config.pop(key, None)
        else:
            config[key] = value
    (item,) = load_stacks([name], configs={name: (config, secure)})
    if outputs is None:
        return render(item)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(render_module._RecordingMonitor, "RegisterResourceOutputs", _recorder(outputs), raising=False)
        return render(item)


def _recorder(outputs: dict[str, dict[str, Any]]) -> Callable[..., Any]:
    from google.protobuf import empty_pb2, json_format

    def record(self: Any, request: Any) -> Any:
        outputs[request.urn] = json_format.MessageToDict(request.outputs)
        return empty_pb2.Empty()

    return record


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


_NGINX = """\
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
{body}
}}
"""


@pytest.fixture(scope="module")
def color_backends(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """Two small HTTP servers on 127.0.0.1 that answer with their color (a separate nginx
    process, so the client's measurements are not slowed by servers in this interpreter).
    Yields color -> host:port."""
    directory = tmp_path_factory.mktemp("backends")
    ports = {"blue": free_port(), "green": free_port()}
    servers = "\n".join(
        f'    server {{ listen 127.0.0.1:{port}; location / {{ return 200 "{color}"; }} }}'
        for color, port in ports.items())
    (directory / "nginx.conf").write_text(_NGINX.format(dir=directory, body=servers))
    process = subprocess.Popen(
        [require_binary("nginx"), "-g", "daemon off;", "-p", str(directory), "-e", str(directory / "error.log"),
         "-c", str(directory / "nginx.conf")], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for port in ports.values():
            wait_until(lambda p=port: port_open(p), timeout=10, what=f"backend on port {port}")
        yield {color: f"127.0.0.1:{port}" for color, port in ports.items()}
    finally:
        stop(process)


_MAIN_BODY = """\
    # The generated file, exactly as the Docker router mounts it in conf.d/.
    include {dir}/default.conf;
    # Test-only: which configuration generation the workers serve.
    server {{
        listen 127.0.0.1:{control};
        location / {{ return 200 "{generation}"; }}
    }}"""


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
            _NGINX.format(dir=self.dir, body=_MAIN_BODY.format(
                dir=self.dir, control=self.control, generation=self.generation)))
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

    def _workers(self) -> int:
        """How many worker processes the master has (old ones linger after a reload)."""
        assert self.process is not None
        count = 0
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            count += int(fields[1]) == self.process.pid
        return count

    def reload(self, config: str) -> None:
        """Reload with ``config``; return once only the new worker serves (the old one
        could otherwise still take a connection with the previous weights)."""
        assert self.process is not None and self.process.poll() is None, "nginx is not running"
        self._write(config)
        os.kill(self.process.pid, signal.SIGHUP)
        wait_until(lambda: self._serving() and self._workers() == 1, timeout=10,
                   what=f"nginx reloaded to generation {self.generation}")

    def stop(self) -> None:
        if self.process is not None:
            stop(self.process)


@pytest.fixture
def nginx(tmp_path: Path) -> Iterator[Nginx]:
    """A real nginx (Debian's package) run by the test from ``tmp_path``; stopped after."""
    server = Nginx(binary=require_binary("nginx"), dir=tmp_path, control=free_port())
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def router_port() -> int:
    """A free port on 127.0.0.1 for the router under test."""
    return free_port()
