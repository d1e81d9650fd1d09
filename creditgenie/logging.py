"""JSON log lines that carry the request id and never carry PII.

Defence in depth: code must not log PII in the first place, and this formatter
still drops the request object Django attaches to error records, strips query
strings and masks anything shaped like an SSN, e-mail address, phone or account
number in the final line, tracebacks included.
"""

from __future__ import annotations

import logging
import re
from contextvars import ContextVar

from pythonjsonlogger.json import JsonFormatter as _BaseJsonFormatter

request_id_var: ContextVar[str] = ContextVar("request_id", default="-")

_SCRUBBERS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+"), "[email]"),
    (re.compile(r"\b\d{3}-\d{2}-\d{4}\b"), "[ssn]"),
    (re.compile(r"\(?\b\d{3}\)?[-. ]\d{3}[-. ]\d{4}\b"), "[phone]"),
    (re.compile(r"\b\d{9,19}\b"), "[number]"),
    (re.compile(r"\?[^\s\"']+"), "?[query]"),
)


_TRUSTED = frozenset({"time", "level", "name", "request_id"})


def scrub(text: str) -> str:
    """Mask values shaped like personal data in a log line."""
    for pattern, replacement in _SCRUBBERS:
        text = pattern.sub(replacement, text)
    return text


def scrub_nested(value: object) -> object:
    """``scrub`` applied to every string inside dicts, lists and tuples, keys included."""
    if isinstance(value, str):
        return scrub(value)
    if isinstance(value, dict):
        return {scrub_nested(k): scrub_nested(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [scrub_nested(item) for item in value]
    return value


class RequestIdFilter(logging.Filter):
    """Stamps each record with the id of the request (or task) being served."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        # Django attaches the request to error records; its repr holds the full URL.
        if hasattr(record, "request"):
            del record.request
        return True


class JsonFormatter(_BaseJsonFormatter):
    """One JSON object a line: time, level, logger, message, request_id, extras."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("fmt", "%(asctime)s %(levelname)s %(name)s %(message)s")
        kwargs.setdefault("rename_fields", {"asctime": "time", "levelname": "level"})
        super().__init__(*args, **kwargs)

    def process_log_record(self, log_data: dict[str, object]) -> dict[str, object]:
        """Scrubs every value but the few fields that are ours by construction, at any depth
        (the audit event's nested dict, lists of values)."""
        return {
            key: value if key in _TRUSTED else scrub_nested(value)
            for key, value in log_data.items()
        }


def logging_config(level: str) -> dict[str, object]:
    """LOGGING for settings: JSON lines on stderr with the request id; audit events always
    reach the log pipeline, whatever the general level."""
    console = {"handlers": ["console"], "level": level, "propagate": False}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": "creditgenie.logging.RequestIdFilter"}},
        "formatters": {"json": {"()": "creditgenie.logging.JsonFormatter"}},
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "filters": ["request_id"],
            }
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            "django": console,
            "django.server": console,
            "creditgenie.audit": {**console, "level": "INFO"},
        },
    }
