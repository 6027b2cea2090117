"""Run a release in this process (for the crash tests, which SIGKILL it).

Usage: python crash_driver.py SPEC LEDGER JOURNAL DELAY_BEFORE DELAY_AFTER
"""

from __future__ import annotations

import sys
from pathlib import Path

from tricolor.rollout import Engine, Ledger, get_judge, get_provider
from tricolor.rollout.journal import JournalApplier
from tricolor.stacks.render import load_stacks


def main() -> None:
    spec, ledger, journal, before, after = sys.argv[1:6]
    (item,) = load_stacks(["prod"], Path(spec))
    analysis = item.stack.spec.release.analysis
    engine = Engine(stack=item.stack, ledger=Ledger.open(ledger),
                    applier=JournalApplier(journal, float(before), float(after), delay_scope="router"),
                    provider=get_provider(analysis.provider, analysis.provider_settings),
                    judge=get_judge(analysis.judge, analysis.min_samples, analysis.alpha, analysis.looks),
                    lock_timeout=0.3, poll=0.05)
    engine.start("ghcr.io/acme/checkout:1.5.0")
    print(engine.run().status, flush=True)


if __name__ == "__main__":
    main()
