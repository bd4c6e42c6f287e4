"""The back office for coordinators and board members, always inside their current coop.

Objects are fetched through the current coop (`coop_current_for_staff`), so a member, business or
application of another coop is simply not found (404), even for a service-centre coordinator who
staffs that other coop too: they switch coops first.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from coop.audit import audit_list_for_subject
from coop.models import Cooperative
from members.departures import departure_preview
from members.forms import AdmitForm, ConsentNoteForm, MemberSearchForm, ReasonForm, SkillForm, StaffStatusForm
from members.middleware import SESSION_KEY as ASSISTED_SESSION_KEY
from members.models import Business, Member, Skill
from members.selectors import (
    AuditContext,
    audit_list_for_member,
    business_contact_list,
    business_get_for_office,
    business_list_for_office,
    business_relation_list,
    coop_current_for_staff,
    member_get_for_office,
    member_list_applications,
    member_list_for_office,
    member_skill_list,
    skill_list_all,
)
from members.services import (
    assisted_mode_start,
    assisted_mode_stop,
    member_admit,
    member_consent_give,
    member_leave,
    member_pause,
    member_reject,
    member_resume,
    member_suspend,
    member_unsuspend,
    skill_create,
    skill_update,
)
from members.views.common import form_add_service_error, paginate


def _office_coop(request: HttpRequest) -> Cooperative:
    coop = coop_current_for_staff(request)
    if coop is None:
        raise PermissionDenied(_("This page is for coordinators and board members."))
    return coop


def _member_or_404(coop: Cooperative, member_id: int) -> Member:
    member = member_get_for_office(coop=coop, member_id=member_id)
    if member is None:
        raise Http404
    return member


@login_required
def office_home(request: HttpRequest) -> HttpResponse:
    coop = _office_coop(request)
    applications = member_list_applications(coop=coop)
    return render(
        request,
        "members/office_home.html",
        {
            "coop": coop,
            "application_count": applications.count(),
            "confirmed_count": applications.filter(email_confirmed=True).count(),  # type: ignore[misc]
        },
    )


@login_required
def office_application_list(request: HttpRequest) -> HttpResponse:
    coop = _office_coop(request)
    page = paginate(request, member_list_applications(coop=coop))
    return render(request, "members/application_list.html", {"coop": coop, "page": page})


@login_required
def office_application_detail(request: HttpRequest, member_id: int) -> HttpResponse:
    coop = _office_coop(request)
    member = _member_or_404(coop, member_id)
    if member.status != Member.Status.APPLIED:
        return redirect("office_member_detail", member_id=member.pk)
    admit_form = AdmitForm(request.POST if request.POST.get("decision") == "admit" else None)
    reject_form = ReasonForm(request.POST if request.POST.get("decision") == "reject" else None)
    if request.method == "POST":
        if not request.user.has_perm("members.admit_member", member):
            raise PermissionDenied
        ctx = AuditContext.for_user(request.user)
        try:
            if request.POST.get("decision") == "admit" and admit_form.is_valid():
                member = member_admit(
                    ctx=ctx,
                    member=member,
                    share_capital_paid=admit_form.cleaned_data["share_capital"] == AdmitForm.PAID,
                    wage_deduction_agreed=admit_form.cleaned_data["share_capital"] == AdmitForm.WAGES,
                )
                messages.success(
                    request,
                    _("%(name)s is now member number %(number)s.")
                    % {"name": member.full_name, "number": member.member_number},
                )
                return redirect("office_application_list")
            if request.POST.get("decision") == "reject" and reject_form.is_valid():
                member_reject(ctx=ctx, member=member, reason=reject_form.cleaned_data["reason"])
                messages.success(request, _("The application is rejected. We sent the reason by e-mail."))
                return redirect("office_application_list")
        except ValidationError as exc:
            form_add_service_error(reject_form if request.POST.get("decision") == "reject" else admit_form, exc)
    return render(
        request,
        "members/application_detail.html",
        {
            "coop": coop,
            "member": member,
            "admit_form": admit_form,
            "reject_form": reject_form,
        },
        status=200 if request.method == "GET" else 400,
    )


@login_required
def office_member_list(request: HttpRequest) -> HttpResponse:
    coop = _office_coop(request)
    form = MemberSearchForm(request.GET or None)
    search, status = "", ""
    if form.is_valid():
        search, status = form.cleaned_data["q"], form.cleaned_data["status"]
    page = paginate(request, member_list_for_office(coop=coop, search=search, status=status))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request, "members/member_list.html", {"coop": coop, "form": form, "page": page, "query": query.urlencode()}
    )


@login_required
def office_member_detail(request: HttpRequest, member_id: int) -> HttpResponse:
    coop = _office_coop(request)
    member = _member_or_404(coop, member_id)
    if not request.user.has_perm("members.view_member", member):
        raise Http404
    return render(
        request,
        "members/member_detail.html",
        {
            "coop": coop,
            "member": member,
            "member_skills": member_skill_list(member),
            "audit_events": audit_list_for_member(member),
            "status_form": StaffStatusForm(),
            "consent_form": ConsentNoteForm(),
            "allowed": sorted(Member.TRANSITIONS[member.status]),
            "can_assist": request.user.has_perm("members.act_for_member", member)
            and member.status != Member.Status.LEFT,
        },
    )


@login_required
@require_POST
def office_member_status(request: HttpRequest, member_id: int) -> HttpResponse:
    coop = _office_coop(request)
    member = _member_or_404(coop, member_id)
    if not request.user.has_perm("members.change_member", member):
        raise PermissionDenied
    form = StaffStatusForm(request.POST)
    warning: list[str] = []
    if form.is_valid():
        action = form.cleaned_data["action"]
        stepping_back = action in ("pause", "leave", "suspend")
        warning = departure_preview(member) if stepping_back else []
        if not warning or request.POST.get("confirm") == "yes":
            services: dict[str, Callable[..., Member]] = {
                "pause": member_pause,
                "resume": member_resume,
                "leave": member_leave,
                "suspend": member_suspend,
                "unsuspend": member_unsuspend,
            }
            service = services[action]
            kwargs = {"cancel_planned": True} if stepping_back else {}
            try:
                service(
                    ctx=AuditContext.for_user(request.user), member=member, reason=form.cleaned_data["reason"], **kwargs
                )
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(request, _("The status is changed."))
                return redirect("office_member_detail", member_id=member.pk)
            warning = []
    else:
        messages.error(request, _("Choose what to do and give a reason."))
    return render(
        request,
        "members/member_detail.html",
        {
            "coop": coop,
            "member": member,
            "member_skills": member_skill_list(member),
            "audit_events": audit_list_for_member(member),
            "status_form": form,
            "warning": warning,
            "consent_form": ConsentNoteForm(),
            "allowed": sorted(Member.TRANSITIONS[member.status]),
            "can_assist": request.user.has_perm("members.act_for_member", member),
        },
        status=200 if warning else 400,
    )


@login_required
@require_POST
def office_member_consent(request: HttpRequest, member_id: int) -> HttpResponse:
    """A coordinator records consent the member gave in person."""
    coop = _office_coop(request)
    member = _member_or_404(coop, member_id)
    if not request.user.has_perm("members.change_member", member):
        raise PermissionDenied
    form = ConsentNoteForm(request.POST)
    if form.is_valid():
        member_consent_give(ctx=AuditContext.for_user(request.user), member=member, note=form.cleaned_data["note"])
        messages.success(request, _("The consent is recorded."))
    else:
        messages.error(request, _("Write down how the member gave consent."))
    return redirect("office_member_detail", member_id=member.pk)


@login_required
@require_POST
def office_assisted_start(request: HttpRequest, member_id: int) -> HttpResponse:
    coop = _office_coop(request)
    member = _member_or_404(coop, member_id)
    if not request.user.has_perm("members.act_for_member", member):
        raise PermissionDenied
    try:
        assisted_mode_start(actor=request.user, member=member)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("office_member_detail", member_id=member.pk)
    request.session[ASSISTED_SESSION_KEY] = member.pk
    messages.success(
        request,
        _("You are now helping %(name)s. Everything you do is recorded in their name and yours.")
        % {"name": member.full_name},
    )
    return redirect("member_home")


@login_required
@require_POST
def assisted_stop(request: HttpRequest) -> HttpResponse:
    member = getattr(request, "assisted_member", None)
    request.session.pop(ASSISTED_SESSION_KEY, None)
    if member is not None:
        assisted_mode_stop(actor=request.user, member=member)
        messages.success(request, _("You stopped helping %(name)s.") % {"name": member.full_name})
        return redirect("office_member_detail", member_id=member.pk)
    return redirect("portal_home")


@login_required
def office_business_list(request: HttpRequest) -> HttpResponse:
    coop = _office_coop(request)
    search = request.GET.get("q", "")[:100]
    page = paginate(request, business_list_for_office(coop=coop, search=search))
    return render(request, "members/business_list.html", {"coop": coop, "page": page, "q": search})


@login_required
def office_business_detail(request: HttpRequest, business_id: int) -> HttpResponse:
    coop = _office_coop(request)
    business: Business | None = business_get_for_office(coop=coop, business_id=business_id)
    if business is None or not request.user.has_perm("members.view_business", business):
        raise Http404
    return render(
        request,
        "members/business_detail.html",
        {
            "coop": coop,
            "business": business,
            "contacts": business_contact_list(business),
            "relations": business_relation_list(business),
            "audit_events": audit_list_for_subject(business),
            "office": True,
        },
    )


@login_required
def office_skill_list(request: HttpRequest) -> HttpResponse:
    coop = _office_coop(request)
    return render(request, "members/skill_list.html", {"coop": coop, "page": paginate(request, skill_list_all(), 100)})


@login_required
def office_skill_edit(request: HttpRequest, skill_id: int | None = None) -> HttpResponse:
    coop = _office_coop(request)
    if not request.user.has_perm("members.manage_skills"):
        raise PermissionDenied
    skill = get_object_or_404(Skill, pk=skill_id) if skill_id else None
    initial = {}
    if skill is not None:
        initial = {
            f: getattr(skill, f)
            for f in ("slug", "name_nl", "name_en", "requires_certificate", "certificate_name", "is_active")
        }
    form = SkillForm(request.POST or None, initial=initial or {"is_active": True})
    if request.method == "POST" and form.is_valid():
        ctx = AuditContext.for_user(request.user)
        data = form.cleaned_data
        try:
            if skill is None:
                data.pop("is_active")
                skill_create(ctx=ctx, **data)
            else:
                skill_update(ctx=ctx, skill=skill, **data)
        except ValidationError as exc:
            form_add_service_error(form, exc)
        else:
            messages.success(request, _("The skill is saved."))
            return redirect("office_skill_list")
    return render(
        request,
        "members/skill_form.html",
        {"coop": coop, "form": form, "skill": skill},
        status=400 if request.method == "POST" else 200,
    )
