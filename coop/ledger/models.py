"""Double-entry books, one set per coop: accounts, transactions and their legs.

Design overview
---------------
`Account` is one account in one coop's books, identified by an `AccountCode` and, for accounts
kept per party, the business or member it is about (plain integer ids: the ledger is kernel and
imports no app above it). `party_key` folds the optional party into one non-null column so a
unique constraint holds on every database (NULLs are distinct in SQL).

`LedgerTransaction` is one posting: a date, a description, what caused it (`source_type` /
`source_id`), which document it concerns (`reference`, e.g. the invoice a payment settles, so a
receivable per invoice is one filter), an optional idempotency key (unique per coop) and, for a
correction, the transaction it `reverses`.

`LedgerLeg` follows django-hordak: each leg has either a positive debit or a positive credit,
never both. The legs of a transaction balance: checked by `ledger_post` on every database and,
on PostgreSQL, by a DEFERRABLE INITIALLY DEFERRED constraint trigger at commit.

Everything here is append-only: corrections are reversing transactions. Model and queryset guards
refuse update and delete; on PostgreSQL a trigger refuses them too.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from djmoney.models.fields import MoneyField

from coop.models import AppendOnlyModel, AppendOnlyQuerySet, Cooperative


class AccountCode(models.TextChoices):
    RECEIVABLE = "receivable", _("Receivable from clients")
    VAT_PAYABLE = "vat_payable", _("VAT payable")
    WAGES_PAYABLE = "wages_payable", _("Wages payable to members")
    EMPLOYER_COSTS_PAYABLE = "employer_costs_payable", _("Employer costs payable")
    FUND = "fund", _("Neighbourhood fund")
    OPERATING = "operating", _("Coop operating income")
    BANK = "bank", _("Bank")
    STRIPE_CLEARING = "stripe_clearing", _("Online payments in transit (Stripe)")
    SHARE_CAPITAL = "share_capital", _("Members' share capital")
    SHARES_RECEIVABLE = "shares_receivable", _("Share capital members still have to pay")
    SHARES_REFUNDABLE = "shares_refundable", _("Share capital to repay to members who left")
    FEES = "fees", _("Payment fees (expense)")
    # A liability: money received that matches no invoice yet, until a coordinator resolves it.
    UNALLOCATED_RECEIPTS = "unallocated", _("Unallocated receipts (suspense)")


# Assets and expenses grow on the debit side; liabilities, equity and income on the credit side.
DEBIT_NORMAL_CODES = frozenset(
    {
        AccountCode.RECEIVABLE,
        AccountCode.BANK,
        AccountCode.STRIPE_CLEARING,
        AccountCode.FEES,
        AccountCode.SHARES_RECEIVABLE,
    }
)


def party_key_for(business_id: int | None, member_id: int | None) -> str:
    """The single-column form of an account's optional party."""
    if business_id is not None and member_id is not None:
        raise ValueError("An account is about a business or a member, not both")
    if business_id is not None:
        return f"b:{business_id}"
    if member_id is not None:
        return f"m:{member_id}"
    return ""


def ledger_reference(obj: models.Model | str | None) -> str:
    """The reference string of a document (`app_label.model:pk`), or the string itself."""
    if obj is None:
        return ""
    if isinstance(obj, str):
        return obj
    return f"{obj._meta.label_lower}:{obj.pk}"


class Account(AppendOnlyModel):
    coop = models.ForeignKey(Cooperative, on_delete=models.PROTECT, related_name="ledger_accounts")
    code = models.CharField(_("account"), max_length=30, choices=AccountCode.choices)
    business_id = models.PositiveBigIntegerField(_("business"), null=True, blank=True)
    member_id = models.PositiveBigIntegerField(_("member"), null=True, blank=True)
    party_key = models.CharField(max_length=24, blank=True, editable=False)
    name = models.CharField(_("name"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")
        ordering = ["coop", "code", "party_key"]
        constraints = [
            models.UniqueConstraint(fields=["coop", "code", "party_key"], name="ledger_account_unique_per_party"),
            models.CheckConstraint(
                condition=models.Q(code__in=[c.value for c in AccountCode]), name="ledger_account_code_valid"
            ),
            models.CheckConstraint(
                condition=~models.Q(business_id__isnull=False, member_id__isnull=False),
                name="ledger_account_one_party",
            ),
        ]

    def __str__(self) -> str:
        label = str(AccountCode(self.code).label)
        return f"{label} ({self.name})" if self.name else label

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.party_key = party_key_for(self.business_id, self.member_id)
        super().save(*args, **kwargs)

    @property
    def is_debit_normal(self) -> bool:
        return self.code in DEBIT_NORMAL_CODES


class LedgerTransaction(AppendOnlyModel):
    coop = models.ForeignKey(Cooperative, on_delete=models.PROTECT, related_name="ledger_transactions")
    occurred_on = models.DateField(_("date"))
    description = models.CharField(_("description"), max_length=300)
    source_type = models.CharField(_("source"), max_length=60, blank=True)
    source_id = models.CharField(max_length=40, blank=True)
    reference = models.CharField(
        _("concerns"),
        max_length=80,
        blank=True,
        db_index=True,
        help_text=_("The document this posting is about, e.g. the invoice a payment settles."),
    )
    idempotency_key = models.CharField(max_length=120, null=True, blank=True)  # noqa: DJ001 - NULL: no key, never unique-clashes
    reverses = models.OneToOneField("self", on_delete=models.PROTECT, null=True, blank=True, related_name="reversed_by")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("ledger transaction")
        verbose_name_plural = _("ledger transactions")
        ordering = ["-occurred_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["coop", "idempotency_key"], name="ledger_transaction_idempotent"),
        ]
        indexes = [
            models.Index(fields=["coop", "occurred_on"]),
            models.Index(fields=["source_type", "source_id"]),
        ]

    def __str__(self) -> str:
        return f"{self.occurred_on} {self.description}"


class LedgerLeg(AppendOnlyModel):
    transaction = models.ForeignKey(LedgerTransaction, on_delete=models.PROTECT, related_name="legs")
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="legs")
    debit = MoneyField(_("debit"), max_digits=14, decimal_places=2, default_currency="EUR", null=True, blank=True)
    credit = MoneyField(_("credit"), max_digits=14, decimal_places=2, default_currency="EUR", null=True, blank=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("ledger leg")
        verbose_name_plural = _("ledger legs")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(debit__gt=0, credit__isnull=True) | models.Q(credit__gt=0, debit__isnull=True)),
                name="ledger_leg_debit_xor_credit_positive",
            ),
        ]

    def __str__(self) -> str:
        side = f"Dr {self.debit}" if self.debit is not None else f"Cr {self.credit}"
        return f"{self.account}: {side}"
