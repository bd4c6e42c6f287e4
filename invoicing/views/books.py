"""The books for coordinators and board members of the current coop: balances, trial balance, journal."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from coop.ledger.selectors import journal_list, trial_balance
from members.selectors import coop_current_for_staff


def _coop(request: HttpRequest):  # type: ignore[no-untyped-def]
    coop = coop_current_for_staff(request)
    if coop is None:
        raise PermissionDenied
    return coop


@login_required
def ledger_books(request: HttpRequest) -> HttpResponse:
    coop = _coop(request)
    return render(request, "ledger/books.html", {"coop": coop, "trial": trial_balance(coop)})


@login_required
def ledger_journal(request: HttpRequest) -> HttpResponse:
    coop = _coop(request)
    since = until = None
    try:
        if request.GET.get("since"):
            since = dt.date.fromisoformat(request.GET["since"])
        if request.GET.get("until"):
            until = dt.date.fromisoformat(request.GET["until"])
    except ValueError:
        since = until = None
    transactions = journal_list(coop, since=since, until=until, limit=200)
    return render(
        request, "ledger/journal.html", {"coop": coop, "transactions": transactions, "since": since, "until": until}
    )
