"""The CrossGuard pack: every rule declared, and the analyzer protocol answered.

The declarations are inspected without serving (``build_policies``); the analyzer
servicer of ``pulumi_policy`` is driven in-process with real protocol messages; and
one test starts the pack exactly as the Pulumi engine does (``python -m pulumi.policy
ENGINE policies``), reads the port it prints, and talks gRPC to it on 127.0.0.1.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

import grpc
import yaml
from google.protobuf import empty_pb2, struct_pb2
from pulumi.runtime import proto
from pulumi_policy import EnforcementLevel, ResourceValidationPolicy, StackValidationPolicy
from pulumi_policy.policy import _PolicyAnalyzerServicer

from tricolor.policies import PACK_NAME, PACK_RULES, PACK_VERSION
from tricolor.policies.pack import build_policies, pack_arguments


def _struct(data: dict[str, Any]) -> struct_pb2.Struct:
    out = struct_pb2.Struct()
    out.update(data)
    return out


def _servicer() -> _PolicyAnalyzerServicer:
    args = pack_arguments()
    return _PolicyAnalyzerServicer(
        args["name"],
        PACK_VERSION,
        args["policies"],
        args["enforcement_level"],
        description=args["description"],
    )


def _analyze(servicer: _PolicyAnalyzerServicer, resource) -> list[Any]:
    request = proto.AnalyzeRequest(
        type=resource.type,
        urn=resource.urn,
        name=resource.name,
        properties=_struct(json.loads(json.dumps(dict(resource.props)))),
    )
    return list(servicer.Analyze(request, None).diagnostics)


def test_every_pack_rule_is_declared_with_its_level_and_schema():
    policies = build_policies()
    assert [p.name for p in policies] == [r.name for r in PACK_RULES]
    assert {r.name for r in PACK_RULES} == {
        "images-pinned",
        "color-parity",
        "production-resources",
        "router-weights",
        "preview-labels",
        "stateful-shared",
        "idle-color-isolated",
    }
    for policy, rule in zip(policies, PACK_RULES, strict=True):
        expected = StackValidationPolicy if rule.kind == "stack" else ResourceValidationPolicy
        assert isinstance(policy, expected)
        assert policy.enforcement_level == EnforcementLevel(rule.enforcement)
        assert policy.description == rule.description
        assert policy.config_schema is not None and policy.config_schema.properties == rule.config_schema()


def test_pack_metadata_matches_pulumipolicy_yaml(root):
    manifest = yaml.safe_load((root / "policies" / "PulumiPolicy.yaml").read_text())
    assert manifest["version"] == PACK_VERSION
    assert manifest["runtime"]["name"] == "python"
    assert (root / manifest["runtime"]["options"]["virtualenv"].replace("../", "", 1)).parent == root
    assert pack_arguments()["name"] == PACK_NAME
    main = (root / "policies" / "__main__.py").read_text()
    assert "PolicyPack(**pack_arguments())" in main and "from tricolor.policies.pack import" in main


def test_analyzer_info_lists_every_policy():
    info = _servicer().GetAnalyzerInfo(None, None)
    assert info.name == PACK_NAME and info.supportsConfig
    names = [p.name for p in info.policies]
    assert names == [r.name for r in PACK_RULES]
    weights = next(p for p in info.policies if p.name == "router-weights")
    assert weights.enforcementLevel == proto.MANDATORY
    assert "total" in weights.configSchema.properties


def test_analyze_reports_violations_through_the_protocol(b):
    servicer = _servicer()
    assert _analyze(servicer, b.deployment(None)) == []
    diagnostics = _analyze(servicer, b.deployment(None, image="nginx:latest"))
    (diagnostic,) = diagnostics
    assert diagnostic.policyName == "images-pinned"
    assert diagnostic.enforcementLevel == proto.MANDATORY
    assert "spec.template.spec.containers[0].image 'nginx:latest'" in diagnostic.message


def test_unknown_values_during_preview_are_not_violations(b):
    unknown = b.mutate(
        b.deployment(None),
        lambda p: p["spec"]["template"]["spec"]["containers"][0].update(
            image="04da6b54-80e4-46f7-96ec-b56ff0331ba9"
        ),
    )
    assert _analyze(_servicer(), unknown) == []


def test_configuration_changes_enforcement_and_options(b):
    servicer = _servicer()
    servicer.Configure(
        proto.ConfigureAnalyzerRequest(
            policyConfig={
                "images-pinned": proto.PolicyConfig(enforcementLevel=proto.ADVISORY),
                "router-weights": proto.PolicyConfig(
                    enforcementLevel=proto.MANDATORY, properties=_struct({"total": 1000})
                ),
            }
        ),
        None,
    )
    (diagnostic,) = _analyze(servicer, b.deployment(None, image="nginx:latest"))
    assert diagnostic.enforcementLevel == proto.ADVISORY
    assert _analyze(servicer, b.http_route(b.good_route_rules(900, 100))) == []


def test_stack_policy_reports_against_the_resource(b):
    resources = [b.deployment("blue"), b.deployment("green", replicas=1)]
    request = proto.AnalyzeStackRequest(
        resources=[
            proto.AnalyzerResource(type=r.type, urn=r.urn, name=r.name, properties=_struct(dict(r.props)))
            for r in resources
        ]
    )
    (diagnostic,) = list(_servicer().AnalyzeStack(request, None).diagnostics)
    assert diagnostic.policyName == "color-parity" and diagnostic.urn == resources[1].urn
    assert "spec.replicas: blue 4, green 1" in diagnostic.message


def test_pack_serves_as_pulumi_runs_it(root, b):
    """Start ``python -m pulumi.policy`` on the pack folder; the stack's config says production."""
    env = {
        **os.environ,
        "PULUMI_CONFIG": json.dumps({"tricolor:environment": "production"}),
        "PULUMI_STACK": "prod",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "pulumi.policy", "127.0.0.1:1", str(root / "policies")],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        cwd=root,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline().decode().strip()  # the analyzer prints its port first
        assert line.isdigit(), (line, process.stderr.read(2000) if process.poll() is not None else "")
        with grpc.insecure_channel(f"127.0.0.1:{line}") as channel:
            grpc.channel_ready_future(channel).result(timeout=20)
            stub = proto.AnalyzerStub(channel)
            info = stub.GetAnalyzerInfo(empty_pb2.Empty(), timeout=20)
            assert [p.name for p in info.policies] == [r.name for r in PACK_RULES]
            unlabelled = b.deployment(None, environment=None, image="nginx:latest")
            response = stub.Analyze(
                proto.AnalyzeRequest(
                    type=unlabelled.type,
                    urn=unlabelled.urn,
                    name=unlabelled.name,
                    properties=_struct(dict(unlabelled.props)),
                ),
                timeout=20,
            )
            assert [d.policyName for d in response.diagnostics] == ["images-pinned"]
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        for stream in (process.stdout, process.stderr):
            if stream is not None:
                stream.close()
