"""Amazon Web Services used by the notifications: SNS for texts, SES for e-mail."""
