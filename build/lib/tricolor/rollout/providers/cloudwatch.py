"""CloudWatch ``GetMetricData`` on ALB target-group metrics (boto3).

Settings: ``targetGroups`` ({blue: "targetgroup/...", green: ...}, required),
``loadBalancer`` ("app/..."; optional dimension), ``namespace`` (AWS/ApplicationELB),
``period`` seconds (60), ``statistic`` for distributions ("p99"), ``region``.

- ``rate``: ``query`` names the events metric (default ``HTTPCode_Target_5XX_Count``),
  ``totalQuery`` the total (default ``RequestCount``), both summed over the window.
- ``distribution``: ``query`` names the metric (default ``TargetResponseTime``); every
  period's ``statistic`` is a sample.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from ...spec.release import Metric
from ..errors import ProviderError
from ..judge import Counts, Sample
from .base import Measurement, ProviderContext, Window

__all__ = ["CloudWatchProvider"]


class CloudWatchProvider:
    name = "cloudwatch"

    def __init__(self, context: ProviderContext) -> None:
        settings, client = context.settings, context.client
        groups = settings.get("targetGroups")
        if not isinstance(groups, dict) or not {"blue", "green"} <= set(groups):
            raise ProviderError("cloudwatch: providerSettings.targetGroups must map blue and green "
                                "to target group dimensions (targetgroup/name/id)")
        self.groups = {str(k): str(v) for k, v in groups.items()}
        self.load_balancer = settings.get("loadBalancer")
        self.namespace = str(settings.get("namespace", "AWS/ApplicationELB"))
        self.period = int(settings.get("period", 60))
        self.statistic = str(settings.get("statistic", "p99"))
        if client is None:
            import boto3

            client = boto3.client("cloudwatch", region_name=settings.get("region"))
        self.client = client

    @staticmethod
    def problems(metrics: Sequence[Metric]) -> list[str]:
        return []  # every metric has a default (5XX among RequestCount, TargetResponseTime)

    def _query(self, qid: str, name: str, color: str, stat: str) -> dict[str, Any]:
        dims = [{"Name": "TargetGroup", "Value": self.groups[color]}]
        if self.load_balancer:
            dims.append({"Name": "LoadBalancer", "Value": str(self.load_balancer)})
        return {"Id": qid, "ReturnData": True, "MetricStat": {
            "Metric": {"Namespace": self.namespace, "MetricName": name, "Dimensions": dims},
            "Period": self.period, "Stat": stat}}

    def _fetch(self, queries: list[dict[str, Any]], window: Window) -> dict[str, list[float]]:
        from botocore.exceptions import BotoCoreError, ClientError

        out: dict[str, list[float]] = {q["Id"]: [] for q in queries}
        kwargs: dict[str, Any] = {
            "MetricDataQueries": queries,
            "StartTime": datetime.fromtimestamp(window.start, UTC),
            "EndTime": datetime.fromtimestamp(window.end, UTC),
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

    def measure(self, metric: Metric, window: Window) -> Measurement:
        roles = {"baseline": window.baseline, "canary": window.canary}
        samples: dict[str, Sample] = {}
        if metric.kind == "rate":
            events = metric.query or "HTTPCode_Target_5XX_Count"
            total = metric.total_query or "RequestCount"
            queries = [self._query(f"{role}{part}", name, color, "Sum")
                       for role, color in roles.items() for part, name in (("events", events), ("total", total))]
            data = self._fetch(queries, window)
            for role in roles:
                totals = data[f"{role}total"]
                # ALBs publish no 5XX datapoint in a period without errors: zero, when requests exist.
                samples[role] = Counts(total=sum(totals), events=sum(data[f"{role}events"])) if totals else None
        else:
            name = metric.query or "TargetResponseTime"
            data = self._fetch([self._query(role, name, color, self.statistic) for role, color in roles.items()],
                               window)
            samples = {role: (data[role] or None) for role in roles}
        return Measurement(baseline=samples["baseline"], canary=samples["canary"])
