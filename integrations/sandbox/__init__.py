"""Local sandboxes that speak Plaid's and TransUnion's protocols (no Django inside).

Started as real processes by the local platform and the tests:
``python -m integrations.sandbox.plaid --port N`` and
``python -m integrations.sandbox.transunion --port N``.
"""
