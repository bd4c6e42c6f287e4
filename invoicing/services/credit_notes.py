"""Credit notes: the only way to correct an issued invoice. They take back lines (fully or partly)
and post the reverse in the books."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from djmoney.money import Money

from coop.audit import audit_record
from coop.ledger.models import AccountCode
from coop.ledger.services import Leg, account_get_or_create, ledger_post
from coop.money import eur, round_cents, to_decimal
from invoicing.documents import credit_hours_for_amount
from invoicing.exceptions import CreditTooLarge, InvoicingError
from invoicing.models import CreditNote, CreditNoteLine, Invoice, InvoiceCounter, InvoiceLine
from invoicing.selectors import credited_by_line
from invoicing.services.invoices import _pdf_store, document_email_send
from invoicing.services.numbering import document_number_next

PARTS = ("wage", "costs", "fund", "operating")
FIELD = {"wage": "member_wage", "costs": "employer_costs", "fund": "fund_share", "operating": "operating_share"}


def _credit_line(line: InvoiceLine, already: dict[str, Decimal], amount: Decimal) -> CreditNoteLine:
    """Take back `amount` (net) of one line; the trail and VAT follow in proportion, exactly."""
    remaining = {
        "net": to_decimal(line.line_total_net) - already.get("net", Decimal(0)),
        "vat": to_decimal(line.vat_amount) - already.get("vat", Decimal(0)),
        "hours": Decimal(line.hours) - already.get("hours", Decimal(0)),
        **{p: to_decimal(getattr(line, FIELD[p])) - already.get(p, Decimal(0)) for p in PARTS},
    }
    if amount == remaining["net"]:
        # The last bit of a line: take exactly what is left so the line returns to zero.
        parts = {p: remaining[p] for p in PARTS}
        vat = remaining["vat"]
        hours = remaining["hours"]
    else:
        ratio = amount / to_decimal(line.line_total_net)
        parts = {
            p: min(round_cents(to_decimal(getattr(line, FIELD[p])) * ratio), remaining[p])
            for p in ("wage", "costs", "fund")
        }
        parts["operating"] = amount - sum(parts.values(), Decimal(0))
        if parts["operating"] < 0 or parts["operating"] > remaining["operating"]:
            # Rounding pushed the remainder out of range: move the difference through the fund share.
            excess = parts["operating"] - max(Decimal(0), min(parts["operating"], remaining["operating"]))
            parts["operating"] -= excess
            parts["fund"] += excess
        vat = min(round_cents(amount * Decimal(line.vat_percent) / 100), remaining["vat"])
        # Hours go back only when the amount is exactly that work at the invoiced rate; any other
        # amount is a price correction and takes back no hours (no 0.85 h for € 20 at € 23.50).
        exact = credit_hours_for_amount(amount=amount, hourly_rate=line.hourly_rate)
        hours = exact if exact is not None and exact <= remaining["hours"] else Decimal(0)
    return CreditNoteLine(
        invoice_line=line,
        description=line.description,
        hours=hours,
        line_total_net=eur(amount),
        vat_percent=line.vat_percent,
        vat_amount=eur(vat),
        member_wage=eur(parts["wage"]),
        employer_costs=eur(parts["costs"]),
        fund_share=eur(parts["fund"]),
        operating_share=eur(parts["operating"]),
    )


def credit_note_create(
    *,
    invoice: Invoice,
    reason: str,
    actor: Any | None,
    amounts: Mapping[int, Money | Decimal] | None = None,
    issue_date: dt.date | None = None,
) -> CreditNote:
    """Credit an invoice: all that is left of it (`amounts` None) or the given net amount per line id.

    Posts the reverse of the credited part to the books and, after commit, renders the PDF and
    e-mails it to the client (the invoice's pipeline). Raises CreditTooLarge when an amount is
    more than is left of its line, InvoicingError for an empty credit, a missing reason or a line
    of another invoice.
    """
    reason = (reason or "").strip()
    if not reason:
        raise InvoicingError(_("Give a reason for the credit note."))
    today = issue_date or timezone.localdate()
    with transaction.atomic():
        locked = Invoice.objects.select_for_update(of=("self",)).select_related("coop", "business").get(pk=invoice.pk)
        lines = {line.pk: line for line in locked.lines.order_by("position")}
        credited = credited_by_line(locked)
        if amounts is None:
            wanted = {
                pk: to_decimal(line.line_total_net) - credited.get(pk, {}).get("net", Decimal(0))
                for pk, line in lines.items()
            }
            wanted = {pk: amount for pk, amount in wanted.items() if amount > 0}
        else:
            wanted = {}
            for pk, amount in amounts.items():
                if pk not in lines:
                    raise InvoicingError(_("That line is not on invoice %(number)s.") % {"number": locked.number})
                value = to_decimal(amount)
                if value != round_cents(value) or value < 0:
                    raise InvoicingError(_("Enter an amount in whole cents, zero or more."))
                if value > 0:
                    wanted[pk] = value
        if not wanted:
            raise InvoicingError(_("There is nothing to credit: choose at least one amount above zero."))
        for pk, value in wanted.items():
            left = to_decimal(lines[pk].line_total_net) - credited.get(pk, {}).get("net", Decimal(0))
            if value > left:
                raise CreditTooLarge(
                    _("You cannot credit more than was invoiced: line %(pos)s has %(left)s left, you asked %(asked)s.")
                    % {"pos": lines[pk].position, "left": eur(left), "asked": eur(value)}
                )
        credit_lines = [_credit_line(lines[pk], credited.get(pk, {}), wanted[pk]) for pk in sorted(wanted)]
        total_net = sum((to_decimal(c.line_total_net) for c in credit_lines), Decimal(0))
        total_vat = sum((to_decimal(c.vat_amount) for c in credit_lines), Decimal(0))
        breakdown: dict[str, list[Decimal]] = {}
        for c in credit_lines:
            row = breakdown.setdefault(str(c.vat_percent), [Decimal(0), Decimal(0)])
            row[0] += to_decimal(c.line_total_net)
            row[1] += to_decimal(c.vat_amount)

        sequence, number = document_number_next(
            coop=locked.coop, series=InvoiceCounter.Series.CREDIT_NOTE, year=today.year
        )
        credit_note = CreditNote.objects.create(
            coop=locked.coop,
            invoice=locked,
            number=number,
            series_year=today.year,
            sequence=sequence,
            issue_date=today,
            reason=reason[:500],
            original_number=locked.number,
            original_issue_date=locked.issue_date,
            seller=locked.seller,
            buyer=locked.buyer,
            vat_breakdown=[{"percent": pct, "net": str(net), "vat": str(vat)} for pct, (net, vat) in breakdown.items()],
            total_net=eur(total_net),
            total_vat=eur(total_vat),
            total_gross=eur(total_net + total_vat),
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        for c in credit_lines:
            c.credit_note = credit_note
        CreditNoteLine.objects.bulk_create(credit_lines)
        _credit_note_post_to_ledger(credit_note=credit_note, credit_lines=credit_lines, actor=actor)

        fully = all(
            to_decimal(line.line_total_net) - credited.get(pk, {}).get("net", Decimal(0)) - wanted.get(pk, Decimal(0))
            == 0
            for pk, line in lines.items()
        )
        new_status = Invoice.Status.CREDITED if fully else Invoice.Status.PARTIALLY_CREDITED
        old_status = locked.status
        if new_status not in Invoice.TRANSITIONS[old_status]:
            raise InvoicingError(_("This invoice is already fully credited."))
        locked.status = new_status
        locked.save(update_fields=["status"])
        audit_record(
            actor=actor,
            action="invoice.credited",
            subject=locked,
            coop=locked.coop,
            data={
                "credit_note": number,
                "old": old_status,
                "new": new_status,
                "total_gross": credit_note.total_gross,
                "reason": reason,
            },
        )
        audit_record(
            actor=actor,
            action="credit_note.issued",
            subject=credit_note,
            coop=locked.coop,
            data={"invoice": locked.number, "total_gross": credit_note.total_gross},
        )
        credit_note_id = credit_note.pk
        # As an invoice: the worker renders the PDF and e-mails it once the credit note is committed.
        transaction.on_commit(lambda: _enqueue_delivery(credit_note_id))
    return credit_note


def _credit_note_post_to_ledger(*, credit_note: CreditNote, credit_lines: list[CreditNoteLine], actor: Any) -> None:
    coop = credit_note.coop
    invoice = credit_note.invoice
    wages: dict[int, Decimal] = defaultdict(Decimal)
    sums = {"costs": Decimal(0), "fund": Decimal(0), "operating": Decimal(0)}
    for c in credit_lines:
        wages[c.invoice_line.member_id] += to_decimal(c.member_wage)
        sums["costs"] += to_decimal(c.employer_costs)
        sums["fund"] += to_decimal(c.fund_share)
        sums["operating"] += to_decimal(c.operating_share)
    legs = [
        Leg(
            account_get_or_create(coop=coop, code=AccountCode.RECEIVABLE, business_id=invoice.business_id),
            credit=credit_note.total_gross,
        )
    ]
    if to_decimal(credit_note.total_vat) > 0:
        legs.append(Leg(account_get_or_create(coop=coop, code=AccountCode.VAT_PAYABLE), debit=credit_note.total_vat))
    for member_id in sorted(wages):
        if wages[member_id] > 0:
            legs.append(
                Leg(
                    account_get_or_create(coop=coop, code=AccountCode.WAGES_PAYABLE, member_id=member_id),
                    debit=eur(wages[member_id]),
                )
            )
    for code, key in (
        (AccountCode.EMPLOYER_COSTS_PAYABLE, "costs"),
        (AccountCode.FUND, "fund"),
        (AccountCode.OPERATING, "operating"),
    ):
        if sums[key] > 0:
            legs.append(Leg(account_get_or_create(coop=coop, code=code), debit=eur(sums[key])))
    ledger_post(
        coop=coop,
        occurred_on=credit_note.issue_date,
        description=_("Credit note %(number)s for invoice %(invoice)s")
        % {"number": credit_note.number, "invoice": invoice.number},
        legs=legs,
        actor=actor,
        source=credit_note,
        reference=invoice,
        idempotency_key=f"credit_note:{credit_note.pk}",
    )


# --- PDF and e-mail: the invoice's pipeline (after commit, by the worker, once) ---------------


def _enqueue_delivery(credit_note_id: int) -> None:
    from invoicing.tasks import credit_note_email_task, credit_note_pdf_render_task

    credit_note_pdf_render_task.delay(credit_note_id)
    credit_note_email_task.delay(credit_note_id)


def credit_note_pdf_bytes(credit_note: CreditNote) -> bytes:
    """The credit note PDF from its frozen snapshot, made from the invoice's template."""
    from invoicing import pdf
    from invoicing.selectors import credit_note_pdf_context

    with translation.override(settings.LANGUAGE_CODE):
        html = render_to_string("invoicing/document_pdf.html", credit_note_pdf_context(credit_note))
    return pdf.html_to_pdf(html)


def credit_note_pdf_render(*, credit_note_id: int) -> CreditNote:
    """Render and store the credit note's PDF once; safe to run twice.

    Renders outside any transaction (CPU work), then stores under the row lock, re-checking that
    nobody stored one meanwhile (as invoice_pdf_render).
    """
    credit_note = CreditNote.objects.select_related("coop").get(pk=credit_note_id)
    if credit_note.pdf_rendered_at is not None:
        return credit_note
    content = credit_note_pdf_bytes(credit_note)
    with transaction.atomic():
        locked = CreditNote.objects.select_for_update(of=("self",)).select_related("coop").get(pk=credit_note_id)
        if locked.pdf_rendered_at is not None:
            return locked
        _pdf_store(document=locked, folder="credit_notes", content=content)
        locked.pdf_rendered_at = timezone.now()
        locked.save(update_fields=["pdf", "pdf_rendered_at"])
        audit_record(
            actor=None,
            action="credit_note.pdf_rendered",
            subject=locked,
            coop=locked.coop,
            data={"file": locked.pdf.name},
        )
    return locked


def credit_note_email(*, credit_note_id: int) -> bool:
    """E-mail the credit note (with PDF) to the client's billing address once. Returns True if sent now.

    At most once, as invoice_email: `emailed_at` is claimed under the row lock and committed before
    sending; a failed send releases the claim so a retry can send.
    """
    with transaction.atomic():
        credit_note = CreditNote.objects.select_for_update(of=("self",)).select_related("coop").get(pk=credit_note_id)
        if credit_note.emailed_at is not None:
            return False
        credit_note.emailed_at = timezone.now()
        credit_note.save(update_fields=["emailed_at"])
    try:
        if credit_note.pdf_rendered_at is None:
            credit_note = credit_note_pdf_render(credit_note_id=credit_note_id)
        document_email_send(credit_note, kind="credit_note")
    except Exception:
        with transaction.atomic():
            CreditNote.objects.filter(pk=credit_note_id).update(emailed_at=None)
        raise
    audit_record(
        actor=None,
        action="credit_note.emailed",
        subject=credit_note,
        coop=credit_note.coop,
        data={"to": credit_note.buyer.get("billing_email", "")},
    )
    return True
