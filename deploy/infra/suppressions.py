"""Every cdk-nag finding we accept, each with the reason it is accepted. cdk-nag v3 runs as
CDK policy validation: synthesis fails on any finding not acknowledged here, and
tests/deploy synthesises every stack. Findings that name a resource (IAM5 wildcards) are
acknowledged one by one, with the resource's logical id, so a new wildcard fails."""

from __future__ import annotations

from aws_cdk import Acknowledgment, CfnResource, Stack, Validations
from aws_cdk import aws_codebuild as codebuild
from constructs import Construct

IAM5 = "AwsSolutions-IAM5"
NIST = "NIST.800.53.R5"

# Findings on parts that every stack of ours shares (parts.py, release.py).
COMMON = {
    f"{IAM5}[Resource::*]": (
        "Only actions AWS defines without a resource: ecr:GetAuthorizationToken for the task "
        "execution roles, route53:ListHostedZonesByName for DNS delegation, and CDK's "
        "log-retention helper; tests/deploy fails on any other '*' resource."
    ),
    "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/"
    "AWSLambdaBasicExecutionRole]": (
        "CloudFormation custom-resource handlers (migration step, DNS delegation, log "
        "retention): the managed policy grants only writing their own CloudWatch logs."
    ),
    "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/"
    "AmazonRDSEnhancedMonitoringRole]": (
        "RDS enhanced monitoring's own service role; AWS maintains its narrow policy."
    ),
    "AwsSolutions-ECS2": (
        "Only non-secret settings are plain environment variables (names, hosts, regions); "
        "every secret reaches the container from Secrets Manager through `secrets`."
    ),
    "AwsSolutions-EC23": (
        "The internet-facing ALB's security group admits 80 (redirect only) and 443 from "
        "anywhere: it is the public web entrance, behind AWS WAF. No other group is open."
    ),
    "AwsSolutions-SMG4": (
        "Django's SECRET_KEY (rotated by a release with SECRET_KEY_FALLBACKS) and vendor "
        "credentials (rotated at the vendor, then pasted in): no Lambda can rotate them. "
        "The database password rotates every 30 days."
    ),
    f"{NIST}-SecretsManagerRotationEnabled": "As AwsSolutions-SMG4.",
    f"{NIST}-IAMNoInlinePolicy": (
        "CDK writes each role's grants as a policy attached to that one role; every "
        "statement is in code and tests/deploy checks the task roles' least privilege."
    ),
    f"{NIST}-S3BucketReplicationEnabled": (
        "Each agency's data stays in its one region by contract; durability is S3's, with "
        "versioning (and Object Lock for audit anchors). Cross-region copies are a choice "
        "an agency makes, not a default."
    ),
    f"{NIST}-S3DefaultEncryptionKMS": (
        "Access-log buckets (server access logs, ALB and CloudFront logs) accept only SSE-S3; "
        "they hold no customer information. Every data bucket is SSE-KMS."
    ),
    f"{NIST}-VPCSubnetAutoAssignPublicIpDisabled": (
        "Only the public subnets, which hold the ALB and the NAT gateway, assign public "
        "addresses; tasks and the database are in private and isolated subnets."
    ),
    f"{NIST}-VPCNoUnrestrictedRouteToIGW": (
        "The public subnets' route to the internet gateway is what lets the ALB answer."
    ),
    f"{NIST}-VPCDefaultSecurityGroupClosed": (
        "Nothing uses the default security group; every resource has its own."
    ),
    f"{NIST}-RDSInBackupPlan": (
        "Automated RDS backups (35 days, point in time) and snapshot on delete; an AWS "
        "Backup plan adds nothing a single-region agency database needs."
    ),
    f"{NIST}-ELBv2ACMCertificateRequired": (
        "The port-80 listener only redirects to HTTPS; the 443 listener has an ACM certificate."
    ),
    f"{NIST}-LambdaDLQ": (
        "Custom-resource handlers are called synchronously by CloudFormation, which "
        "reports and rolls back a failure; there is no message to keep."
    ),
    f"{NIST}-LambdaInsideVPC": (
        "Custom-resource handlers only call AWS APIs (ECS, Route 53, Logs); they reach no "
        "host in the VPC."
    ),
    f"{NIST}-LambdaConcurrency": (
        "CDK's custom-resource framework functions run once per stack update; the migration "
        "step itself has a reserved concurrency of 1."
    ),
    f"{NIST}-EC2RestrictedCommonPorts": (
        "The only rule whose port CDK leaves as a token is the database rotation function's "
        "access to the database port, from its own security group."
    ),
    f"{NIST}-EC2RestrictedSSH": "As EC2RestrictedCommonPorts: no rule admits SSH.",
    "AwsSolutions-L1": (
        "The custom-resource framework's Node.js runtime is chosen by CDK's version."
    ),
}


