"""The neighbourhood committee drawn by lot: volunteers, announcing a draw, performing it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from coop.audit import audit_record
from coop.governance.exceptions import GovernanceError
from coop.governance.lottery import draw_seed, draw_winners
from coop.governance.models import (
    CommitteeDraw,
    CommitteeVolunteer,
)
from coop.governance.services.proposals import _is_board, _voting_member
from coop.models import Cooperative
from coop.rulebook.selectors import rule_values
from members.models import Member


# --- the committee drawn by lot -----------------------------------------------------------------------
def committee_volunteer(*, member: Member, actor: Any, willing: bool) -> None:
    """A member offers (or withdraws) themselves for the next draw. Raises GovernanceError."""
    with transaction.atomic():
        Cooperative.objects.select_for_update().get(pk=member.coop_id)
        _voting_member(member.coop, member)
        current = CommitteeVolunteer.objects.filter(coop=member.coop, member=member, withdrawn_at__isnull=True).first()
        if willing and current is None:
            CommitteeVolunteer.objects.create(coop=member.coop, member=member)
        elif not willing and current is not None:
            current.withdrawn_at = timezone.now()
            current.save(update_fields=["withdrawn_at"])
        else:
            return
        audit_record(
            actor=actor,
            action="governance.committee_volunteered" if willing else "governance.committee_withdrawn",
            subject=member,
            coop=member.coop,
            on_behalf_of=member.user if member.user_id != actor.pk else None,
        )


def committee_draw_announce(*, coop: Cooperative, actor: Any, draw_on: dt.date, public_source: str) -> CommitteeDraw:
    """Freeze and publish the volunteers and where the random value will come from, before it is known.

    Raises GovernanceError (not board, no committee in the rules, too few volunteers, a draw in the past).
    """
    if not _is_board(actor, coop):
        raise GovernanceError(_("Only a board member can announce a draw."), code="board")
    public_source = (public_source or "").strip()
    if not public_source:
        raise GovernanceError({"public_source": [_("Say where the public random value will come from.")]})
    if draw_on <= timezone.localdate():
        raise GovernanceError({"draw_on": [_("Announce the draw before the day of the draw.")]})
    version, values = rule_values(coop)
    if values["committee_payout_limit"] <= 0:
        raise GovernanceError(_("The rules of this coop have no committee drawn by lot."), code="no_committee")
    with transaction.atomic():
        Cooperative.objects.select_for_update().get(pk=coop.pk)
        if CommitteeDraw.objects.filter(coop=coop, status=CommitteeDraw.Status.ANNOUNCED).exists():
            raise GovernanceError(_("A draw is already announced."), code="announced")
        numbers = sorted(
            number
            for number in CommitteeVolunteer.objects.filter(
                coop=coop, withdrawn_at__isnull=True, member__status=Member.Status.ACTIVE
            ).values_list("member__member_number", flat=True)
            if number is not None
        )
        if len(numbers) < values["committee_size"]:
            raise GovernanceError(
                _("%(n)s members volunteered; the committee needs %(size)s.")
                % {"n": len(numbers), "size": values["committee_size"]},
                code="too_few",
            )
        last = CommitteeDraw.objects.filter(coop=coop).aggregate(n=Max("number"))["n"] or 0
        draw = CommitteeDraw.objects.create(
            coop=coop,
            number=last + 1,
            volunteer_numbers=numbers,
            size=values["committee_size"],
            term_months=values["committee_term_months"],
            draw_on=draw_on,
            public_source=public_source,
            rules_version=version,
            announced_by=actor,
        )
        audit_record(
            actor=actor,
            action="governance.committee_draw_announced",
            subject=draw,
            coop=coop,
            data={"volunteers": numbers, "size": draw.size, "draw_on": draw_on, "source": public_source},
        )
    return draw


def committee_draw_perform(*, draw: CommitteeDraw, actor: Any, public_value: str) -> CommitteeDraw:
    """Enter the public value and draw. Raises GovernanceError (not board, too early, already drawn)."""
    public_value = (public_value or "").strip()
    if not public_value:
        raise GovernanceError({"public_value": [_("Enter the public random value.")]})
    with transaction.atomic():
        draw = CommitteeDraw.objects.select_for_update().select_related("coop").get(pk=draw.pk)
        if not _is_board(actor, draw.coop):
            raise GovernanceError(_("Only a board member can perform the draw."), code="board")
        if draw.status != CommitteeDraw.Status.ANNOUNCED:
            raise GovernanceError(_("This draw has already been done."), code="drawn")
        today = timezone.localdate()
        if today < draw.draw_on:
            raise GovernanceError(_("The draw is on %(day)s, not before.") % {"day": draw.draw_on}, code="early")
        seed = draw_seed(
            coop_slug=draw.coop.slug,
            draw_number=draw.number,
            volunteer_numbers=draw.volunteer_numbers,
            public_value=public_value,
        )
        draw.public_value = public_value
        draw.seed = seed
        draw.drawn_numbers = draw_winners(seed=seed, volunteer_numbers=draw.volunteer_numbers, size=draw.size)
        draw.term_start = today
        draw.term_end = _add_months(today, draw.term_months)
        draw.status = CommitteeDraw.Status.DRAWN
        draw.drawn_by = actor
        draw.drawn_at = timezone.now()
        draw.save()
        audit_record(
            actor=actor,
            action="governance.committee_drawn",
            subject=draw,
            coop=draw.coop,
            data={"public_value": public_value, "seed": seed, "drawn": draw.drawn_numbers},
        )
    return draw


def _add_months(day: dt.date, months: int) -> dt.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise AssertionError("unreachable")
