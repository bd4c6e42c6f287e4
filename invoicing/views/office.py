"""Back office (coordinators and board of the current coop): invoice run, invoices, credit notes, payroll CSV."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from coop.files import private_file_response
from coop.ledger.selectors import journal_list, receivable_for_invoice
from coop.money import to_decimal
from invoicing.exceptions import InvoicingError
from invoicing.forms import CreditNoteForm, InvoiceRunForm, PeriodForm
from invoicing.payments.selectors import dispute_list_for_invoice, invoice_rows_with_payment_status
from invoicing.selectors import (
    credit_note_get_for_coop,
    credit_note_list_for_coop,
    credited_by_line,
    hour_entries_unbilled,
    invoice_document_context,
    invoice_get_for_coop,
    invoice_lines,
    invoice_list_for_coop,
)
from invoicing.services.credit_notes import credit_note_create, credit_note_pdf_render
from invoicing.services.earnings import payroll_csv_export
from invoicing.services.invoices import invoice_pdf_render, invoice_run_detailed
from invoicing.views.common import staff_coop


@login_required
def office_invoice_list(request: HttpRequest) -> HttpResponse:
    coop = staff_coop(request)
    page = Paginator(invoice_list_for_coop(coop=coop), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "invoicing/invoice_list_office.html",
        {
            "coop": coop,
            "page": page,
            "rows": invoice_rows_with_payment_status(page.object_list, today=timezone.localdate()),
            "credit_notes": list(credit_note_list_for_coop(coop=coop)[:20]),
        },
    )


@login_required
def office_invoice_run(request: HttpRequest) -> HttpResponse:
    coop = staff_coop(request)
    result = None
    if request.method == "POST":
        form = InvoiceRunForm(request.POST)
        if form.is_valid():
            result = invoice_run_detailed(coop=coop, until=form.cleaned_data["until"], actor=request.user)
            if result.invoices:
                messages.success(request, _("%(n)s invoices issued.") % {"n": len(result.invoices)})
            elif not result.failures:
                messages.info(request, _("There were no approved hours to invoice."))
    else:
        form = InvoiceRunForm(initial={"until": timezone.localdate() - dt.timedelta(days=1)})
    waiting = hour_entries_unbilled(coop=coop).count()
    status = 400 if request.method == "POST" and not form.is_valid() else 200
    return render(
        request,
        "invoicing/invoice_run.html",
        {"coop": coop, "form": form, "result": result, "waiting": waiting},
        status=status,
    )


@login_required
def office_invoice_detail(request: HttpRequest, invoice_id: int) -> HttpResponse:
    coop = staff_coop(request)
    invoice = invoice_get_for_coop(coop=coop, invoice_id=invoice_id)
    if invoice is None:
        raise Http404
    context = invoice_document_context(invoice)
    context.update(
        {
            "receivable": receivable_for_invoice(invoice),
            "journal": journal_list(coop, reference=invoice, limit=None),
            "disputes": dispute_list_for_invoice(invoice=invoice),
        }
    )
    return render(request, "invoicing/invoice_detail_office.html", context)


@login_required
def office_invoice_pdf(request: HttpRequest, invoice_id: int) -> HttpResponseBase:
    invoice = invoice_get_for_coop(coop=staff_coop(request), invoice_id=invoice_id)
    if invoice is None:
        raise Http404
    invoice = invoice_pdf_render(invoice_id=invoice.pk)
    return private_file_response(invoice.pdf, filename=f"{invoice.number}.pdf", content_type="application/pdf")


@login_required
def office_credit_note_pdf(request: HttpRequest, credit_note_id: int) -> HttpResponseBase:
    credit_note = credit_note_get_for_coop(coop=staff_coop(request), credit_note_id=credit_note_id)
    if credit_note is None:
        raise Http404
    credit_note = credit_note_pdf_render(credit_note_id=credit_note.pk)
    return private_file_response(credit_note.pdf, filename=f"{credit_note.number}.pdf", content_type="application/pdf")


@login_required
def office_credit_note_create(request: HttpRequest, invoice_id: int) -> HttpResponse:
    coop = staff_coop(request)
    invoice = invoice_get_for_coop(coop=coop, invoice_id=invoice_id)
    if invoice is None:
        raise Http404
    lines = invoice_lines(invoice)
    credited = credited_by_line(invoice)
    left = {
        line.pk: to_decimal(line.line_total_net) - credited.get(line.pk, {}).get("net", Decimal(0)) for line in lines
    }
    form = CreditNoteForm(request.POST or None, lines=lines, left=left)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                credit_note = credit_note_create(
                    invoice=invoice,
                    reason=form.cleaned_data["reason"],
                    actor=request.user,
                    amounts=None if form.cleaned_data["credit_all"] else form.amounts(),
                )
            except InvoicingError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Credit note %(number)s was made.") % {"number": credit_note.number})
                return redirect("office_invoice_detail", invoice_id=invoice.pk)
        status = 400
    return render(
        request,
        "invoicing/credit_note_form.html",
        {"invoice": invoice, "form": form, "lines": lines, "left": left},
        status=status,
    )


@login_required
def office_payroll_export(request: HttpRequest) -> HttpResponse:
    coop = staff_coop(request)
    form = PeriodForm(request.GET or None)
    if form.is_bound and form.is_valid():
        since, until = form.cleaned_data["since"], form.cleaned_data["until"]
        content = payroll_csv_export(coop=coop, since=since, until=until, actor=request.user)
        response = HttpResponse(content, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="payroll-{coop.slug}-{since:%Y%m%d}-{until:%Y%m%d}.csv"'
        )
        return response
    return render(
        request, "invoicing/payroll_export.html", {"coop": coop, "form": form}, status=400 if form.is_bound else 200
    )
