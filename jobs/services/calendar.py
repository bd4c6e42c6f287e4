"""The member's private calendar URL: created on first use, regenerated on request."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from coop.audit import audit_record
from jobs.models import CalendarFeed, calendar_token_new
from members.models import Member


@transaction.atomic
def calendar_feed_ensure(*, member: Member) -> CalendarFeed:
    """The member's feed, created with a fresh token if they have none yet."""
    feed, _created = CalendarFeed.objects.get_or_create(member=member)
    return feed


@transaction.atomic
def calendar_feed_regenerate(*, member: Member, actor: Any, on_behalf_of: Any = None) -> CalendarFeed:
    """Give the member a new token; the old private URL stops working at once."""
    feed, _created = CalendarFeed.objects.select_for_update().get_or_create(member=member)
    feed.token = calendar_token_new()
    feed.save(update_fields=["token"])
    audit_record(
        actor=actor, action="calendar_feed.regenerated", subject=feed, coop=member.coop, on_behalf_of=on_behalf_of
    )
    return feed
