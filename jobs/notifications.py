"""Tell people about work: new offers, cancelled shifts. E-mails are queued after commit.

Callers run inside their own transaction; nothing is sent unless it commits. The Celery tasks in
`jobs.tasks` load the rows again by id, so a task that runs twice sends a stale e-mail at worst,
never a wrong one (an offer no longer pending is skipped).
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation

from members.models import User


def offers_notify_on_commit(offer_ids: list[int]) -> None:
    """After the current transaction commits, queue one e-mail per offer."""
    from jobs.tasks import offer_notify_task

    ids = list(offer_ids)

    def _enqueue() -> None:
        for offer_id in ids:
            offer_notify_task.delay(offer_id)

    transaction.on_commit(_enqueue)


def shift_cancelled_notify_on_commit(assignment_ids: list[int]) -> None:
    """After commit, tell each member of the cancelled assignments that their shift is off."""
    from jobs.tasks import shift_cancelled_notify_task

    ids = list(assignment_ids)

    def _enqueue() -> None:
        for assignment_id in ids:
            shift_cancelled_notify_task.delay(assignment_id)

    transaction.on_commit(_enqueue)


def assignments_released_notify_on_commit(assignment_ids: list[int]) -> None:
    """After commit, tell the business of each released assignment that the member will not come."""
    from jobs.tasks import assignment_released_notify_task

    ids = list(assignment_ids)

    def _enqueue() -> None:
        for assignment_id in ids:
            assignment_released_notify_task.delay(assignment_id)

    transaction.on_commit(_enqueue)


def email_send(*, user: User, template: str, context: dict[str, object]) -> None:
    """Render `templates/emails/jobs/<template>_{subject,text,html}` in the user's language and send it."""
    language = getattr(user, "preferred_language", None) or settings.LANGUAGE_CODE
    with translation.override(language):
        subject = render_to_string(f"emails/jobs/{template}_subject.txt", context).strip().replace("\n", " ")
        text = render_to_string(f"emails/jobs/{template}_text.txt", context)
        html = render_to_string(f"emails/jobs/{template}_html.html", context)
    message = EmailMultiAlternatives(subject=subject, body=text, to=[user.email])
    message.attach_alternative(html, "text/html")
    message.send()


def offer_notify(*, offer_id: int) -> bool:
    """Send the e-mail about one pending offer; returns False if it is no longer pending."""
    from jobs.models import Offer
    from jobs.pricing import rate_breakdown

    offer = (
        Offer.objects.select_related("shift__job__coop", "shift__job__business", "member__user")
        .filter(pk=offer_id, status=Offer.Status.PENDING)
        .first()
    )
    if offer is None:
        return False
    job = offer.shift.job
    breakdown = rate_breakdown(
        coop=job.coop, category=job.category, hourly_client_rate=job.hourly_client_rate, on=offer.shift.date
    )
    email_send(
        user=offer.member.user,
        template="offer_new",
        context={
            "offer": offer,
            "shift": offer.shift,
            "job": job,
            "member": offer.member,
            "member_wage": breakdown.member_wage,
            "site_url": getattr(settings, "SITE_URL", ""),
        },
    )
    return True


def shift_cancelled_notify(*, assignment_id: int) -> bool:
    """Send the e-mail telling a member their shift was cancelled."""
    from jobs.models import Assignment

    assignment = (
        Assignment.objects.select_related("shift__job__business", "member__user").filter(pk=assignment_id).first()
    )
    if assignment is None:
        return False
    email_send(
        user=assignment.member.user,
        template="shift_cancelled",
        context={
            "assignment": assignment,
            "shift": assignment.shift,
            "job": assignment.shift.job,
            "member": assignment.member,
            "reason": assignment.shift.cancelled_reason,
        },
    )
    return True


def assignment_released_notify(*, assignment_id: int) -> bool:
    """Tell a business that a member no longer comes to a shift and the coop looks for someone else."""
    from jobs.models import Assignment
    from members.models import Role

    assignment = (
        Assignment.objects.select_related("shift__job__business", "shift__job__coop", "member")
        .filter(pk=assignment_id, status=Assignment.Status.CANCELLED)
        .first()
    )
    if assignment is None:
        return False
    business = assignment.shift.job.business
    contacts = list(
        Role.objects.filter(kind=Role.Kind.BUSINESS_CONTACT, business=business)
        .select_related("user")
        .order_by("user__email")
    )
    to = sorted({r.user.email for r in contacts if r.user.email}) or [business.billing_email]
    language = contacts[0].user.preferred_language if contacts else settings.LANGUAGE_CODE
    context = {
        "assignment": assignment,
        "shift": assignment.shift,
        "job": assignment.shift.job,
        "member": assignment.member,
        "business": business,
        "site_url": getattr(settings, "SITE_URL", ""),
    }
    template = "emails/jobs/assignment_released"
    with translation.override(language):
        subject = render_to_string(f"{template}_subject.txt", context).strip().replace("\n", " ")
        text = render_to_string(f"{template}_text.txt", context)
        html = render_to_string(f"{template}_html.html", context)
    message = EmailMultiAlternatives(subject=subject, body=text, to=to)
    message.attach_alternative(html, "text/html")
    message.send()
    return True
