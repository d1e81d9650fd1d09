"""Fixtures and file builders for the document-storage tests: real PDFs (pypdf), real images
(Pillow), hand-built PDFs with object streams, and a real clamd process with a one-line
signature database for the EICAR test string (Debian's ClamAV ships no signatures offline)."""

from __future__ import annotations

import io
import socket
import subprocess
import time
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from pypdf import PdfWriter
from pypdf.actions import JavaScript
from pypdf.generic import DecodedStreamObject, NameObject

from tenants.uploads.clamd import clamd_ping
from tests.processes import free_port

CLAMD = Path("/usr/sbin/clamd")
EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
GPS_EXIF_TAG = 0x8825


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def _written(writer: PdfWriter) -> bytes:
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def pdf_bytes(content: bytes = b"BT /F1 12 Tf 20 100 Td (Pay stub) Tj ET") -> bytes:
    """A one-page PDF whose page content stream is `content`, stored uncompressed."""
    writer = PdfWriter()
    page = writer.add_blank_page(width=200, height=200)
    stream = DecodedStreamObject()
    stream.set_data(content)
    page[NameObject("/Contents")] = writer._add_object(stream)
    return _written(writer)


def pdf_with_javascript() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.add_open_action(JavaScript("app.alert('hello');"))
    return _written(writer)


def pdf_with_embedded_file() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.add_attachment("statement.exe", b"MZ not really a program")
    return _written(writer)


def pdf_encrypted() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.encrypt("a-password")
    return _written(writer)


def pdf_eicar() -> bytes:
    """A valid PDF that carries the EICAR string in a comment of its content stream."""
    return pdf_bytes(b"% " + EICAR + b"\n")


def pdf_object_stream(action: bytes) -> bytes:
    """A PDF 1.5 whose objects all sit in a compressed object stream, with an xref stream.

    Object 4 is `action`, opened by the catalog's /OpenAction: a byte search of the file
    sees neither the names nor the strings inside it.
    """
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R /OpenAction 4 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
        action,
    ]
    offsets, body = [], b""
    for obj in objects:
        offsets.append(len(body))
        body += obj + b"\n"
    header = b" ".join(b"%d %d" % (n + 1, off) for n, off in enumerate(offsets)) + b"\n"
    packed = zlib.compress(header + body)
    out = b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n"
    objstm_offset = len(out)
    out += b"5 0 obj\n<< /Type /ObjStm /N 4 /First %d /Filter /FlateDecode /Length %d >>\n" % (
        len(header),
        len(packed),
    )
    out += b"stream\n" + packed + b"\nendstream\nendobj\n"
    xref_offset = len(out)
    rows = [b"\x00" + (0).to_bytes(4, "big") + (65535).to_bytes(2, "big")]
    rows += [b"\x02" + (5).to_bytes(4, "big") + i.to_bytes(2, "big") for i in range(4)]
    rows += [b"\x01" + objstm_offset.to_bytes(4, "big") + b"\x00\x00"]
    rows += [b"\x01" + xref_offset.to_bytes(4, "big") + b"\x00\x00"]
    table = b"".join(rows)
    out += b"6 0 obj\n<< /Type /XRef /Size 7 /W [1 4 2] /Root 1 0 R /Length %d >>\n" % len(table)
    out += b"stream\n" + table + b"\nendstream\nendobj\n"
    return out + b"startxref\n%d\n%%%%EOF\n" % xref_offset


def png_bytes(size: tuple[int, int] = (40, 30), *, metadata: bool = True) -> bytes:
    """A PNG with an EXIF block (GPS position) and a text chunk naming the consumer."""
    from PIL import PngImagePlugin

    image = Image.new("RGB", size, (200, 30, 30))
    info = PngImagePlugin.PngInfo()
    exif = Image.Exif()
    if metadata:
        info.add_text("Author", "Ana Lopez 123-45-6789")
        exif[0x010E] = "bank statement of Ana Lopez"  # ImageDescription
        exif[GPS_EXIF_TAG] = {2: (40.0, 26.0, 46.0), 1: "N"}
    out = io.BytesIO()
    image.save(out, "PNG", pnginfo=info, exif=exif)
    return out.getvalue()


def jpeg_bytes(size: tuple[int, int] = (40, 30), *, orientation: int = 6) -> bytes:
    """A JPEG with EXIF: a description, a GPS position and an orientation (6: rotate 90)."""
    image = Image.new("RGB", size, (30, 30, 200))
    exif = Image.Exif()
    exif[0x010E] = "bank statement of Ana Lopez"
    exif[0x0112] = orientation
    exif[GPS_EXIF_TAG] = {2: (40.0, 26.0, 46.0), 1: "N"}
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


@pytest.fixture
def local_files(settings, tmp_path: Path) -> Path:
    """The embedded default: sealed files under a FileSystemStorage in tmp; no scanner."""
    media = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": media, "base_url": None},
        },
    }
    settings.CREDITGENIE_UPLOAD_SEAL = True
    settings.CLAMD_ADDRESS = ""
    return media


def _clamd_config(directory: Path, port: int) -> Path:
    (directory / "eicar.ndb").write_text(f"Eicar-Test-Signature:0:*:{EICAR.hex()}\n")
    config = directory / "clamd.conf"
    config.write_text(
        "\n".join(
            [
                "Foreground yes",
                f"TCPSocket {port}",
                "TCPAddr 127.0.0.1",
                f"DatabaseDirectory {directory}",
                f"LogFile {directory / 'clamd.log'}",
                f"PidFile {directory / 'clamd.pid'}",
                "",
            ]
        )
    )
    return config


@pytest.fixture(scope="session")
def clamd_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real clamd on a free port whose only signature is the EICAR test string."""
    if not CLAMD.exists():
        pytest.fail("clamd is missing: bin/setup test installs Debian's clamav-daemon")
    directory = tmp_path_factory.mktemp("clamd")
    port = free_port()
    process = subprocess.Popen(
        [str(CLAMD), "-c", str(_clamd_config(directory, port))],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    address = f"127.0.0.1:{port}"
    try:
        _wait_for_clamd(address, process)
        yield address
    finally:
        process.terminate()
        process.wait(timeout=20)


def _wait_for_clamd(address: str, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"clamd exited with {process.returncode}")
        if clamd_ping(address=address, timeout=1):
            return
        time.sleep(0.2)
    raise RuntimeError("clamd did not answer PING")


def closed_port_address() -> str:
    """An address where nothing listens (a scanner that is down)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"127.0.0.1:{port}"
