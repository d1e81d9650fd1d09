"""The platform's stack (front door behind CloudFront, the warehouse in Glue and Athena,
the scheduled benchmarks) and the release pipeline's order of stages."""

from __future__ import annotations

import pytest

from deploy.infra.warehouse import COLUMNS

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def _one(template, kind: str) -> dict:
    (resource,) = template.find_resources(kind).values()
    return resource["Properties"]


def test_the_front_door_is_behind_cloudfront_with_aws_waf(templates):
    platform = templates["platform"]
    config = _one(platform, "AWS::CloudFront::Distribution")["DistributionConfig"]
    assert config["Aliases"] == ["www.creditgenie.app"]
    assert config["ViewerCertificate"]["MinimumProtocolVersion"] == "TLSv1.2_2021"
    assert config["DefaultCacheBehavior"]["ViewerProtocolPolicy"] == "redirect-to-https"
    (origin,) = config["Origins"]
    assert origin["DomainName"] == "origin.www.creditgenie.app"
    assert origin["CustomOriginConfig"]["OriginProtocolPolicy"] == "https-only"
    acls = platform.find_resources("AWS::WAFv2::WebACL")
    edge = next(k for k in acls if k.startswith("EdgeAcl"))
    assert config["WebACLId"] == {"Fn::GetAtt": [edge, "Arn"]}
    assert acls[edge]["Properties"]["Scope"] == "CLOUDFRONT"


def test_the_glue_table_reads_the_parquet_files_by_projected_partitions(templates):
    table = _one(templates["platform"], "AWS::Glue::Table")["TableInput"]
    params = table["Parameters"]
    assert params["projection.enabled"] == "true"
    assert params["projection.agency.values"] == "dev-demo,preprod-demo,acme,beacon"
    assert (params["projection.date.type"], params["projection.date.format"]) == (
        "date",
        "yyyy-MM-dd",
    )
    assert [k["Name"] for k in table["PartitionKeys"]] == ["agency", "date"]
    columns = [(c["Name"], c["Type"]) for c in table["StorageDescriptor"]["Columns"]]
    assert columns == list(COLUMNS)


def test_the_glue_columns_are_the_shipped_parquet_schema():
    from integrations.warehouse.parquet import ARROW_SCHEMA

    assert [name for name, _ in COLUMNS] == ARROW_SCHEMA.names


def test_athena_results_are_encrypted_and_the_benchmarks_run_on_a_schedule(templates):
    platform = templates["platform"]
    workgroup = _one(platform, "AWS::Athena::WorkGroup")["WorkGroupConfiguration"]
    assert workgroup["EnforceWorkGroupConfiguration"] is True
    encryption = workgroup["ResultConfiguration"]["EncryptionConfiguration"]
    assert encryption["EncryptionOption"] == "SSE_KMS"
    rule = _one(platform, "AWS::Events::Rule")
    assert rule["ScheduleExpression"] == "rate(1 hour)"
    tasks = platform.find_resources("AWS::ECS::TaskDefinition")
    bench = next(t for k, t in tasks.items() if k.startswith("BenchmarksTask"))
    (container,) = bench["Properties"]["ContainerDefinitions"]
    assert container["Command"] == ["manage", "benchmarks_refresh"]
    env = {e["Name"]: e["Value"] for e in container["Environment"]}
    assert env["CREDITGENIE_BENCHMARKS_ENGINE"] == "athena"


def test_the_pipeline_builds_once_then_promotes_through_the_waves(cdk_app):
    from aws_cdk.assertions import Template

    _, pipeline, _, _ = cdk_app
    template = Template.from_stack(pipeline)
    stages = _one(template, "AWS::CodePipeline::Pipeline")["Stages"]
    # CodePipeline names a wave of one stage after that stage: acme is wave 1, beacon 2.
    assert [s["Name"] for s in stages] == [
        "Source",
        "Build",
        "UpdatePipeline",
        "Assets",
        "dns",
        "dev-demo",
        "preprod-demo",
        "platform",
        "acme",
        "beacon",
    ]
    platform = next(s for s in stages if s["Name"] == "platform")
    assert platform["Actions"][0]["Name"] == "PromoteToProduction"
    # The image is built and pushed once, in the build step; every stage pulls that tag.
    (build,) = [
        p
        for p in template.find_resources("AWS::CodeBuild::Project").values()
        if "docker push" in p["Properties"]["Source"]["BuildSpec"]
    ]
    assert "bin/test" in build["Properties"]["Source"]["BuildSpec"]


def test_the_config_refuses_a_shared_account(tmp_path):
    from deploy.infra.config import CONFIG_FILE, ConfigError, config_load

    text = CONFIG_FILE.read_text().replace('account = "200000000002"', 'account = "200000000001"')
    path = tmp_path / "agencies.toml"
    path.write_text(text)
    with pytest.raises(ConfigError, match="its own AWS account"):
        config_load(path)
    path.write_text(CONFIG_FILE.read_text().replace("acme.creditgenie.app", "acme.example.org"))
    with pytest.raises(ConfigError, match=r"acme: domain must be under creditgenie\.app"):
        config_load(path)
