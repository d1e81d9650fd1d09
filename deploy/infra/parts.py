"""The building blocks both the agencies' and the platform's stacks are made of: a network, an
encrypted bucket, a PostgreSQL database and a web service behind an ALB with AWS WAF.

Each part takes the stack's KMS key, so everything at rest is under the owner's own key.
"""

from __future__ import annotations

from aws_cdk import Duration, RemovalPolicy, Stack
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_ecr as ecr
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs
from aws_cdk import aws_rds as rds
from aws_cdk import aws_route53 as route53
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_wafv2 as wafv2
from constructs import Construct

LOG_RETENTION = logs.RetentionDays.ONE_YEAR
DATABASE_PORT = 5433  # not the engine's well-known port
# Only the ALB's health checks use this path; it answers without touching the database.
HEALTH_PATH = "/healthz"


def key_create(scope: Construct, alias: str) -> kms.Key:
    """The owner's KMS key, rotated yearly, which CloudWatch Logs may also use."""
    stack = Stack.of(scope)
    key = kms.Key(
        scope,
        "Key",
        alias=alias,
        enable_key_rotation=True,
        removal_policy=RemovalPolicy.RETAIN,
        description=f"Credit Genie data at rest ({alias})",
    )
    key.add_to_resource_policy(
        iam.PolicyStatement(
            sid="CloudWatchLogsOfThisAccount",
            principals=[iam.ServicePrincipal(f"logs.{stack.region}.amazonaws.com")],
            actions=["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey", "kms:DescribeKey"],
            # A key policy's resource is always "*": it means this key.
            resources=["*"],
            conditions={
                "ArnLike": {
                    "kms:EncryptionContext:aws:logs:arn": (
                        f"arn:aws:logs:{stack.region}:{stack.account}:log-group:*"
                    )
                }
            },
        )
    )
    return key


def log_group(scope: Construct, name: str, key: kms.IKey) -> logs.LogGroup:
    return logs.LogGroup(
        scope,
        name,
        retention=LOG_RETENTION,
        encryption_key=key,
        removal_policy=RemovalPolicy.RETAIN,
    )


def network(scope: Construct, key: kms.IKey) -> ec2.Vpc:
    """Two zones: public subnets for the ALB, private ones for tasks, isolated ones for the
    database. Availability zones are named, not looked up, so synthesis needs no account."""
    region = Stack.of(scope).region
    flow_logs = log_group(scope, "FlowLogs", key)
    return ec2.Vpc(
        scope,
        "Network",
        availability_zones=[f"{region}a", f"{region}b"],
        nat_gateways=1,
        subnet_configuration=[
            ec2.SubnetConfiguration(name="Public", subnet_type=ec2.SubnetType.PUBLIC, cidr_mask=24),
            ec2.SubnetConfiguration(
                name="Tasks", subnet_type=ec2.SubnetType.PRIVATE_WITH_EGRESS, cidr_mask=22
            ),
            ec2.SubnetConfiguration(
                name="Database", subnet_type=ec2.SubnetType.PRIVATE_ISOLATED, cidr_mask=24
            ),
        ],
        flow_logs={
            "All": ec2.FlowLogOptions(
                destination=ec2.FlowLogDestination.to_cloud_watch_logs(flow_logs)
            )
        },
    )


def access_log_bucket(scope: Construct) -> s3.Bucket:
    """Where the buckets and the ALB write their access logs (SSE-S3: the only encryption
    S3 server access logging and ALB logs accept)."""
    return s3.Bucket(
        scope,
        "AccessLogs",
        encryption=s3.BucketEncryption.S3_MANAGED,
        block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
        enforce_ssl=True,
        versioned=True,
        object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
        lifecycle_rules=[s3.LifecycleRule(expiration=Duration.days(400))],
        removal_policy=RemovalPolicy.RETAIN,
    )


def private_bucket(
    scope: Construct,
    name: str,
    key: kms.IKey,
    logs_bucket: s3.IBucket,
    **extra,
) -> s3.Bucket:
    """SSE-KMS under `key`, public access blocked, versioned, TLS only, access logged."""
    return s3.Bucket(
        scope,
        name,
        encryption=s3.BucketEncryption.KMS,
        encryption_key=key,
        bucket_key_enabled=True,
        block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
        enforce_ssl=True,
        versioned=True,
        object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
        server_access_logs_bucket=logs_bucket,
        server_access_logs_prefix=f"{name.lower()}/",
        removal_policy=RemovalPolicy.RETAIN,
        **extra,
    )


