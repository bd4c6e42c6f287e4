"""Paying what the fund promised: promised payouts into one SEPA fund batch."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coop.audit import audit_record
from coop.governance.models import (
    FundPayout,
)
from coop.governance.selectors import (
    fund_payouts_to_pay,
)
from coop.models import Cooperative
from invoicing.models import PayoutBatch
from invoicing.payments.exceptions import PayoutError
from invoicing.payments.payouts import PayoutLine, payout_batch_prepare


# --- paying what the fund promised ---------------------------------------------------------------------
def fund_payout_batch_prepare(*, coop: Cooperative, actor: Any, execution_date: dt.date | None = None) -> PayoutBatch:
    """Put every promised fund payout no batch pays yet into one SEPA batch (a coordinator prepares,
    a different board member approves it on the payout page, which posts fund -> bank).

    Raises PayoutError (not a coordinator, nothing promised), InvalidPayeeIban.
    """
    with transaction.atomic():
        payouts = list(fund_payouts_to_pay(coop).select_for_update(of=("self",)))
        if not payouts:
            raise PayoutError(_("No decision has promised money from the fund that is still to be paid."))
        lines = [
            PayoutLine(
                payee_name=p.proposal.beneficiary_name,
                iban=p.proposal.beneficiary_iban,
                amount=p.amount,
                description=(
                    _("Neighbourhood fund, decision %(ref)s: %(purpose)s")
                    % {"ref": p.proposal.reference, "purpose": p.proposal.payout_purpose}
                )[:140],
            )
            for p in payouts
        ]
        batch = payout_batch_prepare(
            coop=coop,
            actor=actor,
            period_end=timezone.localdate(),
            kind=PayoutBatch.Kind.FUND,
            items=lines,
            execution_date=execution_date,
        )
        items = list(batch.items.order_by("end_to_end_id"))
        by_e2e = {item.end_to_end_id: item for item in items}
        for index, payout in enumerate(payouts, start=1):
            payout.payout_item = by_e2e[f"WK{batch.pk}-{index}"]
            payout.status = FundPayout.Status.IN_BATCH
            payout.save(update_fields=["payout_item", "status"])
            audit_record(
                actor=actor,
                action="governance.fund_payout_batched",
                subject=payout,
                coop=coop,
                data={"batch": batch.pk, "amount": payout.amount},
            )
    return batch
