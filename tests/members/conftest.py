"""Helpers for the members tests: valid form data, and counts that prove nothing was half-saved."""

from __future__ import annotations

from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.core import mail

from coop.models import AuditEvent
from members.models import Business, BusinessRelation, Member, Role, User


def application_data(**overrides: Any) -> dict[str, Any]:
    data = {
        "first_name": "Amina",
        "last_name": "Yilmaz",
        "email": "amina@example.nl",
        "password1": "Wijk-werk-2026!",
        "password2": "Wijk-werk-2026!",
        "postcode": "3526 kl",
        "house_number": "14a",
        "phone": "06-123 456 78",
        "iban": "NL91 ABNA 0417 1643 00",
        "date_of_birth": "1990-04-02",
        "languages": ["nl", "tr"],
    }
    data.update(overrides)
    return data


def business_data(**overrides: Any) -> dict[str, Any]:
    data = {
        "legal_name": "Fietsenmaker Kanaal B.V.",
        "trade_name": "Fietsenmaker Kanaal",
        "kvk_number": "12345678",
        "vat_id": "NL000099998B57",
        "street": "Kanaalweg 3",
        "postcode": "3526 AB",
        "city": "Utrecht",
        "billing_email": "facturen@fiets.example.nl",
        "phone": "030 123 4567",
        "payment_term_days": "",
        "contact_first_name": "Bram",
        "contact_last_name": "Fiets",
        "contact_email": "bram@fiets.example.nl",
        "password1": "Wijk-werk-2026!",
        "password2": "Wijk-werk-2026!",
    }
    data.update(overrides)
    return data


def db_snapshot() -> dict[str, int]:
    """Row counts of everything an application or registration writes, plus mails sent."""
    return {
        "users": User.objects.count(),
        "members": Member.objects.count(),
        "emails": EmailAddress.objects.count(),
        "audit": AuditEvent.objects.count(),
        "businesses": Business.objects.count(),
        "relations": BusinessRelation.objects.count(),
        "roles": Role.objects.count(),
        "mails": len(mail.outbox),
    }


@pytest.fixture
def snapshot() -> Any:
    return db_snapshot
