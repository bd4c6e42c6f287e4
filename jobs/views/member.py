"""Member portal: open work that fits me, why (not) offered, my offers, my schedule, my calendar."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from coop.rulebook.book import Rulebook
from jobs.forms import OpenShiftFilterForm, week_from_param
from jobs.models import Offer, Shift
from jobs.pricing import member_wage_or_none
from jobs.selectors.jobs import shift_get_for_member, shift_list_open_for_member, shift_open_seats
from jobs.selectors.offers import offer_get_for_member, offer_list_for_member
from jobs.selectors.schedule import schedule_week_for_member
from jobs.services.calendar import calendar_feed_ensure, calendar_feed_regenerate
from jobs.services.offers import offer_accept, offer_decline
from jobs.views.common import acting_member, error_messages
from members.models import Member


@login_required
def member_shift_list(request: HttpRequest) -> HttpResponse:
    acting = acting_member(request)
    form = OpenShiftFilterForm(request.GET or None)
    day = skill = None
    neighbourhood_only = False
    if form.is_bound and form.is_valid():
        day = form.cleaned_data["day"]
        skill = form.cleaned_data["skill"]
        neighbourhood_only = form.cleaned_data["distance"] == "neighbourhood"
    rows = shift_list_open_for_member(member=acting.member, day=day, skill=skill, neighbourhood_only=neighbourhood_only)
    return render(request, "jobs/shift_list_member.html", {"rows": rows, "form": form, "acting": acting})


def _explain(member: Member, shift: Shift) -> tuple[list[object], bool]:
    from jobs.matching.explain import explain_member_shift

    try:
        return list(explain_member_shift(member=member, shift=shift)), True
    except NotImplementedError:
        return [], False


@login_required
def member_shift_detail(request: HttpRequest, shift_id: int) -> HttpResponse:
    acting = acting_member(request)
    shift = shift_get_for_member(member=acting.member, shift_id=shift_id)
    if shift is None:
        raise Http404
    shift.open_seats = shift_open_seats(shift)  # type: ignore[attr-defined]
    wage = member_wage_or_none(Rulebook.for_coop(shift.job.coop), category=shift.job.category, on=shift.date)
    reasons, explained = _explain(acting.member, shift)
    offers = list(Offer.objects.filter(shift=shift, member=acting.member).order_by("-created_at"))
    pending = next((o for o in offers if o.status == Offer.Status.PENDING), None)
    return render(
        request,
        "jobs/shift_detail_member.html",
        {
            "shift": shift,
            "job": shift.job,
            "wage": wage,
            "reasons": reasons,
            "explained": explained,
            "offers": offers,
            "pending_offer": pending,
            "acting": acting,
        },
    )


@login_required
def member_offer_list(request: HttpRequest) -> HttpResponse:
    acting = acting_member(request)
    offers = list(offer_list_for_member(member=acting.member)[:100])
    rules = Rulebook.for_coop(acting.member.coop)
    now = timezone.now()
    for offer in offers:
        offer.member_wage = member_wage_or_none(  # type: ignore[attr-defined]
            rules, category=offer.shift.job.category, on=offer.shift.date
        )
        offer.is_open = offer.status == Offer.Status.PENDING and offer.expires_at > now  # type: ignore[attr-defined]
    return render(request, "jobs/offer_list.html", {"offers": offers, "acting": acting})


def _answer_redirect(request: HttpRequest) -> HttpResponse:
    target = request.POST.get("next") or ""
    if target.startswith("/") and not target.startswith("//"):
        return redirect(target)
    return redirect("member_offer_list")


@login_required
@require_POST
def member_offer_accept(request: HttpRequest, offer_id: int) -> HttpResponse:
    acting = acting_member(request)
    offer = offer_get_for_member(member=acting.member, offer_id=offer_id)
    if offer is None:
        raise Http404
    try:
        offer_accept(
            offer_id=offer.pk,
            member=acting.member,
            actor=acting.actor,
            on_behalf_of=acting.on_behalf_of,
            consent_note=acting.consent_note,
        )
    except ValidationError as exc:
        for message in error_messages(exc):
            messages.error(request, message)
    else:
        messages.success(request, _("You have the place. It is in your schedule."))
        return redirect(reverse("member_schedule") + f"?week={offer.shift.date.isoformat()}")
    return _answer_redirect(request)


@login_required
@require_POST
def member_offer_decline(request: HttpRequest, offer_id: int) -> HttpResponse:
    acting = acting_member(request)
    offer = offer_get_for_member(member=acting.member, offer_id=offer_id)
    if offer is None:
        raise Http404
    try:
        offer_decline(
            offer_id=offer.pk,
            member=acting.member,
            actor=acting.actor,
            on_behalf_of=acting.on_behalf_of,
            consent_note=acting.consent_note,
        )
    except ValidationError as exc:
        for message in error_messages(exc):
            messages.error(request, message)
    else:
        messages.success(request, _("You declined. The place goes to another member."))
    return _answer_redirect(request)


@login_required
def member_schedule(request: HttpRequest) -> HttpResponse:
    acting = acting_member(request)
    today = timezone.localdate()
    monday = week_from_param(request.GET.get("week"), today)
    days = schedule_week_for_member(member=acting.member, monday=monday)
    return render(
        request,
        "jobs/schedule_week.html",
        {
            "days": days,
            "monday": monday,
            "sunday": monday + dt.timedelta(days=6),
            "today": today,
            "prev_week": monday - dt.timedelta(days=7),
            "next_week": monday + dt.timedelta(days=7),
            "acting": acting,
        },
    )


@login_required
def member_calendar(request: HttpRequest) -> HttpResponse:
    acting = acting_member(request)
    if request.method == "POST":
        calendar_feed_regenerate(member=acting.member, actor=acting.actor, on_behalf_of=acting.on_behalf_of)
        messages.success(request, _("You have a new calendar link. The old link no longer works."))
        return redirect("member_calendar")
    feed = calendar_feed_ensure(member=acting.member)
    feed_url = request.build_absolute_uri(reverse("calendar_feed", kwargs={"token": feed.token}))
    return render(
        request,
        "jobs/calendar_feed.html",
        {"feed_url": feed_url, "webcal_url": feed_url.replace("http", "webcal", 1), "acting": acting},
    )
