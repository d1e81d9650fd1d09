"""gunicorn settings of every deployment: ``gunicorn -c python:creditgenie.gunicorn_conf
creditgenie.wsgi``.

gunicorn's own lines (its error log and the access log) go through the app's JSON
formatter, so they are masked like every other line. The access line leaves out the
query string and the referrer, where personal data typed into a form could travel.
"""

from __future__ import annotations

accesslog = "-"
# Client, method, path without the query string, status, bytes, milliseconds, request id.
access_log_format = '%(h)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms %({x-request-id}o)s'

_HANDLER = {
    "class": "logging.StreamHandler",
    "formatter": "json",
    "filters": ["request_id"],
    "stream": "ext://sys.stdout",
}
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "creditgenie.logging.RequestIdFilter"}},
    "formatters": {"json": {"()": "creditgenie.logging.JsonFormatter"}},
    "handlers": {"json": _HANDLER},
    "root": {"level": "INFO", "handlers": ["json"]},
    "loggers": {
        "gunicorn.error": {"level": "INFO", "handlers": ["json"], "propagate": False},
        "gunicorn.access": {"level": "INFO", "handlers": ["json"], "propagate": False},
    },
}
