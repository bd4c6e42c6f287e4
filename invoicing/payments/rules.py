"""Who may do what with payments: business contacts pay their own invoices; staff work in their coop.

Objects are always looked up through the current coop or the contact's businesses, so these
checks decide between "your page" and 403; someone else's object is simply 404.
"""

from __future__ import annotations

from typing import Any

from invoicing.models import Invoice
from members.models import Role
from members.selectors import business_ids_for_contact, coop_ids_for_role


def can_pay_invoice(user: Any, invoice: Invoice) -> bool:
    return invoice.business_id in business_ids_for_contact(user)


def is_coordinator(user: Any, coop_id: int) -> bool:
    return coop_id in coop_ids_for_role(user, Role.Kind.COORDINATOR)


def is_board(user: Any, coop_id: int) -> bool:
    return coop_id in coop_ids_for_role(user, Role.Kind.BOARD)


def is_staff(user: Any, coop_id: int) -> bool:
    return coop_id in coop_ids_for_role(user, Role.Kind.COORDINATOR, Role.Kind.BOARD)
