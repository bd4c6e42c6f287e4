"""Payment pages: the business pays; the office records, imports, resolves and pays out. Thin views."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from coop.files import private_file_response
from coop.models import Cooperative
from coop.money import eur
from coop.rulebook.selectors import rule_value
from invoicing.models import Invoice, Payment, PayoutBatch, RefundRequest
from invoicing.payments import bank, payouts, rules, selectors, services, webhooks
from invoicing.payments.exceptions import BankImportError, OnlinePaymentNotSetUp, PaymentError, PayoutError
from invoicing.payments.forms import (
    BankStatementForm,
    ManualPaymentForm,
    PayoutPrepareForm,
    ReceiptAllocateForm,
    ReceiptSettleForm,
    RefundForm,
    ResolveAnomalyForm,
    StripeAccountForm,
)
from members.selectors import coop_current_for_staff


# --- the business pays ---------------------------------------------------------------------------
def _pay_page(request: HttpRequest, invoice: Invoice, pay_url: str) -> HttpResponse:
    summary = selectors.invoice_payment_summary(invoice, today=timezone.localdate())
    online = selectors.online_payment_enabled(coop=invoice.coop)
    error = ""
    status = 200
    if request.method == "POST":
        if not summary.is_payable:
            error = (
                _("This invoice has been credited; nothing is owed.")
                if summary.status == "credited"
                else _("This invoice has already been paid. Thank you!")
            )
        else:
            absolute = request.build_absolute_uri(pay_url)
            try:
                started = services.checkout_start(
                    invoice_id=invoice.pk,
                    actor=request.user,
                    locale=(translation.get_language() or "nl")[:2],
                    success_url=f"{absolute}?result=success",
                    cancel_url=f"{absolute}?result=cancel",
                )
            except OnlinePaymentNotSetUp as exc:
                error, status, online = str(exc), 409, False
            except PaymentError as exc:
                error, status = str(exc), 503
            else:
                return HttpResponseRedirect(started.url)
    result = request.GET.get("result", "")
    return render(
        request,
        "invoicing/payments/invoice_pay.html",
        {
            "summary": summary,
            "invoice": invoice,
            "error": error,
            "result": result,
            "methods": services.payment_method_labels(),
            "online": online,
        },
        status=status,
    )


@login_required
def business_invoices_to_pay(request: HttpRequest) -> HttpResponse:
    """The business portal's payment page: every invoice of the contact's businesses with its status."""
    from members.selectors import business_ids_for_contact

    business_ids = business_ids_for_contact(request.user)
    if not business_ids:
        raise PermissionDenied(_("This page is for business contacts."))
    invoices = selectors.invoice_list_for_contact_payments(business_ids=business_ids)
    statuses = selectors.invoice_payment_status_map(invoices, today=timezone.localdate())
    rows = [(invoice, statuses[invoice.pk], str(selectors.STATUS_LABELS[statuses[invoice.pk]])) for invoice in invoices]
    return render(request, "invoicing/payments/business_invoice_list.html", {"rows": rows})


@login_required
def invoice_pay(request: HttpRequest, invoice_id: int) -> HttpResponse:
    """The portal's pay page for an invoice of one of the contact's businesses."""
    invoice = Invoice.objects.select_related("coop", "business").filter(pk=invoice_id).first()
    if invoice is None or not rules.can_pay_invoice(request.user, invoice):
        raise Http404
    return _pay_page(request, invoice, reverse("payments:invoice_pay", kwargs={"invoice_id": invoice.pk}))


def invoice_pay_link(request: HttpRequest, token: str) -> HttpResponse:
    """The pay page reached from the invoice e-mail: the signed token is the permission."""
    invoice = selectors.invoice_get_by_pay_token(token)
    if invoice is None:
        raise Http404
    return _pay_page(request, invoice, reverse("payments:invoice_pay_link", kwargs={"token": token}))


@csrf_exempt
@require_POST
def stripe_webhook(request: HttpRequest, coop_slug: str) -> HttpResponse:
    """Stripe's webhook for one coop: verified with that coop's own secret."""
    result = webhooks.webhook_event_receive(
        coop_slug=coop_slug, payload=request.body, signature=request.headers.get("Stripe-Signature", "")
    )
    if result is None:
        raise Http404
    return HttpResponse(result.outcome, status=result.status, content_type="text/plain")


# Signed by Stripe, not a browser: MachineEndpointMiddleware skips the session/auth/CSRF/locale stack.
stripe_webhook.machine_endpoint = True  # type: ignore[attr-defined]


# --- office ----------------------------------------------------------------------------------------
def _office(request: HttpRequest, *, coordinator: bool = False, board: bool = False) -> Cooperative:
    coop = coop_current_for_staff(request)
    if coop is None:
        raise PermissionDenied(_("This page is for coordinators and board members."))
    if coordinator and not rules.is_coordinator(request.user, coop.pk):
        raise PermissionDenied(_("This page is for coordinators."))
    if board and not rules.is_board(request.user, coop.pk):
        raise PermissionDenied(_("This page is for board members."))
    return coop


@login_required
def office_payments(request: HttpRequest) -> HttpResponse:
    coop = _office(request)
    return render(
        request,
        "invoicing/payments/payment_overview.html",
        {
            "coop": coop,
            "anomalies": list(selectors.anomaly_list_open(coop=coop)[:100]),
            "payments": selectors.payment_list_recent(coop=coop),
            "unmatched": selectors.bank_line_list_unmatched(coop=coop, limit=20),
            "resolve_form": ResolveAnomalyForm(),
            "online": selectors.online_payment_enabled(coop=coop),
        },
    )


@login_required
def office_payment_record(request: HttpRequest, invoice_id: int) -> HttpResponse:
    coop = _office(request, coordinator=True)
    invoice = selectors.invoice_get_for_coop(coop=coop, invoice_id=invoice_id)
    if invoice is None:
        raise Http404
    summary = selectors.invoice_payment_summary(invoice, today=timezone.localdate())
    form = ManualPaymentForm(
        request.POST or None,
        initial={"received_on": timezone.localdate(), "amount": summary.due.amount},
        issue_date=invoice.issue_date,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.payment_record_manual(
                invoice_id=invoice.pk,
                amount=eur(form.cleaned_data["amount"]),
                received_on=form.cleaned_data["received_on"],
                reference=form.cleaned_data["reference"],
                actor=request.user,
            )
        except PaymentError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The payment was recorded."))
            return redirect("payments:office_payment_record", invoice_id=invoice.pk)
    return render(
        request,
        "invoicing/payments/payment_record.html",
        {
            "form": form,
            "invoice": invoice,
            "summary": summary,
            "disputes": selectors.dispute_list_for_invoice(invoice=invoice),
        },
    )


@login_required
def office_bank_import(request: HttpRequest) -> HttpResponse:
    coop = _office(request, coordinator=True)
    form = BankStatementForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = bank.bank_statement_import(
                coop=coop, actor=request.user, filename=upload.name, content=upload.read()
            )
        except BankImportError as exc:
            form.add_error("file", str(exc))
    return render(
        request,
        "invoicing/payments/bank_import.html",
        {
            "form": form,
            "result": result,
            "unmatched": selectors.bank_line_list_unmatched(coop=coop),
            "status": 400 if form.errors else 200,
        },
        status=400 if form.errors else 200,
    )


@login_required
def office_receipts(request: HttpRequest) -> HttpResponse:
    coop = _office(request, coordinator=True)
    fee_missing = selectors.payment_list_fee_missing(
        coop=coop, older_than=timezone.now() - dt.timedelta(days=FEE_MISSING_AFTER_DAYS)
    )
    return render(
        request,
        "invoicing/payments/receipt_list.html",
        {"receipts": selectors.receipt_list_open(coop=coop), "fee_missing": fee_missing},
    )


# Stripe reports a payment's fee within minutes; a day without it means the sweep keeps failing.
FEE_MISSING_AFTER_DAYS = 1


@login_required
def office_receipt_detail(request: HttpRequest, receipt_id: int) -> HttpResponse:
    coop = _office(request, coordinator=True)
    receipt = selectors.receipt_get_for_coop(coop=coop, receipt_id=receipt_id)
    if receipt is None:
        raise Http404
    targets = selectors.receipt_allocation_targets(receipt=receipt)
    choices = [
        (
            t.invoice.pk,
            _("%(number)s (%(business)s), still owed %(due)s")
            % {"number": t.invoice.number, "business": t.invoice.business, "due": t.due},
        )
        for t in targets
    ]
    action = request.POST.get("action", "") if request.method == "POST" else ""
    allocate_form = ReceiptAllocateForm(
        request.POST if action == "allocate" else None,
        choices=choices,
        prefix="allocate",
        initial={"amount": receipt.amount_open.amount},
    )
    settle_form = ReceiptSettleForm(
        request.POST if action in ("refund", "write_off") else None,
        prefix="settle",
        initial={"amount": receipt.amount_open.amount},
    )
    status = 200
    if action == "allocate" and allocate_form.is_valid():
        try:
            services.receipt_allocate(
                coop=coop,
                receipt_id=receipt.pk,
                invoice_id=allocate_form.cleaned_data["invoice"],
                amount=eur(allocate_form.cleaned_data["amount"]),
                actor=request.user,
            )
        except PaymentError as exc:
            allocate_form.add_error(None, str(exc))
        else:
            messages.success(request, _("The money was allocated to the invoice."))
            return redirect("payments:office_receipts")
    elif action in ("refund", "write_off") and settle_form.is_valid():
        service = services.receipt_refund if action == "refund" else services.receipt_write_off
        try:
            service(
                coop=coop,
                receipt_id=receipt.pk,
                amount=eur(settle_form.cleaned_data["amount"]),
                reason=settle_form.cleaned_data["reason"],
                actor=request.user,
            )
        except PaymentError as exc:
            settle_form.add_error(None, str(exc))
        else:
            messages.success(
                request, _("The money was refunded.") if action == "refund" else _("The money was written to income.")
            )
            return redirect("payments:office_receipts")
    if request.method == "POST":
        status = 400
    return render(
        request,
        "invoicing/payments/receipt_detail.html",
        {
            "receipt": receipt,
            "allocate_form": allocate_form,
            "settle_form": settle_form,
            "has_targets": bool(targets),
        },
        status=status,
    )


@login_required
def office_refund(request: HttpRequest, payment_id: int) -> HttpResponse:
    coop = _office(request, coordinator=True)
    payment = selectors.payment_get_for_coop(coop=coop, payment_id=payment_id)
    if payment is None:
        raise Http404
    form = RefundForm(request.POST or None, stripe_payment=payment.method == Payment.Method.STRIPE)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                done = services.refund_request(
                    coop=coop,
                    payment_id=payment.pk,
                    amount=eur(form.cleaned_data["amount"]),
                    method=form.cleaned_data["method"],
                    reason=form.cleaned_data["reason"],
                    actor=request.user,
                )
            except PaymentError as exc:
                form.add_error(None, str(exc))
            else:
                if done.status == RefundRequest.Status.DONE:
                    messages.success(request, _("The money was refunded."))
                else:
                    messages.success(
                        request,
                        _("The refund is above the board limit. A board member must approve it; then it is done."),
                    )
                return redirect("payments:office_refund", payment_id=payment.pk)
    return render(
        request,
        "invoicing/payments/refund_form.html",
        {
            "payment": payment,
            "form": form,
            "refundable": eur(payment.amount.amount - payment.amount_refunded.amount),
            "disputes": selectors.dispute_list_for_invoice(invoice=payment.invoice),
            "board_limit": eur(rule_value(coop, "board_payout_limit", on=timezone.localdate())),
        },
        status=status,
    )


@login_required
def office_refund_list(request: HttpRequest) -> HttpResponse:
    coop = _office(request)
    return render(
        request,
        "invoicing/payments/refund_list.html",
        {
            "waiting": selectors.refund_request_list_waiting(coop=coop),
            "can_decide": rules.is_board(request.user, coop.pk),
        },
    )


@login_required
@require_POST
def office_refund_decide(request: HttpRequest, request_id: int, action: str) -> HttpResponse:
    coop = _office(request, board=True)
    if action not in ("approve", "reject"):
        raise Http404
    try:
        services.refund_decide(coop=coop, request_id=request_id, approve=action == "approve", actor=request.user)
    except PaymentError as exc:
        messages.error(request, str(exc))
    else:
        done = _("The money was refunded.") if action == "approve" else _("The refund was rejected.")
        messages.success(request, done)
    return redirect("payments:office_refund_list")


@login_required
@require_POST
def office_anomaly_resolve(request: HttpRequest, anomaly_id: int) -> HttpResponse:
    coop = _office(request, coordinator=True)
    anomaly = selectors.anomaly_get_for_coop(coop=coop, anomaly_id=anomaly_id)
    if anomaly is None:
        raise Http404
    form = ResolveAnomalyForm(request.POST)
    if form.is_valid():
        services.anomaly_resolve(anomaly=anomaly, actor=request.user, note=form.cleaned_data["note"])
        messages.success(request, _("Marked as handled."))
    else:
        messages.error(request, _("Write down what you did before marking it handled."))
    return redirect("payments:office_payments")


@login_required
def office_stripe_account(request: HttpRequest) -> HttpResponse:
    coop = _office(request, coordinator=True)
    form = StripeAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.stripe_account_set(coop=coop, actor=request.user, **form.cleaned_data)
        except PaymentError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The Stripe keys were saved. They are stored encrypted and not shown again."))
            return redirect("payments:office_stripe_account")
    return render(
        request,
        "invoicing/payments/stripe_account_form.html",
        {
            "form": form,
            "account": selectors.stripe_account_get(coop=coop),
            "online": selectors.online_payment_enabled(coop=coop),
            "coop": coop,
            "webhook_url": request.build_absolute_uri(
                reverse("payments:stripe_webhook", kwargs={"coop_slug": coop.slug})
            ),
        },
        status=400 if form.errors else 200,
    )


@login_required
def office_dso(request: HttpRequest) -> HttpResponse:
    coop = _office(request)
    return render(
        request,
        "invoicing/payments/dso_list.html",
        {
            "coop": coop,
            "rows": selectors.dso_per_business(coop=coop, today=timezone.localdate()),
            "window_days": 90,
        },
    )


# --- payouts ----------------------------------------------------------------------------------------
@login_required
def office_payout_list(request: HttpRequest) -> HttpResponse:
    coop = _office(request)
    return render(
        request,
        "invoicing/payments/payout_list.html",
        {
            "coop": coop,
            "batches": selectors.payout_batch_list(coop=coop),
            "can_prepare": rules.is_coordinator(request.user, coop.pk),
        },
    )


@login_required
def office_payout_prepare(request: HttpRequest) -> HttpResponse:
    coop = _office(request, coordinator=True)
    today = timezone.localdate()
    form = PayoutPrepareForm(
        request.POST or None,
        initial={
            "period_start": today.replace(day=1),
            "period_end": today,
            "execution_date": today,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            batch = payouts.payout_batch_prepare(
                coop=coop,
                actor=request.user,
                period_start=form.cleaned_data["period_start"],
                period_end=form.cleaned_data["period_end"],
                execution_date=form.cleaned_data["execution_date"],
            )
        except PayoutError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The batch was prepared. Another board member must now approve it."))
            return redirect("payments:office_payout_detail", batch_id=batch.pk)
    return render(request, "invoicing/payments/payout_prepare.html", {"form": form}, status=400 if form.errors else 200)


def _batch(request: HttpRequest, batch_id: int) -> tuple[Cooperative, PayoutBatch]:
    coop = _office(request)
    batch = selectors.payout_batch_get_for_coop(coop=coop, batch_id=batch_id)
    if batch is None:
        raise Http404
    return coop, batch


@login_required
def office_payout_detail(request: HttpRequest, batch_id: int) -> HttpResponse:
    coop, batch = _batch(request, batch_id)
    return render(
        request,
        "invoicing/payments/payout_detail.html",
        {
            "batch": batch,
            "items": list(batch.items.all()),
            "is_board": rules.is_board(request.user, coop.pk),
            "is_preparer": batch.prepared_by_id == request.user.pk,
        },
    )


@login_required
@require_POST
def office_payout_action(request: HttpRequest, batch_id: int, action: str) -> HttpResponse:
    _coop, batch = _batch(request, batch_id)
    service = {
        "approve": payouts.payout_batch_approve,
        "cancel": payouts.payout_batch_cancel,
        "sent": payouts.payout_batch_mark_sent,
    }.get(action)
    if service is None:
        raise Http404
    try:
        service(batch_id=batch.pk, actor=request.user)
    except PayoutError as exc:
        messages.error(request, str(exc))
        return render(
            request,
            "invoicing/payments/payout_detail.html",
            {
                "batch": batch,
                "items": list(batch.items.all()),
                "error": str(exc),
                "is_board": rules.is_board(request.user, batch.coop_id),
                "is_preparer": batch.prepared_by_id == request.user.pk,
            },
            status=400,
        )
    messages.success(
        request,
        {
            "approve": _("Approved. The SEPA file is ready to download."),
            "cancel": _("The batch was cancelled."),
            "sent": _("Marked as sent to the bank."),
        }[action],
    )
    return redirect("payments:office_payout_detail", batch_id=batch.pk)


@login_required
def office_payout_download(request: HttpRequest, batch_id: int) -> HttpResponseBase:
    _coop, batch = _batch(request, batch_id)
    if not batch.sepa_file or batch.status == PayoutBatch.Status.CANCELLED:
        raise Http404
    return private_file_response(
        batch.sepa_file, filename=f"sepa-{batch.coop.slug}-{batch.pk}.xml", content_type="application/xml"
    )


@login_required
def office_payout_item_statement(request: HttpRequest, batch_id: int, item_id: int) -> HttpResponseBase:
    """The member's earnings statement for the batch's month, attached to their payout line."""
    from invoicing.services.earnings import earnings_statement_pdf

    _coop, batch = _batch(request, batch_id)
    item = next((i for i in batch.items.all() if i.pk == item_id and i.member is not None), None)
    if item is None or item.member is None:
        raise Http404
    content = earnings_statement_pdf(member=item.member, year=batch.period_end.year, month=batch.period_end.month)
    return private_file_response(
        content, filename=f"earnings-{item.member.pk}-{batch.period_end:%Y-%m}.pdf", content_type="application/pdf"
    )
