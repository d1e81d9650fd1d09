"""Least privilege in every synthesised stack: no wildcard actions, "*" resources only for
actions AWS defines without one, and no task role of an agency reaching anything of another
agency (its bucket, its key, its queues or its warehouse prefix)."""

from __future__ import annotations

import copy
import re

import pytest

from deploy.infra import names

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

# Actions that AWS defines with no resource ARN: a statement with them must say "*".
STAR_ONLY_ACTIONS = {
    "ecr:GetAuthorizationToken": "a registry login token is not tied to a repository",
    "route53:ListHostedZonesByName": "listing zones has no resource to name",
    "logs:PutRetentionPolicy": "CDK's log-retention helper, for log groups it does not own",
    "logs:DeleteRetentionPolicy": "as logs:PutRetentionPolicy",
}
STAGE_STACKS = ("dns", "dev-demo", "preprod-demo", "platform", "acme", "beacon")
TASK_ROLE = re.compile(r"^(Web|Worker|Beat|Migrate)TaskRole[0-9A-F]{8}$")


def _statements(template):
    for logical, policy in template.find_resources("AWS::IAM::Policy").items():
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]:
            yield logical, policy, statement


def _role_refs(policy: dict) -> list[str]:
    roles = policy["Properties"].get("Roles", [])
    return [r["Ref"] for r in roles if isinstance(r, dict) and "Ref" in r]


def _listed(value) -> list:
    return value if isinstance(value, list) else [value]


def wildcard_problems(template) -> list[str]:
    problems = []
    for logical, _, statement in _statements(template):
        actions = _listed(statement["Action"])
        for action in actions:
            if action == "*" or action.endswith(":*"):
                problems.append(f"{logical}: action {action}")
        if "*" in _listed(statement["Resource"]):
            extra = sorted(set(actions) - set(STAR_ONLY_ACTIONS))
            if extra:
                problems.append(f"{logical}: resource * for {extra}")
    return problems


@pytest.mark.parametrize("stage", STAGE_STACKS)
def test_no_wildcard_actions_and_star_resources_only_where_aws_requires(templates, stage):
    assert wildcard_problems(templates[stage]) == []


def test_the_wildcard_check_catches_a_wildcard(templates):
    tampered = copy.deepcopy(templates["acme"].to_json())
    policy = next(p for p in tampered["Resources"].values() if p["Type"] == "AWS::IAM::Policy")
    policy["Properties"]["PolicyDocument"]["Statement"].append(
        {"Action": "s3:*", "Effect": "Allow", "Resource": "*"}
    )

    class _Template:
        def find_resources(self, kind):
            return {k: v for k, v in tampered["Resources"].items() if v["Type"] == kind}

    assert wildcard_problems(_Template()) == [
        f"{next(k for k, v in tampered['Resources'].items() if v is policy)}: action s3:*",
        f"{next(k for k, v in tampered['Resources'].items() if v is policy)}: "
        "resource * for ['s3:*']",
    ]


def _strings_and_refs(value, strings: list[str], refs: list[str]) -> None:
    if isinstance(value, str):
        strings.append(value)
    elif isinstance(value, list):
        for item in value:
            _strings_and_refs(item, strings, refs)
    elif isinstance(value, dict):
        if "Ref" in value:
            refs.append(value["Ref"])
        elif "Fn::GetAtt" in value:
            refs.append(value["Fn::GetAtt"][0])
        else:
            for item in value.values():
                _strings_and_refs(item, strings, refs)


def foreign_reach(resources: dict, slug: str, config) -> list[str]:
    """What the task roles of agency `slug` may touch outside its own stack, other than its
    own warehouse prefix and the warehouse key: each entry is one finding."""
    others = [a for a in config.everyone if a.slug != slug]
    warehouse = names.warehouse_bucket_name(config.platform.platform_account)
    allowed_literals = {
        f"arn:aws:s3:::{warehouse}/{names.WAREHOUSE_PREFIX}/agency={slug}/*",
        f"arn:aws:kms:{config.platform.region}:{config.platform.platform_account}:key/*",
    }
    findings = []
    for logical, policy in resources.items():
        if policy["Type"] != "AWS::IAM::Policy":
            continue
        if not any(TASK_ROLE.match(role) for role in _role_refs(policy)):
            continue
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]:
            strings, refs = [], []
            _strings_and_refs(statement["Resource"], strings, refs)
            findings += [f"{logical}: {r} is not in this stack" for r in refs if r not in resources]
            literal = [s for s in strings if s.startswith("arn:")]
            findings += [f"{logical}: {s}" for s in literal if s not in allowed_literals]
            text = repr(statement)
            for other in others:
                if other.account in text or f"agency={other.slug}/" in text:
                    findings.append(f"{logical}: names {other.slug}")
            if "kms:ResourceAliases" in repr(statement.get("Condition", {})):
                alias = statement["Condition"]["ForAnyValue:StringEquals"]["kms:ResourceAliases"]
                if alias != names.WAREHOUSE_KEY_ALIAS:
                    findings.append(f"{logical}: key alias {alias}")
    return findings


