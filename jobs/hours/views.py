"""Pages of the hours workflow: thin — scope, validate, call one service, respond."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from jobs.hours import rules as hours_rules  # noqa: F401  (registers the permissions)
from jobs.hours import selectors, services
from jobs.hours.exceptions import HoursError, HoursPermissionError
from jobs.hours.forms import (
    HourEntryBulkApproveForm,
    HourEntryCorrectForm,
    HourEntryDecideForm,
    HourEntryDisputeForm,
    HourEntryNotDoneForm,
    HourEntrySubmitForm,
)
from jobs.models import HourEntry
from members.models import Member
from members.selectors import business_ids_for_contact, coop_ids_staffed_by, member_for_user

PAGE_SIZE = 100


def _form_error(form: Any, error: HoursError) -> None:
    form.add_error(error.field if error.field in form.fields else None, error.message)


# --- member ----------------------------------------------------------------------------------------------


def _acting_member(request: HttpRequest) -> Member:
    """The member whose hours these are: the assisted member (coordinator in assisted mode) or the user."""
    member = getattr(request, "assisted_member", None) or member_for_user(request.user)
    if member is None:
        raise Http404
    return member


@login_required
def hour_entry_my_list(request: HttpRequest) -> HttpResponse:
    member = _acting_member(request)
    entries = list(selectors.hour_entry_list_for_member(member=member)[:PAGE_SIZE])
    to_register = list(selectors.assignment_list_to_register(member=member, today=timezone.localdate())[:PAGE_SIZE])
    return render(
        request,
        "jobs/hours/hour_entry_my_list.html",
        {"member": member, "entries": entries, "to_register": to_register},
    )


@login_required
@require_http_methods(["GET", "POST"])
def hour_entry_register(request: HttpRequest, assignment_id: int) -> HttpResponse:
    member = _acting_member(request)
    assignment = selectors.assignment_get_for_member(member=member, assignment_id=assignment_id)
    if assignment is None:
        raise Http404
    shift = assignment.shift
    form = HourEntrySubmitForm(
        request.POST or None, initial={"start_time": shift.start_time, "end_time": shift.end_time}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.hour_entry_submit(
                assignment_id=assignment.pk,
                member=member,
                actor=request.user,
                start_time=form.cleaned_data["start_time"],
                end_time=form.cleaned_data["end_time"],
                break_minutes=form.cleaned_data["break_minutes"],
                note=form.cleaned_data["note"],
            )
        except HoursError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("Your hours have been sent to the client for approval."))
            return redirect("hour_entry_my_list")
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "jobs/hours/hour_entry_register.html",
        {"form": form, "assignment": assignment, "shift": shift, "member": member},
        status=status,
    )


def _member_entry(request: HttpRequest, pk: int) -> tuple[Member, HourEntry]:
    member = _acting_member(request)
    entry = selectors.hour_entry_get_for_member(member=member, entry_id=pk)
    if entry is None:
        raise Http404
    return member, entry


@login_required
def hour_entry_member_detail(request: HttpRequest, pk: int) -> HttpResponse:
    member, entry = _member_entry(request, pk)
    return render(
        request,
        "jobs/hours/hour_entry_member_detail.html",
        {"entry": entry, "member": member, "dispute_form": HourEntryDisputeForm()},
    )


@login_required
@require_POST
def hour_entry_accept_correction(request: HttpRequest, pk: int) -> HttpResponse:
    member, entry = _member_entry(request, pk)
    try:
        services.hour_entry_accept_correction(entry_id=entry.pk, member=member, actor=request.user)
    except HoursError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("You accepted the correction. The hours are approved."))
    return redirect("hour_entry_member_detail", pk=entry.pk)


@login_required
@require_http_methods(["GET", "POST"])
def hour_entry_dispute(request: HttpRequest, pk: int) -> HttpResponse:
    member, entry = _member_entry(request, pk)
    form = HourEntryDisputeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.hour_entry_dispute(
                entry_id=entry.pk, member=member, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except HoursError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("A coordinator will look at your hours and decide."))
            return redirect("hour_entry_member_detail", pk=entry.pk)
    return render(
        request,
        "jobs/hours/hour_entry_dispute.html",
        {"form": form, "entry": entry},
        status=400 if request.method == "POST" else 200,
    )


# --- business --------------------------------------------------------------------------------------------


def _business_ids(request: HttpRequest) -> set[int]:
    ids = business_ids_for_contact(request.user)
    if not ids:
        raise PermissionDenied
    return ids


def _business_entry(request: HttpRequest, pk: int) -> HourEntry:
    entry = selectors.hour_entry_get_for_business(business_ids=_business_ids(request), entry_id=pk)
    if entry is None:
        raise Http404
    return entry


@login_required
def hour_entry_business_list(request: HttpRequest) -> HttpResponse:
    ids = _business_ids(request)
    status = request.GET.get("status", HourEntry.Status.SUBMITTED)
    if status not in HourEntry.Status.values and status != "all":
        status = HourEntry.Status.SUBMITTED
    qs = selectors.hour_entry_list_for_business(business_ids=ids, status=None if status == "all" else status)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "jobs/hours/hour_entry_business_list.html",
        {
            "page": page,
            "entries": list(page.object_list),
            "status": status,
            "statuses": [("all", _("All")), *HourEntry.Status.choices],
        },
    )


@login_required
@require_POST
def hour_entry_business_bulk_approve(request: HttpRequest) -> HttpResponse:
    _business_ids(request)
    form = HourEntryBulkApproveForm(request.POST)
    if not form.is_valid():
        for error in form.errors.get("entries") or [_("Choose at least one entry to approve.")]:
            messages.error(request, str(error))
        return redirect("hour_entry_business_list")
    try:
        result = services.hour_entries_approve_bulk(entry_ids=form.cleaned_data["entries"], actor=request.user)
    except HoursPermissionError as error:
        messages.error(request, error.message)
        return render(request, "jobs/hours/hour_entry_refused.html", {"message": error.message}, status=403)
    except HoursError as error:
        messages.error(request, error.message)
        return redirect("hour_entry_business_list")
    messages.success(request, _("%(n)d entries approved.") % {"n": len(result.approved)})
    if result.already_handled:
        messages.warning(
            request,
            _("%(n)d entries had already been handled and were left as they were.")
            % {"n": len(result.already_handled)},
        )
    return redirect("hour_entry_business_list")


@login_required
def hour_entry_business_detail(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _business_entry(request, pk)
    return render(request, "jobs/hours/hour_entry_business_detail.html", {"entry": entry})


@login_required
@require_POST
def hour_entry_business_approve(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _business_entry(request, pk)
    try:
        services.hour_entry_approve(entry_id=entry.pk, actor=request.user)
    except HoursError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Hours approved."))
    return redirect("hour_entry_business_list")


@login_required
@require_http_methods(["GET", "POST"])
def hour_entry_business_correct(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _business_entry(request, pk)
    form = HourEntryCorrectForm(
        request.POST or None,
        initial={"start_time": entry.start_time, "end_time": entry.end_time, "break_minutes": entry.break_minutes},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.hour_entry_correct(entry_id=entry.pk, actor=request.user, **form.cleaned_data)
        except HoursError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("Correction sent. The member can accept it or disagree."))
            return redirect("hour_entry_business_list")
    return render(
        request,
        "jobs/hours/hour_entry_business_correct.html",
        {"form": form, "entry": entry},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def hour_entry_business_not_done(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _business_entry(request, pk)
    form = HourEntryNotDoneForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.hour_entry_mark_not_done(entry_id=entry.pk, actor=request.user, reason=form.cleaned_data["reason"])
        except HoursError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("Marked as not done. The member can disagree."))
            return redirect("hour_entry_business_list")
    return render(
        request,
        "jobs/hours/hour_entry_business_not_done.html",
        {"form": form, "entry": entry},
        status=400 if request.method == "POST" else 200,
    )


# --- coordinator -----------------------------------------------------------------------------------------


def _staff_coop_ids(request: HttpRequest) -> set[int]:
    ids = coop_ids_staffed_by(request.user)
    if not ids:
        raise PermissionDenied
    return ids


@login_required
def hour_entry_dispute_list(request: HttpRequest) -> HttpResponse:
    entries = list(selectors.hour_entry_list_disputed(coop_ids=_staff_coop_ids(request))[:PAGE_SIZE])
    return render(request, "jobs/hours/hour_entry_dispute_list.html", {"entries": entries})


@login_required
@require_http_methods(["GET", "POST"])
def hour_entry_dispute_decide(request: HttpRequest, pk: int) -> HttpResponse:
    entry = selectors.hour_entry_get_disputed(coop_ids=_staff_coop_ids(request), entry_id=pk)
    if entry is None:
        raise Http404
    may_decide = request.user.has_perm("jobs.hours_decide_dispute", entry)
    form = HourEntryDecideForm(
        request.POST or None,
        initial={
            "start_time": entry.effective_start_time,
            "end_time": entry.effective_end_time,
            "break_minutes": entry.effective_break_minutes,
        },
    )
    if request.method == "POST":
        if not may_decide:
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.hour_entry_decide_dispute(
                    entry_id=entry.pk,
                    actor=request.user,
                    outcome=data["outcome"],
                    reason=data["reason"],
                    start_time=data.get("start_time"),
                    end_time=data.get("end_time"),
                    break_minutes=data.get("break_minutes"),
                )
            except HoursError as error:
                _form_error(form, error)
            else:
                messages.success(request, _("Decision saved. The member has been told."))
                return redirect("hour_entry_dispute_list")
    return render(
        request,
        "jobs/hours/hour_entry_dispute_decide.html",
        {"form": form, "entry": entry, "may_decide": may_decide},
        status=400 if request.method == "POST" else 200,
    )
