"""The what-if before a vote: a rule change replayed on the last months of approved hours.

Each approved hour entry of the coop in the window goes through the real invoicing code
(`euro_trail_for_work`) twice: with the rules that were in force on its work date, and with the
proposed values as if they had counted from the start of the window (`Rulebook.with_changes`).
The sums say what members would have earned, what the fund and the operating account would have
received, and which jobs' rates would no longer cover the new minimum. Amounts only, never a name:
members are shown by how much their pay would change, not who they are.

The same hours also go through the real matching code again, under the current and the proposed
rules, to show how evenly the work would have been spread across the members who want work
(coop.governance.work_spread: a Gini coefficient, one weekly round at a time).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.db import transaction
from django.utils import timezone

from coop.audit import audit_record
from coop.governance import work_spread
from coop.governance.models import Proposal, WhatIf
from coop.money import to_decimal
from coop.rulebook.book import Rulebook
from invoicing.exceptions import EuroTrailError
from invoicing.services.euro_trail import euro_trail_for_work
from jobs.models import HourEntry

logger = logging.getLogger(__name__)

WINDOW_DAYS = 91  # "the last 3 months" of the issue: a fixed window of the what-if, not a coop policy
PROGRESS_EVERY = 200  # entries between progress updates
# Share of the progress bar for the money replay; the two matching replays share the rest.
MONEY_PROGRESS = 50
MOST_AFFECTED = 5

PARTS = ("member_wage", "employer_costs", "fund_share", "operating_share", "line_total_net")


def what_if_queue(*, proposal: Proposal) -> WhatIf | None:
    """Create the (empty) what-if of a rule change and compute it after commit. Returns it, or None."""
    if proposal.kind != Proposal.Kind.RULE_CHANGE:
        return None
    what_if, _created = WhatIf.objects.get_or_create(proposal=proposal)
    from coop.governance.tasks import what_if_compute_task

    transaction.on_commit(lambda: what_if_compute_task.delay(proposal.pk))
    return what_if


def _entries(proposal: Proposal, start: dt.date, end: dt.date) -> list[HourEntry]:
    return list(
        HourEntry.objects.filter(
            status=HourEntry.Status.APPROVED,
            assignment__shift__job__coop=proposal.coop,
            assignment__shift__date__gte=start,
            assignment__shift__date__lt=end,
        )
        .select_related("assignment__shift__job")
        .order_by("assignment__shift__date", "pk")
    )


def what_if_compute(*, proposal_id: int, today: dt.date | None = None) -> WhatIf:
    """Replay the proposal on the window's approved hours and store the sums. Safe to run twice.

    A failure marks the what-if failed (the page says so) and is raised again for the worker's log.
    """
    proposal = Proposal.objects.select_related("coop").get(pk=proposal_id)
    what_if, _created = WhatIf.objects.get_or_create(proposal=proposal)
    if what_if.status == WhatIf.Status.DONE:
        return what_if
    try:
        return _compute(proposal, what_if, today=today)
    except Exception:
        logger.exception("what-if of proposal %s failed", proposal_id)
        WhatIf.objects.filter(pk=what_if.pk).update(status=WhatIf.Status.FAILED)
        raise


def _compute(proposal: Proposal, what_if: WhatIf, *, today: dt.date | None) -> WhatIf:
    end = today or timezone.localdate()
    start = end - dt.timedelta(days=WINDOW_DAYS)
    WhatIf.objects.filter(pk=what_if.pk).update(
        status=WhatIf.Status.RUNNING, progress=0, period_start=start, period_end=end
    )
    actual_rules = Rulebook.for_coop(proposal.coop)
    proposed_rules = Rulebook.with_changes(proposal.coop, changes=proposal.rule_changes, effective_from=start)
    totals: dict[str, dict[str, Decimal]] = {"actual": defaultdict(Decimal), "proposed": defaultdict(Decimal)}
    per_member: dict[int, Decimal] = defaultdict(Decimal)
    members_paid: set[int] = set()
    not_covered: set[int] = set()
    entries = _entries(proposal, start, end)
    hours_total = Decimal(0)
    for index, entry in enumerate(entries, start=1):
        shift = entry.assignment.shift
        job = shift.job
        hours = entry.hours_worked
        if hours <= 0:
            continue
        hours_total += hours
        actual, _wage, _version = euro_trail_for_work(
            rules=actual_rules,
            work_date=shift.date,
            category=job.category,
            hours=hours,
            hourly_rate=job.hourly_client_rate,
        )
        for part in PARTS:
            totals["actual"][part] += to_decimal(getattr(actual, part))
        try:
            proposed, _wage, _version = euro_trail_for_work(
                rules=proposed_rules,
                work_date=shift.date,
                category=job.category,
                hours=hours,
                hourly_rate=job.hourly_client_rate,
            )
        except EuroTrailError:
            # The job's rate would not even cover the new wage and costs: the client would have had to pay more.
            not_covered.add(job.pk)
            proposed = actual
        for part in PARTS:
            totals["proposed"][part] += to_decimal(getattr(proposed, part))
        member_id = entry.assignment.member_id
        members_paid.add(member_id)
        per_member[member_id] += to_decimal(proposed.member_wage) - to_decimal(actual.member_wage)
        if index % PROGRESS_EVERY == 0:
            WhatIf.objects.filter(pk=what_if.pk).update(progress=index * MONEY_PROGRESS // max(len(entries), 1))
    spread = _spread(proposal, what_if, entries, actual_rules=actual_rules, proposed_rules=proposed_rules)
    changes = sorted(per_member.values(), key=lambda d: (-abs(d), d))[:MOST_AFFECTED]
    result: dict[str, Any] = {
        "entries": len(entries),
        "hours": str(hours_total),
        "members": len(members_paid),
        "actual": {part: str(totals["actual"][part]) for part in PARTS},
        "proposed": {part: str(totals["proposed"][part]) for part in PARTS},
        "difference": {part: str(totals["proposed"][part] - totals["actual"][part]) for part in PARTS},
        "most_affected": [str(d) for d in changes],
        "jobs_rate_too_low": len(not_covered),
        "spread": spread,
    }
    with transaction.atomic():
        what_if = WhatIf.objects.select_for_update().get(pk=what_if.pk)
        what_if.status = WhatIf.Status.DONE
        what_if.progress = 100
        what_if.result = result
        what_if.computed_at = timezone.now()
        what_if.save(update_fields=["status", "progress", "result", "computed_at"])
        audit_record(
            actor=None,
            action="governance.what_if_computed",
            subject=proposal,
            coop=proposal.coop,
            data={"entries": len(entries), "period": [start, end]},
        )
    return what_if


def _spread(
    proposal: Proposal, what_if: WhatIf, entries: list[HourEntry], *, actual_rules: Rulebook, proposed_rules: Rulebook
) -> dict[str, Any]:
    """The spread of work: as it went, and replayed by matching under the current and the proposed rules."""
    seats = work_spread.seats_load(entries)
    wanting = work_spread.members_wanting_work(proposal.coop)
    weeks = Fraction(WINDOW_DAYS, 7)
    rounds = 2 * len({work_spread.week_of(shift.date) for shift in seats.shifts})
    done = 0

    def on_week() -> None:
        nonlocal done
        done += 1
        progress = MONEY_PROGRESS + done * (99 - MONEY_PROGRESS) // max(rounds, 1)
        WhatIf.objects.filter(pk=what_if.pk).update(progress=progress)

    current = work_spread.matching_replay(coop=proposal.coop, rules=actual_rules, seats=seats, on_week=on_week)
    proposed = work_spread.matching_replay(coop=proposal.coop, rules=proposed_rules, seats=seats, on_week=on_week)
    figures = {
        "actual": seats.actual_hours,
        "replay_current": current.hours,
        "replay_proposed": proposed.hours,
    }
    return {
        "members": len(wanting),
        "weeks": str(weeks),
        "seats": current.seats,
        "unfilled_current": current.unfilled,
        "unfilled_proposed": proposed.unfilled,
        "gini": {
            name: round(work_spread.spread_figure(hours, wanting, weeks=weeks), 4) for name, hours in figures.items()
        },
        "bands": {name: work_spread.spread_bands(hours, wanting, weeks=weeks) for name, hours in figures.items()},
    }
