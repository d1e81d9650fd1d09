"""The CDK app: `cd deploy && npx aws-cdk@2 synth` (cdk.json runs this). Synthesis is
offline: every account and region comes from agencies.toml, nothing is looked up."""

from __future__ import annotations

from aws_cdk import App, Environment

from deploy.infra.config import Config, config_load
from deploy.infra.pipeline import PipelineStack, ReplicaStack, nag

# Feature flags the stacks rely on (also in cdk.json for the CLI).
CONTEXT = {
    "@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy": True,
    "@aws-cdk/core:checkSecretUsage": True,
    "@aws-cdk/aws-iam:minimizePolicies": True,
}
# Before the first release there is no image: synthesis for review uses this tag.
UNRELEASED = "unreleased"


def app_build(
    config: Config, outdir: str | None = None, image_tag: str | None = None
) -> tuple[App, PipelineStack]:
    app = App(outdir=outdir, context=CONTEXT) if outdir else App(context=CONTEXT)
    tag = image_tag or app.node.try_get_context("image_tag") or UNRELEASED
    p = config.platform
    pipeline = PipelineStack(
        app,
        "CreditGeniePipeline",
        config=config,
        image_tag=tag,
        env=Environment(account=p.pipeline_account, region=p.region),
    )
    for region in sorted({a.region for a in config.everyone} - {p.region}):
        ReplicaStack(
            app,
            f"CreditGenieReleaseArtifacts-{region}",
            readers=sorted({a.account for a in config.everyone if a.region == region}),
            env=Environment(account=p.pipeline_account, region=region),
        )
    nag(app)
    return app, pipeline


if __name__ == "__main__":
    app, _ = app_build(config_load())
    app.synth()
