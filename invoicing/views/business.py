"""Business portal: my invoices, one invoice with its euro trail, the PDF."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils import timezone

from coop.files import private_file_response
from invoicing.payments.selectors import invoice_rows_with_payment_status
from invoicing.selectors import (
    credit_note_list_for_businesses,
    invoice_document_context,
    invoice_get_for_businesses,
    invoice_list_for_businesses,
)
from invoicing.services.credit_notes import credit_note_pdf_render
from invoicing.services.invoices import invoice_pdf_render
from members.selectors import business_ids_for_contact


def _business_ids(request: HttpRequest) -> set[int]:
    ids = business_ids_for_contact(request.user)
    if not ids:
        raise PermissionDenied
    return ids


@login_required
def business_invoice_list(request: HttpRequest) -> HttpResponse:
    business_ids = _business_ids(request)
    page = Paginator(invoice_list_for_businesses(business_ids=business_ids), 50).get_page(request.GET.get("page"))
    credit_notes = list(credit_note_list_for_businesses(business_ids=business_ids)[:20])
    return render(
        request,
        "invoicing/invoice_list_business.html",
        {
            "page": page,
            "rows": invoice_rows_with_payment_status(page.object_list, today=timezone.localdate()),
            "credit_notes": credit_notes,
        },
    )


@login_required
def business_invoice_detail(request: HttpRequest, invoice_id: int) -> HttpResponse:
    invoice = invoice_get_for_businesses(business_ids=_business_ids(request), invoice_id=invoice_id)
    if invoice is None:
        raise Http404
    return render(request, "invoicing/invoice_detail_business.html", invoice_document_context(invoice))


@login_required
def business_invoice_pdf(request: HttpRequest, invoice_id: int) -> HttpResponseBase:
    invoice = invoice_get_for_businesses(business_ids=_business_ids(request), invoice_id=invoice_id)
    if invoice is None:
        raise Http404
    invoice = invoice_pdf_render(invoice_id=invoice.pk)
    return private_file_response(invoice.pdf, filename=f"{invoice.number}.pdf", content_type="application/pdf")


@login_required
def business_credit_note_pdf(request: HttpRequest, credit_note_id: int) -> HttpResponseBase:
    credit_note = credit_note_list_for_businesses(business_ids=_business_ids(request)).filter(pk=credit_note_id).first()
    if credit_note is None:
        raise Http404
    credit_note = credit_note_pdf_render(credit_note_id=credit_note.pk)
    return private_file_response(credit_note.pdf, filename=f"{credit_note.number}.pdf", content_type="application/pdf")
