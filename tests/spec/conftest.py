"""Fixtures for the spec tests: the example spec as text and edits of it, the problems
of a spec file, a stacks folder to change, and the check of a clean refusal."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from support import ROOT

from tricolor.spec.errors import SpecError
from tricolor.spec.load import load_spec

SPEC_TEXT = (ROOT / "service.yaml").read_text()


@pytest.fixture
def spec_text() -> str:
    return SPEC_TEXT


def _edited(old: str, new: str, text: str = SPEC_TEXT) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


@pytest.fixture
def edited() -> Callable[..., str]:
    """``edited(old, new, text=example)``: the example spec with ``old`` replaced by ``new``."""
    return _edited


@pytest.fixture
def spec_problems(tmp_path: Path) -> Callable[[str | bytes], list[str]]:
    """Write spec text (or bytes) and return the problems ``load_spec`` reports."""

    def problems(content: str | bytes) -> list[str]:
        path = tmp_path / "service.yaml"
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content)
        with pytest.raises(SpecError) as caught:
            load_spec(path)
        return [str(p).replace(f"{path}", "service.yaml") for p in caught.value.problems]

    return problems


@pytest.fixture
def stacks_dir(tmp_path: Path) -> Callable[[str], Path]:
    """A stacks folder with the shipped staging stack and a prod stack file of the given text."""

    def make(prod_text: str | bytes) -> Path:
        folder = tmp_path / "stacks"
        folder.mkdir(exist_ok=True)
        (folder / "Pulumi.staging.yaml").write_text((ROOT / "stacks/Pulumi.staging.yaml").read_text())
        prod = folder / "Pulumi.prod.yaml"
        if isinstance(prod_text, bytes):
            prod.write_bytes(prod_text)
        else:
            prod.write_text(prod_text)
        return folder

    return make


@pytest.fixture
def refused() -> Callable[..., str]:
    """``refused(result, *fragments)``: assert a clean refusal (exit 1, nothing on stdout,
    no traceback, each fragment in the message); returns stderr with spaces collapsed."""
    return _refused


def _refused(result: Any, *fragments: str) -> str:
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == 1, (result.exit_code, result.stdout, result.stderr)
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    flat = " ".join(result.stderr.split())
    for fragment in fragments:
        assert fragment in flat, flat
    return flat
