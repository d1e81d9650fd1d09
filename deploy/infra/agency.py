"""AgencyStack: everything one agency runs on, in that agency's own AWS account.

Its KMS key encrypts the database, both buckets, the queues, the logs, the secrets and the
alarms' topic. Web, worker and beat are the same image (deploy/entrypoint.py) on Fargate,
each with its own task role that reaches only this agency's bucket, key and queues.
"""

from __future__ import annotations

from aws_cdk import Duration, RemovalPolicy, Stack
from aws_cdk import aws_cloudtrail as cloudtrail
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cw_actions
from aws_cdk import aws_cognito as cognito
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_elasticache as elasticache
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_logs as logs
from aws_cdk import aws_route53 as route53
from aws_cdk import aws_route53_targets as targets
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_secretsmanager as secretsmanager
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from . import names, parts, release
from .config import Agency, Platform
from .staff import STAFF_GROUPS

ANCHOR_RETENTION = Duration.days(7 * 365)
CACHE_PORT = 6379  # the serverless cache's endpoint port
# Filled by the agency's operator after the first deploy (docs/deploy.md, "Secrets").
VENDOR_FIELDS = (
    "PLAID_CLIENT_ID",
    "PLAID_SECRET",
    "TRANSUNION_CLIENT_CERT",
    "TRANSUNION_CLIENT_KEY",
    "TRANSUNION_MEMBER_CODE",
    "CREDITGENIE_BLIND_INDEX_KEY",
    "CREDITGENIE_ANALYTICS_KEY",
    "OIDC_RP_CLIENT_SECRET",  # the staff pool app client's secret, copied from Cognito
)


