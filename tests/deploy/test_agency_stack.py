"""An agency's stack, as synthesised: everything at rest under the agency's key, public
access blocked, staff MFA, migrations before traffic, alarms, CloudTrail."""

from __future__ import annotations

import pytest

from deploy.infra import names
from deploy.infra.staff import STAFF_GROUPS
from tenants.roles import STAFF_ROLES

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def _resources(template, kind: str) -> dict[str, dict]:
    return template.find_resources(kind)


def _key_id(template) -> str:
    (key_id,) = _resources(template, "AWS::KMS::Key")
    return key_id


def _by_prefix(resources: dict[str, dict], prefix: str) -> dict:
    (found,) = [r for logical, r in resources.items() if logical.startswith(prefix)]
    return found


def test_every_stage_is_synthesised(cdk_app):
    _, pipeline, config, _ = cdk_app
    assert list(pipeline.stages) == [
        "dns",
        "dev-demo",
        "preprod-demo",
        "platform",
        "acme",
        "beacon",
    ]
    for agency in config.everyone:
        stack = pipeline.stages[agency.slug].stack
        assert (stack.account, stack.region) == (agency.account, agency.region)


def test_data_at_rest_is_under_the_agency_key(templates):
    acme = templates["acme"]
    key = {"Fn::GetAtt": [_key_id(acme), "Arn"]}
    buckets = _resources(acme, "AWS::S3::Bucket")
    for name in ("Documents", "AuditAnchors"):
        rule = _by_prefix(buckets, name)["Properties"]["BucketEncryption"]
        (default,) = rule["ServerSideEncryptionConfiguration"]
        by_default = default["ServerSideEncryptionByDefault"]
        assert by_default == {"KMSMasterKeyID": key, "SSEAlgorithm": "aws:kms"}, name
    (database,) = _resources(acme, "AWS::RDS::DBInstance").values()
    props = database["Properties"]
    assert (props["StorageEncrypted"], props["KmsKeyId"]) == (True, key)
    assert (props["MultiAZ"], props["EnableIAMDatabaseAuthentication"]) == (True, True)
    assert props["PerformanceInsightsKMSKeyId"] == key
    for queue in _resources(acme, "AWS::SQS::Queue").values():
        assert queue["Properties"]["KmsMasterKeyId"] == key
    for group in _resources(acme, "AWS::Logs::LogGroup").values():
        assert group["Properties"]["KmsKeyId"] == key
        assert group["Properties"]["RetentionInDays"] == 365
    for secret in _resources(acme, "AWS::SecretsManager::Secret").values():
        assert secret["Properties"]["KmsKeyId"] == key
    (topic,) = _resources(acme, "AWS::SNS::Topic").values()
    assert topic["Properties"]["KmsMasterKeyId"] == key
    (cache,) = _resources(acme, "AWS::ElastiCache::ServerlessCache").values()
    assert cache["Properties"]["KmsKeyId"] == key


def test_the_web_processes_share_one_cache_over_tls(templates):
    acme = templates["acme"]
    (cache_id,) = _resources(acme, "AWS::ElastiCache::ServerlessCache")
    tasks = _resources(acme, "AWS::ECS::TaskDefinition")
    web = next(t for k, t in tasks.items() if k.startswith("WebTask"))
    env = {
        e["Name"]: e["Value"] for e in web["Properties"]["ContainerDefinitions"][0]["Environment"]
    }
    assert env["CACHE_URL"] == {
        "Fn::Join": ["", ["rediss://", {"Fn::GetAtt": [cache_id, "Endpoint.Address"]}, ":6379/0"]]
    }


