"""Credit notes go through the invoice's pipeline: made from the invoice's template after commit by the
worker's tasks, e-mailed once; every printed line is quantity × price = amount (checked in the real PDF)."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import translation

from coop.audit import AuditEvent
from invoicing.exceptions import CreditTooLarge
from invoicing.models import CreditNote, CreditNoteLine
from invoicing.services.credit_notes import credit_note_create, credit_note_email, credit_note_pdf_render
from invoicing.tasks import credit_note_email_task, credit_note_pdf_render_task
from tests.invoicing.conftest import WORK_DAY
from tests.invoicing.factories import approved_hours
from tests.invoicing.test_invoice_pdf import pdf_text

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("books_sound")]

# A printed line: date, work · who, quantity (hours "4,00 u"/"4.00 h" or a count "-1"), price, amount.
ROW = re.compile(
    r"^\s*(?P<date>\d{2}-\d{2}-\d{4})\s+(?P<work>.+?)\s+(?P<qty>-?\d+(?:,\d{2})?)(?P<unit>\s*[uh])?\s+"
    r"€\s*(?P<price>-?[\d.]+,\d{2})\s+€\s*(?P<amount>-?[\d.]+,\d{2})\s*$"
)


def _nl_decimal(text: str) -> Decimal:
    return Decimal(text.replace(".", "").replace(",", "."))


def _rows(text: str) -> list[dict[str, str]]:
    return [m.groupdict() for line in text.splitlines() if (m := ROW.match(line))]


def _assert_every_row_multiplies(rows: list[dict[str, str]]) -> None:
    assert rows, "no lines found in the PDF text"
    for row in rows:
        qty, price, amount = _nl_decimal(row["qty"]), _nl_decimal(row["price"]), _nl_decimal(row["amount"])
        assert (qty * price).quantize(Decimal("0.01")) == amount, row


@pytest.fixture
def pdf_in_dutch(settings):  # type: ignore[no-untyped-def]
    settings.LANGUAGE_CODE = "nl"


@pytest.fixture
def invoice_at_23_50(run_invoices, kanaleneiland, bakery, fatima):  # type: ignore[no-untyped-def]
    """One line: 4 h at EUR 23.50 = EUR 94.00 (the rate of the issue's example)."""
    bakery.business.trade_name = "Bakkerij De Zoete Inval"
    bakery.business.save()
    approved_hours(coop=kanaleneiland, business=bakery.business, member=fatima, day=WORK_DAY, rate="23.50")
    return run_invoices(kanaleneiland)[0]


def _credit(invoice, *, amounts=None, capture, reason="Korting"):  # type: ignore[no-untyped-def]
    with capture(execute=True):
        credit_note = credit_note_create(invoice=invoice, reason=reason, actor=None, amounts=amounts)
    return CreditNote.objects.get(pk=credit_note.pk)


def test_credit_note_is_rendered_and_emailed_after_commit_not_in_the_request(
    invoice_at_23_50, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        credit_note = credit_note_create(invoice=invoice_at_23_50, reason="Dubbel", actor=None)
    # Nothing was rendered or sent inside the transaction: the work waits for the commit.
    assert CreditNote.objects.get(pk=credit_note.pk).pdf_rendered_at is None and mail.outbox == []
    assert len(callbacks) == 1

    callbacks[0]()  # the commit: both tasks are queued (eager in tests, as the worker runs them)

    credit_note = CreditNote.objects.get(pk=credit_note.pk)
    assert credit_note.pdf_rendered_at is not None and credit_note.emailed_at is not None
    assert credit_note.pdf.name == f"credit_notes/{credit_note.coop.slug}/{credit_note.number}.pdf"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [invoice_at_23_50.buyer["billing_email"]]
    assert credit_note.number in message.subject
    assert message.attachments[0][0] == f"{credit_note.number}.pdf"
    assert message.attachments[0][1].startswith(b"%PDF")
    actions = set(AuditEvent.objects.filter(subject_id=str(credit_note.pk)).values_list("action", flat=True))
    assert {"credit_note.issued", "credit_note.pdf_rendered", "credit_note.emailed"} <= actions


def test_emailing_twice_sends_one_email(invoice_at_23_50, django_capture_on_commit_callbacks):
    credit_note = _credit(invoice_at_23_50, capture=django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 2  # the invoice's and the credit note's

    assert credit_note_email(credit_note_id=credit_note.pk) is False
    credit_note_email_task.delay(credit_note.pk)
    credit_note_email_task(credit_note.pk)

    assert len(mail.outbox) == 2
    assert AuditEvent.objects.filter(action="credit_note.emailed").count() == 1


def test_rendering_twice_keeps_one_file_and_one_audit_row(invoice_at_23_50, django_capture_on_commit_callbacks):
    credit_note = _credit(invoice_at_23_50, capture=django_capture_on_commit_callbacks)
    first = credit_note.pdf.name
    credit_note_pdf_render_task.delay(credit_note.pk)
    again = credit_note_pdf_render(credit_note_id=credit_note.pk)
    assert again.pdf.name == first and again.pdf_rendered_at == credit_note.pdf_rendered_at
    assert len(list(again.pdf.storage.listdir(first.rsplit("/", 1)[0])[1])) == 1
    assert AuditEvent.objects.filter(action="credit_note.pdf_rendered").count() == 1


class FailingBackend:
    """A mail server that is down (what leaves the machine is the only thing we fake)."""

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        pass

    def send_messages(self, messages):  # type: ignore[no-untyped-def]
        raise OSError("mail server down")


def test_a_failed_send_is_sent_on_the_retry_and_only_then(
    invoice_at_23_50, django_capture_on_commit_callbacks, settings
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        credit_note = credit_note_create(invoice=invoice_at_23_50, reason="Dubbel", actor=None)
    settings.EMAIL_BACKEND = f"{__name__}.FailingBackend"
    with pytest.raises(OSError, match="mail server down"):
        credit_note_email(credit_note_id=credit_note.pk)
    assert CreditNote.objects.get(pk=credit_note.pk).emailed_at is None  # the claim was released
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox.clear()
    assert credit_note_email(credit_note_id=credit_note.pk) is True
    assert credit_note_email(credit_note_id=credit_note.pk) is False
    assert len(mail.outbox) == 1 and len(callbacks) == 1


def test_refused_credit_note_queues_nothing_and_sends_nothing(invoice_at_23_50, django_capture_on_commit_callbacks):
    line = invoice_at_23_50.lines.get()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(CreditTooLarge):
        credit_note_create(invoice=invoice_at_23_50, reason="Te veel", actor=None, amounts={line.pk: Decimal("94.01")})
    assert callbacks == [] and mail.outbox == [] and CreditNote.objects.count() == 0


def test_an_amount_that_is_not_whole_work_is_one_amount_line_without_invented_hours(
    invoice_at_23_50, django_capture_on_commit_callbacks, tmp_path, pdf_in_dutch
):
    line = invoice_at_23_50.lines.get()
    credit_note = _credit(
        invoice_at_23_50, amounts={line.pk: Decimal("20.00")}, capture=django_capture_on_commit_callbacks
    )

    assert credit_note.lines.get().hours == Decimal("0.00")  # not 0.85: EUR 20 is not hours of work
    text = pdf_text(credit_note.pdf.read(), tmp_path)
    rows = _rows(text)
    assert [(r["qty"], r["unit"], r["price"], r["amount"]) for r in rows] == [("-1", None, "20,00", "-20,00")]
    _assert_every_row_multiplies(rows)
    assert "0,85" not in text and "19,98" not in text


def test_an_amount_of_whole_work_credits_those_hours_at_the_invoiced_rate(
    invoice_at_23_50, django_capture_on_commit_callbacks, tmp_path, pdf_in_dutch
):
    line = invoice_at_23_50.lines.get()
    credit_note = _credit(
        invoice_at_23_50, amounts={line.pk: Decimal("35.25")}, capture=django_capture_on_commit_callbacks
    )

    assert credit_note.lines.get().hours == Decimal("1.50")  # 1.5 h x EUR 23.50
    rows = _rows(pdf_text(credit_note.pdf.read(), tmp_path))
    assert [(r["qty"], r["price"], r["amount"]) for r in rows] == [("-1,50", "23,50", "-35,25")]
    assert rows[0]["unit"] is not None  # shown as hours
    _assert_every_row_multiplies(rows)


def test_after_a_price_correction_the_rest_takes_back_every_hour(
    invoice_at_23_50, django_capture_on_commit_callbacks, tmp_path, pdf_in_dutch
):
    line = invoice_at_23_50.lines.get()
    _credit(invoice_at_23_50, amounts={line.pk: Decimal("20.00")}, capture=django_capture_on_commit_callbacks)
    rest = _credit(invoice_at_23_50, capture=django_capture_on_commit_callbacks, reason="Alles terug")

    assert rest.lines.get().hours == Decimal("4.00")
    assert sum(c.hours for c in CreditNoteLine.objects.filter(invoice_line=line)) == line.hours
    rows = _rows(pdf_text(rest.pdf.read(), tmp_path))
    # EUR 74.00 is not 4 h x EUR 23.50: printed as an amount, so the line still multiplies.
    assert [(r["qty"], r["price"], r["amount"]) for r in rows] == [("-1", "74,00", "-74,00")]
    _assert_every_row_multiplies(rows)


def test_full_credit_note_prints_hours_rate_trade_name_and_postcodes_like_the_invoice(
    run_invoices,
    kanaleneiland,
    bakery,
    fatima,
    fatima_worked,
    django_capture_on_commit_callbacks,
    tmp_path,
    pdf_in_dutch,
):
    bakery.business.trade_name = "Bakkerij De Zoete Inval"
    bakery.business.save()
    invoice = run_invoices(kanaleneiland)[0]
    credit_note = _credit(invoice, capture=django_capture_on_commit_callbacks, reason="Dubbel gefactureerd")

    with translation.override("nl"):
        text = pdf_text(credit_note.pdf.read(), tmp_path)
    flat = " ".join(text.split())
    rows = _rows(text)
    assert [(r["qty"], r["price"], r["amount"]) for r in rows] == [
        ("-4,00", "30,00", "-120,00"),
        ("-3,50", "30,00", "-105,00"),
    ]
    _assert_every_row_multiplies(rows)
    assert "h.o.d.n. Bakkerij De Zoete Inval" in flat or "trading as Bakkerij De Zoete Inval" in flat
    assert "3527 TK" in flat and "3526 AB" in flat and "3527TK" not in flat and "3526AB" not in flat
    assert credit_note.number in flat and invoice.number in flat and "Dubbel gefactureerd" in flat
    assert "€ -272,25" in flat  # the total credited, including VAT

    # The invoice itself, from the same template: the same lines, positive.
    invoice_text = pdf_text(invoice.pdf.read(), tmp_path)
    assert [(r["qty"], r["price"], r["amount"]) for r in _rows(invoice_text)] == [
        ("4,00", "30,00", "120,00"),
        ("3,50", "30,00", "105,00"),
    ]
    assert "Bakkerij De Zoete Inval" in " ".join(invoice_text.split())


def test_credit_note_page_shows_hours_and_rate_per_line_and_what_an_amount_does(english, invoice_at_23_50, coordinator):
    from django.urls import reverse

    english.force_login(coordinator)
    page = english.get(reverse("office_credit_note_create", args=[invoice_at_23_50.pk])).content.decode()
    assert "4.00 h × €23.50" in page
    assert "At most €94.00 (excluding VAT)." in page
    assert "Any other amount is a price correction" in page
