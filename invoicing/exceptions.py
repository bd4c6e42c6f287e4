"""Errors of invoicing; each message is translated and fit to show on a page."""


class InvoicingError(Exception):
    """Something about an invoice or credit note was refused; nothing changed."""


class InvoiceEmpty(InvoicingError):
    """There are no approved, unbilled hours to put on an invoice."""


class EuroTrailError(InvoicingError):
    """A line's amount does not cover the member wage and employer costs."""


class CreditTooLarge(InvoicingError):
    """A credit note would take back more than was invoiced."""
