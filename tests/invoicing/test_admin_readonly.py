"""The admin shows invoices and the books but never lets anyone change them."""

from __future__ import annotations

import pytest
from django.contrib import admin

from coop.ledger.models import Account, LedgerTransaction
from invoicing.models import CreditNote, Invoice, InvoiceCounter


@pytest.mark.parametrize("model", [Invoice, CreditNote, InvoiceCounter, LedgerTransaction, Account])
def test_admin_is_read_only(model, rf, db):  # type: ignore[no-untyped-def]
    from tests.factories import UserFactory

    request = rf.get("/")
    request.user = UserFactory(is_staff=True, is_superuser=True)
    model_admin = admin.site._registry[model]
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)
