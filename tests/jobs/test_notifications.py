"""E-mails about work: a new offer, a cancelled shift; sent after commit, in the member's language."""

from __future__ import annotations

import pytest
from django.core import mail

from jobs.models import Offer
from jobs.notifications import offer_notify, offers_notify_on_commit
from jobs.services.jobs import shift_cancel
from tests.jobs.factories import PlannedAssignmentFactory

pytestmark = pytest.mark.django_db


def test_offer_mail_goes_out_only_after_commit_in_the_members_language(
    fatima_offer, django_capture_on_commit_callbacks
):
    user = fatima_offer.member.user
    user.preferred_language = "en"
    user.save()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        offers_notify_on_commit([fatima_offer.pk])
    assert mail.outbox == [] and len(callbacks) == 1
    callbacks[0]()
    message = mail.outbox[0]
    assert message.to == [user.email]
    assert message.subject.startswith("Work for you: Broodjes smeren")
    assert "€15.00" in message.body  # what she earns per hour
    assert "/work/offers/" in message.body
    html = message.alternatives[0][0]
    assert 'lang="en"' in html and "Broodjes smeren" in html


def test_no_mail_for_an_offer_that_is_no_longer_pending(fatima_offer):
    Offer.objects.filter(pk=fatima_offer.pk).update(status=Offer.Status.WITHDRAWN)
    assert offer_notify(offer_id=fatima_offer.pk) is False
    assert mail.outbox == []


def test_cancel_mail_tells_each_assigned_member_the_reason(
    bakery, bakery_shift, fatima, kanaleneiland, django_capture_on_commit_callbacks
):
    bakery_shift.seats = 2
    bakery_shift.save()
    PlannedAssignmentFactory(shift=bakery_shift, member=fatima)
    other = PlannedAssignmentFactory(shift=bakery_shift, member__coop=kanaleneiland)
    with django_capture_on_commit_callbacks(execute=True):
        shift_cancel(actor=bakery.contact, shift_id=bakery_shift.pk, reason="Stroomstoring")
    assert sorted(m.to[0] for m in mail.outbox) == sorted([fatima.user.email, other.member.user.email])
    assert all("Stroomstoring" in m.body for m in mail.outbox)
