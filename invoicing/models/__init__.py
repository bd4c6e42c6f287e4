"""Invoicing models, split by subject. Each module keeps its own design overview."""

from invoicing.models.invoices import (  # noqa: F401
    CreditNote,
    CreditNoteLine,
    Invoice,
    InvoiceCounter,
    InvoiceLine,
)
from invoicing.models.payments import *  # noqa: F403
