"""A real invoice PDF (WeasyPrint) carries every field art. 35a Wet OB asks for (checked with pdftotext)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from django.utils import translation

from coop.templatetags.postcode import format_postcode
from invoicing.services.invoices import invoice_pdf_bytes, invoice_pdf_render

# After every flow test: the ledger balances and each invoice's receivable is its total or zero.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("books_sound")]


def pdf_text(content: bytes, tmp_path) -> str:  # type: ignore[no-untyped-def]
    if shutil.which("pdftotext") is None:
        pytest.fail("pdftotext (poppler-utils) is required: apt-get install poppler-utils")
    path = tmp_path / "doc.pdf"
    path.write_bytes(content)
    command = ["pdftotext", "-layout", str(path), "-"]  # poppler-utils; fixed arguments, no untrusted input
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout  # noqa: S603


def test_invoice_pdf_has_every_legally_required_field(
    run_invoices, kanaleneiland, bakery, fatima, fatima_worked, tmp_path
):
    bakery.business.vat_id = "NL123456789B01"
    bakery.business.save()
    invoice = run_invoices(kanaleneiland)[0]
    # The snapshot was taken at issue; render in the site default language (Dutch).
    content = invoice.pdf.read()
    import os

    if os.environ.get("WK_KEEP_PDF"):  # to look at the document by eye
        Path(os.environ["WK_KEEP_PDF"]).write_bytes(content)
    text = " ".join(pdf_text(content, tmp_path).split())
    required = [
        kanaleneiland.legal_name,
        kanaleneiland.street,
        "3527 TK",  # postcodes as PostNL prints them (stored compact)
        kanaleneiland.city,
        kanaleneiland.kvk_number,
        kanaleneiland.vat_id,
        kanaleneiland.iban,
        kanaleneiland.wtta_number,
        bakery.business.legal_name,
        bakery.business.street,
        format_postcode(bakery.business.postcode),
        "NL123456789B01",
        invoice.number,
        invoice.issue_date.strftime("%d-%m-%Y"),
        invoice.period_start.strftime("%d-%m-%Y"),
        invoice.period_end.strftime("%d-%m-%Y"),
        invoice.due_date.strftime("%d-%m-%Y"),
        "02-03-2026",
        "03-03-2026",  # a line per shift: work dates
        "Fatima",
        "4,00",
        "3,50",
        "€ 30,00",  # first name, hours, rate
        "€ 120,00",
        "€ 105,00",  # 4,00 h × € 30,00 and 3,50 h × € 30,00
        "€ 225,00",
        "21%",
        "€ 47,25",
        "€ 272,25",  # net per rate, VAT rate and amount, total
        "14",  # payment term in days
    ]
    missing = [field for field in required if field not in text]
    assert missing == [], text
    # Stored compact, never printed so.
    assert (kanaleneiland.postcode, bakery.business.postcode) == ("3527TK", "3526AB")
    assert "3527TK" not in text and "3526AB" not in text
    assert "1/1" in text.replace(" ", "")  # page numbers from CSS counters


def test_pdf_is_rebuilt_from_the_snapshot_after_the_coop_changes(
    run_invoices, kanaleneiland, bakery, fatima, fatima_worked, tmp_path
):
    invoice = run_invoices(kanaleneiland)[0]
    old_name = kanaleneiland.legal_name
    kanaleneiland.legal_name = "Nieuwe Naam U.A."
    kanaleneiland.save()

    rebuilt = invoice_pdf_render(invoice_id=invoice.pk, force=True)

    text = pdf_text(rebuilt.pdf.read(), tmp_path)
    assert old_name in text and "Nieuwe Naam" not in text


def test_rendering_twice_keeps_one_file(run_invoices, kanaleneiland, bakery, fatima, fatima_worked):
    invoice = run_invoices(kanaleneiland)[0]
    first = invoice.pdf.name
    again = invoice_pdf_render(invoice_id=invoice.pk)
    assert again.pdf.name == first and again.pdf_rendered_at == invoice.pdf_rendered_at
    forced = invoice_pdf_render(invoice_id=invoice.pk, force=True)
    assert forced.pdf.name == first
    assert (
        len(
            list(
                forced.pdf.storage.path(first).rsplit("/", 1)[0]
                and __import__("pathlib").Path(forced.pdf.path).parent.iterdir()
            )
        )
        == 1
    )


def test_english_pdf_renders_labels_in_english(
    run_invoices, kanaleneiland, bakery, fatima, fatima_worked, tmp_path, settings
):
    invoice = run_invoices(kanaleneiland)[0]
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        text = " ".join(pdf_text(invoice_pdf_bytes(invoice), tmp_path).split())
    assert "Invoice number" in text and "Period of delivery" in text and "Wtta" in text


@pytest.mark.parametrize("language", ["nl", "en"])
def test_invoice_pdf_html_is_well_formed_so_the_fast_parser_is_used(
    run_invoices, kanaleneiland, bakery, fatima, fatima_worked, language
):
    """pdf.py builds the tree with expat when the HTML is well-formed XHTML (and falls back to the
    slower HTML5 parser otherwise): a template change that breaks well-formedness shows up here."""
    import xml.etree.ElementTree as ET

    from django.template.loader import render_to_string

    from invoicing import pdf
    from invoicing.selectors import invoice_pdf_context

    bakery.business.legal_name = "Bakker & Zn <B.V.>"  # escaped by the template
    bakery.business.save()
    invoice = run_invoices(kanaleneiland)[0]
    with translation.override(language):
        html = render_to_string("invoicing/document_pdf.html", invoice_pdf_context(invoice))
    body = pdf._DOCTYPE.sub("", html, count=1)
    assert "<!" not in body
    root = ET.fromstring(body)  # noqa: S314 (our own template output)
    assert root.tag == "html" and root.find("body") is not None
    assert "Bakker & Zn <B.V.>" in "".join(root.find("body").itertext())


def test_pdf_of_html_that_is_not_well_formed_still_renders():
    from invoicing import pdf

    content = pdf.html_to_pdf("<!doctype html><html><body><p>Factuur<br>regel &nbsp; twee</body></html>")
    assert content.startswith(b"%PDF")
    # A DTD (entity declarations) never reaches expat: the HTML5 parser handles it like any HTML.
    entity = '<!DOCTYPE html [<!ENTITY a "aaaaaaaaaa">]><html><body><p>&a;</p></body></html>'
    assert pdf.html_to_pdf(entity).startswith(b"%PDF")
