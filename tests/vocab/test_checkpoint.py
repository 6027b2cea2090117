"""vocab.checkpoint: bounds on what a state may cost before it is refused."""

from __future__ import annotations

import gzip
import zlib
from pathlib import Path

import pytest

from tricolor.vocab import checkpoint
from tricolor.vocab.checkpoint import CheckpointError, inflate, parse_state, read_file


def _bomb(inflated: int) -> bytes:
    """A gzip of ``inflated`` bytes of JSON whitespace (about 1,000 to 1)."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    block = b" " * (1 << 20)
    parts = [packer.compress(b'{"version": 3, "deployment": {"resources": [')]
    parts += [packer.compress(block) for _ in range(inflated >> 20)]
    parts += [packer.compress(b"]}}"), packer.flush()]
    return b"".join(parts)


def test_a_decompression_bomb_is_refused_by_its_ratio(monkeypatch: pytest.MonkeyPatch) -> None:
    data = _bomb(200 << 20)
    assert len(data) < 400_000
    with pytest.raises(CheckpointError, match=r"bomb.gz: a gzip of .* refused as a decompression bomb"):
        inflate(data, "bomb.gz")
    monkeypatch.setenv(checkpoint.MAX_RATIO_ENV, "100000")
    assert len(inflate(data, "bomb.gz")) > 200 << 20  # a team may raise the bound


def test_real_compression_ratios_pass(fixtures: Path) -> None:
    text = (fixtures / "pulumi-state" / "checkpoint-v3.json").read_bytes() * 1
    assert inflate(gzip.compress(text), "x.gz") == text
    small_but_repetitive = b"[" + b'{"a": 1},' * 2_000_000 + b"{}]"  # < 64 MiB: any ratio is fine
    assert inflate(gzip.compress(small_but_repetitive), "y.gz") == small_but_repetitive


def test_size_limit_names_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "big.json"
    path.write_bytes(b'{"version": 3, "deployment": {}}' + b" " * (2 << 20))
    monkeypatch.setenv(checkpoint.MAX_BYTES_ENV, "1")
    with pytest.raises(CheckpointError, match="big.json: it is more than 1 MiB"):
        read_file(path)


def test_state_nested_too_deeply_is_refused() -> None:
    deep = "[" * 300 + "]" * 300
    data = ('{"version": 3, "deployment": {"resources": [{"urn": "urn:pulumi:s::p::t::n", "type": "t", '
            f'"outputs": {{"x": {deep}}}}}]}}}}').encode()
    with pytest.raises(CheckpointError, match="nested too deeply"):
        parse_state(data, "deep.json")
    with pytest.raises(CheckpointError, match="deeper.json: not valid JSON"):
        parse_state(b"[" * 100_000, "deeper.json")


@pytest.mark.parametrize(("version", "shown"), [(9, "version 9;"), ("9", "version '9';"),
                                                ("x" * 500, "version '" + "x" * 40 + "';"), (True, "version 'True';")])
def test_unsupported_version_is_named_plainly_and_cut(version: object, shown: str) -> None:
    import json

    with pytest.raises(CheckpointError, match=f"s.json: unsupported state schema {shown}"):
        parse_state(json.dumps({"version": version, "deployment": {}}).encode(), "s.json")
