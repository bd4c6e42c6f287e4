"""The webhook's fast paths: a cached secret that still follows every change, and a query budget per event.

Each process caches a coop and its decrypted webhook secret; every accepted event re-checks the
stored keys' version inside the one read it makes anyway, so a secret changed by ANOTHER process
(simulated here with a queryset update, which sends no signals) stops verifying at once.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from coop.ledger.models import AccountCode, LedgerTransaction
from coop.ledger.services import Leg, account_get_or_create, ledger_post
from coop.money import eur
from invoicing.models import InvoiceSettlement, Payment, StripeAccount, WebhookEvent
from invoicing.payments import webhooks
from invoicing.payments.encryption import secret_encrypt
from invoicing.payments.selectors import payment_integrity_check
from invoicing.payments.services import stripe_account_set, stripe_keys_for
from tests.invoicing.payments import stripe_events as se
from tests.invoicing.payments.factories import cents

pytestmark = pytest.mark.django_db

CONTROL = ("SAVEPOINT", "RELEASE", "BEGIN", "COMMIT", "ROLLBACK")


def _data_queries(ctx: CaptureQueriesContext) -> list[str]:
    """The statements that read or write rows (not transaction control, not the per-process account lookups)."""
    return [
        q["sql"]
        for q in ctx.captured_queries
        if not q["sql"].lstrip().upper().startswith(CONTROL) and '"ledger_account"' not in q["sql"]
    ]


def _paid_events(invoice):  # type: ignore[no-untyped-def]
    pi = se.payment_intent(amount=cents(invoice), metadata=se.invoice_metadata(invoice))
    session = se.checkout_session(amount=cents(invoice), metadata=se.invoice_metadata(invoice), pi_id=pi["id"])
    return pi, se.event("payment_intent.succeeded", pi), se.event("checkout.session.completed", session)


def _other_process_sets_secret(coop, secret: str) -> None:  # type: ignore[no-untyped-def]
    """What another worker's stripe_account_set leaves in the database, without this process's signals."""
    StripeAccount.objects.filter(coop=coop).update(
        webhook_secret_encrypted=secret_encrypt(secret), updated_at=timezone.now() + dt.timedelta(seconds=1)
    )


def test_secret_changed_in_this_process_is_used_for_the_next_event(invoice, post_event, coordinator):
    _pi, ev, _cs = _paid_events(invoice)
    fake_secret = stripe_keys_for(invoice.coop).webhook_secret
    assert post_event(invoice.coop, se.event("payment_intent.created", {"id": "pi_x"})).status_code == 200  # cached
    stripe_account_set(
        coop=invoice.coop, actor=coordinator, secret_key="sk_test_kanaal", webhook_secret="whsec_kanaleneiland_new"
    )
    assert post_event(invoice.coop, ev, secret=fake_secret).status_code == 400
    assert Payment.objects.count() == 0
    assert post_event(invoice.coop, ev, secret="whsec_kanaleneiland_new").status_code == 200
    assert Payment.objects.count() == 1


def test_secret_changed_by_another_process_stops_the_old_one_at_once(invoice, post_event, coordinator):
    stripe_account_set(
        coop=invoice.coop, actor=coordinator, secret_key="sk_test_kanaal", webhook_secret="whsec_kanaleneiland_old"
    )
    _pi, ev, _cs = _paid_events(invoice)
    warm = se.event("payment_intent.created", {"id": "pi_x"})
    assert post_event(invoice.coop, warm, secret="whsec_kanaleneiland_old").status_code == 200  # cached: "old"
    _other_process_sets_secret(invoice.coop, "whsec_kanaleneiland_new")
    # The cached secret still verifies this signature, but the version read with the event says the
    # keys changed: verified again with what is stored now, and refused.
    assert post_event(invoice.coop, ev, secret="whsec_kanaleneiland_old").status_code == 400
    assert Payment.objects.count() == 0
    assert WebhookEvent.objects.filter(stripe_event_id=ev["id"]).count() == 0
    assert post_event(invoice.coop, ev, secret="whsec_kanaleneiland_new").status_code == 200
    assert Payment.objects.count() == 1


def test_new_secret_from_another_process_is_accepted_before_the_cache_expires(invoice, post_event, coordinator):
    stripe_account_set(
        coop=invoice.coop, actor=coordinator, secret_key="sk_test_kanaal", webhook_secret="whsec_kanaleneiland_old"
    )
    warm = se.event("payment_intent.created", {"id": "pi_x"})
    assert post_event(invoice.coop, warm, secret="whsec_kanaleneiland_old").status_code == 200
    _other_process_sets_secret(invoice.coop, "whsec_kanaleneiland_new")
    _pi, ev, _cs = _paid_events(invoice)
    assert post_event(invoice.coop, ev, secret="whsec_kanaleneiland_new").status_code == 200
    assert Payment.objects.count() == 1


def test_unknown_coop_is_404_and_a_forged_event_is_400(invoice, post_event, client):
    _pi, ev, _cs = _paid_events(invoice)
    body, header = se.signed(ev, stripe_keys_for(invoice.coop).webhook_secret)
    response = client.post(
        "/payments/webhooks/stripe/nowhere/", data=body, content_type="application/json", HTTP_STRIPE_SIGNATURE=header
    )
    assert response.status_code == 404
    for _ in range(2):  # cold and cached
        assert post_event(invoice.coop, ev, secret="whsec_forged").status_code == 400
    assert Payment.objects.count() == 0
    assert WebhookEvent.objects.count() == 0


def test_query_budget_per_kind_of_event(invoice, post_event):
    pi, paid, session_paid = _paid_events(invoice)
    meta = se.invoice_metadata(invoice)
    failed_pi = se.payment_intent(amount=cents(invoice), metadata=meta, pi_id=pi["id"], status="failed")
    failed = se.event("payment_intent.payment_failed", failed_pi)
    assert post_event(invoice.coop, se.event("payment_intent.created", {"id": "pi_x"})).status_code == 200  # cached
    budget = [
        # read, lock, re-read, accounts, ledger key, txn, legs, audit, payment, settlement, disputes told before
        # this payment (to link them), audit, event
        (paid, "processed", 12),
        (session_paid, "ignored", 2),  # the same payment told again: the read and the event row
        (failed, "ignored", 2),  # a late failure: the same
        (paid, "duplicate", 1),  # a redelivery: the read
    ]
    for ev, outcome, queries in budget:
        with CaptureQueriesContext(connection) as ctx:
            response = post_event(invoice.coop, ev)
        assert (response.status_code, response.content.decode()) == (200, outcome)
        assert len(_data_queries(ctx)) == queries, _data_queries(ctx)
    settlement = InvoiceSettlement.objects.get(invoice=invoice)
    assert settlement.status == InvoiceSettlement.Status.PAID
    assert settlement.amount_paid == invoice.total_gross
    assert Payment.objects.count() == 1
    assert payment_integrity_check().ok


def test_second_payment_updates_the_settlement_from_both_payments(invoice, post_event):
    half = cents(invoice) // 2
    for amount in (half, cents(invoice) - half):
        pi = se.payment_intent(amount=amount, metadata=se.invoice_metadata(invoice))
        assert post_event(invoice.coop, se.event("payment_intent.succeeded", pi)).content == b"processed"
        settlement = InvoiceSettlement.objects.get(invoice=invoice)
        assert settlement.amount_paid.amount * 100 == sum(
            p.amount.amount * 100 for p in Payment.objects.filter(invoice=invoice)
        )
    assert settlement.status == InvoiceSettlement.Status.PAID
    assert InvoiceSettlement.objects.count() == 1
    assert payment_integrity_check().ok


def test_ledger_post_with_a_locked_key_is_still_idempotent(kanaleneiland):
    legs = [
        Leg(account_get_or_create(coop=kanaleneiland, code=AccountCode.BANK), debit=eur("10.00")),
        Leg(account_get_or_create(coop=kanaleneiland, code=AccountCode.OPERATING), credit=eur("10.00")),
    ]
    day = dt.date(2026, 3, 2)
    with transaction.atomic():
        first = ledger_post(
            coop=kanaleneiland, occurred_on=day, description="x", legs=legs, idempotency_key="k:1", key_locked=True
        )
        again = ledger_post(
            coop=kanaleneiland, occurred_on=day, description="x", legs=legs, idempotency_key="k:1", key_locked=True
        )
    assert again.pk == first.pk
    assert LedgerTransaction.objects.filter(idempotency_key="k:1").count() == 1


@pytest.mark.django_db(transaction=True)
def test_redeliveries_outside_any_transaction_are_stored_once(invoice, post_event):
    """Autocommit (as under gunicorn): the event row of a quick answer is one INSERT of its own."""
    webhooks.webhook_secret_cache_clear()
    _pi, paid, session_paid = _paid_events(invoice)
    assert post_event(invoice.coop, paid).content == b"processed"
    assert post_event(invoice.coop, session_paid).content == b"ignored"
    assert post_event(invoice.coop, session_paid).content == b"duplicate"
    assert WebhookEvent.objects.count() == 2
    assert Payment.objects.count() == 1
    assert payment_integrity_check().ok


def test_webhook_skips_the_browser_stack_but_not_the_host_check(invoice, client, settings):
    """MachineEndpointMiddleware: no session cookie, no language negotiation; an unknown host is still refused."""
    _pi, ev, _cs = _paid_events(invoice)
    body, header = se.signed(ev, stripe_keys_for(invoice.coop).webhook_secret)
    url = f"/payments/webhooks/stripe/{invoice.coop.slug}/"
    response = client.post(url, data=body, content_type="application/json", HTTP_STRIPE_SIGNATURE=header)
    assert (response.status_code, response.content) == (200, b"processed")
    assert "Vary" not in response  # Session/Locale middlewares never saw it
    assert not response.cookies
    settings.ALLOWED_HOSTS = ["example.org"]
    refused = client.post(url, data=body, content_type="application/json", HTTP_STRIPE_SIGNATURE=header)
    assert refused.status_code == 400
    assert Payment.objects.count() == 1


def test_get_on_the_webhook_url_still_goes_through_the_normal_stack(invoice, client):
    response = client.get(f"/payments/webhooks/stripe/{invoice.coop.slug}/")
    assert response.status_code == 405  # require_POST, reached through every middleware
