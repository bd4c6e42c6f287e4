"""Decision pages: the rulebook in plain words, proposals, voting, the general meeting's records.

Every page works inside one coop: the member's own (or, in assisted mode, the helped member's), or
for staff the coop they work in now. Anyone else gets a 404: another coop's decisions do not exist
for them.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from coop.files import private_file_response
from coop.governance import selectors, services
from coop.governance.forms import (
    PROPOSAL_FORMS,
    CommitteeAnnounceForm,
    CommitteeDrawForm,
    DocumentsForm,
    MeetingMotionForm,
    MeetingRuleChangeForm,
    PaperBallotForm,
    ProxyForm,
    VoteForm,
)
from coop.governance.models import Proposal
from coop.models import Cooperative
from coop.money import eur
from coop.rulebook.definitions import RULES
from coop.rulebook.selectors import rule_values
from invoicing.payments.exceptions import PayoutError
from members.models import Member, Role
from members.selectors import AuditContext, coop_current_for_staff, coop_ids_for_role, member_acting_as
from members.views.common import form_add_service_error


@dataclass(frozen=True)
class Seat:
    """Who is asking, in which coop, in which capacity."""

    coop: Cooperative
    member: Member | None
    ctx: AuditContext
    is_board: bool
    is_coordinator: bool

    @property
    def voter(self) -> Any:
        return self.member.user if self.member is not None else self.ctx.actor


def _seat(request: HttpRequest) -> Seat:
    member, ctx = member_acting_as(request)
    coop = member.coop if member is not None else coop_current_for_staff(request)
    if coop is None:
        raise Http404
    return Seat(
        coop=coop,
        member=member if member is not None and member.status in services.VOTING_STATUSES else None,
        ctx=ctx,
        is_board=coop.pk in coop_ids_for_role(request.user, Role.Kind.BOARD),
        is_coordinator=coop.pk in coop_ids_for_role(request.user, Role.Kind.COORDINATOR),
    )


def _proposal(seat: Seat, number: int) -> Proposal:
    proposal = selectors.proposal_get(seat.coop, number)
    if proposal is None:
        raise Http404
    return proposal


# --- the rulebook ----------------------------------------------------------------------------------------
@login_required
def rulebook_current(request: HttpRequest) -> HttpResponse:
    seat = _seat(request)
    version, values = rule_values(seat.coop)
    groups = [
        (group, [(definition, values.get(definition.key)) for definition in rows])
        for group, rows in itertools.groupby(RULES, key=lambda d: str(d.group))
    ]
    return render(request, "governance/rulebook_current.html", {"seat": seat, "version": version, "groups": groups})


@login_required
def rulebook_history(request: HttpRequest) -> HttpResponse:
    seat = _seat(request)
    return render(
        request,
        "governance/rulebook_history.html",
        {"seat": seat, "versions": selectors.rulebook_versions_for_members(seat.coop)},
    )


# --- proposals -----------------------------------------------------------------------------------------
@login_required
def proposal_list(request: HttpRequest) -> HttpResponse:
    seat = _seat(request)
    proposals = list(selectors.proposal_list_for_coop(seat.coop))
    return render(
        request,
        "governance/proposal_list.html",
        {
            "seat": seat,
            "open": [p for p in proposals if p.status in (Proposal.Status.OPEN, Proposal.Status.SUPPORT)],
            "waiting": [p for p in proposals if p.status == Proposal.Status.RECORDED],
            "decided": [p for p in proposals if p.is_final],
            "fund_available": selectors.fund_available(seat.coop),
        },
    )


@login_required
def proposal_new(request: HttpRequest, kind: str) -> HttpResponse:
    seat = _seat(request)
    if kind not in PROPOSAL_FORMS:
        raise Http404
    if seat.member is None and not seat.is_board:
        messages.error(request, _("Only members and the board can make a proposal."))
        return redirect("governance:proposal_list")
    form_class = PROPOSAL_FORMS[kind]
    _version, current = rule_values(seat.coop)
    extra: dict[str, Any] = {"coop": seat.coop, "current": current} if kind == Proposal.Kind.RULE_CHANGE else {}
    form = form_class(request.POST or None, request.FILES or None, **extra)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            proposal = services.proposal_create(
                coop=seat.coop,
                actor=request.user,
                member=seat.member,
                kind=kind,
                title=data["title"],
                summary=data["summary"],
                hide_results=data.get("hide_results", False),
                changes=form.changes() if hasattr(form, "changes") else None,  # type: ignore[attr-defined]
                effective_from=data.get("effective_from"),
                payout_amount=eur(data["payout_amount"]) if data.get("payout_amount") is not None else None,
                payout_purpose=data.get("payout_purpose", ""),
                beneficiary_name=data.get("beneficiary_name", ""),
                beneficiary_iban=data.get("beneficiary_iban", ""),
                documents=data.get("documents") or (),
            )
        except ValidationError as exc:
            form_add_service_error(form, exc)
        else:
            messages.success(request, _("Your proposal is saved as number %(n)s.") % {"n": proposal.number})
            return redirect("governance:proposal_detail", number=proposal.number)
    return render(
        request,
        "governance/proposal_new.html",
        {
            "seat": seat,
            "form": form,
            "kind": kind,
            "kind_label": Proposal.Kind(kind).label,
            "fund_available": selectors.fund_available(seat.coop),
        },
    )


@login_required
def proposal_detail(request: HttpRequest, number: int) -> HttpResponse:
    seat = _seat(request)
    proposal = _proposal(seat, number)
    elector = selectors.elector_get(proposal, seat.voter)
    current_vote = selectors.vote_current(elector) if elector is not None else None
    show_count = proposal.is_final or not proposal.hide_results
    values = services.proposal_rules(proposal)
    quorum, pass_share = services.proposal_thresholds(proposal)
    return render(
        request,
        "governance/proposal_detail.html",
        {
            "seat": seat,
            "proposal": proposal,
            "changes": selectors.proposal_rule_changes(proposal),
            "elector": elector,
            "current_vote": current_vote,
            "vote_form": VoteForm(initial={"choice": current_vote.choice if current_vote else None}),
            "proxy_form": ProxyForm(),
            "proxies_held": selectors.proxy_list_held(proposal, seat.voter) if elector else [],
            "proxy_given": selectors.proxy_given(proposal, seat.voter) if elector else None,
            "turnout": selectors.proposal_turnout(proposal),
            "show_count": show_count,
            "tally": getattr(proposal, "tally", None) if proposal.is_final else None,
            "meeting": selectors.meeting_record_get(proposal),
            "support_count": selectors.support_count(proposal),
            "supported": selectors.support_given(proposal, seat.member),
            "rule_versions": list(proposal.rule_versions.all()),
            "proxies_allowed": values["proxies_per_member"],
            "quorum": quorum,
            "pass_share": pass_share,
            "is_proposer": seat.member is not None and proposal.proposed_by_id == seat.member.pk,
            "what_if": selectors.what_if_view(proposal),
            "fund": selectors.fund_view(proposal),
            "documents": selectors.proposal_document_list(proposal),
            "documents_form": DocumentsForm() if _may_add_documents(seat, proposal, request.user) else None,
        },
    )


def _may_add_documents(seat: Seat, proposal: Proposal, user: Any) -> bool:
    """Only to show the form: the service decides (and says why not)."""
    if proposal.kind != Proposal.Kind.FUND_PAYOUT or proposal.is_final:
        return False
    if proposal.proposed_by_id is not None:
        return seat.member is not None and proposal.proposed_by_id == seat.member.pk
    return proposal.created_by_id == user.pk


@login_required
@require_POST
def proposal_documents_add(request: HttpRequest, number: int) -> HttpResponse:
    seat = _seat(request)
    proposal = _proposal(seat, number)
    form = DocumentsForm(request.POST, request.FILES, already=len(selectors.proposal_document_list(proposal)))
    if form.is_valid():
        try:
            added = services.proposal_documents_add(
                proposal=proposal, files=form.cleaned_data["documents"], actor=request.user
            )
        except ValidationError as exc:
            form_add_service_error(form, exc)
        else:
            messages.success(
                request,
                ngettext("%(n)d document added.", "%(n)d documents added.", len(added)) % {"n": len(added)},
            )
            return redirect("governance:proposal_detail", number=number)
    for message in (m for errors in form.errors.values() for m in errors):
        messages.error(request, str(message))
    return redirect(f"{reverse('governance:proposal_detail', args=[number])}#documents")


@login_required
def proposal_document(request: HttpRequest, number: int, document_id: int) -> HttpResponseBase:
    """One document of a proposal, for whoever may see the proposal (its coop's members and staff)."""
    seat = _seat(request)
    proposal = _proposal(seat, number)
    document = next((d for d in selectors.proposal_document_list(proposal) if d.pk == document_id), None)
    if document is None:
        raise Http404
    return private_file_response(document.file, filename=document.name, content_type=document.content_type)


def _act(request: HttpRequest, number: int, action: Any, success: str) -> HttpResponse:
    seat = _seat(request)
    proposal = _proposal(seat, number)
    try:
        action(seat, proposal)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, success)
    return redirect("governance:proposal_detail", number=number)


