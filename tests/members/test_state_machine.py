"""The member status machine, through the services: only mapped transitions, each audited, nothing else moves."""

from __future__ import annotations

import datetime as dt

import pytest

from coop.models import AuditEvent
from members.exceptions import MembershipError, TransitionNotAllowedError
from members.models import Member
from members.selectors import AuditContext
from members.services import member_admit, member_leave, member_pause, member_reject, member_resume
from tests.factories import ActiveMemberFactory, AppliedMemberFactory

pytestmark = pytest.mark.django_db

CTX = AuditContext.system()


def _with_status(coop, status: str) -> Member:
    factory = AppliedMemberFactory if status == Member.Status.APPLIED else ActiveMemberFactory
    return factory(coop=coop, status=status)


@pytest.mark.parametrize(
    ("start", "service"),
    [
        ("applied", member_pause),
        ("applied", member_resume),
        ("applied", member_leave),
        ("active", member_resume),
        ("paused", member_pause),
        ("left", member_resume),
        ("left", member_pause),
        ("left", member_leave),
        ("rejected", member_resume),
        ("rejected", member_pause),
        ("rejected", member_leave),
    ],
)
def test_transitions_outside_the_map_are_refused(kanaleneiland, start, service):
    member = _with_status(kanaleneiland, start)
    before = AuditEvent.objects.count()
    with pytest.raises(TransitionNotAllowedError):
        service(ctx=CTX, member=member, reason="x")
    member.refresh_from_db()
    assert member.status == start
    assert AuditEvent.objects.count() == before


@pytest.mark.parametrize("start", ["active", "paused", "left", "rejected"])
def test_only_applicants_can_be_admitted_or_rejected(kanaleneiland, start):
    member = _with_status(kanaleneiland, start)
    with pytest.raises(TransitionNotAllowedError):
        member_admit(ctx=CTX, member=member, share_capital_paid=True)
    with pytest.raises(TransitionNotAllowedError):
        member_reject(ctx=CTX, member=member, reason="no")
    member.refresh_from_db()
    assert member.status == start


def test_reject_without_reason_is_refused(applicant):
    with pytest.raises(MembershipError):
        member_reject(ctx=CTX, member=applicant, reason="  ")
    applicant.refresh_from_db()
    assert applicant.status == Member.Status.APPLIED


def test_every_allowed_transition_writes_one_audit_row(fatima):
    member_pause(ctx=CTX, member=fatima)
    member_resume(ctx=CTX, member=fatima)
    member_leave(ctx=CTX, member=fatima, reason="moving")
    rows = list(AuditEvent.objects.filter(action__startswith="member.").order_by("id").values_list("data", flat=True))
    assert [(r["old"], r["new"]) for r in rows] == [("active", "paused"), ("paused", "active"), ("active", "left")]


def test_share_capital_comes_from_the_rulebook_in_force(kanaleneiland, applicant):
    from coop.rulebook.models import RuleVersion
    from tests.factories import rule_version_decided

    rule_version_decided(
        coop=kanaleneiland,
        effective_from=dt.date(2026, 6, 1),
        changes={"membership_share_capital": "50.00"},
        source=RuleVersion.Source.VOTE,
    )
    member_admit(ctx=CTX, member=applicant, share_capital_paid=False, on=dt.date(2026, 7, 1))
    share = applicant.shares.get()
    assert str(share.nominal_value.amount) == "50.00" and share.issued_on == dt.date(2026, 7, 1)
    assert share.status == "owed"


def test_member_numbers_count_up_within_a_coop(kanaleneiland):
    numbers = []
    for _ in range(3):
        member = AppliedMemberFactory(coop=kanaleneiland)
        numbers.append(member_admit(ctx=CTX, member=member, share_capital_paid=True).member_number)
    assert numbers == [1, 2, 3]
