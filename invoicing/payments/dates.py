"""The dates money can move on: when a payment was received, when a payout is paid.

The forms check these for a clear message next to the field; the services check them again for
every other caller (the bank import, the shell, a future API).
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

# Input sanity, not policy: banks take a requested execution date up to about a year ahead, and a
# payout date further away than that is a typo in the year (9999 would otherwise be stored).
PAYOUT_HORIZON_DAYS = 366


def payment_date_problem(*, received_on: dt.date, issue_date: dt.date, today: dt.date | None = None) -> str:
    """Why a payment cannot have been received on `received_on` for an invoice of `issue_date` ("" if it can)."""
    today = today or timezone.localdate()
    if received_on > today:
        return _("A payment cannot be received in the future.")
    if received_on < issue_date:
        return _("A payment cannot be received before the invoice date (%(day)s).") % {
            "day": issue_date.strftime("%d-%m-%Y")
        }
    return ""


def payout_horizon(today: dt.date) -> dt.date:
    """The last day a payout may be dated."""
    return today + dt.timedelta(days=PAYOUT_HORIZON_DAYS)


def payout_date_problem(*, execution_date: dt.date, today: dt.date | None = None) -> str:
    """Why a payout cannot be paid on `execution_date` ("" if it can)."""
    today = today or timezone.localdate()
    if execution_date < today:
        return _("The pay date cannot be in the past.")
    if execution_date > payout_horizon(today):
        return _("The pay date is too far ahead. Choose %(day)s at the latest.") % {
            "day": payout_horizon(today).strftime("%d-%m-%Y")
        }
    return ""
