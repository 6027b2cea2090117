"""``tricolor`` as the kill tests run it: the real CLI, with two test hooks.

- the product's offline applier, slowed down: ``TRICOLOR_TEST_SLOW`` lists the change
  purposes (``weight``, ``abort``, ``rollback``, ...) that sleep
  ``TRICOLOR_TEST_DELAY_BEFORE`` seconds before they take effect and
  ``TRICOLOR_TEST_DELAY_AFTER`` seconds after, so a test can SIGKILL the process inside
  an apply; what it applied is in ``offline/<stack>.json`` next to the ledger;
- the ``journal`` test double (``journal.py``), to count applies per step;
- the product's offline migration runner, slowed down the same way: a phase named in
  ``TRICOLOR_TEST_SLOW`` (``expand``, ``contract``) takes ``TRICOLOR_TEST_DELAY_MIGRATION``
  seconds after it was created (what it ran is in ``offline/<stack>.migrations.json``).

It runs the ``tricolor release`` command group itself (``cli_entry.py release start
...``), the very typer app the ``tricolor`` command mounts, without importing the
other command groups (so each of the many processes these tests start is quicker).
Nothing else differs from ``tricolor``.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from journal import JournalApplier  # noqa: E402

from tricolor.cli.release import app  # noqa: E402
from tricolor.rollout.appliers import registry  # noqa: E402
from tricolor.rollout.appliers.base import ApplyResult, Change  # noqa: E402
from tricolor.rollout.appliers.offline import OfflineApplier  # noqa: E402
from tricolor.rollout.migrations import registry as migrations  # noqa: E402
from tricolor.rollout.migrations.base import MigrationRelease  # noqa: E402
from tricolor.rollout.migrations.offline import OfflineMigrationRunner  # noqa: E402


def _delay(change: Change, name: str) -> float:
    slow = [p for p in os.environ.get("TRICOLOR_TEST_SLOW", "").split(",") if p]
    return float(os.environ.get(name, 0)) if str(change.purpose) in slow else 0.0


class SlowOffline(OfflineApplier):
    def apply(self, change: Change) -> ApplyResult:
        time.sleep(_delay(change, "TRICOLOR_TEST_DELAY_BEFORE"))
        result = super().apply(change)
        time.sleep(_delay(change, "TRICOLOR_TEST_DELAY_AFTER"))
        return result


class SlowMigrations(OfflineMigrationRunner):
    def work(self, phase: str, release: MigrationRelease) -> None:
        slow = [p for p in os.environ.get("TRICOLOR_TEST_SLOW", "").split(",") if p]
        if phase in slow:
            time.sleep(float(os.environ.get("TRICOLOR_TEST_DELAY_MIGRATION", 0)))


registry.APPLIERS["offline"] = SlowOffline
migrations.RUNNERS["offline"] = SlowMigrations
registry.APPLIERS["journal"] = JournalApplier.from_context

if __name__ == "__main__":
    if sys.argv[1:2] != ["release"]:
        sys.exit("usage: cli_entry.py release VERB [OPTIONS]")
    app(sys.argv[2:], prog_name="tricolor release")
