"""Public pages, plus the small coop switch in the page header."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from coop.models import Cooperative
from members.selectors import CURRENT_COOP_SESSION_KEY, coop_ids_staffed_by


def home(request: HttpRequest) -> HttpResponse:
    """The public home page: what the coop is and how to join or hire."""
    coops = list(Cooperative.objects.order_by("name"))
    return render(request, "coop/home.html", {"coops": coops, "several_coops": len(coops) > 1})


@require_POST
def coop_switch(request: HttpRequest) -> HttpResponse:
    """Staff of several coops choose the coop they work in; other coops' ids are ignored."""
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = "/"
    try:
        coop_id = int(request.POST.get("coop", ""))
    except ValueError:
        coop_id = None
    if coop_id is not None and coop_id in coop_ids_staffed_by(request.user):
        request.session[CURRENT_COOP_SESSION_KEY] = coop_id
    return HttpResponseRedirect(next_url)
