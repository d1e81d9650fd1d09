"""Forms of the consumer side outside the wizard, one module per domain (the wizard's step
forms are in intake.wizard.forms)."""
