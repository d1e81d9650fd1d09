"""TransUnion sandbox: ``python -m integrations.sandbox.transunion --port N``."""
