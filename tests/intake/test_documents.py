"""The Documents step without a browser: the size limit is said before uploading, an
Upload with no file says so, a stored document is listed with its name, size and a
remove button, and removing it deletes the stored file too."""

from __future__ import annotations

from intake.models import Document
from tenants.uploads.models import StoredFile
from tests.tenants.uploads_fixtures import pdf_bytes, upload

from .conftest import url


def _page(client, draft) -> str:
    return client.get(url(draft, "step-documents")).content.decode()


def test_the_limit_is_said_and_given_to_the_page_before_uploading(signed_in, draft, settings):
    settings.CREDITGENIE_UPLOAD_MAX_BYTES = 5 * 1024 * 1024

    page = _page(signed_in, draft)

    assert '<div class="usa-hint" id="id_file-hint">Up to 5 MB per file.</div>' in page
    assert 'data-max-bytes="5242880"' in page
    assert 'data-too-large="The file is larger than 5 MB. Please upload a smaller file."' in page


def test_upload_without_a_file_explains_itself_and_keeps_the_type(signed_in, draft):
    response = signed_in.post(url(draft, "step-documents"), {"kind": "pay_stub", "upload": ""})

    page = response.content.decode()
    assert response.status_code == 200
    assert "Choose a file to upload first." in page
    assert '<option value="pay_stub" selected>Pay stub</option>' in page
    assert not Document.objects.exists()


def test_a_stored_document_is_listed_and_can_be_removed(signed_in, draft):
    data = pdf_bytes()
    signed_in.post(
        url(draft, "step-documents"),
        {"kind": "pay_stub", "upload": "", "file": upload("march.pdf", data)},
    )
    document = Document.objects.get(application=draft)

    page = _page(signed_in, draft)
    assert f"<strong>march.pdf</strong> ({document.stored_file.size}\xa0bytes)" in page
    assert f'name="document" value="{document.public_id}"' in page

    response = signed_in.post(url(draft, "document-remove"), {"document": document.public_id})

    assert response["Location"] == url(draft, "step-documents")
    assert not Document.objects.exists() and not StoredFile.objects.exists()
    assert "march.pdf" not in _page(signed_in, draft)