@pytest.mark.parametrize("slug", ["dev-demo", "preprod-demo", "acme", "beacon"])
def test_no_task_role_reaches_another_agency(templates, cdk_app, slug):
    config = cdk_app[2]
    resources = templates[slug].to_json()["Resources"]
    assert foreign_reach(resources, slug, config) == []
    # Each reference the roles hold is to this stack's own bucket, key, queue or cluster.
    kinds = set()
    for policy in resources.values():
        if policy["Type"] == "AWS::IAM::Policy" and any(
            TASK_ROLE.match(r) for r in _role_refs(policy)
        ):
            refs: list[str] = []
            _strings_and_refs(policy["Properties"]["PolicyDocument"], [], refs)
            kinds |= {resources[r]["Type"] for r in refs}
    assert kinds == {"AWS::S3::Bucket", "AWS::KMS::Key", "AWS::SQS::Queue"}


@pytest.mark.parametrize(
    "grant",
    [
        "arn:aws:s3:::{bucket}/*",  # another agency's documents, by a literal ARN
        "arn:aws:kms:us-east-2:{account}:key/0c0c1d1e-2f30-4b63-9f7e-6d1c3a525d8e",
        "arn:aws:s3:::creditgenie-warehouse-100000000002/events/agency=beacon/*",
    ],
)
def test_a_grant_to_another_agencys_bucket_or_key_is_caught(templates, cdk_app, grant):
    config = cdk_app[2]
    resources = copy.deepcopy(templates["acme"].to_json()["Resources"])
    worker = next(
        p
        for p in resources.values()
        if p["Type"] == "AWS::IAM::Policy"
        and any(r.startswith("WorkerTaskRole") for r in _role_refs(p))
    )
    resource = grant.format(bucket="creditgenie-beacon-documents", account="200000000002")
    worker["Properties"]["PolicyDocument"]["Statement"].append(
        {"Action": "s3:GetObject", "Effect": "Allow", "Resource": resource}
    )
    assert foreign_reach(resources, "acme", config) != []


def test_a_reference_to_a_resource_of_another_stack_is_caught(templates, cdk_app):
    resources = copy.deepcopy(templates["acme"].to_json()["Resources"])
    web = next(
        p
        for p in resources.values()
        if p["Type"] == "AWS::IAM::Policy"
        and any(r.startswith("WebTaskRole") for r in _role_refs(p))
    )
    web["Properties"]["PolicyDocument"]["Statement"].append(
        {
            "Action": "kms:Decrypt",
            "Effect": "Allow",
            "Resource": {"Fn::GetAtt": ["BeaconKey1234ABCD", "Arn"]},
        }
    )
    assert foreign_reach(resources, "acme", cdk_app[2]) == [
        next(k for k, v in resources.items() if v is web)
        + ": BeaconKey1234ABCD is not in this stack"
    ]


def test_the_warehouse_admits_each_agency_to_its_own_prefix_only(templates, cdk_app):
    config = cdk_app[2]
    platform = templates["platform"].to_json()["Resources"]
    policy = next(
        p
        for k, p in platform.items()
        if p["Type"] == "AWS::S3::BucketPolicy" and k.startswith("WarehouseEventsPolicy")
    )
    grants = {
        s["Condition"]["ArnEquals"]["aws:PrincipalArn"]: s["Resource"]
        for s in policy["Properties"]["PolicyDocument"]["Statement"]
        if s["Effect"] == "Allow"
    }
    assert len(grants) == len(config.everyone)
    for agency in config.everyone:
        role = f"arn:aws:iam::{agency.account}:role/creditgenie-{agency.slug}-worker"
        (_, parts) = grants[role]["Fn::Join"]
        assert parts[-1] == f"/events/agency={agency.slug}/*"
