"""Forms of the payment pages: validation at the edge; the services check again."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from invoicing.payments.dates import payment_date_problem, payout_date_problem


class StripeAccountForm(forms.Form):
    """Keys are write-only: the form never shows what is stored, only a hint next to it."""

    publishable_key = forms.CharField(
        label=_("Publishable key"),
        required=False,
        max_length=255,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text=_("Starts with pk_live_ or pk_test_. Leave empty to keep the stored key."),
    )
    secret_key = forms.CharField(
        label=_("Secret key"),
        required=False,
        max_length=255,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text=_("Starts with sk_live_ or sk_test_ (or a restricted rk_ key). Leave empty to keep the stored key."),
    )
    webhook_secret = forms.CharField(
        label=_("Webhook signing secret"),
        required=False,
        max_length=255,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text=_("Starts with whsec_. Leave empty to keep the stored secret."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not any(data.get(k) for k in ("publishable_key", "secret_key", "webhook_secret")):
            raise forms.ValidationError(_("Enter at least one key."))
        return data


class ManualPaymentForm(forms.Form):
    amount = forms.DecimalField(label=_("Amount (euro)"), max_digits=12, decimal_places=2, min_value=Decimal("0.01"))
    received_on = forms.DateField(label=_("Received on"), widget=forms.DateInput(attrs={"type": "date"}))
    reference = forms.CharField(
        label=_("Reference"), max_length=200, help_text=_("For example the description on the bank statement.")
    )

    def __init__(self, *args: Any, issue_date: dt.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.issue_date = issue_date
        received_on = self.fields["received_on"]
        received_on.widget.attrs.update({"min": issue_date.isoformat(), "max": timezone.localdate().isoformat()})

    def clean_received_on(self) -> dt.date:
        day: dt.date = self.cleaned_data["received_on"]
        problem = payment_date_problem(received_on=day, issue_date=self.issue_date)
        if problem:
            raise forms.ValidationError(problem)
        return day


class BankStatementForm(forms.Form):
    file = forms.FileField(
        label=_("Bank statement (CSV)"), help_text=_("Columns: date, amount, counterparty, IBAN, description.")
    )


class ResolveAnomalyForm(forms.Form):
    note = forms.CharField(label=_("What did you do?"), max_length=300)


class PayoutPrepareForm(forms.Form):
    period_start = forms.DateField(
        label=_("Period from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    period_end = forms.DateField(label=_("Period until"), widget=forms.DateInput(attrs={"type": "date"}))
    execution_date = forms.DateField(label=_("Pay on"), widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and start > end:
            raise forms.ValidationError(_("The period must start before it ends."))
        execution = data.get("execution_date")
        problem = payout_date_problem(execution_date=execution) if execution else ""
        if problem:
            self.add_error("execution_date", problem)
        return data


class ReceiptAllocateForm(forms.Form):
    invoice = forms.TypedChoiceField(label=_("Invoice"), coerce=int)
    amount = forms.DecimalField(label=_("Amount (euro)"), max_digits=12, decimal_places=2, min_value=Decimal("0.01"))

    def __init__(self, *args: Any, choices: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        invoice_field = self.fields["invoice"]
        assert isinstance(invoice_field, forms.TypedChoiceField)
        invoice_field.choices = choices


class ReceiptSettleForm(forms.Form):
    """Refund or write to income: an amount and why."""

    amount = forms.DecimalField(label=_("Amount (euro)"), max_digits=12, decimal_places=2, min_value=Decimal("0.01"))
    reason = forms.CharField(label=_("Reason"), max_length=300)


class RefundForm(forms.Form):
    amount = forms.DecimalField(label=_("Amount (euro)"), max_digits=12, decimal_places=2, min_value=Decimal("0.01"))
    method = forms.ChoiceField(label=_("How does the money go back?"), widget=forms.RadioSelect)
    reason = forms.CharField(label=_("Reason"), max_length=300)

    def __init__(self, *args: Any, stripe_payment: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from invoicing.models import RefundRequest

        method = self.fields["method"]
        assert isinstance(method, forms.ChoiceField)
        method.choices = [
            (value, label)
            for value, label in RefundRequest.Method.choices
            if stripe_payment or value != RefundRequest.Method.STRIPE
        ]
        method.initial = RefundRequest.Method.STRIPE if stripe_payment else RefundRequest.Method.BANK
