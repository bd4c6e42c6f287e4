"""Issuing invoices: the invoice run, one invoice per business, the PDF and the e-mail.

Locks, in this order everywhere (so two issuers never deadlock):
1. the BusinessRelation row of (coop, business): serialises two runs billing the same business, so
   the unbilled hours read after it are final;
2. the InvoiceCounter row, taken last ("lock late") and held only for the inserts.
The OneToOne `InvoiceLine.hour_entry` is the last guard against billing an entry twice.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from djmoney.money import Money

from coop.audit import audit_record
from coop.ledger.models import AccountCode, LedgerTransaction
from coop.ledger.services import Leg, account_get_or_create_many, ledger_post
from coop.models import Cooperative
from coop.money import eur, percent_of, to_decimal
from coop.rulebook.book import Rulebook
from coop.rulebook.exceptions import RulebookError
from coop.rulebook.models import VatRate
from invoicing.exceptions import InvoiceEmpty, InvoicingError
from invoicing.models import Invoice, InvoiceCounter, InvoiceLine
from invoicing.selectors import hour_entries_unbilled, invoice_business_ids_to_bill
from invoicing.services.euro_trail import euro_trail_for_work
from invoicing.services.numbering import document_number_next
from members.models import Business, BusinessRelation

logger = logging.getLogger(__name__)


def seller_snapshot(coop: Cooperative) -> dict[str, Any]:
    """The coop's legal details as printed on a document (art. 35a Wet OB)."""
    return {
        "name": coop.name,
        "legal_name": coop.legal_name,
        "street": coop.street,
        "postcode": coop.postcode,
        "city": coop.city,
        "kvk_number": coop.kvk_number,
        "vat_id": coop.vat_id,
        "iban": coop.iban,
        "bic": coop.bic,
        "email": coop.email,
        "phone": coop.phone,
        "website": coop.website,
        "wtta_number": coop.wtta_number,
        "primary_color": coop.primary_color,
        "slug": coop.slug,
    }


def buyer_snapshot(business: Business) -> dict[str, Any]:
    """The client's details as printed on a document."""
    return {
        "legal_name": business.legal_name,
        "trade_name": business.trade_name,
        "street": business.street,
        "postcode": business.postcode,
        "city": business.city,
        "kvk_number": business.kvk_number,
        "vat_id": business.vat_id,
        "billing_email": business.billing_email,
    }


def _vat_breakdown(lines: list[InvoiceLine]) -> list[dict[str, str]]:
    groups: dict[tuple[str, Decimal], list[Decimal]] = {}
    for line in lines:
        key = (line.vat_code, Decimal(line.vat_percent))
        net_vat = groups.setdefault(key, [Decimal(0), Decimal(0)])
        net_vat[0] += to_decimal(line.line_total_net)
        net_vat[1] += to_decimal(line.vat_amount)
    return [
        {"code": code, "percent": str(pct), "net": str(net), "vat": str(vat)}
        for (code, pct), (net, vat) in sorted(groups.items(), key=lambda kv: -kv[0][1])
    ]


