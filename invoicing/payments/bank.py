"""Bank statement import: read a simple CSV, match incoming lines to invoices by reference, record payments.

The format (documented on the import page and in docs/decisions):

    date,amount,counterparty,iban,description
    2026-11-20,121.00,Bakkerij De Kanaalbakker,NL91ABNA0417164300,Factuur KAN-2026-00001

- UTF-8 (a BOM is fine), comma or semicolon separated, a header row with these five names.
- date: YYYY-MM-DD or DD-MM-YYYY; amount: euros with a dot or comma for cents, negative = money out.
- An incoming line is matched when its description holds an invoice number of this coop.

The same file is refused the second time (by its SHA-256); a line already imported from another
file (same date, amount, IBAN, description and position among identical lines) is skipped. So
importing a statement twice, or two overlapping statements, never posts a payment twice.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from coop.audit import audit_record
from coop.models import Cooperative
from coop.money import eur
from invoicing.models import BankStatementImport, BankStatementLine, Invoice, UnallocatedReceipt
from invoicing.payments.exceptions import BankImportError, PaymentError
from invoicing.payments.services.payments import payment_record_bank_line
from invoicing.payments.services.suspense import receipt_record

COLUMNS = ("date", "amount", "counterparty", "iban", "description")
MAX_BYTES = 5 * 1024 * 1024


@dataclass(frozen=True)
class ParsedLine:
    line_number: int
    booked_on: dt.date
    amount: Decimal
    counterparty: str
    iban: str
    description: str
    fingerprint: str


@dataclass
class ImportResult:
    statement: BankStatementImport
    matched: list[BankStatementLine] = field(default_factory=list)
    unmatched: list[BankStatementLine] = field(default_factory=list)
    unallocated: list[UnallocatedReceipt] = field(default_factory=list)
    skipped: int = 0


def _date(raw: str, line_number: int) -> dt.date:
    for fmt in ("%Y-%m-%d", "%d-%m-%Y"):
        try:
            return dt.datetime.strptime(raw.strip(), fmt).date()  # noqa: DTZ007 - a calendar date
        except ValueError:
            continue
    raise BankImportError(_("Line %(n)s: %(value)s is not a date (use YYYY-MM-DD).") % {"n": line_number, "value": raw})


def _amount(raw: str, line_number: int) -> Decimal:
    text = raw.strip().replace("€", "").replace(" ", "")
    if "," in text and "." in text:
        text = text.replace(".", "").replace(",", ".") if text.rfind(",") > text.rfind(".") else text.replace(",", "")
    else:
        text = text.replace(",", ".")
    try:
        value = Decimal(text)
    except InvalidOperation as exc:
        raise BankImportError(_("Line %(n)s: %(value)s is not an amount.") % {"n": line_number, "value": raw}) from exc
    if value != value.quantize(Decimal("0.01")) or value == 0:
        raise BankImportError(_("Line %(n)s: %(value)s is not an amount in cents.") % {"n": line_number, "value": raw})
    return value


def bank_statement_parse(content: bytes) -> list[ParsedLine]:
    """The lines of a statement file. Raises BankImportError (with the line number) on anything unreadable."""
    if len(content) > MAX_BYTES:
        raise BankImportError(_("The file is too large (at most 5 MB)."))
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BankImportError(_("The file is not UTF-8 text.")) from exc
    sample = text[:2048]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    if tuple(header[:5]) != COLUMNS:
        raise BankImportError(
            _("The first row must be the column names: %(columns)s.") % {"columns": ",".join(COLUMNS)}
        )
    reader.fieldnames = header
    lines: list[ParsedLine] = []
    seen: dict[str, int] = {}
    for number, row in enumerate(reader, start=2):
        if not any((v or "").strip() for v in row.values()):
            continue
        booked_on = _date(row.get("date") or "", number)
        amount = _amount(row.get("amount") or "", number)
        iban = (row.get("iban") or "").replace(" ", "").upper()[:34]
        description = (row.get("description") or "").strip()[:500]
        base = f"{booked_on.isoformat()}|{amount}|{iban}|{description}"
        seen[base] = seen.get(base, 0) + 1
        lines.append(
            ParsedLine(
                line_number=number,
                booked_on=booked_on,
                amount=amount,
                counterparty=(row.get("counterparty") or "").strip()[:200],
                iban=iban,
                description=description,
                fingerprint=hashlib.sha256(f"{base}|{seen[base]}".encode()).hexdigest(),
            )
        )
    if not lines:
        raise BankImportError(_("The file has no lines."))
    return lines


def _invoice_numbers(coop: Cooperative, description: str) -> list[str]:
    pattern = rf"\b{re.escape(coop.invoice_prefix)}-\d{{4}}-\d{{3,6}}\b"
    return [m.upper() for m in re.findall(pattern, description, flags=re.IGNORECASE)]


def _import_line(
    *, coop: Cooperative, actor: Any, statement: BankStatementImport, line: ParsedLine, result: ImportResult
) -> None:
    # One transaction per line: a line that cannot be matched never undoes the others.
    with transaction.atomic():
        if BankStatementLine.objects.filter(coop=coop, fingerprint=line.fingerprint).exists():
            result.skipped += 1
            return
        row = BankStatementLine.objects.create(
            coop=coop,
            statement=statement,
            line_number=line.line_number,
            booked_on=line.booked_on,
            amount=eur(line.amount),
            counterparty=line.counterparty,
            iban=line.iban,
            description=line.description,
            fingerprint=line.fingerprint,
            status=BankStatementLine.Status.OUTGOING if line.amount < 0 else BankStatementLine.Status.UNMATCHED,
        )
        if line.amount < 0:
            return
        numbers = _invoice_numbers(coop, line.description)
        invoice = Invoice.objects.filter(coop=coop, number__in=numbers).first() if numbers else None
        if invoice is None:
            # The money is in the bank all the same: into suspense until a coordinator places it.
            receipt = receipt_record(
                coop=coop,
                origin=UnallocatedReceipt.Origin.UNKNOWN_REFERENCE,
                channel=UnallocatedReceipt.Channel.BANK,
                amount=eur(line.amount),
                received_on=line.booked_on,
                source=f"bank-line:{row.pk}",
                reference=f"{line.counterparty} {line.description}"[:200],
                actor=actor,
            )
            row.note = _("No invoice number of this coop in the description. Booked as unallocated money.")
            row.save(update_fields=["note"])
            result.unmatched.append(row)
            result.unallocated.append(receipt)
            return
        try:
            with transaction.atomic():
                _payment, receipt = payment_record_bank_line(bank_line_id=row.pk, invoice_id=invoice.pk, actor=actor)
        except PaymentError as exc:
            row.invoice = invoice
            row.note = str(exc)[:300]
            row.save(update_fields=["invoice", "note"])
            result.unmatched.append(row)
            return
        row.status = BankStatementLine.Status.MATCHED
        row.invoice = invoice
        if receipt is not None:
            row.note = _("%(amount)s more than owed: booked as unallocated money.") % {"amount": receipt.amount}
            result.unallocated.append(receipt)
        row.save(update_fields=["status", "invoice", "note"])
        result.matched.append(row)


def bank_statement_import(*, coop: Cooperative, actor: Any, filename: str, content: bytes) -> ImportResult:
    """Import a statement: store each new line once, record a payment for each line matched by invoice number.

    Raises BankImportError (unreadable file, or this exact file was imported before).
    """
    parsed = bank_statement_parse(content)
    digest = hashlib.sha256(content).hexdigest()
    # One transaction for the whole file (a crash imports nothing), a savepoint per line.
    with transaction.atomic():
        try:
            with transaction.atomic():
                statement = BankStatementImport.objects.create(
                    coop=coop, sha256=digest, filename=filename[:200], line_count=len(parsed), imported_by=actor
                )
        except IntegrityError as exc:
            previous = BankStatementImport.objects.filter(coop=coop, sha256=digest).first()
            raise BankImportError(
                _("This file was already imported on %(day)s; nothing was imported again.")
                % {"day": previous.created_at.date().isoformat() if previous else "?"}
            ) from exc
        result = ImportResult(statement=statement)
        for line in parsed:
            _import_line(coop=coop, actor=actor, statement=statement, line=line, result=result)
        audit_record(
            actor=actor,
            action="payments.bank_statement_imported",
            subject=statement,
            coop=coop,
            data={
                "lines": len(parsed),
                "matched": len(result.matched),
                "unmatched": len(result.unmatched),
                "unallocated": len(result.unallocated),
                "skipped": result.skipped,
            },
        )
    return result
