"""Two contacts removing each other at the same moment never leave a business without a contact."""

from __future__ import annotations

import threading

import pytest
from django.db import close_old_connections, connection

from members.exceptions import BusinessError
from members.models import Role
from members.selectors import AuditContext
from members.services import business_contact_remove
from tests.factories import CooperativeFactory, UserFactory, business_with_contact

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs PostgreSQL row locks (SQLite ignores select_for_update)"
    ),
]


@pytest.mark.django_db(transaction=True)
def test_two_contacts_removing_each_other_leave_one():
    coop = CooperativeFactory(slug="race-b", invoice_prefix="RACEB")
    business, first = business_with_contact(coop, UserFactory(email="first@example.nl"))
    second = UserFactory(email="second@example.nl")
    Role.objects.create(user=second, kind=Role.Kind.BUSINESS_CONTACT, business=business)
    barrier = threading.Barrier(2)
    refused: list[BaseException] = []

    def remove(actor, target) -> None:
        try:
            barrier.wait()
            business_contact_remove(ctx=AuditContext(actor=actor), business=business, user_id=target.pk)
        except BusinessError as exc:
            refused.append(exc)
        finally:
            close_old_connections()

    threads = [
        threading.Thread(target=remove, args=(first, second)),
        threading.Thread(target=remove, args=(second, first)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(refused) == 1
    assert Role.objects.filter(business=business, kind=Role.Kind.BUSINESS_CONTACT).count() == 1