@login_required
@require_POST
def proposal_vote(request: HttpRequest, number: int) -> HttpResponse:
    form = VoteForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose for, against or blank."))
        return redirect("governance:proposal_detail", number=number)
    voter_id = request.POST.get("for_user", "")

    def vote(seat: Seat, proposal: Proposal) -> None:
        voter = seat.voter
        if voter_id:
            proxy = next(
                (p for p in selectors.proxy_list_held(proposal, seat.voter) if str(p.grantor.user_id) == voter_id), None
            )
            if proxy is None:
                raise ValidationError(_("You have no proxy to vote for this member."))
            voter = proxy.grantor.user
        services.vote_cast(
            proposal=proposal,
            voter=voter,
            choice=form.cleaned_data["choice"],
            actor=request.user,
            paper=seat.ctx.is_assisted,
        )

    return _act(request, number, vote, _("Your vote is saved. You can change it until the vote closes."))


@login_required
@require_POST
def proposal_support(request: HttpRequest, number: int) -> HttpResponse:
    def support(seat: Seat, proposal: Proposal) -> None:
        if seat.member is None:
            raise ValidationError(_("Only members can support a proposal."))
        services.proposal_support(proposal=proposal, member=seat.member, actor=request.user)

    return _act(request, number, support, _("Thank you for your support."))


