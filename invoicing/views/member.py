"""Member portal: earnings across all jobs and clients, and the monthly earnings statement PDF."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils import timezone

from coop.files import private_file_response
from invoicing.services.earnings import earnings_overview, earnings_statement_pdf
from members.models import Member
from members.selectors import member_for_user


def _member(request: HttpRequest) -> Member:
    """The assisted member (coordinator acting with consent) or the user's own member row."""
    assisted = getattr(request, "assisted_member", None)
    member = assisted or member_for_user(request.user)
    if member is None:
        raise PermissionDenied
    return member


@login_required
def member_earnings(request: HttpRequest) -> HttpResponse:
    member = _member(request)
    today = timezone.localdate()
    since = today.replace(day=1) - dt.timedelta(days=365)
    earnings = earnings_overview(member=member, since=since.replace(day=1))
    return render(
        request, "invoicing/earnings_member.html", {"member": member, "earnings": earnings, "this_month": today}
    )


@login_required
def member_earnings_statement(request: HttpRequest, year: int, month: int) -> HttpResponseBase:
    member = _member(request)
    if not (1 <= month <= 12 and 2000 <= year <= 2100):
        raise Http404
    content = earnings_statement_pdf(member=member, year=year, month=month)
    return private_file_response(
        content, filename=f"verdienoverzicht-{year}-{month:02d}.pdf", content_type="application/pdf"
    )
