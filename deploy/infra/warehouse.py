"""The warehouse in the platform account: the bucket the agencies ship Parquet files to (each
agency's worker role may write only under its own prefix), a Glue table over those files
with partition projection on agency and date, and the Athena workgroup the benchmarks use."""

from __future__ import annotations

from aws_cdk import Duration, RemovalPolicy, Stack
from aws_cdk import aws_athena as athena
from aws_cdk import aws_glue as glue
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from constructs import Construct

from . import names, parts
from .config import Config

GLUE_DATABASE = "creditgenie_warehouse"
GLUE_TABLE = "events"
WORKGROUP = "creditgenie-benchmarks"
# docs/analytics.md's Parquet schema (integrations/warehouse/schema.py ARROW_SCHEMA, checked
# equal by tests/deploy), in Glue's type names.
COLUMNS = (
    ("event_id", "string"),
    ("event_type", "string"),
    ("occurred_hour", "timestamp"),
    ("schema_version", "smallint"),
    ("profile_level", "smallint"),
    *[
        (name, "string")
        for name in (
            "consumer_pid",
            "case_pid",
            "language",
            "step",
            "age_band",
            "zip3",
            "state",
            "region",
            "household_band",
            "income_band",
            "debt_band",
            "verification_source",
            "failure_reason",
            "decline_reason",
            "close_reason",
            "counseling_topic",
        )
    ],
    *[
        (name, "int")
        for name in ("verification_flags", "term_months", "creditor_count", "months_enrolled")
    ],
    *[(name, "decimal(12,2)") for name in ("monthly_payment", "enrolled_debt", "interest_saved")],
    ("concessions", "array<struct<creditor:string,apr:decimal(5,2)>>"),
)


