"""Thin Celery tasks for jobs: each takes ids, calls one service, and is safe to run twice."""

from __future__ import annotations

from celery import shared_task


@shared_task
def offer_notify_task(offer_id: int) -> bool:
    from jobs.notifications import offer_notify

    return offer_notify(offer_id=offer_id)


@shared_task
def shift_cancelled_notify_task(assignment_id: int) -> bool:
    from jobs.notifications import shift_cancelled_notify

    return shift_cancelled_notify(assignment_id=assignment_id)


@shared_task
def assignment_released_notify_task(assignment_id: int) -> bool:
    from jobs.notifications import assignment_released_notify

    return assignment_released_notify(assignment_id=assignment_id)


@shared_task
def offers_expire_task() -> int:
    """Periodic: expire every pending offer past its answer time, one transaction per offer."""
    from jobs.selectors.offers import offer_ids_expired_pending
    from jobs.services.offers import offer_expire

    expired = 0
    for offer_id in offer_ids_expired_pending():
        if offer_expire(offer_id=offer_id):
            expired += 1
    return expired
