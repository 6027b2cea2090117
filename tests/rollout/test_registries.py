"""Every registry of the release engine refuses an unknown name with the same error,
listing the names it knows (never a silent default); the product offers no test double."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tricolor.errors import UnknownNameError
from tricolor.rollout.appliers.base import ApplierContext
from tricolor.rollout.appliers.registry import APPLIERS, get_applier
from tricolor.rollout.notifiers.base import NotifierContext
from tricolor.rollout.notifiers.registry import NOTIFIERS, get_notifier
from tricolor.rollout.providers.base import ProviderContext
from tricolor.rollout.providers.registry import PROVIDERS, get_provider, metric_problems
from tricolor.rollout.stores.base import StoreContext
from tricolor.rollout.stores.registry import STORES, open_store

CASES: list[tuple[str, Any, set[str]]] = [
    ("applier", lambda: get_applier("journal", ApplierContext(stack="prod", project=Path("."))),
     {"pulumi", "offline"}),
    ("metrics provider", lambda: get_provider("datadog", ProviderContext()),
     {"prometheus", "cloudwatch", "webhook", "synthetic"}),
    ("metrics provider", lambda: metric_problems("datadog", []), {"prometheus", "cloudwatch", "webhook", "synthetic"}),
    ("ledger store scheme", lambda: open_store(StoreContext("gs://bucket/x")), {"file", "s3", "memory"}),
    ("notifier", lambda: get_notifier("pager", NotifierContext()), {"slack", "none"}),
]


@pytest.mark.parametrize("kind, call, known", CASES, ids=[c[0] + str(i) for i, c in enumerate(CASES)])
def test_unknown_names_are_refused_with_the_known_ones(kind, call, known):
    with pytest.raises(UnknownNameError) as info:
        call()
    assert info.value.kind == kind and set(info.value.known) == known
    assert f"unknown {kind}" in str(info.value) and all(name in str(info.value) for name in known)


def test_the_registries_list_the_product_only():
    assert set(APPLIERS) == {"pulumi", "offline"}  # the journal applier is a test double (tests/rollout)
    assert set(PROVIDERS) == {"prometheus", "cloudwatch", "webhook", "synthetic"}
    assert set(STORES) == {"file", "s3", "memory"} and set(NOTIFIERS) == {"slack", "none"}
