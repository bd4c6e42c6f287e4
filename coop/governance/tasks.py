"""Thin Celery tasks for decisions: each takes ids, calls one service, and is safe to run twice."""

from __future__ import annotations

from celery import shared_task


@shared_task
def proposals_close_due_task() -> int:
    """Periodic: close every vote whose time is up, one transaction per proposal (idempotent)."""
    from django.utils import timezone

    from coop.governance.selectors import proposal_list_due_for_closing
    from coop.governance.services import proposal_close

    closed = 0
    for proposal_id in proposal_list_due_for_closing(timezone.now()):
        if proposal_close(proposal_id=proposal_id) is not None:
            closed += 1
    return closed


@shared_task
def vote_reminders_send_task() -> int:
    """Periodic: remind who has not voted, once per proposal, the rulebook's hours before it closes."""
    from coop.governance.services import vote_reminders_send

    return vote_reminders_send()


@shared_task
def what_if_compute_task(proposal_id: int) -> str:
    """Compute a rule-change proposal's what-if (idempotent: a finished one is not computed again)."""
    from coop.governance.whatif import what_if_compute

    return what_if_compute(proposal_id=proposal_id).status
