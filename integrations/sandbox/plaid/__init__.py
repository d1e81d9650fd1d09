"""Plaid sandbox: ``python -m integrations.sandbox.plaid --port N``."""