def _acknowledge(scope: Construct, rules: dict[str, str]) -> None:
    for rule, reason in rules.items():
        Validations.of(scope).acknowledge(Acknowledgment(id=rule, reason=reason))


def _ref(construct: Construct) -> str:
    """How cdk-nag names a resource in a finding: <LogicalId.Arn>."""
    stack = Stack.of(construct)
    element = construct.node.default_child if not isinstance(construct, CfnResource) else construct
    return f"<{stack.resolve(stack.get_logical_id(element))}.Arn>"


def agency(stack) -> None:
    slug, platform = stack.agency.slug, stack.platform
    warehouse = f"creditgenie-warehouse-{platform.platform_account}"
    _acknowledge(stack, COMMON)
    _acknowledge(
        stack,
        {
            f"{IAM5}[Resource::{_ref(stack.documents)}/*]": (
                "The agency's own documents bucket's objects: keys are random per upload."
            ),
            f"{IAM5}[Resource::{_ref(stack.anchors)}/{slug}/*]": (
                "The agency's own audit anchors, one object per daily digest."
            ),
            f"{IAM5}[Resource::arn:aws:s3:::{warehouse}/events/agency={slug}/*]": (
                "The agency's own warehouse prefix, one object per shipped batch."
            ),
            f"{IAM5}[Resource::arn:aws:kms:{platform.region}:{platform.platform_account}:key/*]": (
                "The warehouse key's id is made in the platform account; the statement is "
                "bound to it by kms:ResourceAliases."
            ),
            **_release_findings(stack),
            "AwsSolutions-COG2": (
                "The consumers' pool offers MFA; the staff pool, which holds every staff "
                "group, requires it (docs/sign-in.md)."
            ),
        },
    )


def platform(stack) -> None:
    _acknowledge(stack, COMMON)
    warehouse = stack.warehouse
    _acknowledge(
        stack,
        {
            f"{IAM5}[Resource::{_ref(warehouse.bucket)}/events/*]": (
                "The benchmarks task reads the shipped events (Athena reads as its caller)."
            ),
            f"{IAM5}[Resource::{_ref(warehouse.results)}/athena/*]": (
                "Athena writes each query's result under this prefix."
            ),
            f"{IAM5}[Resource::arn:<AWS::Partition>:ecs:{stack.region}:*:task/"
            f"<{_logical(stack.cluster)}>/*]": (
                "EventBridge's ECS target role, as CDK writes it: tasks of this cluster."
            ),
            **_release_findings(stack),
            "AwsSolutions-CFR1": (
                "Consumers anywhere in the US use the front door; no country list is needed."
            ),
            "AwsSolutions-CFR2": "AWS WAF is attached (web_acl_id).",
        },
    )


def dns(stack) -> None:
    _acknowledge(
        stack,
        {
            f"{IAM5}[Resource::*]": COMMON[f"{IAM5}[Resource::*]"],
            f"{NIST}-IAMNoInlinePolicy": COMMON[f"{NIST}-IAMNoInlinePolicy"],
        },
    )


