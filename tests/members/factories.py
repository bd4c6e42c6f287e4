"""Factories for the members tests, named by the state they build (on top of tests/factories.py)."""

from __future__ import annotations

import factory
from allauth.account.models import EmailAddress
from django.utils import timezone

from coop.models import Cooperative
from members.models import Member
from tests.factories import (
    ActiveMemberFactory,
    AppliedMemberFactory,
    BusinessFactory,
    UserFactory,
    business_with_contact,
)


def confirmed_applicant(coop: Cooperative, **kwargs: object) -> Member:
    """An applicant whose e-mail address is confirmed through allauth."""
    member = AppliedMemberFactory(coop=coop, **kwargs)
    EmailAddress.objects.create(user=member.user, email=member.user.email, primary=True, verified=True)
    return member


def unconfirmed_applicant(coop: Cooperative, **kwargs: object) -> Member:
    member = AppliedMemberFactory(coop=coop, **kwargs)
    EmailAddress.objects.create(user=member.user, email=member.user.email, primary=True, verified=False)
    return member


class ConsentingMemberFactory(ActiveMemberFactory):
    """An active member who gave consent for assisted mode at the service desk."""

    assisted_consent_at = factory.LazyFunction(timezone.now)
    assisted_consent_note = "In person at the service desk, signed form"


__all__ = [
    "ActiveMemberFactory",
    "AppliedMemberFactory",
    "BusinessFactory",
    "ConsentingMemberFactory",
    "UserFactory",
    "business_with_contact",
    "confirmed_applicant",
    "unconfirmed_applicant",
]
