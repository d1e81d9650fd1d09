"""The release pipeline (CDK Pipelines), in the pipeline account.

It builds and tests once: the synth step runs the project's gates and tests, builds the
image and pushes it to this account's repository under the commit id, then synthesises
the stacks with that tag, so every stage runs the very same image. Then, in order: DNS,
development, pre-production, a manual approval, the platform, and the agencies wave by
wave. CDK Pipelines runs the waves one after another: a failed wave stops the rest.
"""

from __future__ import annotations

from aws_cdk import Environment, RemovalPolicy, Stack, Stage, Validations, pipelines
from aws_cdk import aws_codepipeline as codepipeline
from aws_cdk import aws_ecr as ecr
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from cdk_nag import AwsSolutionsChecks, NIST80053R5Checks
from constructs import Construct

from . import suppressions
from .agency import AgencyStack
from .config import Agency, Config
from .dns import DnsStack
from .platform import PlatformStack

REPOSITORY = "creditgenie"
REPLICA_KEY_ALIAS = "alias/creditgenie-release-artifacts"


def replica_bucket_name(account: str, region: str) -> str:
    return f"creditgenie-release-artifacts-{account}-{region}"


class ReplicaStack(Stack):
    """The pipeline's artifact bucket in one more region (pipeline account), readable by the
    accounts that deploy there."""

    def __init__(
        self, scope: Construct, construct_id: str, *, readers: list[str], **kwargs
    ) -> None:
        super().__init__(scope, construct_id, **kwargs)
        key = kms.Key(self, "Key", alias=REPLICA_KEY_ALIAS, enable_key_rotation=True)
        bucket = s3.Bucket(
            self,
            "Artifacts",
            bucket_name=replica_bucket_name(self.account, self.region),
            encryption=s3.BucketEncryption.KMS,
            encryption_key=key,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            enforce_ssl=True,
            versioned=True,
            removal_policy=RemovalPolicy.RETAIN,
        )
        for account in readers:
            bucket.grant_read(iam.AccountPrincipal(account))
            key.grant_decrypt(iam.AccountPrincipal(account))
        suppressions.replica(self)


def nag(scope: Construct) -> None:
    """cdk-nag's AWS Solutions and NIST 800-53 rev 5 packs as policy validation: synthesis
    fails on any finding that is not acknowledged (deploy/infra/suppressions.py)."""
    Validations.of(scope).add_plugins(AwsSolutionsChecks(scope), NIST80053R5Checks(scope))


def image_repository_arn(config: Config) -> str:
    p = config.platform
    return f"arn:aws:ecr:{p.region}:{p.pipeline_account}:repository/{REPOSITORY}"


class AgencyStage(Stage):
    def __init__(
        self, scope: Construct, construct_id: str, *, config: Config, agency: Agency, image_tag: str
    ) -> None:
        super().__init__(
            scope, construct_id, env=Environment(account=agency.account, region=agency.region)
        )
        self.stack = AgencyStack(
            self,
            "Agency",
            stack_name=f"creditgenie-{agency.slug}",
            agency=agency,
            platform=config.platform,
            image_repository_arn=image_repository_arn(config),
            image_tag=image_tag,
        )
        suppressions.agency(self.stack)


class DnsStage(Stage):
    def __init__(self, scope: Construct, construct_id: str, *, config: Config) -> None:
        p = config.platform
        super().__init__(
            scope, construct_id, env=Environment(account=p.dns_account, region=p.region)
        )
        self.stack = DnsStack(self, "Dns", stack_name="creditgenie-dns", config=config)
        suppressions.dns(self.stack)


class PlatformStage(Stage):
    def __init__(
        self, scope: Construct, construct_id: str, *, config: Config, image_tag: str
    ) -> None:
        p = config.platform
        super().__init__(
            scope, construct_id, env=Environment(account=p.platform_account, region=p.region)
        )
        self.stack = PlatformStack(
            self,
            "Platform",
            stack_name="creditgenie-platform",
            config=config,
            image_repository_arn=image_repository_arn(config),
            image_tag=image_tag,
        )
        suppressions.platform(self.stack)


