"""Money that matches no invoice, booked at once to the suspense account (unallocated receipts).

Dr the account the money sits on (Stripe clearing or bank) / Cr unallocated receipts, so the
clearing account always equals what Stripe holds and the bank account what the bank holds.
Resolving it (allocate, refund, write to income) is `receipts.py`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from djmoney.money import Money

from coop.audit import audit_record
from coop.ledger.models import AccountCode
from coop.ledger.services import Leg, ledger_post
from coop.models import Cooperative
from coop.money import eur
from invoicing.models import Invoice, UnallocatedReceipt
from invoicing.payments.services.accounts import accounts_for

CHANNEL_ACCOUNT = {
    UnallocatedReceipt.Channel.STRIPE: AccountCode.STRIPE_CLEARING,
    UnallocatedReceipt.Channel.BANK: AccountCode.BANK,
}


def receipt_record(
    *,
    coop: Cooperative,
    origin: str,
    channel: str,
    amount: Money,
    received_on: dt.date,
    source: str,
    reference: str = "",
    invoice: Invoice | None = None,
    business_id: int | None = None,
    payment_intent_id: str = "",
    actor: Any | None = None,
) -> UnallocatedReceipt:
    """Book money that fits no invoice to suspense, once per `source`; returns the receipt (new or earlier)."""
    with transaction.atomic():
        # Callers hold the lock on the invoice (or the bank line's own unique fingerprint) that
        # every delivery of this money takes first: a second delivery finds the first receipt here.
        existing = UnallocatedReceipt.objects.filter(coop=coop, source=source[:120]).first()
        if existing is not None:
            return existing
        if invoice is not None:
            business_id = invoice.business_id
        money_account = CHANNEL_ACCOUNT[UnallocatedReceipt.Channel(channel)]
        accounts = accounts_for(coop, [(money_account, None), (AccountCode.UNALLOCATED_RECEIPTS, None)])
        txn = ledger_post(
            coop=coop,
            occurred_on=received_on,
            description=_("Unallocated money received: %(ref)s") % {"ref": (reference or source)[:150]},
            legs=[
                Leg(account=accounts[(money_account, None)], debit=eur(amount)),
                Leg(account=accounts[(AccountCode.UNALLOCATED_RECEIPTS, None)], credit=eur(amount)),
            ],
            actor=actor,
            reference=invoice if invoice is not None else source[:120],
            idempotency_key=f"unallocated:{source[:100]}",
        )
        receipt = UnallocatedReceipt.objects.create(
            coop=coop,
            business_id=business_id,
            invoice=invoice,
            origin=origin,
            channel=channel,
            amount=eur(amount),
            received_on=received_on,
            reference=reference[:200],
            source=source[:120],
            stripe_payment_intent_id=payment_intent_id,
            ledger_transaction=txn,
        )
        audit_record(
            actor=actor,
            action="payments.receipt_recorded",
            subject=receipt,
            coop=coop,
            data={
                "amount": str(receipt.amount.amount),
                "origin": origin,
                "channel": channel,
                "invoice": invoice.number if invoice is not None else None,
                "source": source[:120],
            },
        )
    return receipt