def database_allow(database: rds.DatabaseInstance, *peers: ec2.IConnectable) -> None:
    for peer in peers:
        database.connections.allow_from(peer, ec2.Port.tcp(DATABASE_PORT))


def database(
    scope: Construct, vpc: ec2.IVpc, key: kms.IKey, secret_name: str
) -> rds.DatabaseInstance:
    """PostgreSQL in the isolated subnets, encrypted with `key`, TLS required, IAM
    authentication on, its password in Secrets Manager and rotated every 30 days."""
    parameters = rds.ParameterGroup(
        scope,
        "DatabaseParameters",
        engine=rds.DatabaseInstanceEngine.postgres(version=rds.PostgresEngineVersion.VER_16_9),
        parameters={"rds.force_ssl": "1", "log_min_duration_statement": "1000"},
    )
    instance = rds.DatabaseInstance(
        scope,
        "Database",
        engine=rds.DatabaseInstanceEngine.postgres(version=rds.PostgresEngineVersion.VER_16_9),
        instance_type=ec2.InstanceType.of(ec2.InstanceClass.M7G, ec2.InstanceSize.LARGE),
        vpc=vpc,
        vpc_subnets=ec2.SubnetSelection(subnet_type=ec2.SubnetType.PRIVATE_ISOLATED),
        port=DATABASE_PORT,
        database_name="creditgenie",
        credentials=rds.Credentials.from_generated_secret(
            "creditgenie", encryption_key=key, secret_name=secret_name
        ),
        parameter_group=parameters,
        storage_encrypted=True,
        storage_encryption_key=key,
        multi_az=True,
        iam_authentication=True,
        deletion_protection=True,
        backup_retention=Duration.days(35),
        allocated_storage=50,
        max_allocated_storage=1000,
        auto_minor_version_upgrade=True,
        enable_performance_insights=True,
        performance_insight_encryption_key=key,
        cloudwatch_logs_exports=["postgresql", "upgrade"],
        monitoring_interval=Duration.seconds(60),
        cloudwatch_logs_retention=LOG_RETENTION,
        removal_policy=RemovalPolicy.SNAPSHOT,
    )
    instance.add_rotation_single_user(automatically_after=Duration.days(30))
    return instance


def waf_acl(scope: Construct, name: str, scope_name: str, key: kms.IKey) -> wafv2.CfnWebACL:
    """AWS WAF with AWS's managed rule groups (common, known bad inputs, SQL injection,
    IP reputation) and a per-address rate limit."""
    rules = [
        ("AWSManagedRulesCommonRuleSet", 10),
        ("AWSManagedRulesKnownBadInputsRuleSet", 20),
        ("AWSManagedRulesSQLiRuleSet", 30),
        ("AWSManagedRulesAmazonIpReputationList", 40),
    ]
    managed = [
        wafv2.CfnWebACL.RuleProperty(
            name=group,
            priority=priority,
            override_action=wafv2.CfnWebACL.OverrideActionProperty(none={}),
            statement=wafv2.CfnWebACL.StatementProperty(
                managed_rule_group_statement=wafv2.CfnWebACL.ManagedRuleGroupStatementProperty(
                    vendor_name="AWS", name=group
                )
            ),
            visibility_config=_visibility(group),
        )
        for group, priority in rules
    ]
    rate = wafv2.CfnWebACL.RuleProperty(
        name="RatePerAddress",
        priority=50,
        action=wafv2.CfnWebACL.RuleActionProperty(block={}),
        statement=wafv2.CfnWebACL.StatementProperty(
            rate_based_statement=wafv2.CfnWebACL.RateBasedStatementProperty(
                limit=2000, aggregate_key_type="IP"
            )
        ),
        visibility_config=_visibility("RatePerAddress"),
    )
    acl = wafv2.CfnWebACL(
        scope,
        name,
        scope=scope_name,
        default_action=wafv2.CfnWebACL.DefaultActionProperty(allow={}),
        rules=[*managed, rate],
        visibility_config=_visibility(name),
    )
    # WAF logs to CloudWatch need a group named aws-waf-logs-*; CloudFront's must be in
    # us-east-1, where the platform runs.
    group = logs.LogGroup(
        scope,
        f"{name}Logs",
        log_group_name=f"aws-waf-logs-{Stack.of(scope).stack_name}-{name.lower()}",
        retention=LOG_RETENTION,
        encryption_key=key,
        removal_policy=RemovalPolicy.RETAIN,
    )
    wafv2.CfnLoggingConfiguration(
        scope,
        f"{name}Logging",
        resource_arn=acl.attr_arn,
        log_destination_configs=[group.log_group_arn],
    )
    return acl


