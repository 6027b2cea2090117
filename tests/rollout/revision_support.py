"""A production stack on disk (spec and stack files in a temporary folder), released by
the engine with the product's offline applier: what the revision tests share."""

from __future__ import annotations

import copy
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from tricolor.rollout.appliers.base import ApplierContext
from tricolor.rollout.appliers.offline import OfflineApplier
from tricolor.rollout.clock import VirtualClock
from tricolor.rollout.engine import Engine, Services, Stop
from tricolor.rollout.judge import get_judge
from tricolor.rollout.ledger import Ledger
from tricolor.rollout.providers.base import ProviderContext
from tricolor.rollout.providers.registry import get_provider
from tricolor.rollout.record import LedgerRecord
from tricolor.rollout.revisions import config_versions, part_of, render_state
from tricolor.rollout.verbs import prepare, start
from tricolor.stacks.config import StackInput, load_stacks
from tricolor.stacks.render import Rendered

ROOT = Path(__file__).resolve().parents[2]


class Site:
    """``stacks/`` and ``service.yaml`` in ``folder``, a ledger next to them."""

    def __init__(self, folder: Path, release: dict[str, Any], stack: str = "prod") -> None:
        self.folder, self.stack = folder, stack
        self.stacks = folder / "stacks"
        shutil.copytree(ROOT / "stacks", self.stacks, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
        self.data = yaml.safe_load((ROOT / "service.yaml").read_text())
        self.data["release"] = copy.deepcopy(release)
        self.spec = folder / "service.yaml"
        self.write()
        self.ledger = Ledger.open(str(folder / "ledger"))
        self.appliers: list[OfflineApplier] = []

    def write(self) -> None:
        self.spec.write_text(yaml.safe_dump(self.data, sort_keys=False))

    def edit(self, change: Callable[[dict[str, Any]], None]) -> None:
        change(self.data)
        self.write()

    def config(self, **values: str) -> None:
        """Set plain config values in the stack file (``tricolor:<key>``)."""
        path = self.stacks / f"Pulumi.{self.stack}.yaml"
        doc = yaml.safe_load(path.read_text())
        doc["config"].update({f"tricolor:{k}": v for k, v in values.items()})
        path.write_text(yaml.safe_dump(doc, sort_keys=False))

    def item(self) -> StackInput:
        (item,) = load_stacks([self.stack], self.spec, self.stacks)
        return item

    def record(self) -> LedgerRecord:
        rec = self.ledger.read(self.stack)
        assert rec is not None
        return rec

    def engine(self, **provider: Any) -> tuple[Engine, OfflineApplier]:
        item = self.item()
        rec = self.ledger.read(self.stack)
        applier = OfflineApplier(ApplierContext(
            stack=self.stack, project=self.folder, spec_file=self.spec, stacks_dir=self.stacks,
            store=self.ledger.store, in_force=rec.in_force if rec else None, catalog=rec.catalog if rec else None))
        self.appliers.append(applier)
        analysis = item.stack.spec.release.analysis
        services = Services.of(applier, provider=get_provider(analysis.provider, ProviderContext(
            {**analysis.provider_settings, **provider})), judge=get_judge(
            analysis.judge, analysis.min_samples, analysis.alpha, analysis.looks))
        return Engine(stack=self.stack, ledger=self.ledger, services=services, clock=VirtualClock(), poll=0.5), applier

    def release(self, image: str | None, stop: Stop | None = None, include_shared: bool = False,
                **provider: Any) -> tuple[LedgerRecord, OfflineApplier]:
        """``release start`` of ``image`` (``None``: config-only) driven as the CLI does."""
        engine, applier = self.engine(**provider)
        item = self.item()
        start(engine, prepare(item.stack, image, secrets=config_versions(item), include_shared=include_shared))
        return engine.run(stop or Stop(active=False)), applier

    def in_force(self) -> Rendered:
        """The stack rendered as the program builds it from the ledger's state in force."""
        rec = self.record()
        return render_state(self.item(), rec.in_force, rec.catalog)


def config_map(rendered: Rendered, color: str) -> dict[str, str]:
    return rendered.find(f"checkout-{color}-config").inputs["data"]


def parts(urns: list[str]) -> set[str]:
    return {part_of(urn) for urn in urns}
