"""Public pages: apply for membership, register a business, and the portal switch after login."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from members.forms import BusinessRegistrationForm, MemberApplicationForm
from members.selectors import (
    business_ids_for_contact,
    coop_ids_staffed_by,
    coop_list_public,
    member_for_user,
)
from members.services import business_register as business_register_service
from members.services import member_apply as member_apply_service
from members.views.common import form_add_service_error

APPLIED_SESSION_KEY = "members_applied_email"


def portal_home(request: HttpRequest) -> HttpResponse:
    """Send the user to the portal that fits them: office, member portal, business portal, else home."""
    if not request.user.is_authenticated:
        return redirect(f"{reverse('account_login')}?next={reverse('portal_home')}")
    if coop_ids_staffed_by(request.user):
        return redirect("office_home")
    if member_for_user(request.user) is not None:
        return redirect("member_home")
    if business_ids_for_contact(request.user):
        return redirect("business_home")
    messages.info(request, _("You are logged in, but not yet a member or a business contact."))
    return redirect("home")


def member_apply(request: HttpRequest) -> HttpResponse:
    user = request.user if request.user.is_authenticated else None
    if user is not None and member_for_user(user) is not None:
        messages.info(request, _("You are already a member, or you already applied."))
        return redirect("member_home")
    coops = list(coop_list_public())
    form = MemberApplicationForm(request.POST or None, coops=coops, user=user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            member = member_apply_service(
                coop=data["coop"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                postcode=data["postcode"],
                house_number=data["house_number"],
                phone=data["phone"],
                iban=data["iban"],
                date_of_birth=data["date_of_birth"],
                languages=data["languages"],
                email=data.get("email", ""),
                password=data.get("password1", ""),
                user=user,
                request=request,
            )
        except ValidationError as exc:
            form_add_service_error(form, exc)
        else:
            request.session[APPLIED_SESSION_KEY] = member.user.email
            return redirect("member_apply_done")
    return render(request, "members/member_apply.html", {"form": form, "several_coops": len(coops) > 1})


def member_apply_done(request: HttpRequest) -> HttpResponse:
    return render(request, "members/member_apply_done.html", {"email": request.session.get(APPLIED_SESSION_KEY, "")})


def business_register(request: HttpRequest) -> HttpResponse:
    user = request.user if request.user.is_authenticated else None
    member = member_for_user(user) if user is not None else None
    coops = list(coop_list_public())
    form = BusinessRegistrationForm(request.POST or None, coops=coops, user=user, is_member=member is not None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            business_register_service(
                legal_name=data["legal_name"],
                trade_name=data["trade_name"],
                kvk_number=data["kvk_number"],
                vat_id=data["vat_id"],
                street=data["street"],
                postcode=data["postcode"],
                city=data["city"],
                billing_email=data["billing_email"],
                phone=data["phone"],
                payment_term_days=data["payment_term_days"],
                coops=data["coops"],
                contact_first_name=data.get("contact_first_name", ""),
                contact_last_name=data.get("contact_last_name", ""),
                contact_email=data.get("contact_email", ""),
                password=data.get("password1", ""),
                contact_user=user,
                run_by_member=member if data.get("run_by_me") else None,
                request=request,
            )
        except ValidationError as exc:
            form_add_service_error(form, exc)
        else:
            request.session[APPLIED_SESSION_KEY] = data.get("contact_email") or (user.email if user else "")
            if user is not None:
                messages.success(request, _("Your business is registered."))
                return redirect("business_home")
            return redirect("business_register_done")
    return render(request, "members/business_register.html", {"form": form, "several_coops": len(coops) > 1})


def business_register_done(request: HttpRequest) -> HttpResponse:
    return render(
        request, "members/business_register_done.html", {"email": request.session.get(APPLIED_SESSION_KEY, "")}
    )