def _invoice_post_to_ledger(*, invoice: Invoice, lines: list[InvoiceLine], actor: Any | None) -> LedgerTransaction:
    coop = invoice.coop
    wages: dict[int, Decimal] = defaultdict(Decimal)
    names: dict[int, str] = {}
    costs = fund = operating = Decimal(0)
    for line in lines:
        wages[line.member_id] += to_decimal(line.member_wage)
        names[line.member_id] = str(line.member)
        costs += to_decimal(line.employer_costs)
        fund += to_decimal(line.fund_share)
        operating += to_decimal(line.operating_share)

    wanted: list[tuple[str, int | None, int | None, str]] = [
        (AccountCode.RECEIVABLE, invoice.business_id, None, str(invoice.business)),
        (AccountCode.VAT_PAYABLE, None, None, ""),
        (AccountCode.EMPLOYER_COSTS_PAYABLE, None, None, ""),
        (AccountCode.FUND, None, None, ""),
        (AccountCode.OPERATING, None, None, ""),
        *[(AccountCode.WAGES_PAYABLE, None, member_id, names[member_id]) for member_id in sorted(wages)],
    ]
    accounts = account_get_or_create_many(coop=coop, wanted=wanted)

    def acc(code: str, business_id: int | None = None, member_id: int | None = None) -> Any:
        return accounts[(code, business_id, member_id)]

    legs = [Leg(acc(AccountCode.RECEIVABLE, business_id=invoice.business_id), debit=invoice.total_gross)]
    if to_decimal(invoice.total_vat) > 0:
        legs.append(Leg(acc(AccountCode.VAT_PAYABLE), credit=invoice.total_vat))
    for member_id in sorted(wages):
        if wages[member_id] > 0:
            legs.append(Leg(acc(AccountCode.WAGES_PAYABLE, member_id=member_id), credit=eur(wages[member_id])))
    for code, amount in (
        (AccountCode.EMPLOYER_COSTS_PAYABLE, costs),
        (AccountCode.FUND, fund),
        (AccountCode.OPERATING, operating),
    ):
        if amount > 0:
            legs.append(Leg(acc(code), credit=eur(amount)))
    return ledger_post(
        coop=coop,
        occurred_on=invoice.issue_date,
        description=_("Invoice %(number)s to %(client)s") % {"number": invoice.number, "client": invoice.business},
        legs=legs,
        actor=actor,
        source=invoice,
        reference=invoice,
        idempotency_key=f"invoice:{invoice.pk}",
        # The invoice row was inserted in this very transaction: nobody else can see it, so no
        # concurrent posting for it exists and the insert needs no savepoint (see ledger_post).
        key_locked=True,
    )


