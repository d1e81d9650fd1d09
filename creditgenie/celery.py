"""The Celery app of one deployment.

Conventions (../STYLE.md): tasks have an explicit `name=`, take keyword primitives
(ids, never model instances), fetch, call one service and return; they are queued
only after the transaction commits (`delay_on_commit`). Acks are late and a task
whose worker dies goes back to the queue, so every side effect must be idempotent.
"""

from __future__ import annotations

import os
from pathlib import Path

from celery import Celery
from celery.signals import after_setup_logger

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "creditgenie.settings")

app = Celery("creditgenie")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_configure.connect
def _make_broker_folders(sender: Celery, **kwargs: object) -> None:
    """The filesystem broker (embedded default) needs its folders to exist."""
    options = sender.conf.broker_transport_options or {}
    for key in ("data_folder_in", "data_folder_out", "processed_folder", "control_folder"):
        if key in options:
            Path(options[key]).mkdir(parents=True, exist_ok=True)
    backend = sender.conf.result_backend or ""
    if backend.startswith("file://"):
        Path(backend.removeprefix("file://")).mkdir(parents=True, exist_ok=True)


@after_setup_logger.connect
def _use_django_logging(logger: object, **kwargs: object) -> None:
    """Workers log through the same JSON formatter and PII scrubber as the web."""
    from django.conf import settings
    from django.utils.log import configure_logging

    configure_logging(settings.LOGGING_CONFIG, settings.LOGGING)


@app.task(name="creditgenie.ping")
def ping() -> str:
    """Round trip through broker and worker; used by readiness checks and tests."""
    return "pong"
