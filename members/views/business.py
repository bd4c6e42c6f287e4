"""The business portal: a contact sees and edits only the businesses they act for."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from members.forms import BusinessDetailsForm, ContactAddForm
from members.models import Business
from members.portal_widgets import business_widget_list
from members.selectors import (
    AuditContext,
    business_contact_list,
    business_get_for_contact,
    business_list_for_contact,
    business_relation_list,
)
from members.services import business_contact_add, business_contact_remove, business_update
from members.services.businesses import BUSINESS_EDITABLE
from members.views.common import form_add_service_error


def _business_or_404(request: HttpRequest, business_id: int, perm: str = "members.view_business") -> Business:
    business = business_get_for_contact(user=request.user, business_id=business_id)
    if business is None or not request.user.has_perm(perm, business):
        raise Http404
    return business


@login_required
def business_home(request: HttpRequest) -> HttpResponse:
    businesses = list(business_list_for_contact(request.user))
    if not businesses:
        raise PermissionDenied(_("This page is for business contacts."))
    if len(businesses) == 1:
        return redirect("business_detail", business_id=businesses[0].pk)
    return render(request, "members/business_home.html", {"businesses": businesses})


@login_required
def business_detail(request: HttpRequest, business_id: int) -> HttpResponse:
    business = _business_or_404(request, business_id)
    return render(
        request,
        "members/business_detail.html",
        {
            "business": business,
            "contacts": business_contact_list(business),
            "relations": business_relation_list(business),
            "contact_form": ContactAddForm(),
            "office": False,
            "widgets": business_widget_list(request, business),
        },
    )


@login_required
def business_edit(request: HttpRequest, business_id: int) -> HttpResponse:
    business = _business_or_404(request, business_id, "members.change_business")
    form = BusinessDetailsForm(request.POST or None, initial={f: getattr(business, f) for f in BUSINESS_EDITABLE})
    if request.method == "POST" and form.is_valid():
        try:
            business_update(ctx=AuditContext.for_user(request.user), business=business, **form.cleaned_data)
        except ValidationError as exc:
            form_add_service_error(form, exc)
        else:
            messages.success(request, _("The business details are saved."))
            return redirect("business_detail", business_id=business.pk)
    return render(
        request,
        "members/business_edit.html",
        {"business": business, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def business_contact_add_view(request: HttpRequest, business_id: int) -> HttpResponse:
    business = _business_or_404(request, business_id, "members.change_business")
    form = ContactAddForm(request.POST)
    if form.is_valid():
        try:
            business_contact_add(ctx=AuditContext.for_user(request.user), business=business, **form.cleaned_data)
        except ValidationError as exc:
            form_add_service_error(form, exc)
        else:
            messages.success(
                request,
                _("%(email)s can now act for the business. We sent them an e-mail.")
                % {"email": form.cleaned_data["email"]},
            )
            return redirect("business_detail", business_id=business.pk)
    return render(
        request,
        "members/business_detail.html",
        {
            "business": business,
            "contacts": business_contact_list(business),
            "relations": business_relation_list(business),
            "contact_form": form,
            "office": False,
        },
        status=400,
    )


@login_required
@require_POST
def business_contact_remove_view(request: HttpRequest, business_id: int, user_id: int) -> HttpResponse:
    business = _business_or_404(request, business_id, "members.change_business")
    try:
        business_contact_remove(ctx=AuditContext.for_user(request.user), business=business, user_id=user_id)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The contact is removed."))
        if user_id == request.user.pk:
            return redirect("portal_home")
    return redirect("business_detail", business_id=business.pk)
