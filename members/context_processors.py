"""What every page needs to draw the navigation: which portals this user has, and the coop's look."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def portal(request: HttpRequest) -> dict[str, Any]:
    from members.selectors import user_portal_context

    return {"portal": user_portal_context(request)}
