"""Office payment pages: scoped to the coop, outsiders refused, a fixed number of queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from coop.money import eur
from invoicing.models import PaymentAnomaly
from invoicing.payments.selectors import dso_per_business
from invoicing.payments.services import anomaly_record, payment_record_manual
from tests.invoicing.payments.factories import issued_invoice

pytestmark = pytest.mark.django_db

PAGES = ["office_payments", "office_dso", "office_payout_list", "office_bank_import", "office_stripe_account"]


def test_outsider_gets_403_on_every_office_page(client, kanaleneiland, outsider, bakery):
    for user in (outsider, bakery.contact):
        client.force_login(user)
        for name in PAGES:
            assert client.get(reverse(f"payments:{name}")).status_code == 403, name


def test_anonymous_is_sent_to_login(client, kanaleneiland):
    for name in PAGES:
        assert client.get(reverse(f"payments:{name}")).status_code == 302


def test_coop_b_staff_never_see_coop_a_payments(client, invoice, coordinator, lunetten_coordinator):
    payment_record_manual(
        invoice_id=invoice.pk,
        amount=eur("10.00"),
        received_on=dt.date(2026, 3, 5),
        reference="KANAAL-REF",
        actor=coordinator,
    )
    anomaly = anomaly_record(
        coop=invoice.coop,
        kind=PaymentAnomaly.Kind.CURRENCY,
        source="evt_x",
        description="KANAAL-ANOMALY",
        invoice=invoice,
    )
    client.force_login(lunetten_coordinator)
    page = client.get(reverse("payments:office_payments")).content.decode()
    assert invoice.number not in page and "KANAAL-ANOMALY" not in page
    assert client.post(reverse("payments:office_anomaly_resolve", args=[anomaly.pk]), {"note": "x"}).status_code == 404
    anomaly.refresh_from_db()
    assert anomaly.resolved_at is None
    client.force_login(coordinator)
    page = client.get(reverse("payments:office_payments")).content.decode()
    assert invoice.number in page and "KANAAL-ANOMALY" in page


def test_coordinator_resolves_an_anomaly(client, invoice, coordinator):
    anomaly = anomaly_record(
        coop=invoice.coop,
        kind=PaymentAnomaly.Kind.AMOUNT_MISMATCH,
        source="evt_y",
        description="te veel",
        invoice=invoice,
    )
    client.force_login(coordinator)
    assert (
        client.post(reverse("payments:office_anomaly_resolve", args=[anomaly.pk]), {"note": "Terugbetaald"}).status_code
        == 302
    )
    anomaly.refresh_from_db()
    assert anomaly.resolved_by == coordinator


def _queries(client, url) -> int:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_list_pages_cost_the_same_for_1_and_many_rows(client, kanaleneiland, bakery, fatima, coordinator):
    client.force_login(coordinator)
    day = dt.date(2026, 3, 2)
    first = issued_invoice(coop=kanaleneiland, business=bakery.business, member=fatima, day=day)
    payment_record_manual(invoice_id=first.pk, amount=eur("1.00"), received_on=day, reference="r", actor=coordinator)
    anomaly_record(coop=kanaleneiland, kind="currency", source="evt_0", description="d", invoice=first)
    urls = [reverse(f"payments:{name}") for name in ("office_payments", "office_dso", "office_payout_list")]
    one = [_queries(client, url) for url in urls]
    for i in range(1, 25):
        inv = issued_invoice(coop=kanaleneiland, business=bakery.business, member=fatima, day=day + dt.timedelta(i))
        payment_record_manual(
            invoice_id=inv.pk, amount=eur("1.00"), received_on=inv.issue_date, reference="r", actor=coordinator
        )
        anomaly_record(coop=kanaleneiland, kind="currency", source=f"evt_{i}", description="d", invoice=inv)
    many = [_queries(client, url) for url in urls]
    assert one == many


def test_days_sales_outstanding_per_business(kanaleneiland, bakery, fatima, coordinator):
    today = dt.date(2026, 3, 31)
    a = issued_invoice(coop=kanaleneiland, business=bakery.business, member=fatima, day=dt.date(2026, 3, 2))
    issued_invoice(coop=kanaleneiland, business=bakery.business, member=fatima, day=dt.date(2026, 3, 3))
    payment_record_manual(
        invoice_id=a.pk, amount=a.total_gross, received_on=dt.date(2026, 3, 12), reference="r", actor=coordinator
    )
    row = dso_per_business(coop=kanaleneiland, today=today)[0]
    assert row.invoiced.amount == 2 * a.total_gross.amount
    assert row.outstanding.amount == a.total_gross.amount
    assert row.dso_days == 45  # half of what was invoiced in 90 days is open
    assert row.average_days_to_pay == 10


def test_board_sees_days_outstanding(client, kanaleneiland, board_member):
    client.force_login(board_member)
    assert client.get(reverse("payments:office_dso")).status_code == 200
