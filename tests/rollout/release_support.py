"""Helpers of the release tests: an engine harness on a real ledger folder."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from journal import JournalApplier

from tricolor.rollout.clock import VirtualClock
from tricolor.rollout.engine import Engine, Services, Stop
from tricolor.rollout.judge import get_judge
from tricolor.rollout.ledger import Ledger
from tricolor.rollout.providers.base import ProviderContext
from tricolor.rollout.providers.registry import get_provider
from tricolor.rollout.record import RequestAction
from tricolor.rollout.verbs import prepare, start, steer

IMAGE = "ghcr.io/acme/checkout:1.5.0"


class Harness:
    """An engine on a real ledger folder with the journal applier and a virtual clock
    (pauses take no wall time), plus the verbs as the CLI runs them."""

    def __init__(self, stack: Any, tmp_path: Path, **kw: Any) -> None:
        analysis = stack.spec.release.analysis
        self.stack = stack
        self.journal = JournalApplier(tmp_path / "journal.jsonl")
        provider = kw.pop("provider", None) or get_provider(analysis.provider,
                                                              ProviderContext(analysis.provider_settings))
        judge = kw.pop("judge", None) or get_judge(analysis.judge, analysis.min_samples, analysis.alpha,
                                                   analysis.looks)
        services = Services.of(kw.pop("applier", self.journal), provider=provider, judge=judge,
                               smoke=kw.pop("smoke", None), notifier=kw.pop("notifier", None))
        self.engine = Engine(stack=stack.name, ledger=Ledger.open(str(tmp_path / "ledger")), services=services,
                             clock=kw.pop("clock", None) or VirtualClock(), poll=kw.pop("poll", 0.5), **kw)

    @property
    def ledger(self) -> Any:
        return self.engine.ledger

    def start(self, image: str = IMAGE) -> Any:
        return start(self.engine, prepare(self.stack, image))

    def run(self, **stop: Any) -> Any:
        return self.engine.run(Stop(**stop))

    def steer(self, action: str, **kw: Any) -> Any:
        return steer(self.engine, RequestAction(action), **kw)

    def lines(self) -> list[dict[str, Any]]:
        return self.journal.entries()
