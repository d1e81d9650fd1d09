"""The release's migration step, shared by the agencies' and the front door's stacks."""

from __future__ import annotations

from pathlib import Path

from aws_cdk import CustomResource, Duration, Stack
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_rds as rds
from aws_cdk import custom_resources as cr
from constructs import Construct

from . import parts

MIGRATE_HANDLER = Path(__file__).resolve().parent / "migrate_handler"


def migration_step(
    scope: Construct,
    *,
    cluster: ecs.Cluster,
    task: ecs.FargateTaskDefinition,
    database: rds.DatabaseInstance,
    key: kms.IKey,
) -> CustomResource:
    """Runs `migrate` with the release's task definition (a custom resource whose properties
    change with every image) before any service that depends on it moves to the release.
    A failed migration fails the stack update, and CloudFormation rolls it back."""
    stack = Stack.of(scope)
    group = ec2.SecurityGroup(scope, "MigrateSecurityGroup", vpc=cluster.vpc)
    parts.database_allow(database, group)
    handler = lambda_.Function(
        scope,
        "MigrationStep",
        runtime=lambda_.Runtime.PYTHON_3_14,
        handler="index.handler",
        code=lambda_.Code.from_asset(str(MIGRATE_HANDLER)),
        timeout=Duration.minutes(15),
        log_group=parts.log_group(scope, "MigrationStepLogs", key),
        reserved_concurrent_executions=1,
    )
    statements = [
        (
            "RunMigrations",
            ["ecs:RunTask"],
            [task.task_definition_arn],
            {"ArnEquals": {"ecs:cluster": cluster.cluster_arn}},
        ),
        (
            "WatchMigrations",
            ["ecs:DescribeTasks"],
            [f"arn:aws:ecs:{stack.region}:{stack.account}:task/{cluster.cluster_name}/*"],
            None,
        ),
        (
            "StartAsMigrateTask",
            ["iam:PassRole"],
            [task.task_role.role_arn, task.obtain_execution_role().role_arn],
            None,
        ),
    ]
    for sid, actions, resources, conditions in statements:
        handler.add_to_role_policy(
            iam.PolicyStatement(
                sid=sid, actions=actions, resources=resources, conditions=conditions
            )
        )
    provider = cr.Provider(scope, "MigrationProvider", on_event_handler=handler)
    subnets = cluster.vpc.select_subnets(subnet_type=ec2.SubnetType.PRIVATE_WITH_EGRESS)
    return CustomResource(
        scope,
        "Migrations",
        service_token=provider.service_token,
        properties={
            "Cluster": cluster.cluster_arn,
            "TaskDefinition": task.task_definition_arn,
            "Subnets": subnets.subnet_ids,
            "SecurityGroups": [group.security_group_id],
        },
    )
