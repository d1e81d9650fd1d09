"""TransUnion TUNA client: XML request documents over HTTPS with a client certificate.

One function per operation, keyword-only arguments, explicit timeouts
(``TRANSUNION_TIMEOUT``: connect, read). Production speaks mutual TLS
(``TRANSUNION_CLIENT_CERT``/``TRANSUNION_CLIENT_KEY``, ``TRANSUNION_CA_BUNDLE``); tests
speak to the local sandbox over loopback http. Request and answer bodies hold PII:
they are never logged.

Reference: TransUnion NetAccess ("TUNA") XML, version 2.33 (contract-only; the response
shape is shared/contracts/transunion/credit-report-response-v2.33.xml).
Timeouts: a connect timeout never reached the bureau (safe to retry); a read timeout
may have produced a pull, so it raises VendorTimeout and the caller reconciles with
``credit_report_lookup`` by our reference before pulling again.
"""

from __future__ import annotations

# Only builds documents; parsing happens in parser.py, which refuses DTDs.
import xml.etree.ElementTree as ET  # nosec B405
from dataclasses import dataclass

import requests
from django.conf import settings

from ..errors import VendorError, VendorTimeout
from .parser import NS, ReportParseError, report_error

# Bureau error codes after which a retry can help (system busy / unavailable).
TRANSIENT_ERRORS = frozenset({"SYS_UNAVAILABLE", "SYS_BUSY"})


@dataclass(frozen=True)
class BureauSubject:
    """Who to pull: what the consumer typed in the intake (PII: never log)."""

    first_name: str
    last_name: str
    ssn: str
    birth_date: str  # YYYY-MM-DD
    street: str
    city: str
    state: str
    zip_code: str


def _el(parent: ET.Element, path: str, text: str = "") -> ET.Element:
    node = parent
    for tag in path.split("/"):
        node = ET.SubElement(node, f"{{{NS}}}{tag}")
    node.text = text or None
    return node


def _control(root: ET.Element, *, reference: str) -> None:
    control = _el(root, "transactionControl")
    _el(control, "userRefNumber", reference)
    subscriber = _el(control, "subscriber")
    for tag, value in settings.TRANSUNION_SUBSCRIBER.items():
        _el(subscriber, tag, value)
    options = _el(control, "options")
    _el(options, "processingEnvironment", settings.TRANSUNION_PROCESSING_ENVIRONMENT)
    for tag, value in (("country", "us"), ("language", "en")):
        _el(options, tag, value)
    _el(options, "contractualRelationship", "individual")
    _el(options, "pointOfSaleIndicator", "none")


def _document(kind: str, *, reference: str) -> ET.Element:
    ET.register_namespace("", NS)
    root = ET.Element(f"{{{NS}}}creditBureau")
    _el(root, "document", kind)
    _el(root, "version", "2.33")
    _control(root, reference=reference)
    return root


def request_document(*, reference: str, subject: BureauSubject) -> bytes:
    """The TUNA request for a credit report (product 07000) with a VantageScore add-on."""
    root = _document("request", reference=reference)
    product = _el(root, "product")
    _el(product, "code", "07000")
    subject_node = _el(product, "subject")
    _el(subject_node, "number", "1")
    record = _el(subject_node, "subjectRecord")
    indicative = _el(record, "indicative")
    name = _el(indicative, "name/person")
    _el(name, "first", subject.first_name)
    _el(name, "last", subject.last_name)
    address = _el(indicative, "address")
    _el(address, "status", "current")
    _el(address, "street/unparsed", subject.street)
    location = _el(address, "location")
    for tag, value in (
        ("city", subject.city),
        ("state", subject.state),
        ("zipCode", subject.zip_code),
    ):
        _el(location, tag, value)
    _el(indicative, "socialSecurity/number", subject.ssn)
    _el(indicative, "dateOfBirth", subject.birth_date)
    _el(record, "addOnProduct/code", "00V60")
    _el(product, "responseInstructions/returnErrorText", "true")
    _el(product, "permissiblePurpose/inquiryECOADesignator", "individual")
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _post(url: str, body: bytes) -> requests.Response:
    cert = (
        (settings.TRANSUNION_CLIENT_CERT, settings.TRANSUNION_CLIENT_KEY)
        if settings.TRANSUNION_CLIENT_CERT
        else None
    )
    try:
        response = requests.post(
            url,
            data=body,
            headers={"Content-Type": "text/xml; charset=utf-8"},
            timeout=settings.TRANSUNION_TIMEOUT,
            cert=cert,
            verify=settings.TRANSUNION_CA_BUNDLE or True,
            stream=True,
        )
        _read_limited(response)
        return response
    except requests.ConnectTimeout:
        raise VendorError("bureau connect timeout", False, code="CONNECTION") from None
    except requests.Timeout:
        raise VendorTimeout("bureau did not answer in time") from None
    except requests.ConnectionError:
        raise VendorError("bureau unreachable", False, code="CONNECTION") from None


def _read_limited(response: requests.Response) -> None:
    """Reads the body, refusing one larger than TRANSUNION_MAX_RESPONSE_BYTES before it
    is all in memory (a declared length is checked first). Raises a permanent
    VendorError RESPONSE_TOO_LARGE."""
    limit = settings.TRANSUNION_MAX_RESPONSE_BYTES
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > limit:
        response.close()
        raise _too_large(limit)
    body = bytearray()
    try:
        for chunk in response.iter_content(chunk_size=64 * 1024):
            body += chunk
            if len(body) > limit:
                response.close()
                raise _too_large(limit)
    except (requests.ConnectionError, requests.exceptions.ChunkedEncodingError):
        # The request was sent and the answer lost half-way: it may have been a pull.
        raise VendorTimeout("bureau answer cut off") from None
    response._content = bytes(body)  # what .text reads: the stream is consumed


def _too_large(limit: int) -> VendorError:
    return VendorError(
        f"bureau answer larger than {limit} bytes (TRANSUNION_MAX_RESPONSE_BYTES)",
        True,
        code="RESPONSE_TOO_LARGE",
    )


def _checked(response: requests.Response) -> str:
    if response.status_code >= 400:
        code = f"HTTP_{response.status_code}"
        raise VendorError(f"bureau {code}", response.status_code < 500, code=code)
    return response.text


def error_code(xml: str) -> str:
    """The bureau's error code in a response document, or "" for a report."""
    try:
        return report_error(xml)
    except ReportParseError:
        raise VendorError(
            "bureau answer is not a TUNA document", True, code="BAD_RESPONSE"
        ) from None


def credit_report_request(*, reference: str, subject: BureauSubject) -> str:
    """POST a TUNA request: a soft-pull credit report. Returns the response document.
    Side effects: a (soft) inquiry on the consumer's file at the bureau.
    Raises VendorTimeout (outcome unknown: reconcile), VendorError."""
    document = request_document(reference=reference, subject=subject)
    text = _checked(_post(settings.TRANSUNION_URL, document))
    code = error_code(text)
    if code:
        raise VendorError(f"bureau error {code}", code not in TRANSIENT_ERRORS, code=code)
    return text


def credit_report_lookup(*, reference: str) -> str | None:
    """Asks the bureau whether it answered a request with our reference (userRefNumber);
    the stored response document, or None when it holds no such request.
    Side effects: none (no inquiry). Raises VendorError."""
    body = ET.tostring(_document("lookup", reference=reference), encoding="utf-8")
    response = _post(settings.TRANSUNION_LOOKUP_URL, body)
    if response.status_code == 404:
        return None
    return _checked(response)
