"""The `kms` master key provider: the agency's own AWS KMS key (GenerateDataKey, Decrypt,
ReEncrypt, Encrypt), every data key bound to its tenant and id by the encryption context.

Imported by providers.provider_for only when a deployment uses KMS, so deployments on the
local key file never load boto3.
"""

from __future__ import annotations

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError
from django.conf import settings

from .exceptions import KeyProviderError
from .providers import Wrapped


class KmsKeyProvider:
    """Data keys from the agency's AWS KMS key; plaintext master key never leaves KMS."""

    name = "kms"

    def __init__(self, key_id: str, client: object) -> None:
        self.key_id = key_id
        self.client = client
        self._arn = ""

    def _call(self, operation: str, **params: object) -> dict:
        try:
            return getattr(self.client, operation)(**params)
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code", "ClientError")
            raise KeyProviderError(f"KMS {operation} refused with {code}") from None
        except BotoCoreError as exc:
            raise KeyProviderError(f"KMS {operation} failed: {type(exc).__name__}") from None

    def current_master_key_id(self) -> str:
        """The configured key's ARN (one DescribeKey call per provider instance)."""
        if not self._arn:
            self._arn = self._call("describe_key", KeyId=self.key_id)["KeyMetadata"]["Arn"]
        return self._arn

    def generate(self, context: dict[str, str]) -> tuple[bytes, Wrapped]:
        answer = self._call(
            "generate_data_key", KeyId=self.key_id, KeySpec="AES_256", EncryptionContext=context
        )
        return answer["Plaintext"], Wrapped(answer["CiphertextBlob"], answer["KeyId"])

    def wrap(self, plaintext: bytes, context: dict[str, str]) -> Wrapped:
        answer = self._call(
            "encrypt", KeyId=self.key_id, Plaintext=plaintext, EncryptionContext=context
        )
        return Wrapped(answer["CiphertextBlob"], answer["KeyId"])

    def unwrap(self, wrapped: Wrapped, context: dict[str, str]) -> bytes:
        """Decrypts under the configured key only; KMS refuses a blob of any other key."""
        answer = self._call(
            "decrypt",
            KeyId=self.key_id,
            CiphertextBlob=wrapped.wrapped,
            EncryptionContext=context,
        )
        return answer["Plaintext"]

    def rewrap(self, wrapped: Wrapped, context: dict[str, str]) -> Wrapped:
        """ReEncrypt from the data key's master key to the configured one, inside KMS."""
        answer = self._call(
            "re_encrypt",
            CiphertextBlob=wrapped.wrapped,
            SourceKeyId=wrapped.master_key_id,
            SourceEncryptionContext=context,
            DestinationKeyId=self.key_id,
            DestinationEncryptionContext=context,
        )
        return Wrapped(answer["CiphertextBlob"], answer["KeyId"])


def kms_client() -> object:
    """A boto3 KMS client with explicit timeouts and bounded retries (no side effects)."""
    config = Config(
        connect_timeout=settings.AWS_KMS_CONNECT_TIMEOUT,
        read_timeout=settings.AWS_KMS_READ_TIMEOUT,
        retries={"max_attempts": settings.AWS_KMS_MAX_ATTEMPTS, "mode": "standard"},
    )
    return boto3.client(
        "kms",
        region_name=settings.AWS_KMS_REGION,
        endpoint_url=settings.AWS_KMS_ENDPOINT_URL,
        config=config,
    )