@pytest.mark.parametrize("stage", ["acme", "platform"])
def test_every_bucket_blocks_public_access_and_plain_http(templates, stage):
    template = templates[stage]
    buckets = _resources(template, "AWS::S3::Bucket")
    assert len(buckets) >= 3
    for logical, bucket in buckets.items():
        block = bucket["Properties"]["PublicAccessBlockConfiguration"]
        assert block == {
            "BlockPublicAcls": True,
            "BlockPublicPolicy": True,
            "IgnorePublicAcls": True,
            "RestrictPublicBuckets": True,
        }, logical
        assert bucket["Properties"]["VersioningConfiguration"] == {"Status": "Enabled"}, logical
    policies = _resources(template, "AWS::S3::BucketPolicy").values()
    tls_only = {
        p["Properties"]["Bucket"]["Ref"]
        for p in policies
        for s in p["Properties"]["PolicyDocument"]["Statement"]
        if s["Effect"] == "Deny" and s["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    }
    assert tls_only == set(buckets)


def test_audit_anchors_are_write_once_in_compliance_mode(templates):
    anchors = _by_prefix(_resources(templates["acme"], "AWS::S3::Bucket"), "AuditAnchors")
    props = anchors["Properties"]
    assert props["ObjectLockEnabled"] is True
    assert props["ObjectLockConfiguration"] == {
        "ObjectLockEnabled": "Enabled",
        "Rule": {"DefaultRetention": {"Mode": "COMPLIANCE", "Days": 7 * 365}},
    }


def test_staff_groups_live_in_the_pool_that_requires_mfa(templates):
    acme = templates["acme"]
    pools = _resources(acme, "AWS::Cognito::UserPool")
    staff_id = next(k for k in pools if k.startswith("StaffPool"))
    consumers_id = next(k for k in pools if k.startswith("ConsumersPool"))
    assert pools[staff_id]["Properties"]["MfaConfiguration"] == "ON"
    assert pools[staff_id]["Properties"]["EnabledMfas"] == ["SOFTWARE_TOKEN_MFA"]
    assert pools[staff_id]["Properties"]["AdminCreateUserConfig"]["AllowAdminCreateUserOnly"]
    assert pools[consumers_id]["Properties"]["MfaConfiguration"] == "OPTIONAL"
    groups = _resources(acme, "AWS::Cognito::UserPoolGroup").values()
    assert {g["Properties"]["GroupName"] for g in groups} == set(STAFF_GROUPS)
    assert {g["Properties"]["UserPoolId"]["Ref"] for g in groups} == {staff_id}
    assert set(STAFF_GROUPS) == {str(role) for role in STAFF_ROLES}
    clients = _resources(acme, "AWS::Cognito::UserPoolClient").values()
    for client in clients:
        props = client["Properties"]
        assert (props["GenerateSecret"], props["AllowedOAuthFlows"]) == (True, ["code"])
        assert props["CallbackURLs"] == ["https://acme.creditgenie.app/oidc/callback/"]


def test_web_worker_and_beat_wait_for_the_migrations_and_roll_back_on_failure(templates):
    acme = templates["acme"]
    services = _resources(acme, "AWS::ECS::Service")
    assert len(services) == 3
    (migrations,) = _resources(acme, "AWS::CloudFormation::CustomResource")
    migrate_task = next(
        k for k in _resources(acme, "AWS::ECS::TaskDefinition") if k.startswith("MigrateTask")
    )
    props = _resources(acme, "AWS::CloudFormation::CustomResource")[migrations]["Properties"]
    assert props["TaskDefinition"] == {"Ref": migrate_task}
    for logical, service in services.items():
        assert migrations in service["DependsOn"], logical
        breaker = service["Properties"]["DeploymentConfiguration"]["DeploymentCircuitBreaker"]
        assert breaker == {"Enable": True, "Rollback": True}, logical
    commands = {
        k.removesuffix(k[-8:]): t["Properties"]["ContainerDefinitions"][0]["Command"]
        for k, t in _resources(acme, "AWS::ECS::TaskDefinition").items()
    }
    assert commands == {
        "WebTask": ["web"],
        "WorkerTask": ["worker"],
        "BeatTask": ["beat"],
        "MigrateTask": ["migrate"],
    }


def test_the_web_entrance_is_tls_behind_aws_waf(templates):
    acme = templates["acme"]
    listeners = [
        listener["Properties"]
        for listener in _resources(acme, "AWS::ElasticLoadBalancingV2::Listener").values()
    ]
    https = [p for p in listeners if p["Port"] == 443]
    assert [(p["Protocol"], p["SslPolicy"]) for p in https] == [
        ("HTTPS", "ELBSecurityPolicy-TLS13-1-2-2021-06")
    ]
    redirect = next(p for p in listeners if p["Port"] == 80)
    assert redirect["DefaultActions"][0]["RedirectConfig"]["Protocol"] == "HTTPS"
    (acl,) = _resources(acme, "AWS::WAFv2::WebACL").values()
    groups = {
        r["Statement"]["ManagedRuleGroupStatement"]["Name"]
        for r in acl["Properties"]["Rules"]
        if "ManagedRuleGroupStatement" in r["Statement"]
    }
    assert "AWSManagedRulesCommonRuleSet" in groups and "AWSManagedRulesSQLiRuleSet" in groups
    assert len(_resources(acme, "AWS::WAFv2::WebACLAssociation")) == 1
    assert len(_resources(acme, "AWS::WAFv2::LoggingConfiguration")) == 1


def test_alarms_watch_errors_queues_audit_and_database(templates):
    acme = templates["acme"]
    alarms = _resources(acme, "AWS::CloudWatch::Alarm")
    described = sorted(a["Properties"]["AlarmDescription"] for a in alarms.values())
    assert described == [
        "a task failed five times and went to the dead-letter queue",
        "a task has waited more than 15 minutes",
        "database CPU above 80%",
        "database has less than 5 GiB free",
        "more than 5% of answers are server errors",
        "the audit chain failed its verification",
    ]
    for alarm in alarms.values():
        assert len(alarm["Properties"]["AlarmActions"]) == 1
    (metric_filter,) = _resources(acme, "AWS::Logs::MetricFilter").values()
    pattern = metric_filter["Properties"]["FilterPattern"]
    assert pattern == f'{{ $.event = "{names.AUDIT_FAILURE_EVENT}" }}'
    # The alarm matches the very event the app's scheduled verification logs.
    from tenants.audit.services import CHAIN_BROKEN_EVENT

    assert names.AUDIT_FAILURE_EVENT == CHAIN_BROKEN_EVENT


def test_cloudtrail_is_on_with_validated_encrypted_logs(templates):
    acme = templates["acme"]
    (trail,) = _resources(acme, "AWS::CloudTrail::Trail").values()
    props = trail["Properties"]
    assert (props["IsLogging"], props["EnableLogFileValidation"]) == (True, True)
    assert props["IsMultiRegionTrail"] is True
    assert props["KMSKeyId"] == {"Fn::GetAtt": [_key_id(acme), "Arn"]}
