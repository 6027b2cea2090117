"""`tricolor import argo` on real Argo Rollouts manifests and AnalysisTemplates (the
fixtures ``argo-rollouts/manifests/``): what converts, what it reports as not
converted, and bad or hostile input as one line and exit 1."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from support import FIXTURES

from tricolor.spec.argo_analysis import condition_limit, convert_template, split_ratio
from tricolor.spec.load import parse_spec

MANIFESTS = FIXTURES / "argo-rollouts/manifests"


def run(cli, *args: str) -> tuple[int, dict[str, Any], str]:
    result = cli("import", "argo", *args, "--output", "json")
    assert "Traceback" not in result.stderr
    return result.exit_code, json.loads(result.stdout) if result.stdout.strip() else {}, result.stderr


def test_inline_analysis_with_a_prometheus_template(cli, spec_data: dict) -> None:
    code, doc, _ = run(cli, str(MANIFESTS / "docs-analysis-inline-rollout.yaml"),
                       "--templates", str(MANIFESTS / "docs-analysis-success-rate.yaml"))
    assert code == 2 and doc["rollout"] == "guestbook"
    release = doc["release"]
    assert release["steps"] == [{"setWeight": 20}, {"pause": {"duration": "5m"}},
                                {"analysis": {"metrics": ["success-rate"]}}]
    (metric,) = release["analysis"]["metrics"]
    assert metric["kind"] == "rate" and metric["direction"] == "decrease" and metric["min"] == 0.95
    service = 'destination_service=~"guestbook-svc.default.svc.cluster.local"'  # the step's argument, filled in
    assert metric["query"].startswith("sum(irate(") and service in metric["query"]
    assert 'response_code!~"5.*"' in metric["query"] and 'response_code' not in metric["totalQuery"]
    assert {k: release["analysis"][k] for k in ("judge", "provider", "interval", "failureLimit")} == {
        "judge": "threshold", "provider": "prometheus", "interval": "5m", "failureLimit": 3}
    assert release["analysis"]["providerSettings"] == {"url": "http://prometheus.example.com:9090"}
    assert doc["not_converted"] == [
        "template success-rate, metric 'success-rate': the query does not tell the colors apart; add a {{color}} "
        "(or {{version}}) label matcher, or both colors read the same numbers"]
    assert any("Argo pauses a rollout on an inconclusive analysis" in r for r in doc["remarks"])
    spec_data["release"] = release  # what it prints is what service.yaml takes
    assert parse_spec(spec_data).release.schedule[-1].set_weight == 100  # type: ignore[union-attr]


def test_yaml_output_pastes_into_the_spec(cli, spec_data: dict) -> None:
    result = cli("import", "argo", str(MANIFESTS / "docs-analysis-inline-rollout.yaml"),
                 "-t", str(MANIFESTS / "docs-analysis-success-rate.yaml"))
    assert result.exit_code == 2
    assert result.stdout.startswith("# release of Argo Rollout 'guestbook', converted by tricolor import argo\n")
    pasted = yaml.safe_load(result.stdout)
    assert "query: |-\n        sum(irate(" in result.stdout  # PromQL kept readable
    spec_data["release"] = pasted["release"]
    parse_spec(spec_data)
    assert "not converted, or to finish by hand (1):" in result.stderr and "good to know (1):" in result.stderr


def test_background_analysis_is_declared_and_reported(cli) -> None:
    code, doc, _ = run(cli, str(MANIFESTS / "docs-analysis-background-rollout.yaml"),
                       "-t", str(MANIFESTS / "docs-analysis-success-rate.yaml"))
    assert code == 2
    assert [next(iter(s)) for s in doc["release"]["steps"]] == ["setWeight", "pause"] * 4
    assert [m["name"] for m in doc["release"]["analysis"]["metrics"]] == ["success-rate"]
    assert any(n.startswith("analysis (background): Argo measures it during the whole rollout") for n in
               doc["not_converted"])


def test_a_plain_canary_converts_whole(cli) -> None:
    code, doc, err = run(cli, str(MANIFESTS / "rollout-canary.yaml"))
    assert code == 0 and doc["not_converted"] == [] and doc["remarks"] == []
    assert doc["release"] == {"steps": [{"setWeight": 20}, {"pause": {}}, {"setWeight": 40},
                                        {"pause": {"duration": "40s"}}, {"setWeight": 60},
                                        {"pause": {"duration": "20s"}}, {"setWeight": 80},
                                        {"pause": {"duration": "20s"}}]}


def test_two_kind_step_becomes_two_steps(cli) -> None:
    code, doc, _ = run(cli, str(MANIFESTS / "apisix-rollout.yaml"))
    assert code == 0
    steps = doc["release"]["steps"]
    assert steps[:3] == [{"setCanaryScale": {"replicas": 1}},
                         {"setHeaderRoute": {"match": [{"headerName": "trace", "headerValue": {"exact": "debug"}}],
                                             "name": "set-header"}}, {"pause": {}}]
    assert doc["remarks"] == ["steps[0]: one Argo step with setCanaryScale, setHeaderRoute becomes 2 steps, in the "
                              "order Argo applies them"]


@pytest.mark.parametrize(("files", "fragments", "kinds"), [
    (["istio-mirror.yaml"], ["steps[1] (setMirrorRoute): not supported"], ["setCanaryScale", "pause"]),
    (["rollout-experiment-step.yaml", "analysis-templates.yaml"], ["steps[1] (experiment): not supported"],
     ["setWeight"]),
    (["rollout-analysis-step.yaml", "analysis-templates.yaml", "cluster-analysis-templates.yaml"],
     ["template random-fail, metric 'random-fail': provider job is not converted",
      "template always-pass, metric 'pass': provider job is not converted",
      "steps[1] (analysis): none of its templates gave a metric tricolor can measure; the step is left out"],
     ["setWeight"]),
    (["rollout-analysis-step.yaml"], ["steps[1] (analysis): template 'random-fail' was not given (pass the file "
                                      "that holds it with --templates)"], ["setWeight"]),
    (["rollout-secret.yaml"], ["template analysis-secret: argument 'secret-url' takes its value from",
                               "provider web is not converted"], ["setWeight", "pause"]),
    (["appmesh-canary-rollout.yaml"], ["template 'success-rate' is not used by the Rollout; not converted"],
     ["setWeight", "pause"] * 3),
])
def test_what_is_not_converted_is_listed(cli, files: list[str], fragments: list[str], kinds: list[str]) -> None:
    first, *rest = (str(MANIFESTS / f) for f in files)
    code, doc, _ = run(cli, first, *[a for r in rest for a in ("--templates", r)])
    assert code == 2
    assert [next(iter(s)) for s in doc["release"]["steps"]] == kinds
    for fragment in fragments:
        assert any(fragment in n for n in doc["not_converted"]), (fragment, doc["not_converted"])


def test_no_secret_value_is_printed(cli, tmp_path: Path) -> None:
    secret = (MANIFESTS / "rollout-secret.yaml").read_text()
    result = cli("import", "argo", str(MANIFESTS / "rollout-secret.yaml"))
    assert "aHR0cHM6Ly9n" not in result.stdout + result.stderr and "aHR0cHM6Ly9n" in secret
    template = {"apiVersion": "argoproj.io/v1alpha1", "kind": "AnalysisTemplate", "metadata": {"name": "t"},
                "spec": {"args": [{"name": "api-token"}], "metrics": [{"name": "errors", "successCondition":
                         "result[0] <= 0.01", "provider": {"prometheus": {"query": 'sum(x{token="{{args.api-token}}",'
                                                                          'color="{{color}}"})'}}}]}}
    rollout = {"apiVersion": "argoproj.io/v1alpha1", "kind": "Rollout", "metadata": {"name": "r"},
               "spec": {"strategy": {"canary": {"steps": [{"setWeight": 10}, {"analysis": {
                   "templates": [{"templateName": "t"}], "args": [{"name": "api-token", "value": "s3cr3t-v4lue"}]}}]}}}}
    path = tmp_path / "rollout.yaml"
    path.write_text(yaml.safe_dump_all([rollout, template]))
    code, doc, err = run(cli, str(path))
    assert "s3cr3t-v4lue" not in json.dumps(doc) + err
    assert any("'api-token' looks like a secret" in n for n in doc["not_converted"])


@pytest.mark.parametrize(("text", "message"), [
    ("kind: Rollout\nspec: [unclosed\n", "is not valid YAML"),
    ("apiVersion: v1\nkind: Service\nmetadata: {name: s}\n",
     "no argoproj.io Rollout in the input (it holds: 'Service')"),
    ("", "no argoproj.io Rollout in the input (it holds: 'nothing')"),
    ("apiVersion: argoproj.io/v1alpha1\nkind: Rollout\nmetadata: {name: r}\nspec: {strategy: {}}\n",
     "Rollout 'r' has no canary strategy (strategy: none)"),
    ("a: &a [1,1,1,1,1,1,1,1,1]\n" + "".join(f"{c}: &{c} [*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p}]\n"
                                              for p, c in zip("abcdefgh", "bcdefghi", strict=True)),
     "an alias bomb"),
    ("x:\n" + "".join("  " * i + "- \n" for i in range(1, 200)), "nested deeper than"),
    ("!!python/object/apply:os.system ['true']\n", "is not valid YAML"),
    ("kind: Rollout\nkind: Rollout\n", "key 'kind' appears twice in one mapping (lines 1 and 2)"),
    ("\x00", "is not valid YAML"),
])
def test_bad_input_is_one_line_and_exit_1(cli, tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "rollout.yaml"
    path.write_text(text)
    result = cli("import", "argo", str(path))
    assert result.exit_code == 1, (result.stdout, result.stderr)
    assert message in result.stderr and result.stdout == "" and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) <= 3


def test_big_or_missing_files_are_refused(cli, tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    big.write_text("# " + "x" * (1024 * 1024 + 10))
    assert "MiB" in cli("import", "argo", str(big)).stderr
    missing = cli("import", "argo", str(tmp_path / "nope.yaml"))
    assert missing.exit_code == 1 and "file does not exist" in missing.stderr
    bluegreen = cli("import", "argo", str(MANIFESTS / "rollout-bluegreen.yaml"))
    assert bluegreen.exit_code == 1 and "has no canary strategy (strategy: blueGreen)" in bluegreen.stderr
    assert "preset blue-green" in bluegreen.stderr


def test_several_rollouts_need_a_name(cli, tmp_path: Path) -> None:
    both = tmp_path / "both.yaml"
    both.write_text((MANIFESTS / "rollout-canary.yaml").read_text() + "\n---\n"
                    + (MANIFESTS / "istio-mirror.yaml").read_text())
    result = cli("import", "argo", str(both))
    assert result.exit_code == 1 and "choose one with --name" in result.stderr
    code, doc, _ = run(cli, str(both), "--name", "rollout-canary")
    assert code == 0 and doc["rollout"] == "rollout-canary"


def test_the_appmesh_template_converts_alone() -> None:
    (template,) = [d for d in yaml.safe_load_all((MANIFESTS / "appmesh-canary-rollout.yaml").read_text())
                   if d and d["kind"] == "AnalysisTemplate"]
    converted = convert_template(template)
    (metric,) = converted.metrics
    assert metric["kind"] == "rate" and metric["min"] == 0.99 and metric["direction"] == "decrease"
    assert metric["query"].startswith("sum(irate(envoy_cluster_upstream_rq_xx{") and "!~\"5.*\"" in metric["query"]
    assert converted.settings == [{"interval": "5m", "failureLimit": 3,
                                   "url": "http://appmesh-prometheus.appmesh-system:9090"}]
    assert any("{{args.envoy_cluster_name}} has no value" in n for n in converted.notes)
    converted = convert_template(template, {"envoy_cluster_name": "cds_egress_canary"})
    assert 'envoy_cluster_name="cds_egress_canary"' in converted.metrics[0]["query"]


@pytest.mark.parametrize(("text", "success", "expected"), [
    ("result[0] >= 0.95", True, ("min", 0.95)), ("result <= 0.01", True, ("max", 0.01)),
    ("result[0] > 5", True, ("min", 5.0)), ("result < 10", True, ("max", 10.0)),
    ("result[0] >= 10", False, ("max", 10.0)), ("result[0] < 0.50", False, ("min", 0.5)),
    ("0.95 <= result", True, ("min", 0.95)), ("1e-3 > result[0]", True, ("max", 0.001)),
    ("len(result) > 0 && result[0] >= 0.95", True, None), ("result == true", True, None),
    ("default(result, 0) < 5", True, None), ("isNaN(result) || result >= 0.95", True, None),
    ("all(result, # < 1000)", True, None), ("result.successRate >= 0.95", True, None),
])
def test_plain_comparisons_only(text: str, success: bool, expected: tuple[str, float] | None) -> None:
    assert condition_limit(text, success) == expected


@pytest.mark.parametrize(("query", "expected"), [
    ("sum(a) / sum(b)", ("sum(a)", "sum(b)")),
    ("(sum(rate(x{c=\"a/b\"}[5m])) / sum(rate(x[5m])))", ("sum(rate(x{c=\"a/b\"}[5m]))", "sum(rate(x[5m]))")),
    ("sum(a) / on(job) sum(b)", None), ("sum(a)", None), ("sum(a) / sum(b) / 2", None), ("a / (b / c)", ("a", "b / c")),
])
def test_one_top_level_ratio_becomes_a_rate(query: str, expected: tuple[str, str] | None) -> None:
    assert split_ratio(query) == expected
