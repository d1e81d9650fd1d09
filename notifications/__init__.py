"""Notifications: an outbox of notices (e-mail and SMS) written in the same transaction as
the event that causes them and delivered by Celery workers (docs/notifications.md)."""