@login_required
@require_POST
def proposal_proxy(request: HttpRequest, number: int) -> HttpResponse:
    form = ProxyForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter the member number of who votes for you."))
        return redirect("governance:proposal_detail", number=number)

    def grant(seat: Seat, proposal: Proposal) -> None:
        holder = Member.objects.filter(coop=seat.coop, member_number=form.cleaned_data["holder_number"]).first()
        if holder is None:
            raise ValidationError(_("There is no member with this number in this coop."))
        services.proxy_grant(proposal=proposal, grantor=seat.voter, holder=holder.user, actor=request.user)

    return _act(request, number, grant, _("Your proxy is saved."))


@login_required
@require_POST
def proposal_withdraw(request: HttpRequest, number: int) -> HttpResponse:
    return _act(
        request,
        number,
        lambda seat, proposal: services.proposal_withdraw(proposal=proposal, actor=request.user),
        _("The proposal is withdrawn."),
    )


@login_required
@require_POST
def proposal_confirm(request: HttpRequest, number: int) -> HttpResponse:
    return _act(
        request,
        number,
        lambda seat, proposal: services.general_meeting_confirm(proposal=proposal, actor=request.user),
        _("Confirmed. The decision of the general meeting now counts."),
    )


@login_required
def proposal_paper_ballot(request: HttpRequest, number: int) -> HttpResponse:
    seat = _seat(request)
    if not seat.is_coordinator:
        raise Http404
    proposal = _proposal(seat, number)
    form = PaperBallotForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        member = Member.objects.filter(coop=seat.coop, member_number=form.cleaned_data["member_number"]).first()
        try:
            if member is None:
                raise ValidationError({"member_number": [_("There is no member with this number in this coop.")]})
            services.vote_cast(
                proposal=proposal, voter=member.user, choice=form.cleaned_data["choice"], actor=request.user, paper=True
            )
        except ValidationError as exc:
            form_add_service_error(form, exc)
        else:
            messages.success(request, _("The paper ballot is entered."))
            return redirect("governance:proposal_paper_ballot", number=number)
    return render(request, "governance/paper_ballot.html", {"seat": seat, "proposal": proposal, "form": form})


@login_required
def meeting_record_new(request: HttpRequest, kind: str) -> HttpResponse:
    seat = _seat(request)
    if not seat.is_board:
        raise Http404
    _version, current = rule_values(seat.coop)
    form: MeetingRuleChangeForm | MeetingMotionForm
    if kind == Proposal.Kind.RULE_CHANGE:
        form = MeetingRuleChangeForm(request.POST or None, request.FILES or None, coop=seat.coop, current=current)
    elif kind == Proposal.Kind.MOTION:
        form = MeetingMotionForm(request.POST or None, request.FILES or None)
    else:
        raise Http404
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            proposal = services.general_meeting_record(
                coop=seat.coop,
                actor=request.user,
                kind=kind,
                title=data["title"],
                summary=data["summary"],
                meeting_date=data["meeting_date"],
                members_present=data["members_present"],
                members_represented=data["members_represented"],
                electorate=data["electorate"],
                votes_for=data["votes_for"],
                votes_against=data["votes_against"],
                minutes=data["minutes"],
                changes=form.changes() if isinstance(form, MeetingRuleChangeForm) else None,
                effective_from=data.get("effective_from"),
            )
        except ValidationError as exc:
            form_add_service_error(form, exc)
        else:
            messages.success(request, _("Recorded. Another board member must now confirm it."))
            return redirect("governance:proposal_detail", number=proposal.number)
    return render(
        request,
        "governance/meeting_record_new.html",
        {"seat": seat, "form": form, "kind": kind, "kind_label": Proposal.Kind(kind).label},
    )


