"""The CDK app synthesised once per test session (jsii runs it in a Node.js process), with
cdk-nag's packs as policy validation: building the fixture fails on any finding that
deploy/infra/suppressions.py does not acknowledge with a reason."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION", "1")
os.environ.setdefault("JSII_SILENCE_WARNING_UNTESTED_NODE_VERSION", "1")


@pytest.fixture(scope="session")
def cdk_app(tmp_path_factory):
    from deploy.app import app_build
    from deploy.infra.config import config_load

    config = config_load()
    app, pipeline = app_build(config, outdir=str(tmp_path_factory.mktemp("cdk.out")))
    assembly = app.synth()
    return app, pipeline, config, assembly


@pytest.fixture(scope="session")
def templates(cdk_app):
    """Stage name -> its stack's template (aws_cdk.assertions.Template)."""
    from aws_cdk.assertions import Template

    _, pipeline, _, _ = cdk_app
    return {name: Template.from_stack(stage.stack) for name, stage in pipeline.stages.items()}
