"""Blocks jobs puts on the member home and the business page (through members.portal_widgets)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from jobs.models import Offer
from jobs.selectors.schedule import member_hours_summary


def member_work_context(request: HttpRequest, member: Any) -> dict[str, Any]:
    """Hours this week and month against the target, and how many offers wait for an answer (2 queries)."""
    now = timezone.now()
    return {
        "hours": member_hours_summary(member=member, today=timezone.localdate()),
        "open_offers": Offer.objects.filter(member=member, status=Offer.Status.PENDING, expires_at__gt=now).count(),
    }


def business_jobs_context(request: HttpRequest, business: Any) -> dict[str, Any]:
    from jobs.selectors.jobs import job_list_for_business

    jobs = [j for j in job_list_for_business(business_ids=[business.pk]) if j.status == j.Status.OPEN]
    return {"open_jobs": len(jobs), "open_seats": sum(j.open_seats for j in jobs)}  # type: ignore[attr-defined]


def widgets_register() -> None:
    from members.portal_widgets import business_widget_register, member_widget_register

    member_widget_register(template="jobs/_member_work_widget.html", order=10, context=member_work_context)
    business_widget_register(template="jobs/_business_jobs_widget.html", order=10, context=business_jobs_context)
