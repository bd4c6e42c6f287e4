"""Who may see which invoice (django-rules predicates; objects are invoices or credit notes)."""

from __future__ import annotations

from typing import Any

import rules

from members.selectors import business_ids_for_contact, coop_ids_staffed_by


def _invoice_of(obj: Any) -> Any:
    return getattr(obj, "invoice", obj)


@rules.predicate
def is_contact_of_invoice_business(user: Any, obj: Any) -> bool:
    invoice = _invoice_of(obj)
    return invoice is not None and invoice.business_id in business_ids_for_contact(user)


@rules.predicate
def is_staff_of_invoice_coop(user: Any, obj: Any) -> bool:
    invoice = _invoice_of(obj)
    return invoice is not None and invoice.coop_id in coop_ids_staffed_by(user)


@rules.predicate
def is_staff_of_a_coop(user: Any) -> bool:
    return bool(coop_ids_staffed_by(user))


rules.add_perm("invoicing.view_invoice", is_contact_of_invoice_business | is_staff_of_invoice_coop)
rules.add_perm("invoicing.credit_invoice", is_staff_of_invoice_coop)
rules.add_perm("invoicing.run_invoices", is_staff_of_a_coop)
