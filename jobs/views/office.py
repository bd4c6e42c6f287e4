"""Back office (coordinators): open shifts with free places, assign by hand, cancel."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jobs.forms import DayFilterForm, HandAssignForm, ShiftCancelForm
from jobs.selectors.jobs import (
    member_list_for_hand_assignment,
    shift_get_for_coordinator,
    shift_list_unfilled_for_coops,
)
from jobs.services.assignments import assignment_create_by_coordinator
from jobs.services.jobs import shift_cancel
from jobs.views.common import error_messages
from members.models import Role
from members.selectors import coop_ids_for_role


def _coop_ids(request: HttpRequest) -> set[int]:
    ids = coop_ids_for_role(request.user, Role.Kind.COORDINATOR)
    if not ids:
        raise PermissionDenied
    return ids


@login_required
def office_shift_list(request: HttpRequest) -> HttpResponse:
    coop_ids = _coop_ids(request)
    form = DayFilterForm(request.GET or None)
    day = form.cleaned_data["day"] if form.is_bound and form.is_valid() else None
    shifts = shift_list_unfilled_for_coops(coop_ids=coop_ids, day=day)
    return render(request, "jobs/shift_list_office.html", {"shifts": shifts, "form": form})


def _detail(
    request: HttpRequest,
    shift_id: int,
    *,
    assign_form: HandAssignForm | None = None,
    cancel_form: ShiftCancelForm | None = None,
    status: int = 200,
) -> HttpResponse:
    shift = shift_get_for_coordinator(coop_ids=_coop_ids(request), shift_id=shift_id)
    if shift is None:
        raise Http404
    members = member_list_for_hand_assignment(coop_id=shift.job.coop_id)
    return render(
        request,
        "jobs/shift_detail_office.html",
        {
            "shift": shift,
            "job": shift.job,
            "assign_form": assign_form or HandAssignForm(members=members),
            "cancel_form": cancel_form or ShiftCancelForm(),
        },
        status=status,
    )


@login_required
def office_shift_detail(request: HttpRequest, shift_id: int) -> HttpResponse:
    return _detail(request, shift_id)


@login_required
@require_POST
def office_shift_assign(request: HttpRequest, shift_id: int) -> HttpResponse:
    shift = shift_get_for_coordinator(coop_ids=_coop_ids(request), shift_id=shift_id)
    if shift is None:
        raise Http404
    form = HandAssignForm(request.POST, members=member_list_for_hand_assignment(coop_id=shift.job.coop_id))
    if form.is_valid():
        try:
            assignment_create_by_coordinator(
                actor=request.user,
                shift_id=shift.pk,
                member_id=form.cleaned_data["member"].pk,
                reason=form.cleaned_data["reason"],
                override_reason=form.cleaned_data["override_reason"],
            )
        except ValidationError as exc:
            for message in error_messages(exc):
                form.add_error(None, message)
        else:
            messages.success(
                request, _("%(name)s is assigned to this shift.") % {"name": form.cleaned_data["member"].first_name}
            )
            return redirect("office_shift_detail", shift_id=shift.pk)
    return _detail(request, shift_id, assign_form=form, status=400)


@login_required
@require_POST
def office_shift_cancel(request: HttpRequest, shift_id: int) -> HttpResponse:
    shift = shift_get_for_coordinator(coop_ids=_coop_ids(request), shift_id=shift_id)
    if shift is None:
        raise Http404
    form = ShiftCancelForm(request.POST)
    if form.is_valid():
        try:
            shift_cancel(actor=request.user, shift_id=shift.pk, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            for message in error_messages(exc):
                form.add_error(None, message)
        else:
            messages.success(request, _("The shift is cancelled. We told the members who had a place."))
            return redirect("office_shift_list")
    return _detail(request, shift_id, cancel_form=form, status=400)
