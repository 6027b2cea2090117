"""Wiring of the ``release`` verbs: where the ledger is, what the release recorded, and
the engine with its services built from both.

Every later verb reuses what the release recorded at start (applier, spec file, stacks
folder, smoke-test URL and header, analysis settings) unless an option says otherwise.
Services are built lazily: ``abort`` never builds the metrics provider nor the smoke
tester, so neither a missing Prometheus URL nor a missing smoke URL can stop it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from rich.markup import escape

from ...errors import TricolorError
from ...rollout.appliers.base import Applier, ApplierContext
from ...rollout.appliers.registry import get_applier
from ...rollout.engine import Engine, Lazy, Services
from ...rollout.judge import Judge, get_judge
from ...rollout.ledger import Ledger
from ...rollout.lock import Owner
from ...rollout.migrations.base import MigrationContext, MigrationRunner
from ...rollout.migrations.registry import runner_for
from ...rollout.notifiers.registry import get_notifier
from ...rollout.providers.base import MetricsProvider, ProviderContext
from ...rollout.providers.registry import get_provider
from ...rollout.record import LedgerRecord
from ...rollout.settings import AnalysisSettings, Recorded, ReleaseSettings
from ...rollout.smoke import SmokeTester
from ...spec.stack import Stack
from ...stacks.config import project_root
from ..common import err_console
from .locate import Options, load_item, load_stack, open_ledger
from .options import Output

__all__ = ["Options", "engine_for", "load_item", "load_stack", "make_applier", "open_ledger", "recorded_for"]


def make_applier(options: Options, ledger: Ledger, record: LedgerRecord | None) -> Applier:
    """The applier a new release uses (``--applier``, default ``pulumi``)."""
    context = ApplierContext(stack=options.stack, project=project_root(options.stacks_dir), spec_file=options.spec,
                             stacks_dir=options.stacks_dir, ledger=ledger.url, store=ledger.store,
                             in_force=record.in_force if record is not None else None,
                             catalog=record.catalog if record is not None else None)
    return get_applier(options.applier or "pulumi", context)


def _path(value: str | None) -> Path | None:
    return Path(value) if value else None


def recorded_for(options: Options, ledger: Ledger, stack: Stack) -> Recorded:
    """What a new release records: the options given, resolved to their defaults."""
    routing = stack.spec.routing
    default_smoke = f"https://{routing.hostnames[0]}" if routing.hostnames else None
    return Recorded(applier=options.applier or "pulumi",
                    spec_file=str(options.spec.resolve()) if options.spec else None,
                    stacks_dir=str(options.stacks_dir.resolve()) if options.stacks_dir else None,
                    ledger=ledger.url, smoke_url=options.smoke_url or default_smoke, smoke_header=routing.header)


def _merged(options: Options, recorded: Recorded) -> Options:
    return Options(stack=options.stack, spec=options.spec or _path(recorded.spec_file),
                   stacks_dir=options.stacks_dir or _path(recorded.stacks_dir), ledger=options.ledger,
                   applier=options.applier or recorded.applier, smoke_url=options.smoke_url or recorded.smoke_url,
                   lock_timeout=options.lock_timeout, poll=options.poll, output=options.output)


def engine_for(options: Options, ledger: Ledger, settings: ReleaseSettings | None,
               record: LedgerRecord | None = None) -> Engine:
    """The engine of ``options.stack``: services from the record's settings (else the
    stack's), each built when first needed."""
    recorded = settings.recorded if settings is not None else Recorded()
    opts = _merged(options, recorded)
    stack = Lazy(lambda: load_stack(opts.stack, opts.spec, opts.stacks_dir))

    def analysis() -> AnalysisSettings:
        chosen = settings.analysis if settings is not None else AnalysisSettings(from_spec=True)
        return chosen.with_spec(stack().spec.release.analysis) if chosen.from_spec else chosen

    def applier() -> Applier:
        context = ApplierContext(stack=opts.stack, project=project_root(opts.stacks_dir), spec_file=opts.spec,
                                 stacks_dir=opts.stacks_dir, ledger=ledger.url, store=ledger.store,
                                 in_force=record.in_force if record is not None else None,
                                 catalog=record.catalog if record is not None else None)
        return get_applier(opts.applier or "pulumi", context)

    def provider() -> MetricsProvider:
        chosen = analysis()
        return get_provider(chosen.provider, ProviderContext(settings=chosen.provider_settings))

    def judge() -> Judge:
        chosen = analysis()
        return get_judge(chosen.judge, chosen.min_samples, chosen.alpha, chosen.looks)

    def smoke() -> SmokeTester:
        base, header = opts.smoke_url, recorded.smoke_header
        if base is None or header is None:  # not recorded (schema 1): from the spec
            routing = stack().spec.routing
            base = base or (f"https://{routing.hostnames[0]}" if routing.hostnames else None)
            header = header or routing.header
        if not base:
            raise TricolorError("no smoke-test URL: give --smoke-url (the spec's routing has no hostnames)")
        return SmokeTester(base, header)

    def migrations() -> MigrationRunner:  # the offline applier's companion, else the stack's backend's
        return runner_for(opts.applier or "pulumi", MigrationContext(stack=stack(), store=ledger.store))

    services = Services(applier=Lazy(applier), provider=Lazy(provider), judge=Lazy(judge), smoke=Lazy(smoke),
                        notifier=get_notifier(), migrations=Lazy(migrations))
    engine = Engine(stack=opts.stack, ledger=ledger, services=services, owner=Owner.here(),
                    lock_timeout=opts.lock_timeout, poll=opts.poll)
    if options.output == Output.text:
        engine.on_change = _printer(record)
    return engine


def _printer(known: LedgerRecord | None) -> Callable[[LedgerRecord], None]:
    """Print the events of a release as they happen (on standard error), from the ones
    ``known`` already had."""
    seen: dict[str, int] = {known.release_id: len(known.events)} if known is not None else {}

    def show(rec: LedgerRecord) -> None:
        for event in rec.events[seen.get(rec.release_id, 0):]:
            stamp = time.strftime("%H:%M:%S", time.localtime(event.at))
            err_console.print(f"[dim]{stamp}[/] {escape(event.detail or event.kind)}", soft_wrap=True)
        seen[rec.release_id] = len(rec.events)

    return show
