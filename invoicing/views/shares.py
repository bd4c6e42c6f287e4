"""Shares: the member's own shares, and the coop's share register for the board and coordinators.

The register lives in members (`members.selectors.share_register_list`); its pages are here because
refunds go out in payout batches, which invoicing owns.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from coop.money import eur
from coop.rulebook.book import Rulebook
from invoicing.payments.exceptions import PayoutError
from invoicing.payments.shares import share_refund_batch_prepare, share_refunds_to_pay
from invoicing.views.common import staff_coop
from members.models import MemberShare, Role
from members.selectors import (
    AuditContext,
    coop_ids_for_role,
    member_acting_as,
    share_get_for_office,
    share_list_for_member,
    share_register_list,
)
from members.services import share_payment_record, share_refund_approve, share_wage_deduction_agree


class SharePaymentForm(forms.Form):
    amount = forms.DecimalField(
        label=gettext_lazy("Amount received (EUR)"), min_value=0.01, max_digits=10, decimal_places=2
    )
    paid_on = forms.DateField(label=gettext_lazy("Received on"), widget=forms.DateInput(attrs={"type": "date"}))


@login_required
def member_shares(request: HttpRequest) -> HttpResponse:
    member, ctx = member_acting_as(request)
    if member is None:
        raise PermissionDenied
    if request.method == "POST":
        try:
            share_wage_deduction_agree(ctx=ctx, member=member)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Thank you. Your first wages will pay what you still owe on your share."))
        return redirect("member_shares")
    rows = share_list_for_member(member)
    allowed = Rulebook.for_coop(member.coop).value("share_wage_deduction_allowed", on=timezone.localdate())
    can_agree = allowed and any(
        r.share.status == MemberShare.Status.OWED and r.share.wage_deduction_agreed_at is None for r in rows
    )
    return render(request, "invoicing/shares_member.html", {"member": member, "rows": rows, "can_agree": can_agree})


def _roles(request: HttpRequest, coop_id: int) -> tuple[bool, bool]:
    return (
        coop_id in coop_ids_for_role(request.user, Role.Kind.COORDINATOR),
        coop_id in coop_ids_for_role(request.user, Role.Kind.BOARD),
    )


@login_required
def office_share_register(request: HttpRequest) -> HttpResponse:
    coop = staff_coop(request)
    is_coordinator, is_board = _roles(request, coop.pk)
    rows = share_register_list(coop)
    summary = {
        "paid": eur(sum((r.paid.amount for r in rows if r.share.left_on is None), Decimal(0))),
        "holders": sum(1 for r in rows if r.share.left_on is None and r.paid.amount > 0),
        "open": eur(sum((r.open_amount.amount for r in rows), Decimal(0))),
        "owing": sum(1 for r in rows if r.open_amount.amount > 0),
        "to_decide": sum(1 for r in rows if r.share.status == MemberShare.Status.REFUND_DUE),
    }
    return render(
        request,
        "invoicing/shares_register.html",
        {
            "coop": coop,
            "rows": rows,
            "summary": summary,
            "is_coordinator": is_coordinator,
            "is_board": is_board,
            "to_pay": share_refunds_to_pay(coop).count(),
            "today": timezone.localdate(),
        },
    )


CSV_COLUMNS = (
    "member_number",
    "name",
    "quantity",
    "nominal_value",
    "total",
    "issued_on",
    "paid",
    "open",
    "status",
    "left_on",
    "refund",
    "refund_possible_from",
    "refunded_on",
)


@login_required
def office_share_register_csv(request: HttpRequest) -> HttpResponse:
    coop = staff_coop(request)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(CSV_COLUMNS)
    for row in share_register_list(coop):
        share = row.share
        writer.writerow(
            [
                share.member.member_number or "",
                share.member.full_name,
                share.quantity,
                share.nominal_value.amount,
                share.total.amount,
                share.issued_on.isoformat(),
                row.paid.amount,
                row.open_amount.amount,
                share.status if row.refunded_on is None else "refunded",
                share.left_on.isoformat() if share.left_on else "",
                share.refund_amount.amount if share.refund_amount else "",
                share.refund_due_on.isoformat() if share.refund_due_on else "",
                row.refunded_on.isoformat() if row.refunded_on else "",
            ]
        )
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="share-register-{coop.slug}.csv"'
    return response


@login_required
@require_POST
def office_share_payment(request: HttpRequest, share_id: int) -> HttpResponse:
    coop = staff_coop(request)
    if not _roles(request, coop.pk)[0]:
        raise PermissionDenied
    share = share_get_for_office(coop=coop, share_id=share_id)
    if share is None:
        raise Http404
    form = SharePaymentForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect("office_share_register")
    try:
        share_payment_record(
            ctx=AuditContext.for_user(request.user),
            share=share,
            amount=form.cleaned_data["amount"],
            paid_on=form.cleaned_data["paid_on"],
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The payment of %(name)s is booked.") % {"name": share.member.full_name})
    return redirect("office_share_register")


@login_required
@require_POST
def office_share_refund_approve(request: HttpRequest, share_id: int) -> HttpResponse:
    coop = staff_coop(request)
    share = share_get_for_office(coop=coop, share_id=share_id)
    if share is None:
        raise Http404
    try:
        share_refund_approve(actor=request.user, share=share)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("The refund to %(name)s is approved. A coordinator puts it in the next share refund batch.")
            % {"name": share.member.full_name},
        )
    return redirect("office_share_register")


@login_required
@require_POST
def office_share_refund_batch(request: HttpRequest) -> HttpResponse:
    coop = staff_coop(request)
    try:
        batch = share_refund_batch_prepare(coop=coop, actor=request.user)
    except PayoutError as exc:
        messages.error(request, str(exc))
        return redirect("office_share_register")
    messages.success(request, _("The batch is ready. Another board member must approve it."))
    return redirect("payments:office_payout_detail", batch_id=batch.pk)
