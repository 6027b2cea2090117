"""Live AWS as a drift source (boto3): ECS services and task definitions, ALB target
groups and listeners, selected by the ``tricolor.dev/stack`` tag tricolor puts on
everything it creates. Shapes are boto3's; types are named like Pulumi's so the backend
table in ``mapping`` applies to state and live alike.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from .errors import SourceError
from .model import Snapshot
from .normalize import Item, build_snapshots, color_of

STACK_TAG = "tricolor.dev/stack"
COLOR_TAG = "tricolor.dev/color"
SERVICE, TASK = "aws:ecs/service:Service", "aws:ecs/taskDefinition:TaskDefinition"
TARGET_GROUP, LISTENER = "aws:lb/targetGroup:TargetGroup", "aws:lb/listener:Listener"


def _tags(raw: Any) -> dict[str, str]:
    """ECS ``[{key, value}]`` and ELB ``[{Key, Value}]`` tags as one mapping."""
    out: dict[str, str] = {}
    for tag in raw or []:
        key = tag.get("key", tag.get("Key"))
        if key is not None:
            out[str(key)] = str(tag.get("value", tag.get("Value", "")))
    return out


def _chunks(values: list[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(values), size):
        yield values[start:start + size]


@dataclass
class AwsSource:
    """Reads a stack's tagged ECS and load balancer resources in one region."""

    region: str | None = None
    endpoint_url: str | None = None
    profile: str | None = None
    max_attempts: int = 3
    timeout: float = 10.0
    name: str = "aws"

    def describe(self, stack: str) -> str:
        return f"aws {self.region or 'default region'} (tag {STACK_TAG}={stack})"

    def _clients(self) -> tuple[Any, Any]:
        import boto3
        from botocore.config import Config

        config = Config(retries={"max_attempts": self.max_attempts, "mode": "standard"},
                        connect_timeout=self.timeout, read_timeout=self.timeout)
        session = boto3.Session(profile_name=self.profile, region_name=self.region)
        return (session.client("ecs", endpoint_url=self.endpoint_url, config=config),
                session.client("elbv2", endpoint_url=self.endpoint_url, config=config))

    def snapshots(self, stack: str) -> list[Snapshot]:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            ecs, elb = self._clients()
            items = [*self._ecs(ecs, stack), *self._elb(elb, stack)]
        except ClientError as exc:
            error = exc.response.get("Error", {})
            raise SourceError(f"stack {stack}: AWS {exc.operation_name} failed: "
                              f"{error.get('Code', '')} {error.get('Message', '')}".rstrip()) from None
        except BotoCoreError as exc:
            raise SourceError(f"stack {stack}: AWS cannot be read: {exc}") from None
        return build_snapshots(stack, items, source=self.describe(stack))

    def _ecs(self, ecs: Any, stack: str) -> list[Item]:
        items: list[Item] = []
        clusters = [arn for page in ecs.get_paginator("list_clusters").paginate() for arn in page["clusterArns"]]
        for cluster in clusters:
            arns = [a for page in ecs.get_paginator("list_services").paginate(cluster=cluster)
                    for a in page["serviceArns"]]
            for batch in _chunks(arns, 10):
                for service in ecs.describe_services(cluster=cluster, services=batch, include=["TAGS"])["services"]:
                    tags = _tags(service.get("tags"))
                    if tags.get(STACK_TAG) != stack:
                        continue
                    name = service["serviceName"]
                    items.append(Item(SERVICE, name, {**service, "tags": tags}, color_of(name, tags)))
                    task = ecs.describe_task_definition(taskDefinition=service["taskDefinition"], include=["TAGS"])
                    definition = dict(task["taskDefinition"])
                    task_tags = _tags(task.get("tags")) or tags
                    family = definition.get("family", name)
                    items.append(Item(TASK, family, {**definition, "tags": task_tags}, color_of(family, task_tags)))
        return items

    def _elb(self, elb: Any, stack: str) -> list[Item]:
        items: list[Item] = []
        groups = [g for page in elb.get_paginator("describe_target_groups").paginate() for g in page["TargetGroups"]]
        balancers = [b for page in elb.get_paginator("describe_load_balancers").paginate()
                     for b in page["LoadBalancers"]]
        listeners: list[tuple[str, dict[str, Any]]] = []
        for balancer in balancers:
            for page in elb.get_paginator("describe_listeners").paginate(LoadBalancerArn=balancer["LoadBalancerArn"]):
                listeners.extend((balancer["LoadBalancerName"], listener) for listener in page["Listeners"])
        arns = [g["TargetGroupArn"] for g in groups] + [listener["ListenerArn"] for _, listener in listeners]
        tags: dict[str, dict[str, str]] = {}
        for batch in _chunks(arns, 20):
            for description in elb.describe_tags(ResourceArns=batch)["TagDescriptions"]:
                tags[description["ResourceArn"]] = _tags(description.get("Tags"))
        names = {g["TargetGroupArn"]: g["TargetGroupName"] for g in groups}
        for group in groups:
            group_tags = tags.get(group["TargetGroupArn"], {})
            if group_tags.get(STACK_TAG) == stack:
                name = group["TargetGroupName"]
                items.append(Item(TARGET_GROUP, name, {**group, "Tags": group_tags}, color_of(name, group_tags)))
        for balancer_name, listener in listeners:
            listener_tags = tags.get(listener["ListenerArn"], {})
            if listener_tags.get(STACK_TAG) != stack:
                continue
            body = {**listener, "Tags": listener_tags, "DefaultActions": [
                self._named_groups(action, names) for action in listener.get("DefaultActions", [])]}
            name = f"{balancer_name}-{listener.get('Port', '')}"
            items.append(Item(LISTENER, name, body, None))
        return items

    @staticmethod
    def _named_groups(action: dict[str, Any], names: dict[str, str]) -> dict[str, Any]:
        """Weighted target groups named (their ARNs are volatile) so colors line up."""
        forward = action.get("ForwardConfig")
        if not isinstance(forward, dict):
            return action
        groups = [{**g, "name": names.get(g.get("TargetGroupArn", ""), g.get("TargetGroupArn", ""))}
                  for g in forward.get("TargetGroups", [])]
        return {**action, "ForwardConfig": {**forward, "TargetGroups": groups}}
