"""Widgets other portals place on their pages without importing jobs (members sits below jobs).

`{% load jobs_widgets %}{% member_hours_widget member %}` renders hours this week and month against
the member's stapelbaan target. The query lives in the selector, not in the template.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from jobs.selectors.schedule import member_hours_summary

register = template.Library()


@register.inclusion_tag("jobs/_member_hours_widget.html")
def member_hours_widget(member: Any) -> dict[str, Any]:
    return {"hours": member_hours_summary(member=member, today=timezone.localdate())}
