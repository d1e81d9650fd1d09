"""Amazon SNS: texts (SMS) to a phone number. https://docs.aws.amazon.com/sns/latest/api/

The endpoint is configurable (AWS_SNS_ENDPOINT_URL) so tests talk to moto's server."""

from __future__ import annotations

from functools import cache
from typing import Any

from django.conf import settings

from ..errors import VendorError
from ..lazy import lazy_module

# boto3 loads on the first text or e-mail, not in every web process (test_imports).
boto3 = lazy_module("boto3")
botocore_config = lazy_module("botocore.config")
botocore_exceptions = lazy_module("botocore.exceptions")

# SNS answers these when retrying the same text cannot help.
PERMANENT_CODES = frozenset(
    {"InvalidParameter", "InvalidParameterValue", "OptedOut", "AuthorizationError"}
)


@cache
def _client(endpoint: str | None, region: str) -> Any:
    config = botocore_config.Config(
        connect_timeout=settings.NOTIFICATIONS["SNS"]["CONNECT_TIMEOUT"],
        read_timeout=settings.NOTIFICATIONS["SNS"]["READ_TIMEOUT"],
        retries={"max_attempts": 2, "mode": "standard"},
    )
    return boto3.client("sns", region_name=region, endpoint_url=endpoint, config=config)


def client() -> Any:
    sns = settings.NOTIFICATIONS["SNS"]
    return _client(sns["ENDPOINT_URL"], sns["REGION"])


def _error(error: Exception) -> VendorError:
    if isinstance(error, botocore_exceptions.ClientError):
        code = error.response.get("Error", {}).get("Code", "")
        return VendorError(f"SNS refused the call ({code})", code in PERMANENT_CODES, code=code)
    return VendorError(
        f"SNS could not be reached ({type(error).__name__})", False, code="CONNECTION"
    )


def sms_publish(*, phone_number: str, message: str) -> str:
    """Publish (SMS): sends `message` to `phone_number` (E.164) as a transactional text;
    returns SNS's MessageId. Raises VendorError (permanent for refused parameters)."""
    try:
        answer = client().publish(
            PhoneNumber=phone_number,
            Message=message,
            MessageAttributes={
                "AWS.SNS.SMS.SMSType": {"DataType": "String", "StringValue": "Transactional"}
            },
        )
    except (botocore_exceptions.ClientError, botocore_exceptions.BotoCoreError) as error:
        raise _error(error) from None
    return str(answer["MessageId"])


def phone_opted_out(*, phone_number: str) -> bool:
    """CheckIfPhoneNumberIsOptedOut: True when the number answered STOP to SNS itself.
    Raises VendorError."""
    try:
        answer = client().check_if_phone_number_is_opted_out(phoneNumber=phone_number)
    except (botocore_exceptions.ClientError, botocore_exceptions.BotoCoreError) as error:
        raise _error(error) from None
    return bool(answer["isOptedOut"])
