"""Two coordinators admitting at the same moment never hand out the same member number (PostgreSQL row locks)."""

from __future__ import annotations

import threading

import pytest
from django.db import close_old_connections, connection

from members.models import Member
from members.selectors import AuditContext
from members.services import member_admit
from tests.factories import AppliedMemberFactory, CooperativeFactory

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs PostgreSQL row locks (SQLite ignores select_for_update)"
    ),
]


@pytest.mark.django_db(transaction=True)
def test_parallel_admissions_get_distinct_numbers():
    coop = CooperativeFactory(slug="race", invoice_prefix="RACE")
    applicants = [AppliedMemberFactory(coop=coop) for _ in range(6)]
    errors: list[BaseException] = []
    barrier = threading.Barrier(len(applicants))

    def admit(member: Member) -> None:
        try:
            barrier.wait()
            member_admit(ctx=AuditContext.system(), member=member, share_capital_paid=True)
        except BaseException as exc:
            errors.append(exc)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=admit, args=(m,)) for m in applicants]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    numbers = sorted(Member.objects.filter(coop=coop).values_list("member_number", flat=True))
    assert numbers == [1, 2, 3, 4, 5, 6]
