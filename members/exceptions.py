"""Errors the members services raise; each carries a translated message for the person."""

from __future__ import annotations

from django.core.exceptions import ValidationError


class MembershipError(ValidationError):
    """A membership rule says no (already a member, e-mail taken, wrong status). Nothing changed."""


class TransitionNotAllowedError(MembershipError):
    """The status change is not in the state machine."""


class ShareError(MembershipError):
    """A share-register rule says no (too much, wrong status, before the rulebook's term). Nothing changed."""


class BusinessError(ValidationError):
    """A business rule says no (KvK taken, last contact). Nothing changed."""
