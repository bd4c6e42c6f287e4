"""The private iCal feed: no login, the unguessable token in the URL is the key."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from jobs.ical import calendar_for_member
from jobs.selectors.schedule import assignment_list_for_feed, calendar_feed_get_by_token


@require_GET
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    feed = calendar_feed_get_by_token(token=token)
    if feed is None:
        raise Http404
    body = calendar_for_member(
        member=feed.member, assignments=assignment_list_for_feed(member=feed.member, today=timezone.localdate())
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="wijkwerk.ics"'
    response["Cache-Control"] = "private, max-age=300"
    response["X-Robots-Tag"] = "noindex"
    return response
