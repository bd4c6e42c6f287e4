"""Errors of the payment services: each carries a translated message fit for a page."""


class PaymentError(Exception):
    """A payment action was refused; nothing was written."""


class InvoiceNotPayable(PaymentError):
    """The invoice is already paid or credited, so nothing is owed."""


class AmountMismatch(PaymentError):
    """The amount received is not what was asked (or more than is owed)."""


class PaymentServiceUnavailable(PaymentError):
    """Stripe could not be reached; the business can try again."""


class OnlinePaymentNotSetUp(PaymentError):
    """The coop has no Stripe keys of its own: its invoices are paid by bank transfer only."""


class PayoutError(Exception):
    """A payout batch action was refused; nothing was written."""


class FourEyesViolation(PayoutError):
    """The person who prepared a batch tried to approve it."""


class InvalidPayeeIban(PayoutError):
    """A payee's IBAN is not valid; the message names the member."""


class BankImportError(Exception):
    """A bank statement file could not be read; nothing was imported."""
