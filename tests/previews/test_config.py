"""A preview's config derived from staging, and the offline render of a preview stack."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml

from tricolor.previews.config import preview_config, preview_plan_config, secret_env_name, secrets_from_env
from tricolor.previews.errors import PreviewInputError
from tricolor.previews.naming import preview_names
from tricolor.previews.tags import PreviewMeta, from_labels
from tricolor.spec.errors import SpecError
from tricolor.stacks.config import load_stacks
from tricolor.stacks.render import render
from tricolor.vocab.labels import CREATED_AT as LABEL_CREATED
from tricolor.vocab.labels import PR as LABEL_PR
from tricolor.vocab.labels import PREVIEW as LABEL_MARKER
from tricolor.vocab.labels import TTL as LABEL_TTL

CREATED = datetime(2026, 11, 26, 7, 0, tzinfo=UTC)
ROOT = Path(__file__).resolve().parents[2]


def meta(pr: int = 42, branch: str = "feat/cart") -> PreviewMeta:
    return PreviewMeta(pr=pr, created_at=CREATED, ttl=timedelta(hours=72), branch=branch, commit="0a1b2c3d")


def test_config_from_staging() -> None:
    names = preview_names(42, "feat/cart", "checkout")
    derived = preview_config(names, meta(), "ghcr.io/acme/checkout:pr-42")
    config = derived.config
    assert config["tricolor:environment"] == "preview"
    assert config["tricolor:namespace"] == names.namespace
    assert config["tricolor:image"] == "ghcr.io/acme/checkout:pr-42"
    assert config["tricolor:preview"] == {"pr": 42, "branch": "feat/cart", "ttl": "3d",
                                          "createdAt": "2026-11-26T07:00:00Z", "commit": "0a1b2c3d"}
    # Staging's own overrides are kept; the preview ones win where they overlap.
    assert config["tricolor:overrides"] == {"replicas": 1, "autoscaling.minReplicas": 1,
                                            "autoscaling.maxReplicas": 1, "disruptionBudget.minAvailable": 0,
                                            "env.LOG_LEVEL": "debug"}
    assert derived.dropped == [] and derived.spec.name == "checkout"


def test_overrides_the_spec_does_not_allow_are_dropped(tmp_path: Path, spec_data: dict) -> None:  # type: ignore[type-arg]
    spec_data["parity"] = {"allowed": ["replicas"]}
    spec_data.pop("autoscaling")
    spec_file = tmp_path / "service.yaml"
    spec_file.write_text(yaml.safe_dump(spec_data))
    stacks = tmp_path / "stacks"
    stacks.mkdir()
    (stacks / "Pulumi.staging.yaml").write_text(yaml.safe_dump({"config": {
        "tricolor:environment": "staging", "tricolor:backend": "kubernetes", "tricolor:overrides": {"replicas": 2},
        "tricolor:databasePassword": {"secure": "v1:AAAA"}}}))
    derived = preview_config(preview_names(1, "x", "checkout"), meta(1, "x"), None, stacks, spec_file)
    assert derived.config["tricolor:overrides"] == {"replicas": 1}
    assert derived.dropped == ["autoscaling.minReplicas (not in parity.allowed)",
                               "autoscaling.maxReplicas (not in parity.allowed)",
                               "disruptionBudget.minAvailable (not in parity.allowed)"]
    assert "tricolor:databasePassword" not in derived.config  # each stack encrypts its own secrets


def test_bad_image_and_broken_staging(tmp_path: Path) -> None:
    with pytest.raises(PreviewInputError, match="--image"):
        preview_config(preview_names(1, "x", "checkout"), meta(1, "x"), "not an image!")
    stacks = tmp_path / "stacks"
    stacks.mkdir()
    (stacks / "Pulumi.staging.yaml").write_text(yaml.safe_dump({"config": {
        "tricolor:environment": "staging", "tricolor:backend": "kubernetes",
        "tricolor:overrides": {"routing.hostnames": ["x.example.com"]}}}))
    with pytest.raises(SpecError, match="routing.hostnames"):
        preview_config(preview_names(1, "x", "checkout"), meta(1, "x"), None, stacks, ROOT / "service.yaml")


def test_preview_plan_config_renders_offline() -> None:
    names = preview_names(42, "feat/cart", "checkout")
    found = preview_plan_config(names.stack, now=CREATED)
    assert found is not None
    config, secure = found
    assert preview_plan_config("staging") is None and preview_plan_config("pr-42-nohash") is None
    (item,) = load_stacks([names.stack], configs={names.stack: (config, secure)})
    assert item.stack.environment == "preview" and item.stack.config.preview is not None
    rendered = render(item)
    (namespace,) = rendered.by_type("kubernetes:core/v1:Namespace")
    assert namespace.inputs["metadata"]["name"] == names.namespace
    labels = namespace.inputs["metadata"]["labels"]
    assert (labels[LABEL_MARKER], labels[LABEL_PR], labels[LABEL_TTL]) == ("true", "42", "259200s")
    assert labels[LABEL_CREATED] == "2026-11-26T070000Z"
    back = from_labels(labels)  # what the lister reads back from a checkpoint
    assert back is not None and (back.pr, back.created_at, back.ttl) == (42, CREATED, timedelta(hours=72))
    (deployment,) = rendered.by_type("kubernetes:apps/v1:Deployment")
    assert deployment.inputs["spec"]["replicas"] == 1
    assert deployment.inputs["metadata"]["namespace"] == names.namespace
    (hpa,) = rendered.by_type("kubernetes:autoscaling/v2:HorizontalPodAutoscaler")
    assert (hpa.inputs["spec"]["minReplicas"], hpa.inputs["spec"]["maxReplicas"]) == (1, 1)
    assert all(r.urn.startswith(f"urn:pulumi:{names.stack}::") for r in rendered.resources)


def test_secrets_come_from_the_environment(spec_data: dict, write_spec) -> None:  # type: ignore[no-untyped-def,type-arg]
    from tricolor.spec.load import load_spec

    spec = load_spec(write_spec(spec_data))
    assert secret_env_name("databasePassword") == "TRICOLOR_SECRET_DATABASE_PASSWORD"
    env = {"TRICOLOR_SECRET_DATABASE_PASSWORD": "pw-value", "TRICOLOR_SECRET_STRIPE_API_KEY": "sk-value"}
    assert secrets_from_env(spec, env) == {"tricolor:databasePassword": "pw-value",
                                           "tricolor:stripeApiKey": "sk-value"}
    with pytest.raises(PreviewInputError) as caught:
        secrets_from_env(spec, {"TRICOLOR_SECRET_DATABASE_PASSWORD": "pw-value"})
    assert "TRICOLOR_SECRET_STRIPE_API_KEY (for tricolor:stripeApiKey)" in str(caught.value)
    assert "pw-value" not in str(caught.value)
