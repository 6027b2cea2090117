"""CloudWatch ``GetMetricData`` (boto3), on ALB target-group metrics or on a Lambda alias.

ALB settings: ``targetGroups`` ({blue: "targetgroup/...", green: ...}), ``loadBalancer``
("app/..."; optional dimension), ``namespace`` (AWS/ApplicationELB).

Lambda settings (``tricolor:backend: lambda``): ``function`` (the function's name),
``alias`` (the production alias, ``live``), ``versions`` ({blue: "7", green: "8"};
optional: each color's version is read from the color's own alias, ``blue`` and
``green``, which the stack keeps on it). A color's metrics are the alias's
(``Resource=<function>:<alias>``) whose ``ExecutedVersion`` is the color's version
(``vocab.lambda_metrics``); a rolling stack's versions are told apart by time, so
``ExecutedVersion`` is left out.

Both: ``period`` seconds (60), ``statistic`` for distributions ("p99"), ``region``.

- ``rate``: ``query`` names the events metric (default ``HTTPCode_Target_5XX_Count``;
  Lambda ``Errors``), ``totalQuery`` the total (``RequestCount``; ``Invocations``), both
  summed over the window.
- ``distribution``: ``query`` names the metric (``TargetResponseTime``; ``Duration``);
  every period's ``statistic`` is a sample.

A rolling release measures the previous version over its own window (``Window.span``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from ...spec.release import Metric
from ...vocab import lambda_metrics
from ..errors import ProviderError
from ..judge import Counts, Sample
from .base import Measurement, ProviderContext, Window

__all__ = ["CloudWatchProvider"]

ALB_DEFAULTS = {"events": "HTTPCode_Target_5XX_Count", "total": "RequestCount", "distribution": "TargetResponseTime"}
LAMBDA_DEFAULTS = {"events": lambda_metrics.EVENTS, "total": lambda_metrics.TOTAL,
                   "distribution": lambda_metrics.DISTRIBUTION}


class CloudWatchProvider:
    name = "cloudwatch"

    def __init__(self, context: ProviderContext) -> None:
        settings, client = context.settings, context.client
        self.function = settings.get("function")
        self.period = int(settings.get("period", 60))
        self.statistic = str(settings.get("statistic", "p99"))
        self.region = settings.get("region")
        self.groups: dict[str, str] = {}
        self.versions: dict[str, str] = {}
        if self.function is not None:
            if not isinstance(self.function, str) or not self.function:
                raise ProviderError("cloudwatch: providerSettings.function must name the Lambda function")
            self.alias = str(settings.get("alias", "live"))
            versions = settings.get("versions") or {}
            if not isinstance(versions, dict):
                raise ProviderError("cloudwatch: providerSettings.versions must map blue and green to versions")
            self.versions = {str(k): str(v) for k, v in versions.items()}
            self.namespace = lambda_metrics.NAMESPACE
            self.defaults = LAMBDA_DEFAULTS
        else:
            groups = settings.get("targetGroups")
            if not isinstance(groups, dict) or not {"blue", "green"} <= set(groups):
                raise ProviderError("cloudwatch: providerSettings.targetGroups must map blue and green "
                                    "to target group dimensions (targetgroup/name/id), or providerSettings."
                                    "function name the Lambda function")
            self.groups = {str(k): str(v) for k, v in groups.items()}
            self.load_balancer = settings.get("loadBalancer")
            self.namespace = str(settings.get("namespace", "AWS/ApplicationELB"))
            self.defaults = ALB_DEFAULTS
        if client is None:
            import boto3

            client = boto3.client("cloudwatch", region_name=self.region)
        self.client = client
        self.lambda_client: Any = None

    @staticmethod
    def problems(metrics: Sequence[Metric]) -> list[str]:
        return []  # every metric has a default (5XX among RequestCount, TargetResponseTime; Lambda's own)

    def version_of(self, color: str) -> str:
        """The version a color runs: given, else the target of the color's own alias."""
        if color in self.versions:
            return self.versions[color]
        from botocore.exceptions import BotoCoreError, ClientError

        if self.lambda_client is None:
            import boto3

            self.lambda_client = boto3.client("lambda", region_name=self.region)
        try:
            answer = self.lambda_client.get_alias(FunctionName=self.function, Name=color)
        except (ClientError, BotoCoreError) as exc:
            raise ProviderError(f"cloudwatch: the version of {color} (alias {self.function}:{color}): {exc}") from None
        self.versions[color] = str(answer["FunctionVersion"])
        return self.versions[color]

    def _version(self, color: str, window: Window) -> str | None:
        return None if window.before_after else self.version_of(color)

    def _dimensions(self, color: str, window: Window) -> dict[str, Any]:
        if self.function is not None:
            return lambda_metrics.dimensions(str(self.function), self.alias, self._version(color, window))
        dims: dict[str, Any] = {"TargetGroup": self.groups[color]}
        if self.load_balancer:
            dims["LoadBalancer"] = str(self.load_balancer)
        return dims

    def _lambda_queries(self, metric: Metric, color: str, window: Window) -> list[dict[str, Any]] | None:
        """Lambda's own metrics of a color (``vocab.lambda_metrics.metric_queries``), when
        the metric names none of its own."""
        if self.function is None or metric.query or metric.total_query:
            return None
        queries = {q["Id"]: q for q in lambda_metrics.metric_queries(
            str(self.function), self.alias, self._version(color, window), self.period, self.statistic)}
        if metric.kind == "rate":
            return [{**queries["errors"], "Id": "events"}, {**queries["invocations"], "Id": "total"}]
        return [{**queries["duration"], "Id": "values"}]

    def _query(self, qid: str, name: str, dims: dict[str, Any], stat: str) -> dict[str, Any]:
        return {"Id": qid, "ReturnData": True, "MetricStat": {
            "Metric": {"Namespace": self.namespace, "MetricName": name,
                       "Dimensions": [{"Name": k, "Value": str(v)} for k, v in dims.items()]},
            "Period": self.period, "Stat": stat}}

    def _fetch(self, queries: list[dict[str, Any]], start: float, end: float) -> dict[str, list[float]]:
        from botocore.exceptions import BotoCoreError, ClientError

        out: dict[str, list[float]] = {q["Id"]: [] for q in queries}
        kwargs: dict[str, Any] = {
            "MetricDataQueries": queries,
            "StartTime": datetime.fromtimestamp(start, UTC),
            "EndTime": datetime.fromtimestamp(end, UTC),
        }
        try:
            while True:
                page = self.client.get_metric_data(**kwargs)
                for result in page.get("MetricDataResults", []):
                    out[result["Id"]].extend(float(v) for v in result.get("Values", []))
                token = page.get("NextToken")
                if not token:
                    return out
                kwargs["NextToken"] = token
        except (ClientError, BotoCoreError) as exc:
            raise ProviderError(f"cloudwatch GetMetricData: {exc}") from None

    def _role(self, metric: Metric, role: str, color: str, window: Window) -> Sample:
        start, end = window.span(role)
        queries = self._lambda_queries(metric, color, window)
        if queries is None:
            dims = self._dimensions(color, window)
            queries = ([self._query("events", metric.query or self.defaults["events"], dims, "Sum"),
                        self._query("total", metric.total_query or self.defaults["total"], dims, "Sum")]
                       if metric.kind == "rate" else
                       [self._query("values", metric.query or self.defaults["distribution"], dims, self.statistic)])
        data = self._fetch(queries, start, end)
        if metric.kind == "rate":
            # ALBs (and Lambda) publish no error datapoint in a period without errors: zero, when requests exist.
            return Counts(total=sum(data["total"]), events=sum(data["events"])) if data["total"] else None
        return data["values"] or None

    def measure(self, metric: Metric, window: Window) -> Measurement:
        return Measurement(baseline=self._role(metric, "baseline", window.baseline, window),
                           canary=self._role(metric, "canary", window.canary, window))