class Warehouse(Construct):
    def __init__(
        self, scope: Construct, construct_id: str, *, config: Config, logs_bucket: s3.IBucket
    ) -> None:
        super().__init__(scope, construct_id)
        stack = Stack.of(self)
        self.key = kms.Key(
            self,
            "Key",
            alias=names.WAREHOUSE_KEY_ALIAS,
            enable_key_rotation=True,
            removal_policy=RemovalPolicy.RETAIN,
            description="Credit Genie warehouse files",
        )
        self.bucket = parts.private_bucket(
            self,
            "Events",
            self.key,
            logs_bucket,
            bucket_name=names.warehouse_bucket_name(stack.account),
        )
        for agency in config.everyone:
            self._admit(agency.slug, agency.account)
        self.results = parts.private_bucket(
            self,
            "QueryResults",
            self.key,
            logs_bucket,
            lifecycle_rules=[s3.LifecycleRule(expiration=Duration.days(30))],
        )
        self.database = glue.CfnDatabase(
            self,
            "Database",
            catalog_id=stack.account,
            database_input=glue.CfnDatabase.DatabaseInputProperty(name=GLUE_DATABASE),
        )
        self.table = self._table(config)
        self.table.node.add_dependency(self.database)
        self.workgroup = athena.CfnWorkGroup(
            self,
            "WorkGroup",
            name=WORKGROUP,
            recursive_delete_option=False,
            work_group_configuration=athena.CfnWorkGroup.WorkGroupConfigurationProperty(
                enforce_work_group_configuration=True,
                publish_cloud_watch_metrics_enabled=True,
                bytes_scanned_cutoff_per_query=100 * 1024**3,
                result_configuration=athena.CfnWorkGroup.ResultConfigurationProperty(
                    output_location=f"s3://{self.results.bucket_name}/athena/",
                    encryption_configuration=athena.CfnWorkGroup.EncryptionConfigurationProperty(
                        encryption_option="SSE_KMS", kms_key=self.key.key_arn
                    ),
                ),
            ),
        )

    def _admit(self, slug: str, account: str) -> None:
        """Agency `slug`'s worker role (in its own account) may put SSE-KMS objects under its
        own prefix and nowhere else; the role is named, not trusted by account."""
        role_arn = f"arn:aws:iam::{account}:role/{names.task_role_name(slug, 'worker')}"
        prefix = f"{names.WAREHOUSE_PREFIX}/agency={slug}/*"
        is_role = {"ArnEquals": {"aws:PrincipalArn": role_arn}}
        self.bucket.add_to_resource_policy(
            iam.PolicyStatement(
                sid=f"Ship{slug.replace('-', '')}",
                principals=[iam.AccountPrincipal(account)],
                actions=["s3:PutObject"],
                resources=[self.bucket.arn_for_objects(prefix)],
                conditions={
                    **is_role,
                    "StringEquals": {"s3:x-amz-server-side-encryption": "aws:kms"},
                },
            )
        )
        self.key.add_to_resource_policy(
            iam.PolicyStatement(
                sid=f"Encrypt{slug.replace('-', '')}",
                principals=[iam.AccountPrincipal(account)],
                actions=["kms:GenerateDataKey"],
                resources=["*"],  # a key policy's resource is this key
                conditions={
                    **is_role,
                    "StringEquals": {"kms:ViaService": f"s3.{Stack.of(self).region}.amazonaws.com"},
                },
            )
        )

    def _table(self, config: Config) -> glue.CfnTable:
        location = f"s3://{self.bucket.bucket_name}/{names.WAREHOUSE_PREFIX}"
        slugs = ",".join(a.slug for a in config.everyone)
        return glue.CfnTable(
            self,
            "Table",
            catalog_id=Stack.of(self).account,
            database_name=GLUE_DATABASE,
            table_input=glue.CfnTable.TableInputProperty(
                name=GLUE_TABLE,
                table_type="EXTERNAL_TABLE",
                parameters={
                    "classification": "parquet",
                    "projection.enabled": "true",
                    "projection.agency.type": "enum",
                    "projection.agency.values": slugs,
                    "projection.date.type": "date",
                    "projection.date.format": "yyyy-MM-dd",
                    "projection.date.range": "2026-01-01,NOW",
                    "projection.date.interval": "1",
                    "projection.date.interval.unit": "DAYS",
                    "storage.location.template": f"{location}/agency=${{agency}}/date=${{date}}/",
                },
                partition_keys=[
                    glue.CfnTable.ColumnProperty(name="agency", type="string"),
                    glue.CfnTable.ColumnProperty(name="date", type="string"),
                ],
                storage_descriptor=glue.CfnTable.StorageDescriptorProperty(
                    location=f"{location}/",
                    input_format="org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
                    output_format="org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat",
                    serde_info=glue.CfnTable.SerdeInfoProperty(
                        serialization_library=(
                            "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"
                        )
                    ),
                    columns=[glue.CfnTable.ColumnProperty(name=n, type=t) for n, t in COLUMNS],
                ),
            ),
        )

    def grant_query(self, role: iam.IRole) -> None:
        """What the benchmarks task needs to run its SQL in Athena and read the answer."""
        stack = Stack.of(self)
        workgroup = f"arn:aws:athena:{stack.region}:{stack.account}:workgroup/{WORKGROUP}"
        catalog = f"arn:aws:glue:{stack.region}:{stack.account}"
        statements = [
            (
                "RunQueries",
                [
                    "athena:StartQueryExecution",
                    "athena:GetQueryExecution",
                    "athena:GetQueryResults",
                ],
                [workgroup],
            ),
            (
                "ReadTable",
                ["glue:GetDatabase", "glue:GetTable", "glue:GetPartitions"],
                [
                    f"{catalog}:catalog",
                    f"{catalog}:database/{GLUE_DATABASE}",
                    f"{catalog}:table/{GLUE_DATABASE}/{GLUE_TABLE}",
                ],
            ),
            (
                "ReadEvents",
                ["s3:GetObject"],
                [self.bucket.arn_for_objects(f"{names.WAREHOUSE_PREFIX}/*")],
            ),
            (
                "ListEvents",
                ["s3:ListBucket", "s3:GetBucketLocation"],
                [self.bucket.bucket_arn, self.results.bucket_arn],
            ),
            (
                "Results",
                ["s3:GetObject", "s3:PutObject"],
                [self.results.arn_for_objects("athena/*")],
            ),
            ("WarehouseKey", ["kms:Decrypt", "kms:GenerateDataKey"], [self.key.key_arn]),
        ]
        for sid, actions, resources in statements:
            role.add_to_principal_policy(
                iam.PolicyStatement(sid=sid, actions=actions, resources=resources)
            )