class PipelineStack(Stack):
    def __init__(
        self, scope: Construct, construct_id: str, *, config: Config, image_tag: str, **kwargs
    ) -> None:
        super().__init__(scope, construct_id, **kwargs)
        p = config.platform
        self.stages: dict[str, Stage] = {}
        key = kms.Key(
            self, "ImageKey", enable_key_rotation=True, removal_policy=RemovalPolicy.RETAIN
        )
        self.repository = ecr.Repository(
            self,
            "Images",
            repository_name=REPOSITORY,
            image_scan_on_push=True,
            image_tag_mutability=ecr.TagMutability.IMMUTABLE,
            encryption=ecr.RepositoryEncryption.KMS,
            encryption_key=key,
            removal_policy=RemovalPolicy.RETAIN,
        )
        runners = {a.account for a in config.everyone} | {p.platform_account}
        for account in sorted(runners):
            self.repository.grant_pull(iam.AccountPrincipal(account))
            key.grant_decrypt(iam.AccountPrincipal(account))
        source = pipelines.CodePipelineSource.connection(
            p.repository, p.branch, connection_arn=p.connection_arn
        )
        image = f"{p.pipeline_account}.dkr.ecr.{p.region}.amazonaws.com/{REPOSITORY}"
        synth = pipelines.CodeBuildStep(
            "BuildAndTest",
            input=source,
            install_commands=[
                "python3 -m venv .venv",
                ".venv/bin/pip install --group test",
                "npm ci --ignore-scripts",
            ],
            commands=[
                "bin/test",
                "TAG=$CODEBUILD_RESOLVED_SOURCE_VERSION",
                "aws ecr get-login-password"
                f" | docker login --username AWS --password-stdin {image}",
                f'docker build -t "{image}:$TAG" .',
                f'docker push "{image}:$TAG"',
                'cd deploy && npx --yes aws-cdk@2 synth -c image_tag="$TAG"',
            ],
            primary_output_directory="deploy/cdk.out",
            role_policy_statements=[
                iam.PolicyStatement(
                    actions=[
                        "ecr:BatchCheckLayerAvailability",
                        "ecr:InitiateLayerUpload",
                        "ecr:UploadLayerPart",
                        "ecr:CompleteLayerUpload",
                        "ecr:PutImage",
                    ],
                    resources=[self.repository.repository_arn],
                ),
                iam.PolicyStatement(
                    actions=["kms:GenerateDataKey", "kms:Decrypt"], resources=[key.key_arn]
                ),
                # GetAuthorizationToken has no resource to scope to: AWS requires "*".
                iam.PolicyStatement(actions=["ecr:GetAuthorizationToken"], resources=["*"]),
            ],
        )
        # Artifacts for stages in other regions go through our own regional copies
        # (ReplicaStack), so every bucket the pipeline uses is named and checked here.
        replicas = sorted({a.region for a in config.everyone} - {p.region})
        code_pipeline = codepipeline.Pipeline(
            self,
            "Release",
            pipeline_name="creditgenie-release",
            cross_account_keys=True,
            enable_key_rotation=True,
            restart_execution_on_update=True,
            cross_region_replication_buckets={
                region: s3.Bucket.from_bucket_attributes(
                    self,
                    f"Replica-{region}",
                    bucket_name=replica_bucket_name(p.pipeline_account, region),
                    encryption_key=kms.Key.from_key_arn(
                        self,
                        f"ReplicaKey-{region}",
                        f"arn:aws:kms:{region}:{p.pipeline_account}:{REPLICA_KEY_ALIAS}",
                    ),
                )
                for region in replicas
            },
        )
        self.pipeline = pipelines.CodePipeline(
            self,
            "Pipeline",
            code_pipeline=code_pipeline,
            synth=synth,
            docker_enabled_for_synth=True,
        )
        dns = DnsStage(self, "dns", config=config)
        self.pipeline.add_stage(dns)
        self.stages["dns"] = dns
        for wave_name, agencies in config.waves():
            if wave_name == "wave-1":
                platform = PlatformStage(self, "platform", config=config, image_tag=image_tag)
                self.stages["platform"] = platform
                approval = pipelines.ManualApprovalStep("PromoteToProduction")
                self.pipeline.add_stage(platform, pre=[approval])
            wave = self.pipeline.add_wave(wave_name)
            for agency in agencies:
                stage = AgencyStage(
                    self, agency.slug, config=config, agency=agency, image_tag=image_tag
                )
                self.stages[agency.slug] = stage
                wave.add_stage(stage, post=[_smoke(agency)])
        self.pipeline.build_pipeline()
        suppressions.pipeline(
            self, {r: replica_bucket_name(p.pipeline_account, r) for r in replicas}
        )


def _smoke(agency: Agency) -> pipelines.ShellStep:
    """After an agency's stack is updated: its public readiness check must answer 200."""
    return pipelines.ShellStep(
        f"Ready-{agency.slug}",
        commands=[
            f"curl --fail --silent --show-error --retry 10 --retry-delay 15 https://{agency.domain}/readyz"
        ],
    )
