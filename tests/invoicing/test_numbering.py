"""Invoice numbers: one gap-free series per coop and year, credit notes in their own series."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from invoicing.models import Invoice, InvoiceCounter
from invoicing.selectors import coops_with_invoice_period_ended
from invoicing.services.numbering import document_number_next
from tests.factories import business_with_contact
from tests.invoicing.conftest import WORK_DAY
from tests.invoicing.factories import approved_hours

pytestmark = pytest.mark.django_db


def test_numbers_are_consecutive_per_coop(run_invoices, kanaleneiland, lunetten, fatima, jan, bakery, lunetten_shop):
    for _ in range(3):
        business, _c = business_with_contact(kanaleneiland)
        approved_hours(coop=kanaleneiland, business=business, member=fatima, day=WORK_DAY)
    approved_hours(coop=lunetten, business=lunetten_shop.business, member=jan, day=WORK_DAY)

    kan = run_invoices(kanaleneiland)
    lun = run_invoices(lunetten)

    year = kan[0].issue_date.year
    assert sorted(i.number for i in kan) == [f"KAN-{year}-0000{n}" for n in (1, 2, 3)]
    assert [i.number for i in lun] == [f"LUN-{year}-00001"]


def test_failed_issue_returns_its_number(kanaleneiland, bakery, fatima, monkeypatch):
    approved_hours(coop=kanaleneiland, business=bakery.business, member=fatima, day=WORK_DAY)
    from invoicing.services import invoices as service

    def boom(**kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("crash after the number was taken")

    monkeypatch.setattr(service, "_invoice_post_to_ledger", boom)
    with pytest.raises(RuntimeError):
        service.invoice_issue(coop=kanaleneiland, business=bakery.business, until=WORK_DAY)
    monkeypatch.undo()

    invoice = service.invoice_issue(coop=kanaleneiland, business=bakery.business, until=WORK_DAY)
    assert invoice.sequence == 1 and Invoice.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_number_needs_a_transaction(legal_tables):
    from tests.factories import CooperativeFactory

    coop = CooperativeFactory()
    # In autocommit the counter lock would end with the statement: refused.
    with pytest.raises(transaction.TransactionManagementError):
        document_number_next(coop=coop, series=InvoiceCounter.Series.INVOICE, year=2026)


def test_database_refuses_a_duplicate_sequence(run_invoices, kanaleneiland, bakery, fatima):
    approved_hours(coop=kanaleneiland, business=bakery.business, member=fatima, day=WORK_DAY)
    invoice = run_invoices(kanaleneiland)[0]
    clone = Invoice(
        **{
            f.attname: getattr(invoice, f.attname)
            for f in Invoice._meta.concrete_fields
            if f.attname not in ("id", "number")
        },
        number="KAN-X",
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        clone.save()


@pytest.mark.parametrize(
    ("period", "today", "due"),
    [
        ("weekly", dt.date(2026, 3, 9), True),  # Monday: the week ended yesterday
        ("weekly", dt.date(2026, 3, 10), False),
        ("monthly", dt.date(2026, 4, 1), True),
        ("monthly", dt.date(2026, 3, 9), False),
    ],
)
def test_beat_picks_coops_whose_period_ended(kanaleneiland, period, today, due):
    from coop.rulebook.models import RuleVersion
    from tests.factories import rule_version_decided

    rule_version_decided(
        coop=kanaleneiland,
        effective_from=dt.date(2026, 1, 1),
        changes={"invoice_period": period},
        source=RuleVersion.Source.VOTE,
    )
    result = coops_with_invoice_period_ended(today=today)
    assert ((kanaleneiland, today - dt.timedelta(days=1)) in result) is due


def test_daily_beat_task_runs_the_invoice_run_for_due_coops(
    kanaleneiland, bakery, fatima, monkeypatch, django_capture_on_commit_callbacks
):
    from django.utils import timezone

    from invoicing.tasks import invoice_runs_due_task

    approved_hours(coop=kanaleneiland, business=bakery.business, member=fatima, day=WORK_DAY)
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: dt.date(2026, 3, 9))  # Monday after the week
    with django_capture_on_commit_callbacks(execute=True):
        assert invoice_runs_due_task() >= 1
    invoice = Invoice.objects.get()
    assert invoice.period_end == WORK_DAY and invoice.issue_date == dt.date(2026, 3, 9)
