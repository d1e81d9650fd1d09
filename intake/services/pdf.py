"""HTML documents as PDFs (fpdf2, built-in fonts): the counselor's written action plan and
the consumer's signed plan are made by this one function."""

from __future__ import annotations

from datetime import datetime

from fpdf import FPDF

# The PDF's built-in fonts are Latin-1; these few characters are written as their
# nearest Latin-1 equivalents. Everything else outside Latin-1 becomes "?".
_PDF_TEXT = str.maketrans(
    {"\u2014": "-", "\u2013": "-", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2026": "..."}
)


def document_pdf(html: str, *, title: str, language: str, created: datetime) -> bytes:
    """`html` as a Letter-size PDF. Deterministic: the same arguments give the same bytes
    (the creation date is `created`, never the clock). Side effects: none."""
    pdf = FPDF(format="Letter")
    pdf.set_creation_date(created)
    pdf.set_title(title)
    pdf.set_lang(language)
    pdf.add_page()
    pdf.set_font("Helvetica", size=9)
    pdf.write_html(html.translate(_PDF_TEXT).encode("latin-1", "replace").decode("latin-1"))
    return bytes(pdf.output())
