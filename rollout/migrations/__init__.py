"""Migrations as release steps: how a phase (``expand``, ``contract``) of the spec's
``release.migrations`` runs on each backend.

``base.MigrationRunner`` is the protocol (``run(phase, release) -> MigrationResult``);
one module per implementation: ``offline`` (records what it would run: dry runs, tests,
the offline applier), ``kubernetes`` (a Job), ``ecs`` (a Fargate task through
``RunTask``), ``docker`` (a container); ``registry.get_runner`` picks one. Lambda has no
one-off task to run a migration in: a release with migrations is refused there.

Every runner is idempotent by name: the name of a run is deterministic (release, phase,
attempt; ``migration_state.migration_name``), recorded in the ledger before the run
starts; a runner that finds a run of that name observes it (waits for its end), never
starts a second one. So a process killed in the middle of a migration is resumed by
the next one without running the migration twice.
"""
