"""Reads about jobs and shifts, scoped to who asks (business contact, coordinator, member)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from coop.rulebook.book import Rulebook
from jobs.models import Assignment, Job, Offer, Shift
from jobs.pricing import member_wage_or_none
from members.models import Member, MemberSkill, Skill


def _shifts_with_counts() -> QuerySet[Shift]:
    return Shift.objects.annotate(
        active_count=Count("assignments", filter=Q(assignments__status=Assignment.Status.ACTIVE), distinct=True),
        pending_count=Count("offers", filter=Q(offers__status=Offer.Status.PENDING), distinct=True),
    ).order_by("date", "start_time")


def shift_open_seats(shift: Shift) -> int:
    """Seats not yet taken on an annotated shift (0 when cancelled)."""
    if shift.status != Shift.Status.OPEN:
        return 0
    return max(shift.seats - shift.active_count, 0)  # type: ignore[attr-defined]


def _attach_open_seats(jobs: Iterable[Job]) -> None:
    for job in jobs:
        shifts = list(job.shifts.all())
        job.open_seats = sum(shift_open_seats(s) for s in shifts) if job.status == Job.Status.OPEN else 0  # type: ignore[attr-defined]
        job.pending_offers = sum(s.pending_count for s in shifts)  # type: ignore[attr-defined]
        job.shift_count = len(shifts)  # type: ignore[attr-defined]
        for shift in shifts:
            shift.open_seats = shift_open_seats(shift)  # type: ignore[attr-defined]


def job_list_for_business(*, business_ids: Iterable[int]) -> list[Job]:
    """The jobs of the given businesses, newest first, each with open seats and pending offers."""
    jobs = list(
        Job.objects.filter(business_id__in=list(business_ids))
        .select_related("business", "coop")
        .prefetch_related(Prefetch("shifts", queryset=_shifts_with_counts()))
        .order_by("-created_at", "-pk")
    )
    _attach_open_seats(jobs)
    return jobs


def job_get_for_business(*, business_ids: Iterable[int], job_id: int) -> Job | None:
    """One job of these businesses with its shifts, assigned members and pending offer counts."""
    job = (
        Job.objects.filter(pk=job_id, business_id__in=list(business_ids))
        .select_related("business", "coop")
        .prefetch_related(
            Prefetch(
                "shifts",
                queryset=_shifts_with_counts().prefetch_related(
                    Prefetch(
                        "assignments",
                        queryset=Assignment.objects.filter(status=Assignment.Status.ACTIVE)
                        .select_related("member")
                        .order_by("member__first_name"),
                        to_attr="active_assignments",
                    )
                ),
            ),
            "required_skills",
            "preferred_members",
        )
        .first()
    )
    if job is not None:
        _attach_open_seats([job])
    return job


def shift_get_for_business(*, business_ids: Iterable[int], shift_id: int) -> Shift | None:
    return (
        Shift.objects.filter(pk=shift_id, job__business_id__in=list(business_ids))
        .select_related("job__business", "job__coop")
        .first()
    )


def shift_list_unfilled_for_coops(*, coop_ids: Iterable[int], day: dt.date | None = None) -> list[Shift]:
    """Open shifts from today on (or on one day) in these coops that still have free seats."""
    today = timezone.localdate()
    qs = (
        _shifts_with_counts()
        .filter(job__coop_id__in=list(coop_ids), status=Shift.Status.OPEN, job__status=Job.Status.OPEN)
        .select_related("job__business", "job__coop")
    )
    qs = qs.filter(date=day) if day else qs.filter(date__gte=today)
    shifts = [s for s in qs[:500] if s.active_count < s.seats]  # type: ignore[attr-defined]
    for shift in shifts:
        shift.open_seats = shift_open_seats(shift)  # type: ignore[attr-defined]
    return shifts


def shift_get_for_coordinator(*, coop_ids: Iterable[int], shift_id: int) -> Shift | None:
    shift = (
        _shifts_with_counts()
        .filter(pk=shift_id, job__coop_id__in=list(coop_ids))
        .select_related("job__business", "job__coop")
        .prefetch_related(
            Prefetch(
                "assignments",
                queryset=Assignment.objects.filter(status=Assignment.Status.ACTIVE).select_related(
                    "member", "assigned_by"
                ),
                to_attr="active_assignments",
            ),
            Prefetch(
                "offers",
                queryset=Offer.objects.filter(status=Offer.Status.PENDING).select_related("member"),
                to_attr="pending_offers",
            ),
            "job__required_skills",
        )
        .first()
    )
    if shift is not None:
        shift.open_seats = shift_open_seats(shift)  # type: ignore[attr-defined]
    return shift


def member_list_for_hand_assignment(*, coop_id: int) -> QuerySet[Member]:
    return Member.objects.filter(coop_id=coop_id, status=Member.Status.ACTIVE).order_by("first_name", "last_name")


@dataclass
class ShiftForMember:
    shift: Shift
    member_wage: object
    in_my_neighbourhood: bool
    has_offer: bool


def shift_list_open_for_member(
    *,
    member: Member,
    day: dt.date | None = None,
    skill: Skill | None = None,
    neighbourhood_only: bool = False,
    limit: int = 100,
) -> list[ShiftForMember]:
    """Open shifts of the member's coop with free seats whose skills the member has, with the wage.

    Constant in queries: shifts, required skills, the member's skills, rule versions and the
    minimum wage table are each loaded once.
    """
    today = timezone.localdate()
    held = set(MemberSkill.objects.filter(profile__member=member).values_list("skill_id", flat=True))
    qs = (
        _shifts_with_counts()
        .filter(job__coop_id=member.coop_id, status=Shift.Status.OPEN, job__status=Job.Status.OPEN)
        .exclude(job__required_skills__in=Skill.objects.exclude(pk__in=held))
        .exclude(
            Exists(Assignment.objects.filter(shift=OuterRef("pk"), member=member, status=Assignment.Status.ACTIVE))
        )
        .filter(seats__gt=F("active_count"))
        .select_related("job__business", "job__coop")
    )
    qs = qs.filter(date=day) if day else qs.filter(date__gte=today)
    if skill is not None:
        qs = qs.filter(job__required_skills=skill)
    offered = set(
        Offer.objects.filter(member=member, status=Offer.Status.PENDING, shift__date__gte=today).values_list(
            "shift_id", flat=True
        )
    )
    rules = Rulebook.for_coop(member.coop)
    result: list[ShiftForMember] = []
    for shift in qs.distinct()[: limit * 3]:
        near = member.coop.covers_postcode(shift.job.postcode)
        if neighbourhood_only and not near:
            continue
        shift.open_seats = shift_open_seats(shift)  # type: ignore[attr-defined]
        result.append(
            ShiftForMember(
                shift=shift,
                member_wage=member_wage_or_none(rules, category=shift.job.category, on=shift.date),
                in_my_neighbourhood=near,
                has_offer=shift.pk in offered,
            )
        )
        if len(result) >= limit:
            break
    return result


def shift_get_for_member(*, member: Member, shift_id: int) -> Shift | None:
    """A shift of the member's coop (any status), with the job and its skills."""
    return (
        _shifts_with_counts()
        .filter(pk=shift_id, job__coop_id=member.coop_id)
        .select_related("job__business", "job__coop")
        .prefetch_related("job__required_skills")
        .first()
    )
