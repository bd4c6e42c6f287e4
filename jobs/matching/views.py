"""Coordinator pages for matching: rounds of the current coop, one round's outcome, run a round now."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from coop.models import Cooperative
from coop.rulebook.exceptions import RulebookError
from jobs.matching.selectors import (
    matching_round_get_for_coops,
    matching_round_list_for_coop,
    matching_round_offers,
    matching_round_unfilled,
)
from jobs.matching.services import matching_round_run
from jobs.models import MatchingRound
from members.selectors import coop_current_for_staff, coop_ids_staffed_by


def _staff_coop_ids(request: HttpRequest) -> set[int]:
    ids = coop_ids_staffed_by(request.user)
    if not ids:
        raise PermissionDenied
    return ids


@login_required
def matching_round_list(request: HttpRequest) -> HttpResponse:
    _staff_coop_ids(request)
    coop = coop_current_for_staff(request)
    rounds = matching_round_list_for_coop(coop) if coop else []
    return render(request, "jobs/matching/round_list.html", {"coop": coop, "rounds": rounds})


@login_required
def matching_round_detail(request: HttpRequest, round_id: int) -> HttpResponse:
    round_ = matching_round_get_for_coops(round_id=round_id, coop_ids=_staff_coop_ids(request))
    if round_ is None:
        raise Http404
    return render(
        request,
        "jobs/matching/round_detail.html",
        {
            "round": round_,
            "offers": matching_round_offers(round_),
            "unfilled": matching_round_unfilled(round_),
        },
    )


@login_required
@require_POST
def matching_round_run_now(request: HttpRequest) -> HttpResponse:
    coop_ids = _staff_coop_ids(request)
    try:
        coop_id = int(request.POST.get("coop", ""))
    except ValueError:
        coop_id = 0
    if coop_id not in coop_ids:
        raise PermissionDenied
    coop = Cooperative.objects.get(pk=coop_id)
    try:
        round_ = matching_round_run(coop=coop, trigger=MatchingRound.Trigger.MANUAL, actor=request.user)
    except RulebookError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("matching_round_list")
    messages.success(
        request,
        _("The round is done: %(offers)s offers made, %(unfilled)s places still open.")
        % {"offers": round_.offers_made, "unfilled": round_.unfilled_seats},
    )
    return redirect("matching_round_detail", round_id=round_.pk)
