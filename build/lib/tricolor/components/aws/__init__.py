"""AWS backend: per color an ECS Fargate service behind an ALB target group; a weighted
production listener; a test listener that reaches one color by header; CloudWatch alarms."""

from __future__ import annotations

from .alb import ALB_TARGET_GROUPS_MAX, ALB_WEIGHT_MAX, alarm_names, alb_weights, forward_action
from .environment import BlueGreen, Environment, instance_name
from .fargate import FARGATE_SIZES, TaskSize, check_size, task_size
from .router import TrafficRouter
from .settings import AwsPlan, AwsSettings, plan_of
from .shared import Shared

__all__ = [
    "ALB_TARGET_GROUPS_MAX",
    "ALB_WEIGHT_MAX",
    "FARGATE_SIZES",
    "AwsPlan",
    "AwsSettings",
    "BlueGreen",
    "Environment",
    "Shared",
    "TaskSize",
    "TrafficRouter",
    "alarm_names",
    "alb_weights",
    "check_size",
    "forward_action",
    "instance_name",
    "plan_of",
    "task_size",
]
