"""Reads about offers."""

from __future__ import annotations

from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.utils import timezone

from jobs.models import Offer
from members.models import Member


def offer_list_for_member(*, member: Member) -> QuerySet[Offer]:
    """The member's offers: pending first (soonest shift first), then the answered ones, newest first."""
    return (
        Offer.objects.filter(member=member)
        .select_related("shift__job__business", "shift__job__coop")
        .annotate(
            pending_first=Case(
                When(status=Offer.Status.PENDING, then=Value(0)), default=Value(1), output_field=IntegerField()
            )
        )
        .order_by("pending_first", "shift__date", "shift__start_time", "-created_at")
    )


def offer_get_for_member(*, member: Member, offer_id: int) -> Offer | None:
    return offer_list_for_member(member=member).filter(pk=offer_id).first()


def offer_ids_expired_pending(*, now: object | None = None) -> list[int]:
    """Ids of pending offers whose answer time has passed."""
    moment = now or timezone.now()
    return list(
        Offer.objects.filter(status=Offer.Status.PENDING, expires_at__lte=moment)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
