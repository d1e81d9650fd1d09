"""A Django e-mail backend for Amazon SES (SendRawEmail through boto3), chosen by
EMAIL_BACKEND=integrations.aws.ses.SesEmailBackend in production. No new dependency:
boto3 is already here. https://docs.aws.amazon.com/ses/latest/APIReference/API_SendRawEmail.html"""

from __future__ import annotations

from functools import cache
from typing import Any

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.message import EmailMessage

from ..errors import VendorError
from ..lazy import lazy_module

# boto3 loads on the first text or e-mail, not in every web process (test_imports).
boto3 = lazy_module("boto3")
botocore_config = lazy_module("botocore.config")
botocore_exceptions = lazy_module("botocore.exceptions")

PERMANENT_CODES = frozenset({"MessageRejected", "MailFromDomainNotVerifiedException"})


@cache
def _client(endpoint: str | None, region: str) -> Any:
    config = botocore_config.Config(
        connect_timeout=settings.NOTIFICATIONS["SES"]["CONNECT_TIMEOUT"],
        read_timeout=settings.NOTIFICATIONS["SES"]["READ_TIMEOUT"],
        retries={"max_attempts": 2, "mode": "standard"},
    )
    return boto3.client("ses", region_name=region, endpoint_url=endpoint, config=config)


class SesEmailBackend(BaseEmailBackend):
    """Sends each message with SendRawEmail; raises VendorError (never silently drops:
    the outbox decides about retries)."""

    def send_messages(self, email_messages: list[EmailMessage]) -> int:
        ses = settings.NOTIFICATIONS["SES"]
        client = _client(ses["ENDPOINT_URL"], ses["REGION"])
        sent = 0
        for message in email_messages:
            try:
                client.send_raw_email(
                    Source=message.from_email,
                    Destinations=message.recipients(),
                    RawMessage={"Data": message.message().as_bytes()},
                )
            except botocore_exceptions.ClientError as error:
                code = error.response.get("Error", {}).get("Code", "")
                raise VendorError(
                    f"SES refused ({code})", code in PERMANENT_CODES, code=code
                ) from None
            except botocore_exceptions.BotoCoreError as error:
                name = type(error).__name__
                raise VendorError(f"SES unreachable ({name})", False, code="CONNECTION") from None
            sent += 1
        return sent
