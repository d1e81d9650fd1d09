"""Consumer-side pages: the wizard, the portal, and "talk to a counselor"."""
