"""Helpers for tests that start real servers on 127.0.0.1 (importable as ``support``:
pytest puts ``tests/`` on the path)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
IN_CI = os.environ.get("CI", "").lower() == "true"


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
        except (OSError, httpx.HTTPError):  # not up yet: connection refused, reset, ...
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


def line_of(needle: str, text: str | None = None) -> int:
    """The 1-based line where ``needle`` starts in ``text`` (default: the example
    ``service.yaml``), so tests do not hard-code line numbers of a file that changes."""
    text = (ROOT / "service.yaml").read_text() if text is None else text
    assert needle in text, needle
    return text[: text.index(needle)].count("\n") + 1