def pipeline(stack, replicas: dict[str, str]) -> None:
    """CDK Pipelines' own roles and buckets, as the library writes them."""
    generated = (
        "CDK Pipelines' generated grant on its own artifacts bucket and key, as the library "
        "writes it; the pipeline account runs nothing else."
    )
    rules = {
        f"{IAM5}[Action::{action}]": generated
        for action in (
            "s3:Abort*",
            "s3:DeleteObject*",
            "s3:GetBucket*",
            "s3:GetObject*",
            "s3:List*",
            "kms:GenerateDataKey*",
            "kms:ReEncrypt*",
        )
    }
    region, account = stack.region, stack.account
    artifacts = stack.pipeline.pipeline.artifact_bucket
    rules[f"{IAM5}[Resource::{_ref(artifacts)}/*]"] = generated
    for project in [c for c in stack.node.find_all() if isinstance(c, codebuild.CfnProject)]:
        ref = _logical(project)
        why = "A CodeBuild project's own log group and report groups."
        rules[
            f"{IAM5}[Resource::arn:<AWS::Partition>:logs:{region}:{account}:log-group:"
            f"/aws/codebuild/<{ref}>:*]"
        ] = why
        rules[
            f"{IAM5}[Resource::arn:<AWS::Partition>:codebuild:{region}:{account}:report-group/"
            f"<{ref}>-*]"
        ] = why
    rules |= {
        f"{IAM5}[Resource::*]": (
            "CDK Pipelines' roles: ecr:GetAuthorizationToken and CodePipeline's listing calls "
            "have no resource."
        ),
        f"{IAM5}[Resource::arn:*:iam::{account}:role/*]": (
            "Self-mutation assumes the CDK bootstrap roles of the target accounts."
        ),
        f"{IAM5}[Resource::arn:<AWS::Partition>:logs:{region}:{account}:log-group:"
        "/aws/codebuild/*]": "The asset publishing project's logs.",
        f"{IAM5}[Resource::arn:<AWS::Partition>:codebuild:{region}:{account}:report-group/*]": (
            "The asset publishing project's report groups."
        ),
        f"{NIST}-IAMNoInlinePolicy": COMMON[f"{NIST}-IAMNoInlinePolicy"],
    }
    for region, name in replicas.items():
        why = f"The pipeline's artifact copy in {region} (ReplicaStack), objects by run."
        rules[f"{IAM5}[Resource::arn:<AWS::Partition>:s3:::{name}/*]"] = why
        rules[f"{IAM5}[Resource::arn:aws:s3:::{name}/*]"] = why
    buckets = {
        "AwsSolutions-S1": (
            "Pipeline artifact buckets hold build outputs only; CloudTrail records their use."
        ),
        f"{NIST}-S3BucketLoggingEnabled": "As AwsSolutions-S1.",
        f"{NIST}-S3BucketReplicationEnabled": "Build artifacts are made again by a re-run.",
        f"{NIST}-S3BucketVersioningEnabled": "Build artifacts are made again by a re-run.",
    }
    _acknowledge(stack, rules | buckets)


def replica(stack) -> None:
    _acknowledge(
        stack,
        {
            "AwsSolutions-S1": "Holds copies of build artifacts only; CloudTrail records use.",
            f"{NIST}-S3BucketLoggingEnabled": "As AwsSolutions-S1.",
            f"{NIST}-S3BucketReplicationEnabled": "It is itself the regional copy.",
        },
    )


def _logical(construct: Construct) -> str:
    stack = Stack.of(construct)
    element = construct if isinstance(construct, CfnResource) else construct.node.default_child
    return stack.resolve(stack.get_logical_id(element))


def _release_findings(stack) -> dict[str, str]:
    """The migration step's grants (release.py)."""
    step = stack.node.find_child("MigrationStep")
    return {
        f"{IAM5}[Resource::arn:aws:ecs:{stack.region}:{stack.account}:task/"
        f"<{_logical(stack.cluster)}>/*]": (
            "The migration step watches the task it started; task ids are made at run time."
        ),
        f"{IAM5}[Resource::{_ref(step)}:*]": (
            "CDK's custom-resource framework invokes the migration step's versions."
        ),
    }
