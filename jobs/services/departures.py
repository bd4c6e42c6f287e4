"""A member steps back (pause, suspension, leaving): their pending offers go, and, once they confirmed
the warning, their planned work too. The businesses are told and matching fills the seats.

Registered with `members.departures` in `JobsConfig.ready()`; runs inside the member's status change,
whose transaction holds the member row lock, so an offer accepted at this moment either committed
first (and is cancelled here as planned work) or sees the new status and is refused.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from coop.audit import audit_record
from jobs.models import Assignment, Offer
from jobs.notifications import assignments_released_notify_on_commit
from jobs.services.offers import _offer_transition
from members.models import Member


def _future(qs: QuerySet[Any]) -> QuerySet[Any]:
    # Work that has started stays: the member may have worked, and hours and invoices depend on it.
    now = timezone.localtime()
    return qs.filter(Q(shift__date__gt=now.date()) | Q(shift__date=now.date(), shift__start_time__gt=now.time()))


def future_assignments(member: Member) -> QuerySet[Assignment]:
    return _future(Assignment.objects.filter(member=member, status=Assignment.Status.ACTIVE)).select_related(
        "shift__job__business", "shift__job__coop"
    )


def future_work_preview(member: Member) -> list[str]:
    """What stepping back cancels, in plain words: the pending offers, then each planned shift."""
    lines = []
    pending = Offer.objects.filter(member=member, status=Offer.Status.PENDING).count()
    if pending:
        lines.append(
            ngettext(
                "%(count)s job offer you have not answered yet is withdrawn.",
                "%(count)s job offers you have not answered yet are withdrawn.",
                pending,
            )
            % {"count": pending}
        )
    for assignment in future_assignments(member).order_by("shift__date", "shift__start_time"):
        shift = assignment.shift
        lines.append(
            _("Planned work cancelled: %(title)s at %(business)s on %(date)s, %(start)s-%(end)s.")
            % {
                "title": shift.job.title,
                "business": shift.job.business,
                "date": date_format(shift.date, "DATE_FORMAT"),
                "start": shift.start_time.strftime("%H:%M"),
                "end": shift.end_time.strftime("%H:%M"),
            }
        )
    return lines


def future_work_release(*, ctx: Any, member: Member, cancel_planned: bool) -> None:
    """Withdraw the member's pending offers; with `cancel_planned`, cancel their future assignments,
    tell the businesses and run matching for the coops concerned (all after commit)."""
    audit = {"on_behalf_of": ctx.on_behalf_of, "consent_note": ctx.consent_note}
    for offer in (
        Offer.objects.select_for_update(of=("self",))
        .select_related("shift__job__coop")
        .filter(member=member, status=Offer.Status.PENDING)
        .order_by("pk")
    ):
        _offer_transition(
            offer=offer,
            new_status=Offer.Status.WITHDRAWN,
            actor=ctx.actor,
            data={"reason": "member_stepped_back", "member_status": member.status},
            **audit,
        )
    if not cancel_planned:
        return
    now = timezone.now()
    released: list[int] = []
    coop_ids: set[int] = set()
    for assignment in future_assignments(member).select_for_update(of=("self",)).order_by("pk"):
        assignment.status = Assignment.Status.CANCELLED
        assignment.cancelled_at = now
        assignment.save(update_fields=["status", "cancelled_at"])
        audit_record(
            actor=ctx.actor,
            action="assignment.cancelled",
            subject=assignment,
            coop=assignment.shift.job.coop,
            data={"old": "active", "new": "cancelled", "reason": "member_stepped_back", "member_status": member.status},
            **audit,
        )
        released.append(assignment.pk)
        coop_ids.add(assignment.shift.job.coop_id)
    if released:
        assignments_released_notify_on_commit(released)
        _matching_run_on_commit(sorted(coop_ids))


def _matching_run_on_commit(coop_ids: list[int]) -> None:
    """The seats are free again: run a matching round for each coop concerned, after commit."""
    from jobs.matching.tasks import matching_round_run_task

    def _enqueue() -> None:
        for coop_id in coop_ids:
            matching_round_run_task.delay(coop_id)

    transaction.on_commit(_enqueue)
