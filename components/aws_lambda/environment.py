"""Lambda components: Environment (one color: its published version, its own alias for
smoke tests, provisioned concurrency, alarms) and BlueGreen (both colors over one
``Shared`` function).

How the program knows each color's version: the state in force (the release ledger, or
the stack's config before any release) carries one image per color. Each color owns a
``PublishedVersion`` of the function built from that image and the function's
configuration; its number is that resource's output, kept in the Pulumi state. A color
whose image does not change keeps its version; a color whose image changes gets a new
one. The production alias (``TrafficRouter``) reads both numbers.

In production a color's version is published with the color's own environment variables
(those of the revision it runs; its secrets are its own, ``color_secret_table``), so a
configuration released to one color reaches the other only when a release brings it.

Limits (documented in the README too): the versions are published by this program, so
a version published by hand is not a color; versions go through ``$LATEST``, so the two
colors publish one after the other; a scaled-down color keeps its version (a rollback
target) and loses its provisioned concurrency. A canary scale (``setCanaryScale``) sets
the new color's provisioned concurrency (``concurrency: provisioned`` only: on demand,
Lambda has no replicas to set).
"""

from __future__ import annotations

from typing import Any

import pulumi
import pulumi_aws as aws

from ...spec.stack import Stack
from .. import skeleton
from ..args import EnvironmentArgs, common_labels
from ..aws_common import UNKNOWN, base_name, color_secret_table, secrets_policy
from ..aws_common.checks import check_elasticache
from ..skeleton import child
from . import metrics
from .settings import LambdaPlan, check_images, provisioned
from .shared import Shared, fingerprint
from .versions import PublishedVersion

# The same for every color: the version's image is Lambda's own record (Code.ImageUri).
VERSION_DESCRIPTION = "published by tricolor: one color of the stack"


def unknown_version(image: str) -> str:
    """What a version shows under the offline renderer (no provider runs there): named by
    its image, as Lambda would publish one version for two colors of the same image."""
    return f"(version of {image}, {UNKNOWN.strip('()')})"


class Environment(skeleton.EnvironmentBase[Shared]):
    """One version of the stack's function: the color's image on the function's
    configuration, published; reachable by the color's alias (production) or by the
    router's alias (staging)."""

    backend = "lambda"
    shared_class = Shared

    @classmethod
    def check(cls, stack: Stack, settings: LambdaPlan, images: list[str]) -> None:
        check_images([*images, Shared.first_image(stack)])
        check_elasticache(stack)

    @classmethod
    def replicas_problems(cls, stack: Stack, settings: LambdaPlan, replicas: int) -> list[str]:
        if settings.settings.concurrency == "provisioned":
            return []
        return [f"setCanaryScale ({replicas} replicas): a Lambda function on demand has no replicas; the scale "
                "sets provisioned concurrency, with tricolor:lambda concurrency: provisioned"]

    def build(self, name: str, args: EnvironmentArgs[Shared], shared: Shared) -> pulumi.Input[Any]:
        stack, color, plan = args.stack, args.color, shared.plan
        tags = common_labels(stack, color)
        after: list[pulumi.Resource] = [shared.function]
        # Blue and green both go through $LATEST: green publishes after blue.
        if shared.last_version is not None:
            after.append(shared.last_version)
        config: pulumi.Input[str] = shared.config_fingerprint
        environment: pulumi.Input[dict[str, Any]] | None = None
        if color is not None:  # the color's own variables: those of the revision it runs
            own = color_secret_table(self, name, stack, color, plan.settings.secrets, tags, args.revision)
            if own:
                after.append(aws.iam.RolePolicy(
                    f"{name}-secrets-policy", role=shared.role.id,
                    policy=pulumi.Output.all(*own.values()).apply(lambda arns: secrets_policy(list(arns))),
                    opts=child(self)))
            variables = pulumi.Output.from_input(dict(sorted(shared.variables(stack, own).items())))
            environment = variables
            config = pulumi.Output.all(shared.base_fingerprint, variables).apply(fingerprint)
        self.published = PublishedVersion(
            f"{name}-version", function_name=shared.function.name, image=args.image,
            config=config, region=plan.region, description=VERSION_DESCRIPTION, environment=environment,
            opts=child(self, *after))
        shared.last_version = self.published
        self.version: pulumi.Output[str] = self.published.version.apply(lambda v: v or unknown_version(args.image))
        self.alias: aws.lambda_.Alias | None = None
        if color is not None:
            self.alias = aws.lambda_.Alias(
                f"{name}-alias", name=color, function_name=shared.function.name, function_version=self.version,
                description="a color's own alias: smoke tests invoke the color's version here",
                opts=child(self, self.published))
        count = provisioned(stack) if args.replicas is None else args.replicas
        if plan.settings.concurrency == "provisioned" and count > 0 and not args.scaled_down:
            aws.lambda_.ProvisionedConcurrencyConfig(
                f"{name}-concurrency", function_name=shared.function.name, qualifier=self.version,
                provisioned_concurrent_executions=count, opts=child(self, self.published))
        instance = base_name(stack) + (f"-{color}" if color else "")
        self.alarm_names = metrics.alarm_names(instance)
        dims = metrics.dimensions(plan.function_name, plan.settings.alias, self.version)
        for alarm_role, alarm_args in metrics.alarms(self.alarm_names, plan.settings.alarms, dims).items():
            aws.cloudwatch.MetricAlarm(f"{name}-{alarm_role}-alarm", **alarm_args, tags=tags, opts=child(self))
        return self.version

    def exports(self) -> dict[str, Any]:
        return {"version": self.version, "alias": self.alias.name if self.alias else None,
                "alarms": self.alarm_names}


class BlueGreen(skeleton.BlueGreen[Shared, Environment], environment=Environment):
    """Production on Lambda: a blue and a green version of one function."""
