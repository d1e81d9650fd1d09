"""The release's migration step (a CloudFormation custom resource): runs the migrate task
definition of the new release once on Fargate and waits for it. A non-zero exit fails the
stack update, so the new web, worker and beat tasks never start and CloudFormation rolls
the release back; the pipeline then stops before the next wave."""

from __future__ import annotations

import os
import time

import boto3

POLL_SECONDS = 10


def handler(event, context):
    if event["RequestType"] == "Delete":
        return {"PhysicalResourceId": event.get("PhysicalResourceId", "migrations")}
    props = event["ResourceProperties"]
    ecs = boto3.client("ecs")
    started = ecs.run_task(
        cluster=props["Cluster"],
        taskDefinition=props["TaskDefinition"],
        launchType="FARGATE",
        count=1,
        startedBy="release-migrations",
        networkConfiguration={
            "awsvpcConfiguration": {
                "subnets": props["Subnets"],
                "securityGroups": props["SecurityGroups"],
                "assignPublicIp": "DISABLED",
            }
        },
    )
    if started.get("failures"):
        raise RuntimeError(f"the migration task did not start: {started['failures']}")
    arn = started["tasks"][0]["taskArn"]
    # Leave a minute of the Lambda's 15 for the answer to CloudFormation.
    while context.get_remaining_time_in_millis() > 60_000:
        task = ecs.describe_tasks(cluster=props["Cluster"], tasks=[arn])["tasks"][0]
        if task["lastStatus"] == "STOPPED":
            code = task["containers"][0].get("exitCode")
            if code != 0:
                reason = task.get("stoppedReason", "")
                raise RuntimeError(f"migrations failed (exit {code}): {reason} {arn}")
            return {"PhysicalResourceId": arn, "Data": {"Task": arn}}
        time.sleep(int(os.environ.get("POLL_SECONDS", POLL_SECONDS)))
    raise RuntimeError(f"migrations still running at the time limit: {arn}")
