"""PlatformStack, in the platform account: the front door (same image, role frontdoor)
behind CloudFront with AWS WAF, its database, the warehouse with Glue and Athena, and the
scheduled task that computes the benchmarks and stores them for the page."""

from __future__ import annotations

from aws_cdk import Duration, Stack
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_cloudfront as cloudfront
from aws_cdk import aws_cloudfront_origins as origins
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as events_targets
from aws_cdk import aws_iam as iam
from aws_cdk import aws_route53 as route53
from aws_cdk import aws_route53_targets as targets
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_secretsmanager as secretsmanager
from constructs import Construct

from . import names, parts, release
from .config import Config
from .warehouse import GLUE_DATABASE, GLUE_TABLE, WORKGROUP, Warehouse

BENCHMARKS_EVERY = Duration.hours(1)
SECRETS = "creditgenie/frontdoor"  # the front door's secrets' names start with this


class PlatformStack(Stack):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: Config,
        image_repository_arn: str,
        image_tag: str,
        **kwargs,
    ) -> None:
        super().__init__(scope, construct_id, **kwargs)
        image = parts.release_image(self, image_repository_arn, image_tag)
        self.config = config
        platform = config.platform
        self.key = parts.key_create(self, "alias/creditgenie/platform")
        self.vpc = parts.network(self, self.key)
        self.logs_bucket = parts.access_log_bucket(self)
        self.warehouse = Warehouse(self, "Warehouse", config=config, logs_bucket=self.logs_bucket)
        self.database = parts.database(self, self.vpc, self.key, f"{SECRETS}/database")
        self.secret_key = secretsmanager.Secret(
            self,
            "DjangoSecretKey",
            secret_name=f"{SECRETS}/secret-key",
            encryption_key=self.key,
            generate_secret_string=secretsmanager.SecretStringGenerator(
                password_length=64, exclude_punctuation=True
            ),
        )
        self.zone = route53.PublicHostedZone(self, "Zone", zone_name=platform.frontdoor_domain)
        route53.CrossAccountZoneDelegationRecord(
            self,
            "Delegation",
            delegated_zone=self.zone,
            parent_hosted_zone_name=platform.domain,
            delegation_role=iam.Role.from_role_arn(
                self,
                "DelegationRole",
                f"arn:aws:iam::{platform.dns_account}:role/"
                f"{names.delegation_role_name('frontdoor')}",
            ),
        )
        self.cluster = ecs.Cluster(
            self, "Cluster", vpc=self.vpc, container_insights_v2=ecs.ContainerInsights.ENHANCED
        )
        self.tasks = {
            kind: self._task(kind, image, command)
            for kind, command in (
                ("web", ["web"]),
                ("migrate", ["migrate"]),
                ("benchmarks", ["manage", "benchmarks_refresh"]),
            )
        }
        self.warehouse.grant_query(self.tasks["benchmarks"].task_role)
        origin_domain = f"origin.{platform.frontdoor_domain}"
        self.web, self.alb = parts.web_service(
            self,
            cluster=self.cluster,
            task=self.tasks["web"],
            zone=self.zone,
            domain=origin_domain,
            logs_bucket=self.logs_bucket,
            key=self.key,
        )
        route53.ARecord(
            self,
            "OriginAddress",
            zone=self.zone,
            record_name=origin_domain,
            target=route53.RecordTarget.from_alias(targets.LoadBalancerTarget(self.alb)),
        )
        self._front(origin_domain)
        parts.database_allow(self.database, self.web)
        migration = release.migration_step(
            self,
            cluster=self.cluster,
            task=self.tasks["migrate"],
            database=self.database,
            key=self.key,
        )
        self.web.node.add_dependency(migration)
        self._schedule_benchmarks()

    def _environment(self) -> dict[str, str]:
        platform = self.config.platform
        return {
            "CREDITGENIE_ROLE": "frontdoor",
            "CREDITGENIE_TENANT": "frontdoor",
            "CREDITGENIE_PUBLIC_URL": f"https://{platform.frontdoor_domain}",
            "ALLOWED_HOSTS": f"{platform.frontdoor_domain},origin.{platform.frontdoor_domain}",
            "CSRF_TRUSTED_ORIGINS": f"https://{platform.frontdoor_domain}",
            "CREDITGENIE_TRUSTED_PROXY_COUNT": "2",  # CloudFront, then the ALB
            "DATABASE_HOST": self.database.db_instance_endpoint_address,
            "DATABASE_PORT": str(parts.DATABASE_PORT),
            "DATABASE_NAME": "creditgenie",
            "CREDITGENIE_WAREHOUSE_URL": (
                f"s3://{self.warehouse.bucket.bucket_name}/{names.WAREHOUSE_PREFIX}"
            ),
            "AWS_WAREHOUSE_REGION": self.region,
            "CREDITGENIE_BENCHMARKS_ENGINE": "athena",
            "CREDITGENIE_ATHENA_WORKGROUP": WORKGROUP,
            "CREDITGENIE_ATHENA_DATABASE": GLUE_DATABASE,
            "CREDITGENIE_ATHENA_TABLE": GLUE_TABLE,
        }

    def _task(
        self, kind: str, image: ecs.ContainerImage, command: list[str]
    ) -> ecs.FargateTaskDefinition:
        role = iam.Role(
            self,
            f"{kind.title()}TaskRole",
            role_name=f"creditgenie-frontdoor-{kind}",
            assumed_by=iam.ServicePrincipal("ecs-tasks.amazonaws.com"),
        )
        task = ecs.FargateTaskDefinition(
            self, f"{kind.title()}Task", cpu=1024, memory_limit_mib=2048, task_role=role
        )
        db_secret = self.database.secret
        parts.app_container(
            task,
            image=image,
            command=command,
            group=parts.log_group(self, f"{kind}Logs", self.key),
            environment=self._environment(),
            secrets={
                "DATABASE_USER": ecs.Secret.from_secrets_manager(db_secret, "username"),
                "DATABASE_PASSWORD": ecs.Secret.from_secrets_manager(db_secret, "password"),
                "SECRET_KEY": ecs.Secret.from_secrets_manager(self.secret_key),
            },
            web=kind == "web",
        )
        return task

    def _front(self, origin_domain: str) -> None:
        """CloudFront in front of the ALB (HTTPS to the origin too), with AWS WAF; static
        files cached at the edge, everything else passed through uncached."""
        platform = self.config.platform
        certificate = acm.Certificate(
            self,
            "EdgeCertificate",
            domain_name=platform.frontdoor_domain,
            validation=acm.CertificateValidation.from_dns(self.zone),
        )
        edge_logs = s3.Bucket(
            self,
            "EdgeLogs",
            encryption=s3.BucketEncryption.S3_MANAGED,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            enforce_ssl=True,
            versioned=True,
            # CloudFront's standard logs are delivered with an ACL.
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
            server_access_logs_bucket=self.logs_bucket,
            server_access_logs_prefix="edge-logs/",
        )
        origin = origins.HttpOrigin(
            origin_domain,
            protocol_policy=cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
            origin_ssl_protocols=[cloudfront.OriginSslPolicy.TLS_V1_2],
        )
        acl = parts.waf_acl(self, "EdgeAcl", "CLOUDFRONT", self.key)
        self.distribution = cloudfront.Distribution(
            self,
            "Distribution",
            domain_names=[platform.frontdoor_domain],
            certificate=certificate,
            minimum_protocol_version=cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
            web_acl_id=acl.attr_arn,
            enable_logging=True,
            log_bucket=edge_logs,
            default_behavior=cloudfront.BehaviorOptions(
                origin=origin,
                viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
                allowed_methods=cloudfront.AllowedMethods.ALLOW_ALL,
                cache_policy=cloudfront.CachePolicy.CACHING_DISABLED,
                origin_request_policy=cloudfront.OriginRequestPolicy.ALL_VIEWER,
            ),
            additional_behaviors={
                "/static/*": cloudfront.BehaviorOptions(
                    origin=origin,
                    viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
                    cache_policy=cloudfront.CachePolicy.CACHING_OPTIMIZED,
                )
            },
        )
        route53.ARecord(
            self,
            "FrontDoorAddress",
            zone=self.zone,
            target=route53.RecordTarget.from_alias(targets.CloudFrontTarget(self.distribution)),
        )

    def _schedule_benchmarks(self) -> None:
        """`manage.py benchmarks_refresh` every hour: the SQL runs in Athena, the answer is
        stored in the front door's database, and the page reads it from there."""
        group = ec2.SecurityGroup(self, "BenchmarksSecurityGroup", vpc=self.vpc)
        parts.database_allow(self.database, group)
        events.Rule(
            self,
            "BenchmarksSchedule",
            schedule=events.Schedule.rate(BENCHMARKS_EVERY),
            targets=[
                events_targets.EcsTask(
                    cluster=self.cluster,
                    task_definition=self.tasks["benchmarks"],
                    subnet_selection=ec2.SubnetSelection(
                        subnet_type=ec2.SubnetType.PRIVATE_WITH_EGRESS
                    ),
                    security_groups=[group],
                )
            ],
        )