def invoice_issue(
    *,
    coop: Cooperative,
    business: Business,
    until: dt.date,
    actor: Any | None = None,
    issue_date: dt.date | None = None,
    rules: Rulebook | None = None,
) -> Invoice:
    """Bill all approved, unbilled hours of one business up to `until` on one new, numbered invoice.

    Posts the invoice to the books and, after commit, renders the PDF and e-mails it.
    `rules`: the run's Rulebook (rule versions, minimum wages, VAT rates loaded once per run
    instead of once per invoice: six queries less per invoice); a fresh one when not given.
    Raises InvoiceEmpty when there is nothing to bill, EuroTrailError when a rate does not cover
    wage and costs, InvoicingError when the business does not work with the coop.
    """
    today = issue_date or timezone.localdate()
    with transaction.atomic():
        relation = BusinessRelation.objects.select_for_update().filter(coop=coop, business=business).first()
        if relation is None:
            raise InvoicingError(_("%(client)s does not work with %(coop)s.") % {"client": business, "coop": coop})
        entries = list(hour_entries_unbilled(coop=coop, business=business, until=until))
        if not entries:
            raise InvoiceEmpty(_("There are no approved hours to invoice for %(client)s.") % {"client": business})

        if rules is None or rules.coop.pk != coop.pk:
            rules = Rulebook.for_coop(coop)
        lines: list[InvoiceLine] = []
        for position, entry in enumerate(entries, start=1):
            shift = entry.assignment.shift
            job = shift.job
            member = entry.assignment.member
            hours = entry.hours_worked
            if hours <= 0:
                raise InvoicingError(_("Hour entry %(id)s has no hours to bill.") % {"id": entry.pk})
            trail, wage_hourly, version = euro_trail_for_work(
                rules=rules,
                work_date=shift.date,
                category=job.category,
                hours=hours,
                hourly_rate=job.hourly_client_rate,
            )
            vat = rules.vat(VatRate.Code.HIGH, shift.date)
            lines.append(
                InvoiceLine(
                    position=position,
                    hour_entry=entry,
                    member=member,
                    member_first_name=member.first_name,
                    description=job.title[:300],
                    work_date=shift.date,
                    job_category=job.category,
                    hours=hours,
                    hourly_rate=eur(job.hourly_client_rate),
                    line_total_net=trail.line_total_net,
                    vat_code=vat.code,
                    vat_percent=vat.percent,
                    vat_amount=percent_of(trail.line_total_net, vat.percent),
                    wage_hourly=wage_hourly,
                    member_wage=trail.member_wage,
                    employer_costs=trail.employer_costs,
                    fund_share=trail.fund_share,
                    operating_share=trail.operating_share,
                    rule_version=version,
                )
            )
        total_net = eur(sum((to_decimal(li.line_total_net) for li in lines), Decimal(0)))
        total_vat = eur(sum((to_decimal(li.vat_amount) for li in lines), Decimal(0)))
        term = business.payment_term_days or int(rules.value("payment_term_days", on=today))

        # Lock late: the counter row is held only from here to commit.
        sequence, number = document_number_next(coop=coop, series=InvoiceCounter.Series.INVOICE, year=today.year)
        invoice = Invoice.objects.create(
            coop=coop,
            business=business,
            number=number,
            series_year=today.year,
            sequence=sequence,
            issue_date=today,
            period_start=min(li.work_date for li in lines),
            period_end=max(li.work_date for li in lines),
            payment_term_days=term,
            due_date=today + dt.timedelta(days=term),
            seller=seller_snapshot(coop),
            buyer=buyer_snapshot(business),
            vat_breakdown=_vat_breakdown(lines),
            total_net=total_net,
            total_vat=total_vat,
            total_gross=eur(to_decimal(total_net) + to_decimal(total_vat)),
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        for line in lines:
            line.invoice = invoice
        InvoiceLine.objects.bulk_create(lines)
        _invoice_post_to_ledger(invoice=invoice, lines=lines, actor=actor)
        audit_record(
            actor=actor,
            action="invoice.issued",
            subject=invoice,
            coop=coop,
            data={
                "number": number,
                "lines": len(lines),
                "total_gross": invoice.total_gross,
                "until": until.isoformat(),
            },
        )
        invoice_id = invoice.pk
        transaction.on_commit(lambda: _enqueue_delivery(invoice_id))
    return invoice


def _enqueue_delivery(invoice_id: int) -> None:
    from invoicing.tasks import invoice_email_task, invoice_pdf_render_task

    invoice_pdf_render_task.delay(invoice_id)
    invoice_email_task.delay(invoice_id)


@dataclass
class InvoiceRunResult:
    invoices: list[Invoice] = field(default_factory=list)
    failures: list[tuple[Business, str]] = field(default_factory=list)
    resumed_deliveries: int = 0


def invoice_run_detailed(*, coop: Cooperative, until: dt.date, actor: Any | None = None) -> InvoiceRunResult:
    """The invoice run with its failures: one invoice per business, each in its own transaction.

    Safe to rerun and to resume after a crash: a business whose transaction did not commit is
    simply billed on the next run, and documents committed without PDF or e-mail get them now.
    """
    started = timezone.now()
    result = InvoiceRunResult()
    rules = Rulebook.for_coop(coop)  # one per run, as its docstring says
    for business in invoice_business_ids_to_bill(coop=coop, until=until):
        try:
            result.invoices.append(invoice_issue(coop=coop, business=business, until=until, actor=actor, rules=rules))
        except InvoiceEmpty:
            continue  # another run billed it in the meantime
        except (InvoicingError, RulebookError) as exc:
            logger.warning("invoice run %s: %s not billed: %s", coop.slug, business.pk, exc)
            result.failures.append((business, str(exc)))
    result.resumed_deliveries = invoice_deliveries_resume(coop=coop, created_before=started)
    audit_record(
        actor=actor,
        action="invoice.run",
        coop=coop,
        data={
            "until": until.isoformat(),
            "issued": len(result.invoices),
            "failed": len(result.failures),
            "resumed": result.resumed_deliveries,
        },
    )
    return result


def invoice_run(*, coop: Cooperative, until: dt.date, actor: Any | None = None) -> list[Invoice]:
    """Bill all approved, unbilled hours up to `until`: one invoice per business. Returns the new invoices."""
    return invoice_run_detailed(coop=coop, until=until, actor=actor).invoices


def invoice_deliveries_resume(*, coop: Cooperative, created_before: dt.datetime) -> int:
    """Enqueue PDF and e-mail for committed invoices that lack them (a run killed after commit)."""
    pending = list(
        Invoice.objects.filter(coop=coop, created_at__lt=created_before).filter(pdf_rendered_at__isnull=True)
        | Invoice.objects.filter(coop=coop, created_at__lt=created_before, emailed_at__isnull=True)
    )
    for invoice in pending:
        _enqueue_delivery(invoice.pk)
    return len(pending)


# --- PDF and e-mail -------------------------------------------------------------------------


def invoice_pdf_bytes(invoice: Invoice) -> bytes:
    """Render the invoice PDF from its frozen snapshot (any time, same document)."""
    from invoicing import pdf
    from invoicing.selectors import invoice_pdf_context

    with translation.override(settings.LANGUAGE_CODE):
        html = render_to_string("invoicing/document_pdf.html", invoice_pdf_context(invoice))
    return pdf.html_to_pdf(html)


def _pdf_store(*, document: Any, folder: str, content: bytes) -> None:
    name = f"{folder}/{document.coop.slug}/{document.number}.pdf"
    # A file left by a worker killed before its commit is not referenced: replace it rather than
    # letting storage pick a second name, so one document has one PDF file.
    storage = document.pdf.storage
    if storage.exists(name):
        storage.delete(name)
    document.pdf.save(f"{document.number}.pdf", ContentFile(content), save=False)


def invoice_pdf_render(*, invoice_id: int, force: bool = False) -> Invoice:
    """Render and store the PDF once (again with `force`, e.g. after a template fix); safe to run twice.

    Renders outside any transaction (CPU work), then stores under the row lock, re-checking that
    nobody stored one meanwhile.
    """
    invoice = Invoice.objects.select_related("coop").get(pk=invoice_id)
    if invoice.pdf_rendered_at is not None and not force:
        return invoice
    content = invoice_pdf_bytes(invoice)
    with transaction.atomic():
        locked = Invoice.objects.select_for_update(of=("self",)).select_related("coop").get(pk=invoice_id)
        if locked.pdf_rendered_at is not None and not force:
            return locked
        old_name = locked.pdf.name if locked.pdf else ""
        _pdf_store(document=locked, folder="invoices", content=content)
        if old_name and old_name != locked.pdf.name and locked.pdf.storage.exists(old_name):
            locked.pdf.storage.delete(old_name)
        locked.pdf_rendered_at = timezone.now()
        locked.save(update_fields=["pdf", "pdf_rendered_at"])
        audit_record(
            actor=None,
            action="invoice.pdf_rendered",
            subject=locked,
            coop=locked.coop,
            data={"file": locked.pdf.name, "forced": force},
        )
    return locked


def invoice_email(*, invoice_id: int) -> bool:
    """E-mail the invoice (with PDF) to the client's billing address once. Returns True if sent now.

    At most once: `emailed_at` is claimed under the row lock and committed BEFORE sending (no
    transaction is held across the mail server). If sending fails the claim is released so a retry
    can send; a worker killed between claim and send leaves it unsent, never sent twice.
    """
    with transaction.atomic():
        invoice = Invoice.objects.select_for_update(of=("self",)).select_related("coop").get(pk=invoice_id)
        if invoice.emailed_at is not None:
            return False
        invoice.emailed_at = timezone.now()
        invoice.save(update_fields=["emailed_at"])
    try:
        if invoice.pdf_rendered_at is None:  # a stored PDF is never taken away: no need to read the row again
            invoice = invoice_pdf_render(invoice_id=invoice_id)
        document_email_send(invoice, kind="invoice")
    except Exception:
        with transaction.atomic():
            Invoice.objects.filter(pk=invoice_id).update(emailed_at=None)
        raise
    audit_record(
        actor=None,
        action="invoice.emailed",
        subject=invoice,
        coop=invoice.coop,
        data={"to": invoice.buyer.get("billing_email", "")},
    )
    return True


def document_email_send(document: Any, *, kind: str) -> None:
    """E-mail an issued document (kind "invoice" or "credit_note") to the buyer, with its PDF.

    One sender for both documents: the templates are emails/invoicing/<kind>_{subject,body}.*.
    """
    context = {kind: document, "seller": document.seller, "buyer": document.buyer}
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string(f"emails/invoicing/{kind}_subject.txt", context).strip()
        text = render_to_string(f"emails/invoicing/{kind}_body.txt", context)
        html = render_to_string(f"emails/invoicing/{kind}_body.html", context)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        to=[document.buyer["billing_email"]],
        reply_to=[document.seller["email"]] if document.seller.get("email") else None,
    )
    message.attach_alternative(html, "text/html")
    if document.pdf:
        with document.pdf.open("rb") as fh:
            message.attach(f"{document.number}.pdf", fh.read(), "application/pdf")
    message.send()


def money_total(amounts: list[Money]) -> Money:
    return eur(sum((to_decimal(a) for a in amounts), Decimal(0)))
