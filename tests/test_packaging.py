"""What a wheel holds: every package of the tree (a subpackage missing from
pyproject's explicit list would be missing from a user's install), and no tests."""

from __future__ import annotations

import tomllib

from support import ROOT

SKIPPED = (".venv", "tests", "bench", "build", "dist", ".ci", ".git")


def test_every_package_is_declared() -> None:
    declared = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    found = {"tricolor" if init.parent == ROOT else "tricolor." + ".".join(init.parent.relative_to(ROOT).parts)
             for init in ROOT.rglob("__init__.py")
             if not init.relative_to(ROOT).parts[0].startswith(SKIPPED)}
    # Folders of package data (templates) are declared too, so setuptools installs them as data packages.
    data = {name for name in declared - found
            if (folder := ROOT.joinpath(*name.split(".")[1:])).is_dir() and not any(folder.glob("*.py"))}
    assert found == declared - data, {"missing from pyproject": sorted(found - declared),
                                      "declared but absent": sorted(declared - found - data)}
    assert data == {"tricolor.drift.templates", "tricolor.rollout.templates", "tricolor.stacks.templates"}
