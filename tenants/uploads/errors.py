"""The errors of document storage: one small hierarchy. Messages are for consumers (English,
marked for translation) and never contain the file's name or contents."""

from __future__ import annotations

from django.utils.functional import Promise


class UploadError(Exception):
    """Base of every document-storage failure."""


class UploadRejected(UploadError):
    """The upload failed validation; `code` names the check, `message` tells the consumer."""

    def __init__(self, code: str, message: str | Promise) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


class StoredFileUnavailable(UploadError):
    """The file exists but may not be downloaded (pending scan, infected, rejected)."""

    def __init__(self, status: str, message: str | Promise) -> None:
        super().__init__(f"{status}: {message}")
        self.status = status
        self.message = message


class ScannerError(UploadError):
    """clamd could not give a verdict. Temporary errors (unreachable, timeout) are retried;
    permanent ones (clamd refuses the stream) reject the file."""

    def __init__(self, message: str, *, permanent: bool) -> None:
        super().__init__(message)
        self.permanent = permanent


class StoredFileCorrupt(UploadError):
    """The stored bytes do not match the recorded SHA-256 (altered or truncated in storage)."""
