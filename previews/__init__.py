"""Per-pull-request ephemeral staging: names, TTL, preview config, backend listing,
the reaper, and the thin Automation API layer that brings previews up and down.

Interfaces and their registries, kept apart: ``store.BackendStore`` (``backends``
picks one by URL), ``destroy.Destroyer`` (``destroyers`` builds one by name),
``github.PullRequestLookup``.

This module re-exports nothing (import from the module that defines a name), so
``preview name`` loads the naming rules, not the spec models and the backends.
"""
