"""Business portal: post a job, see my jobs, pick candidates, cancel shifts, close jobs."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from coop.models import Cooperative
from coop.money import eur
from coop.rulebook.exceptions import RulebookError
from jobs.forms import JobPostForm, ShiftCancelForm, ShiftFormSet
from jobs.models import Job
from jobs.pricing import minimum_client_rate, rate_breakdown
from jobs.selectors.jobs import job_get_for_business, job_list_for_business, shift_get_for_business
from jobs.services.assignments import assignment_create_by_business
from jobs.services.jobs import business_coops_for_posting, job_close, job_post, shift_cancel
from jobs.views.common import error_messages
from members.models import Business
from members.selectors import business_ids_for_contact, business_list_for_contact


def _business_ids(request: HttpRequest) -> set[int]:
    ids = business_ids_for_contact(request.user)
    if not ids:
        raise PermissionDenied
    return ids


def _posting_scope(request: HttpRequest) -> tuple[list[Business], list[Cooperative]]:
    businesses = list(business_list_for_contact(request.user))
    if not businesses:
        raise PermissionDenied
    coops: dict[int, Cooperative] = {}
    for business in businesses:
        for coop in business_coops_for_posting(business):
            coops[coop.pk] = coop
    return businesses, sorted(coops.values(), key=lambda c: c.name)


def price_preview(data: Any, coops: list[Cooperative]) -> dict[str, Any] | None:
    """What the member earns and the fund gets at the entered rate (None if not enough input yet)."""
    by_id = {str(c.pk): c for c in coops}
    coop = by_id.get(str(data.get("coop") or "")) or (coops[0] if len(coops) == 1 else None)
    category = data.get("category") or ""
    if coop is None or not category:
        return None
    try:
        day = dt.date.fromisoformat(data.get("shifts-0-date") or "")
    except ValueError:
        day = timezone.localdate()
    try:
        minimum = minimum_client_rate(coop=coop, category=category, on=day)
    except (RulebookError, KeyError):
        return None
    preview: dict[str, Any] = {"minimum": minimum, "day": day, "breakdown": None, "too_low": False}
    try:
        rate = Decimal(str(data.get("hourly_client_rate") or "").replace(",", "."))
    except InvalidOperation:
        return preview
    if rate <= 0:
        return preview
    preview["breakdown"] = rate_breakdown(coop=coop, category=category, hourly_client_rate=eur(rate), on=day)
    preview["too_low"] = rate < minimum.amount
    return preview


def _apply_service_errors(form: JobPostForm, formset: Any, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            target = field if field in form.fields else None
            if field == "shifts":
                formset.non_form_errors().extend(errors)  # the formset's own ErrorList
                continue
            for message in errors:
                form.add_error(target, message)
    else:
        for message in error_messages(exc):
            form.add_error(None, message)


@login_required
def business_job_post(request: HttpRequest) -> HttpResponse:
    businesses, coops = _posting_scope(request)
    if request.method == "POST":
        form = JobPostForm(request.POST, businesses=businesses, coops=coops)
        formset = ShiftFormSet(request.POST, prefix="shifts")
        preview = price_preview(request.POST, coops)
        if "calculate" not in request.POST and form.is_valid() & formset.is_valid():
            data = form.cleaned_data
            try:
                job = job_post(
                    actor=request.user,
                    business=data["business"],
                    coop=data["coop"],
                    title=data["title"],
                    description=data["description"],
                    category=data["category"],
                    skills=list(data["skills"]),
                    language=data["language"],
                    street=data["street"],
                    postcode=data["postcode"],
                    city=data["city"],
                    hourly_client_rate=eur(data["hourly_client_rate"]),
                    assign_mode=data["assign_mode"],
                    preferred_members=list(data["preferred_members"]),
                    shifts=formset.specs(),  # type: ignore[attr-defined]
                    repeat_weekly_until=data["repeat_weekly_until"],
                )
            except PermissionDenied:
                form.add_error("business", _("You can only post jobs for your own business."))
            except ValidationError as exc:
                _apply_service_errors(form, formset, exc)
            else:
                messages.success(request, _("Your job is posted. We will look for members."))
                return redirect("business_job_detail", job_id=job.pk)
    else:
        form = JobPostForm(businesses=businesses, coops=coops)
        formset = ShiftFormSet(prefix="shifts")
        preview = None
    return render(request, "jobs/job_post.html", {"form": form, "formset": formset, "preview": preview})


@login_required
def business_job_price(request: HttpRequest) -> HttpResponse:
    """The price preview alone (htmx swaps it in while the business types)."""
    _businesses, coops = _posting_scope(request)
    data = request.POST if request.method == "POST" else request.GET
    return render(request, "jobs/_job_price.html", {"preview": price_preview(data, coops)})


@login_required
def business_job_list(request: HttpRequest) -> HttpResponse:
    jobs = job_list_for_business(business_ids=_business_ids(request))
    return render(request, "jobs/job_list_business.html", {"jobs": jobs})


@login_required
def business_job_detail(request: HttpRequest, job_id: int) -> HttpResponse:
    job = job_get_for_business(business_ids=_business_ids(request), job_id=job_id)
    if job is None:
        raise Http404
    breakdown = None
    shifts = list(job.shifts.all())
    if shifts:
        try:
            breakdown = rate_breakdown(
                coop=job.coop, category=job.category, hourly_client_rate=job.hourly_client_rate, on=shifts[0].date
            )
        except RulebookError:
            breakdown = None
    return render(
        request,
        "jobs/job_detail_business.html",
        {"job": job, "shifts": shifts, "breakdown": breakdown, "today": timezone.localdate()},
    )


@login_required
@require_POST
def business_job_close(request: HttpRequest, job_id: int) -> HttpResponse:
    job = job_get_for_business(business_ids=_business_ids(request), job_id=job_id)
    if job is None:
        raise Http404
    try:
        job_close(actor=request.user, job_id=job.pk)
    except ValidationError as exc:
        for message in error_messages(exc):
            messages.error(request, message)
    else:
        messages.success(request, _("The job is closed. Members who already have a place keep it."))
    return redirect("business_job_detail", job_id=job.pk)


@login_required
def business_shift_cancel(request: HttpRequest, shift_id: int) -> HttpResponse:
    shift = shift_get_for_business(business_ids=_business_ids(request), shift_id=shift_id)
    if shift is None:
        raise Http404
    form = ShiftCancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            shift_cancel(actor=request.user, shift_id=shift.pk, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            for message in error_messages(exc):
                form.add_error(None, message)
        else:
            messages.success(request, _("The shift is cancelled. We told the members who had a place."))
            return redirect("business_job_detail", job_id=shift.job_id)
    return render(request, "jobs/shift_cancel.html", {"shift": shift, "form": form, "back_url": "business_job_detail"})


def _candidates(shift: Any) -> tuple[list[Any], bool]:
    from jobs.matching.selectors import candidates_suggest

    try:
        return candidates_suggest(shift=shift, limit=10), True
    except NotImplementedError:
        return [], False


@login_required
def business_shift_candidates(request: HttpRequest, shift_id: int) -> HttpResponse:
    shift = shift_get_for_business(business_ids=_business_ids(request), shift_id=shift_id)
    if shift is None:
        raise Http404
    if shift.job.assign_mode != Job.AssignMode.PICK:
        messages.info(request, _("The coop picks the members for this job."))
        return redirect("business_job_detail", job_id=shift.job_id)
    candidates, available = _candidates(shift)
    return render(
        request,
        "jobs/shift_candidates.html",
        {"shift": shift, "job": shift.job, "candidates": candidates, "available": available},
    )


@login_required
@require_POST
def business_shift_pick(request: HttpRequest, shift_id: int) -> HttpResponse:
    shift = shift_get_for_business(business_ids=_business_ids(request), shift_id=shift_id)
    if shift is None:
        raise Http404
    try:
        member_id = int(request.POST.get("member", ""))
    except ValueError:
        messages.error(request, _("Choose a member from the list."))
        return redirect("business_shift_candidates", shift_id=shift.pk)
    from members.models import Member

    if not Member.objects.filter(pk=member_id, coop_id=shift.job.coop_id).exists():
        messages.error(request, _("Choose a member from the list."))
        return redirect("business_shift_candidates", shift_id=shift.pk)
    try:
        offer = assignment_create_by_business(actor=request.user, shift_id=shift.pk, member_id=member_id)
    except ValidationError as exc:
        for message in error_messages(exc):
            messages.error(request, message)
    else:
        messages.success(
            request, _("We offered the place to %(name)s. They will answer soon.") % {"name": offer.member.first_name}
        )
    return redirect("business_shift_candidates", shift_id=shift.pk)
