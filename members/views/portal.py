"""The member portal: the member's own data, or (assisted mode) the data of the member a coordinator helps."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from members.departures import departure_preview
from members.forms import MemberDetailsForm, MemberSkillsForm, OptionalReasonForm, WorkerProfileForm
from members.models import Member, WorkerProfile
from members.portal_widgets import member_widget_list
from members.selectors import (
    AuditContext,
    audit_list_for_member,
    email_is_confirmed,
    member_acting_as,
    member_skill_list,
    skill_list_active,
)
from members.services import (
    member_consent_give,
    member_consent_withdraw,
    member_details_update,
    member_leave,
    member_pause,
    member_resume,
    member_skills_set,
    worker_profile_update,
)
from members.views.common import form_add_service_error

CLOSED = (Member.Status.LEFT, Member.Status.REJECTED)


def _portal_member(request: HttpRequest, *, write: bool = False) -> tuple[Member, AuditContext]:
    member, ctx = member_acting_as(request)
    if member is None:
        raise PermissionDenied(_("This page is for members."))
    perm = "members.change_member" if write else "members.view_member"
    if not request.user.has_perm(perm, member):
        raise PermissionDenied
    return member, ctx


def _closed(request: HttpRequest, member: Member) -> HttpResponse | None:
    if member.status in CLOSED:
        messages.info(request, _("Your membership has ended, so you cannot change this any more."))
        return redirect("member_home")
    return None


@login_required
def member_home(request: HttpRequest) -> HttpResponse:
    member, ctx = _portal_member(request)
    return render(
        request,
        "members/member_home.html",
        {
            "member": member,
            "assisted": ctx.is_assisted,
            "email_confirmed": email_is_confirmed(member.user),
            "widgets": member_widget_list(request, member),
        },
    )


@login_required
def member_details(request: HttpRequest) -> HttpResponse:
    member, ctx = _portal_member(request, write=request.method == "POST")
    if (closed := _closed(request, member)) is not None:
        return closed
    initial = {
        "phone": member.phone,
        "iban": member.iban,
        "postcode": member.postcode,
        "house_number": member.house_number,
        "languages": member.languages,
    }
    form = MemberDetailsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            member_details_update(ctx=ctx, member=member, **form.cleaned_data)
        except ValidationError as exc:
            form_add_service_error(form, exc)
        else:
            messages.success(request, _("Your details are saved."))
            return redirect("member_home")
    return render(
        request,
        "members/member_details.html",
        {"member": member, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def member_profile(request: HttpRequest) -> HttpResponse:
    member, ctx = _portal_member(request, write=request.method == "POST")
    if (closed := _closed(request, member)) is not None:
        return closed
    profile, _created = (
        WorkerProfile.objects.get_or_create(member=member)
        if request.method == "POST"
        else (WorkerProfile.objects.filter(member=member).first() or WorkerProfile(member=member), False)
    )
    form = WorkerProfileForm(request.POST or None, initial=WorkerProfileForm.initial_for(profile))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            worker_profile_update(
                ctx=ctx,
                member=member,
                target_hours_per_week=data["target_hours_per_week"],
                monthly_earnings_cap=data["monthly_earnings_cap"],
                max_travel=data["max_travel"],
                availability_mask=form.availability_mask(),
            )
        except ValidationError as exc:
            form_add_service_error(form, exc)
        else:
            messages.success(request, _("Your work profile is saved."))
            return redirect("member_profile")
    return render(
        request,
        "members/member_profile.html",
        {
            "member": member,
            "form": form,
            "member_skills": member_skill_list(member),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
def member_skills(request: HttpRequest) -> HttpResponse:
    member, ctx = _portal_member(request, write=request.method == "POST")
    if (closed := _closed(request, member)) is not None:
        return closed
    current = {ms.skill_id: ms for ms in member_skill_list(member)}
    initial: dict[str, object] = {}
    for skill_id, ms in current.items():
        initial[f"skill_{skill_id}"] = True
        initial[f"valid_until_{skill_id}"] = ms.certificate_valid_until
    form = MemberSkillsForm(request.POST or None, initial=initial, skills=list(skill_list_active()))
    if request.method == "POST" and form.is_valid():
        try:
            member_skills_set(ctx=ctx, member=member, skills=form.chosen())
        except ValidationError as exc:
            form_add_service_error(form, exc)
        else:
            messages.success(request, _("Your skills are saved."))
            return redirect("member_profile")
    return render(
        request,
        "members/member_skills.html",
        {"member": member, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def member_status(request: HttpRequest) -> HttpResponse:
    member, ctx = _portal_member(request, write=request.method == "POST")
    form = OptionalReasonForm(request.POST or None)
    warning: list[str] = []
    action = request.POST.get("action") or ""
    if request.method == "POST":
        services: dict[str, Callable[..., Member]] = {
            "pause": member_pause,
            "resume": member_resume,
            "leave": member_leave,
        }
        service = services.get(action)
        if service is None:
            form.add_error(None, _("Choose what you want to do."))
        elif form.is_valid():
            stepping_back = action in ("pause", "leave")
            warning = departure_preview(member) if stepping_back else []
            if not warning or request.POST.get("confirm") == "yes":
                kwargs = {"cancel_planned": True} if stepping_back else {}
                try:
                    service(ctx=ctx, member=member, reason=form.cleaned_data["reason"], **kwargs)
                except ValidationError as exc:
                    form_add_service_error(form, exc)
                else:
                    messages.success(request, _("Your membership status is changed."))
                    return redirect("member_home")
                warning = []
    return render(
        request,
        "members/member_status.html",
        {
            "member": member,
            "form": form,
            "allowed": Member.TRANSITIONS[member.status],
            "warning": warning,
            "action": action,
        },
        status=400 if request.method == "POST" and not warning else 200,
    )


@login_required
def member_history(request: HttpRequest) -> HttpResponse:
    member, _ctx = _portal_member(request)
    return render(
        request, "members/member_history.html", {"member": member, "audit_events": audit_list_for_member(member)}
    )


@login_required
def member_consent(request: HttpRequest) -> HttpResponse:
    member, ctx = _portal_member(request)
    return render(request, "members/member_consent.html", {"member": member, "assisted": ctx.is_assisted})


@login_required
@require_POST
def member_consent_change(request: HttpRequest) -> HttpResponse:
    member, ctx = _portal_member(request, write=True)
    if ctx.is_assisted:
        # Consent is the member's own decision; a coordinator records in-person consent in the office.
        raise PermissionDenied
    if request.POST.get("consent") == "give":
        note = _("Given online by the member on %(date)s.") % {"date": timezone.localdate().isoformat()}
        member_consent_give(ctx=ctx, member=member, note=note)
        messages.success(request, _("Thank you. A coordinator may now help you on this site."))
    elif request.POST.get("consent") == "withdraw":
        member_consent_withdraw(ctx=ctx, member=member)
        messages.success(request, _("You withdrew your consent. Coordinators can no longer act for you."))
    return redirect("member_consent")
