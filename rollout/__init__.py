"""The release engine: steps, state machine, ledger, judges, metrics providers, appliers.

Pure core: ``plan`` (schedule -> steps), ``machine`` (state transitions; ``steering``:
a person's requests), ``analysis`` (measurements -> decision), ``settings`` and
``record`` (the typed ledger record), the judges. I/O at the edges: ledger ``stores``,
metrics ``providers``, ``appliers``, ``notifiers``, ``migrations`` (expand/contract
runners), smoke tests, and the ``Engine`` that drives them; ``verbs`` says what each
command does in each state. Strategies: ``plan`` (blue-green) and ``rolling``;
``costs`` says what each costs.

Each integration point is a package: the protocol in ``base``, one module per
implementation, the name -> class registry in ``registry`` (import it where a name is
chosen). This module re-exports nothing: import from the module that defines a name
(``rollout.engine.Engine``, ``rollout.record.LedgerRecord``, ``rollout.ledger.Ledger``),
so a command that only reads the ledger never loads the engine, the judges or the
appliers (start-up, bench/startup.py).
"""