def _visibility(name: str) -> wafv2.CfnWebACL.VisibilityConfigProperty:
    return wafv2.CfnWebACL.VisibilityConfigProperty(
        cloud_watch_metrics_enabled=True, metric_name=name, sampled_requests_enabled=True
    )


def web_service(
    scope: Construct,
    *,
    cluster: ecs.ICluster,
    task: ecs.FargateTaskDefinition,
    zone: route53.IHostedZone,
    domain: str,
    logs_bucket: s3.IBucket,
    key: kms.IKey,
    desired_count: int = 2,
) -> tuple[ecs.FargateService, elbv2.ApplicationLoadBalancer]:
    """The web tasks behind an internet-facing ALB: TLS 1.2+ with a DNS-validated
    certificate, HTTP redirected, AWS WAF, access logs; the deployment circuit breaker rolls
    a release back when its tasks fail their health checks."""
    service = ecs.FargateService(
        scope,
        "WebService",
        cluster=cluster,
        task_definition=task,
        desired_count=desired_count,
        min_healthy_percent=100,
        max_healthy_percent=200,
        circuit_breaker=ecs.DeploymentCircuitBreaker(enable=True, rollback=True),
        vpc_subnets=ec2.SubnetSelection(subnet_type=ec2.SubnetType.PRIVATE_WITH_EGRESS),
        health_check_grace_period=Duration.seconds(60),
    )
    alb = elbv2.ApplicationLoadBalancer(
        scope,
        "LoadBalancer",
        vpc=cluster.vpc,
        internet_facing=True,
        drop_invalid_header_fields=True,
        deletion_protection=True,
    )
    alb.log_access_logs(logs_bucket, prefix="alb")
    certificate = acm.Certificate(
        scope,
        "Certificate",
        domain_name=domain,
        validation=acm.CertificateValidation.from_dns(zone),
    )
    listener = alb.add_listener(
        "Https",
        port=443,
        certificates=[certificate],
        ssl_policy=elbv2.SslPolicy.RECOMMENDED_TLS,
    )
    listener.add_targets(
        "Web",
        port=8000,
        protocol=elbv2.ApplicationProtocol.HTTP,
        targets=[service],
        health_check=elbv2.HealthCheck(path=HEALTH_PATH, healthy_http_codes="200"),
        deregistration_delay=Duration.seconds(30),
    )
    alb.add_redirect()
    acl = waf_acl(scope, "WebAcl", "REGIONAL", key)
    wafv2.CfnWebACLAssociation(
        scope, "WebAclAssociation", resource_arn=alb.load_balancer_arn, web_acl_arn=acl.attr_arn
    )
    return service, alb


def app_container(
    task: ecs.FargateTaskDefinition,
    *,
    image: ecs.ContainerImage,
    command: list[str],
    group: logs.ILogGroup,
    environment: dict[str, str],
    secrets: dict[str, ecs.Secret],
    web: bool = False,
) -> ecs.ContainerDefinition:
    container = task.add_container(
        "App",
        image=image,
        command=command,
        environment=environment,
        secrets=secrets,
        logging=ecs.LogDriver.aws_logs(stream_prefix=command[0], log_group=group),
        stop_timeout=Duration.seconds(45),
    )
    if web:
        container.add_port_mappings(ecs.PortMapping(container_port=8000))
    return container


def release_image(scope: Construct, repository_arn: str, tag: str) -> ecs.ContainerImage:
    """The release's image: built once by the pipeline, pulled from its account by tag."""
    repository = ecr.Repository.from_repository_attributes(
        scope,
        "ReleaseImages",
        repository_arn=repository_arn,
        repository_name=repository_arn.rsplit("/", 1)[-1],
    )
    return ecs.ContainerImage.from_ecr_repository(repository, tag)