class AgencyStack(Stack):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        agency: Agency,
        platform: Platform,
        image_repository_arn: str,
        image_tag: str,
        **kwargs,
    ) -> None:
        super().__init__(scope, construct_id, **kwargs)
        image = parts.release_image(self, image_repository_arn, image_tag)
        self.agency, self.platform = agency, platform
        slug = agency.slug
        self.key = parts.key_create(self, f"alias/creditgenie/{slug}")
        self.vpc = parts.network(self, self.key)
        self.logs_bucket = parts.access_log_bucket(self)
        self.documents = parts.private_bucket(self, "Documents", self.key, self.logs_bucket)
        self.anchors = parts.private_bucket(
            self,
            "AuditAnchors",
            self.key,
            self.logs_bucket,
            object_lock_enabled=True,
            object_lock_default_retention=s3.ObjectLockRetention.compliance(ANCHOR_RETENTION),
        )
        self.database = parts.database(self, self.vpc, self.key, f"creditgenie/{slug}/database")
        self.dead_letter, self.queue = self._queues()
        self.cache, self.cache_group = self._cache()
        self.staff_pool, self.consumer_pool = self._user_pools()
        self.secret_key, self.vendors = self._secrets()
        self.zone = self._zone()
        self.cluster = ecs.Cluster(
            self,
            "Cluster",
            vpc=self.vpc,
            container_insights_v2=ecs.ContainerInsights.ENHANCED,
        )
        self.log_groups = {
            kind: parts.log_group(self, f"{kind}Logs", self.key) for kind in names.TASK_KINDS
        }
        self.tasks = {kind: self._task(kind, image) for kind in names.TASK_KINDS}
        self.web, self.alb = parts.web_service(
            self,
            cluster=self.cluster,
            task=self.tasks["web"],
            zone=self.zone,
            domain=agency.domain,
            logs_bucket=self.logs_bucket,
            key=self.key,
        )
        route53.ARecord(
            self,
            "WebAddress",
            zone=self.zone,
            target=route53.RecordTarget.from_alias(targets.LoadBalancerTarget(self.alb)),
        )
        self.worker = self._background("WorkerService", "worker", desired_count=2)
        self.beat = self._background("BeatService", "beat", desired_count=1)
        parts.database_allow(self.database, self.web, self.worker, self.beat)
        for service in (self.web, self.worker, self.beat):
            self.cache_group.connections.allow_from(service, ec2.Port.tcp(CACHE_PORT))
        migration = release.migration_step(
            self,
            cluster=self.cluster,
            task=self.tasks["migrate"],
            database=self.database,
            key=self.key,
        )
        for service in (self.web, self.worker, self.beat):
            service.node.add_dependency(migration)
        self._alarms()
        self._trail()

    # --- Data -----------------------------------------------------------------------------
    def _queues(self) -> tuple[sqs.Queue, sqs.Queue]:
        slug = self.agency.slug
        dead_letter = sqs.Queue(
            self,
            "DeadLetterQueue",
            queue_name=f"{slug}-dead-letter",
            encryption=sqs.QueueEncryption.KMS,
            encryption_master_key=self.key,
            enforce_ssl=True,
            retention_period=Duration.days(14),
        )
        # Celery's queue, by the name the app uses (CELERY_QUEUE); the visibility timeout
        # matches the app's broker setting.
        queue = sqs.Queue(
            self,
            "TaskQueue",
            queue_name=f"{slug}-default",
            encryption=sqs.QueueEncryption.KMS,
            encryption_master_key=self.key,
            enforce_ssl=True,
            visibility_timeout=Duration.hours(1),
            dead_letter_queue=sqs.DeadLetterQueue(queue=dead_letter, max_receive_count=5),
        )
        return dead_letter, queue

    def _cache(self) -> tuple[elasticache.CfnServerlessCache, ec2.SecurityGroup]:
        """The cache the web processes share (rate limits count across tasks): Valkey,
        serverless, TLS always on, encrypted with the agency's key, in the task subnets."""
        group = ec2.SecurityGroup(self, "CacheSecurityGroup", vpc=self.vpc)
        subnets = self.vpc.select_subnets(subnet_type=ec2.SubnetType.PRIVATE_WITH_EGRESS)
        cache = elasticache.CfnServerlessCache(
            self,
            "Cache",
            serverless_cache_name=f"creditgenie-{self.agency.slug}",
            engine="valkey",
            kms_key_id=self.key.key_arn,
            security_group_ids=[group.security_group_id],
            subnet_ids=subnets.subnet_ids,
            snapshot_retention_limit=1,
        )
        return cache, group

    def _user_pools(self) -> tuple[cognito.UserPool, cognito.UserPool]:
        """Staff sign in to a pool that requires MFA (TOTP) and holds the role groups;
        consumers sign themselves up to their own pool (docs/sign-in.md, "Staff MFA")."""
        slug = self.agency.slug
        staff = self._pool("Staff", mfa=cognito.Mfa.REQUIRED, self_sign_up=False)
        for group in STAFF_GROUPS:
            cognito.CfnUserPoolGroup(
                self, f"Group{group.title()}", user_pool_id=staff.user_pool_id, group_name=group
            )
        consumers = self._pool("Consumers", mfa=cognito.Mfa.OPTIONAL, self_sign_up=True)
        self.clients = {}
        for pool, prefix in (
            (staff, f"creditgenie-{slug}-staff"),
            (consumers, f"creditgenie-{slug}"),
        ):
            pool.add_domain(
                "Domain", cognito_domain=cognito.CognitoDomainOptions(domain_prefix=prefix)
            )
            self.clients[prefix] = self._client(pool)
        return staff, consumers

    def _pool(self, name: str, *, mfa: cognito.Mfa, self_sign_up: bool) -> cognito.UserPool:
        return cognito.UserPool(
            self,
            f"{name}Pool",
            user_pool_name=f"creditgenie-{self.agency.slug}-{name.lower()}",
            self_sign_up_enabled=self_sign_up,
            sign_in_aliases=cognito.SignInAliases(email=True),
            auto_verify=cognito.AutoVerifiedAttrs(email=True),
            mfa=mfa,
            mfa_second_factor=cognito.MfaSecondFactor(otp=True, sms=False),
            password_policy=cognito.PasswordPolicy(
                min_length=12,
                require_digits=True,
                require_lowercase=True,
                require_uppercase=True,
                require_symbols=True,
            ),
            account_recovery=cognito.AccountRecovery.EMAIL_ONLY,
            feature_plan=cognito.FeaturePlan.PLUS,
            standard_threat_protection_mode=cognito.StandardThreatProtectionMode.FULL_FUNCTION,
            deletion_protection=True,
            removal_policy=RemovalPolicy.RETAIN,
        )

    def _client(self, pool: cognito.UserPool) -> cognito.UserPoolClient:
        url = f"https://{self.agency.domain}"
        return pool.add_client(
            "App",
            generate_secret=True,
            prevent_user_existence_errors=True,
            auth_flows=cognito.AuthFlow(user_srp=True),
            o_auth=cognito.OAuthSettings(
                flows=cognito.OAuthFlows(authorization_code_grant=True),
                scopes=[
                    cognito.OAuthScope.OPENID,
                    cognito.OAuthScope.EMAIL,
                    cognito.OAuthScope.PROFILE,
                ],
                callback_urls=[f"{url}/oidc/callback/"],
                logout_urls=[f"{url}/accounts/signed-out/", f"{url}/oidc/reauthenticate/continue/"],
            ),
            id_token_validity=Duration.hours(1),
            access_token_validity=Duration.hours(1),
            refresh_token_validity=Duration.hours(12),
        )

    def _secrets(self) -> tuple[secretsmanager.Secret, secretsmanager.Secret]:
        slug = self.agency.slug
        secret_key = secretsmanager.Secret(
            self,
            "DjangoSecretKey",
            secret_name=f"creditgenie/{slug}/secret-key",
            encryption_key=self.key,
            generate_secret_string=secretsmanager.SecretStringGenerator(
                password_length=64, exclude_punctuation=True
            ),
        )
        template = "{" + ", ".join(f'"{field}": ""' for field in VENDOR_FIELDS[1:]) + "}"
        vendors = secretsmanager.Secret(
            self,
            "VendorCredentials",
            secret_name=f"creditgenie/{slug}/vendors",
            encryption_key=self.key,
            generate_secret_string=secretsmanager.SecretStringGenerator(
                secret_string_template=template, generate_string_key=VENDOR_FIELDS[0]
            ),
        )
        return secret_key, vendors

    def _zone(self) -> route53.PublicHostedZone:
        """The agency's own zone, delegated from the platform's zone in the DNS account by a
        role there that may write only this agency's NS record."""
        zone = route53.PublicHostedZone(self, "Zone", zone_name=self.agency.domain)
        role_arn = (
            f"arn:aws:iam::{self.platform.dns_account}:role/"
            f"{names.delegation_role_name(self.agency.slug)}"
        )
        route53.CrossAccountZoneDelegationRecord(
            self,
            "Delegation",
            delegated_zone=zone,
            parent_hosted_zone_name=self.platform.domain,
            delegation_role=iam.Role.from_role_arn(self, "DelegationRole", role_arn),
        )
        return zone

    # --- Tasks ----------------------------------------------------------------------------
    def _environment(self) -> dict[str, str]:
        agency, platform, region = self.agency, self.platform, self.region
        staff_issuer = f"https://cognito-idp.{region}.amazonaws.com/{self.staff_pool.user_pool_id}"
        return {
            "CREDITGENIE_ROLE": "agency",
            "CREDITGENIE_TENANT": agency.slug,
            "CREDITGENIE_PUBLIC_URL": f"https://{agency.domain}",
            "ALLOWED_HOSTS": agency.domain,
            "CSRF_TRUSTED_ORIGINS": f"https://{agency.domain}",
            "CREDITGENIE_TRUSTED_PROXY_COUNT": "1",
            "DATABASE_HOST": self.database.db_instance_endpoint_address,
            "DATABASE_PORT": str(parts.DATABASE_PORT),
            "DATABASE_NAME": "creditgenie",
            "CACHE_URL": f"rediss://{self.cache.attr_endpoint_address}:{CACHE_PORT}/0",
            "CELERY_BROKER_URL": "sqs://",
            "CELERY_QUEUE": self.queue.queue_name,
            "AWS_SQS_REGION": region,
            "AWS_STORAGE_BUCKET_NAME": self.documents.bucket_name,
            "AWS_KMS_KEY_ID": self.key.key_arn,
            "AWS_KMS_REGION": region,
            "CREDITGENIE_AUDIT_ANCHOR_URL": f"s3://{self.anchors.bucket_name}/{agency.slug}",
            "CREDITGENIE_WAREHOUSE_URL": (
                f"s3://{names.warehouse_bucket_name(platform.platform_account)}/"
                f"{names.WAREHOUSE_PREFIX}"
            ),
            "AWS_WAREHOUSE_KMS_KEY_ID": (
                f"arn:aws:kms:{platform.region}:{platform.platform_account}:"
                f"{names.WAREHOUSE_KEY_ALIAS}"
            ),
            "AWS_WAREHOUSE_REGION": platform.region,
            "OIDC_PROVIDER_KIND": "cognito",
            "OIDC_ISSUER": staff_issuer,
            "OIDC_RP_CLIENT_ID": self.clients[
                f"creditgenie-{agency.slug}-staff"
            ].user_pool_client_id,
            "OIDC_LOGOUT_ORIGIN": (
                f"https://creditgenie-{agency.slug}-staff.auth.{region}.amazoncognito.com"
            ),
        }

    def _secret_env(self) -> dict[str, ecs.Secret]:
        db_secret = self.database.secret
        values = {
            "DATABASE_USER": ecs.Secret.from_secrets_manager(db_secret, "username"),
            "DATABASE_PASSWORD": ecs.Secret.from_secrets_manager(db_secret, "password"),
            "SECRET_KEY": ecs.Secret.from_secrets_manager(self.secret_key),
        }
        for field in VENDOR_FIELDS:
            values[field] = ecs.Secret.from_secrets_manager(self.vendors, field)
        return values

    def _task(self, kind: str, image: ecs.ContainerImage) -> ecs.FargateTaskDefinition:
        sizes = {
            "web": (1024, 2048),
            "worker": (1024, 2048),
            "beat": (256, 512),
            "migrate": (512, 1024),
        }
        cpu, memory = sizes[kind]
        role = iam.Role(
            self,
            f"{kind.title()}TaskRole",
            role_name=names.task_role_name(self.agency.slug, kind),
            assumed_by=iam.ServicePrincipal("ecs-tasks.amazonaws.com"),
            description=f"Credit Genie {self.agency.slug} {kind} tasks",
        )
        self._grant(kind, role)
        task = ecs.FargateTaskDefinition(
            self, f"{kind.title()}Task", cpu=cpu, memory_limit_mib=memory, task_role=role
        )
        parts.app_container(
            task,
            image=image,
            command=[kind],
            group=self.log_groups[kind],
            environment=self._environment(),
            secrets=self._secret_env(),
            web=kind == "web",
        )
        return task

    def _grant(self, kind: str, role: iam.Role) -> None:
        """Each kind's least privilege: only this agency's key, bucket and queues."""
        key, queue = self.key.key_arn, self.queue.queue_arn
        use_key = ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:DescribeKey"]
        _allow(role, "AgencyKey", use_key, [key])
        if kind == "migrate":
            return
        send = ["sqs:GetQueueUrl", "sqs:GetQueueAttributes", "sqs:SendMessage"]
        if kind == "beat":
            _allow(role, "EnqueueTasks", send, [queue])
            return
        objects = f"{self.documents.bucket_arn}/*"
        _allow(role, "Documents", ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"], [objects])
        _allow(role, "DocumentsList", ["s3:ListBucket"], [self.documents.bucket_arn])
        if kind == "web":
            _allow(role, "EnqueueTasks", send, [queue])
            return
        consume = ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility"]
        _allow(role, "RunTasks", send + consume, [queue])
        anchors = f"{self.anchors.bucket_arn}/{self.agency.slug}/*"
        _allow(role, "AuditAnchors", ["s3:GetObject", "s3:PutObject"], [anchors])
        _allow(role, "AuditAnchorsList", ["s3:ListBucket"], [self.anchors.bucket_arn])
        platform = self.platform
        bucket = names.warehouse_bucket_name(platform.platform_account)
        prefix = f"{names.WAREHOUSE_PREFIX}/agency={self.agency.slug}"
        _allow(role, "WarehouseShip", ["s3:PutObject"], [f"arn:aws:s3:::{bucket}/{prefix}/*"])
        role.add_to_policy(
            iam.PolicyStatement(
                sid="WarehouseKey",
                actions=["kms:GenerateDataKey"],
                # The platform's key id is made in another account; the alias names it.
                resources=[f"arn:aws:kms:{platform.region}:{platform.platform_account}:key/*"],
                conditions={
                    "ForAnyValue:StringEquals": {"kms:ResourceAliases": names.WAREHOUSE_KEY_ALIAS}
                },
            )
        )

    def _background(self, name: str, kind: str, *, desired_count: int) -> ecs.FargateService:
        return ecs.FargateService(
            self,
            name,
            cluster=self.cluster,
            task_definition=self.tasks[kind],
            desired_count=desired_count,
            # One beat at a time, never two: stop the old before the new starts.
            min_healthy_percent=0 if kind == "beat" else 100,
            max_healthy_percent=100 if kind == "beat" else 200,
            circuit_breaker=ecs.DeploymentCircuitBreaker(enable=True, rollback=True),
            vpc_subnets=ec2.SubnetSelection(subnet_type=ec2.SubnetType.PRIVATE_WITH_EGRESS),
        )

    # --- Watching -------------------------------------------------------------------------
    def _alarms(self) -> None:
        topic = sns.Topic(self, "Alarms", master_key=self.key, enforce_ssl=True)
        topic.add_subscription(subscriptions.EmailSubscription(self.platform.alarm_email))
        action = cw_actions.SnsAction(topic)
        five = Duration.minutes(5)
        errors = self.alb.metrics.http_code_target(
            elbv2.HttpCodeTarget.TARGET_5XX_COUNT, period=five, statistic="Sum"
        )
        requests = self.alb.metrics.request_count(period=five, statistic="Sum")
        rate = cloudwatch.MathExpression(
            expression="IF(requests > 0, 100 * errors / requests, 0)",
            using_metrics={"errors": errors, "requests": requests},
            period=five,
            label="5xx responses (% of requests)",
        )
        audit = logs.MetricFilter(
            self,
            "AuditVerificationFailures",
            log_group=self.log_groups["worker"],
            metric_namespace=f"CreditGenie/{self.agency.slug}",
            metric_name="AuditVerificationFailures",
            filter_pattern=logs.FilterPattern.string_value(
                "$.event", "=", names.AUDIT_FAILURE_EVENT
            ),
            metric_value="1",
            default_value=0,
        )
        alarms = {
            "Web5xxRate": (rate, 5, 2, "more than 5% of answers are server errors"),
            "QueueAge": (
                self.queue.metric_approximate_age_of_oldest_message(period=five),
                900,
                2,
                "a task has waited more than 15 minutes",
            ),
            "DeadLetters": (
                self.dead_letter.metric_approximate_number_of_messages_visible(period=five),
                1,
                1,
                "a task failed five times and went to the dead-letter queue",
            ),
            "AuditVerification": (
                audit.metric(period=five, statistic="Sum"),
                1,
                1,
                "the audit chain failed its verification",
            ),
            "DatabaseCpu": (
                self.database.metric_cpu_utilization(period=five),
                80,
                3,
                "database CPU above 80%",
            ),
            "DatabaseFreeStorage": (
                self.database.metric_free_storage_space(period=five),
                5 * 1024**3,
                1,
                "database has less than 5 GiB free",
            ),
        }
        for name, (metric, threshold, periods, description) in alarms.items():
            below = name == "DatabaseFreeStorage"
            alarm = cloudwatch.Alarm(
                self,
                name,
                metric=metric,
                threshold=threshold,
                evaluation_periods=periods,
                alarm_description=description,
                comparison_operator=(
                    cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD
                    if below
                    else cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD
                ),
                treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
            )
            alarm.add_alarm_action(action)

    def _trail(self) -> None:
        bucket = s3.Bucket(
            self,
            "TrailBucket",
            encryption=s3.BucketEncryption.S3_MANAGED,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            enforce_ssl=True,
            versioned=True,
            server_access_logs_bucket=self.logs_bucket,
            server_access_logs_prefix="trail/",
            removal_policy=RemovalPolicy.RETAIN,
        )
        cloudtrail.Trail(
            self,
            "Trail",
            bucket=bucket,
            encryption_key=self.key,
            enable_file_validation=True,
            is_multi_region_trail=True,
            include_global_service_events=True,
            send_to_cloud_watch_logs=True,
            cloud_watch_log_group=parts.log_group(self, "TrailLogs", self.key),
        )


def _allow(role: iam.Role, sid: str, actions: list[str], resources: list[str]) -> None:
    role.add_to_policy(iam.PolicyStatement(sid=sid, actions=actions, resources=resources))