@login_required
def meeting_minutes(request: HttpRequest, number: int) -> HttpResponseBase:
    """The minutes, for the coop's own members and staff only (private storage, never a public URL)."""
    seat = _seat(request)
    proposal = _proposal(seat, number)
    record = selectors.meeting_record_get(proposal)
    if record is None or not record.minutes:
        raise Http404
    return private_file_response(
        record.minutes, filename=f"minutes-{seat.coop.slug}-{proposal.number}.pdf", content_type="application/pdf"
    )


@login_required
def fund_payouts(request: HttpRequest) -> HttpResponse:
    """What decisions promised from the fund, and (for a coordinator) the step that pays it by SEPA."""
    seat = _seat(request)
    if request.method == "POST":
        if not seat.is_coordinator:
            raise Http404
        try:
            batch = services.fund_payout_batch_prepare(coop=seat.coop, actor=request.user)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        except PayoutError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("The batch is ready. Another board member must approve it."))
            return redirect("payments:office_payout_detail", batch_id=batch.pk)
        return redirect("governance:fund_payouts")
    return render(
        request,
        "governance/fund_payouts.html",
        {
            "seat": seat,
            "payouts": list(selectors.fund_payout_list(seat.coop)),
            "to_pay": selectors.fund_payouts_to_pay(seat.coop).count(),
            "balance": selectors.fund_balance(seat.coop),
            "available": selectors.fund_available(seat.coop),
        },
    )


# --- the committee drawn by lot ------------------------------------------------------------------------
@login_required
def committee(request: HttpRequest) -> HttpResponse:
    """Volunteer for the committee; the board announces and performs the draw."""
    seat = _seat(request)
    announce_form = CommitteeAnnounceForm(request.POST if request.POST.get("step") == "announce" else None)
    draw_form = CommitteeDrawForm(request.POST if request.POST.get("step") == "draw" else None)
    if request.method == "POST":
        step = request.POST.get("step")
        try:
            if step in ("volunteer", "withdraw"):
                if seat.member is None:
                    raise ValidationError(_("Only members can volunteer."))
                services.committee_volunteer(member=seat.member, actor=request.user, willing=step == "volunteer")
                messages.success(request, _("Saved."))
                return redirect("governance:committee")
            if step == "announce" and announce_form.is_valid():
                services.committee_draw_announce(
                    coop=seat.coop,
                    actor=request.user,
                    draw_on=announce_form.cleaned_data["draw_on"],
                    public_source=announce_form.cleaned_data["public_source"],
                )
                messages.success(request, _("The draw is announced. The list of volunteers is now fixed."))
                return redirect("governance:committee")
            if step == "draw" and draw_form.is_valid():
                pending = next(
                    (d for d in selectors.committee_draw_list(seat.coop) if d.status == d.Status.ANNOUNCED), None
                )
                if pending is None:
                    raise ValidationError(_("No draw is announced."))
                services.committee_draw_perform(
                    draw=pending, actor=request.user, public_value=draw_form.cleaned_data["public_value"]
                )
                messages.success(request, _("The committee is drawn."))
                return redirect("governance:committee")
        except ValidationError as exc:
            form = announce_form if step == "announce" else draw_form
            if step in ("announce", "draw"):
                form_add_service_error(form, exc)
            else:
                for message in exc.messages:
                    messages.error(request, message)
    draws = selectors.committee_draw_list(seat.coop)
    in_office = selectors.committee_in_office(seat.coop)
    members = (
        list(Member.objects.filter(coop=seat.coop, member_number__in=in_office.drawn_numbers).order_by("last_name"))
        if in_office
        else []
    )
    return render(
        request,
        "governance/committee.html",
        {
            "seat": seat,
            "draws": draws,
            "pending": next((d for d in draws if d.status == d.Status.ANNOUNCED), None),
            "in_office": in_office,
            "committee_members": members,
            "volunteer": selectors.committee_is_volunteer(seat.coop, seat.member),
            "volunteers": selectors.committee_volunteer_count(seat.coop),
            "announce_form": announce_form,
            "draw_form": draw_form,
            "values": rule_values(seat.coop)[1],
        },
    )


def committee_public(request: HttpRequest, coop_slug: str) -> HttpResponse:
    """Public, no login: every draw with all its inputs, so anyone can recompute it. Member numbers only."""
    coop = Cooperative.objects.filter(slug=coop_slug).first()
    if coop is None:
        raise Http404
    return render(
        request,
        "governance/committee_public.html",
        {"coop": coop, "draws": [d for d in selectors.committee_draw_list(coop)]},
    )


@login_required
def proposal_what_if(request: HttpRequest, number: int) -> HttpResponse:
    """The what-if block alone (HTMX polls it while the task computes; without JavaScript: reload)."""
    seat = _seat(request)
    proposal = _proposal(seat, number)
    return render(
        request, "governance/_what_if.html", {"proposal": proposal, "what_if": selectors.what_if_view(proposal)}
    )
