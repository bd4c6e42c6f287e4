"""Invoicing personas: Fatima worked shifts for the bakery; the books must balance after every test."""

from __future__ import annotations

import datetime as dt

import pytest

from coop.ledger.selectors import ledger_unbalanced_transactions, trial_balance
from invoicing.models import Invoice
from tests.invoicing.factories import approved_hours

WORK_DAY = dt.date(2026, 3, 2)  # a Monday
UNTIL = dt.date(2026, 3, 8)


@pytest.fixture
def fatima_worked(kanaleneiland, bakery, fatima):  # type: ignore[no-untyped-def]
    """Two approved shifts of Fatima for the bakery in one week (4 h and 3.5 h at EUR 30)."""
    return [
        approved_hours(coop=kanaleneiland, business=bakery.business, member=fatima, day=WORK_DAY),
        approved_hours(
            coop=kanaleneiland,
            business=bakery.business,
            member=fatima,
            day=WORK_DAY + dt.timedelta(1),
            start=dt.time(13),
            end=dt.time(17),
            break_minutes=30,
        ),
    ]


def assert_books_sound() -> None:
    """The ledger balances and every invoice's receivable is its total or zero (after credit)."""
    from coop.ledger.selectors import receivable_for_invoice
    from coop.models import Cooperative

    assert ledger_unbalanced_transactions() == []
    for coop in Cooperative.objects.all():
        assert trial_balance(coop).total.amount == 0
    for invoice in Invoice.objects.all():
        owed = receivable_for_invoice(invoice).amount
        credited = sum((cn.total_gross.amount for cn in invoice.credit_notes.all()), 0)
        # What a client owes on an invoice is its total (less what credit notes took back) or zero.
        assert owed in (invoice.total_gross.amount - credited, 0), (invoice.number, owed)


@pytest.fixture
def books_sound(db):  # type: ignore[no-untyped-def]
    """Use in flow tests: checks the books after the test body ran."""
    yield
    assert_books_sound()


@pytest.fixture
def run_invoices(django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    """The invoice run with on-commit work (PDF, e-mail) executed, invoices reloaded."""
    from invoicing.services.invoices import invoice_run

    def _run(coop, until=UNTIL):  # type: ignore[no-untyped-def]
        with django_capture_on_commit_callbacks(execute=True):
            invoices = invoice_run(coop=coop, until=until)
        return [Invoice.objects.get(pk=i.pk) for i in invoices]

    return _run


@pytest.fixture
def legal_tables(transactional_db):  # type: ignore[no-untyped-def]
    """A transactional test; the root conftest's `_legal_tables` puts back the flushed legal tables."""


@pytest.fixture
def english(client):  # type: ignore[no-untyped-def]
    """Pages in English (the language cookie), so tests can assert the English source text."""
    from django.conf import settings

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client
