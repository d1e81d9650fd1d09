"""Pages of the tenants app, one module per domain: agency (landing page, brand), accounts
(sign-in), frontdoor (routing to an agency), benchmarks (platform staff)."""
