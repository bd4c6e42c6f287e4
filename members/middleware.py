"""Assisted mode: a coordinator acting on behalf of a member who cannot use the site."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

SESSION_KEY = "assisted_member_id"


class AssistedModeMiddleware:
    """Puts `request.assisted_member` (or None) on every request from the session."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.assisted_member = None  # type: ignore[attr-defined]
        member_id = request.session.get(SESSION_KEY) if hasattr(request, "session") else None
        if member_id and request.user.is_authenticated:
            from members.selectors import member_get_for_assistance

            request.assisted_member = member_get_for_assistance(  # type: ignore[attr-defined]
                user=request.user, member_id=member_id
            )
            if request.assisted_member is None:  # type: ignore[attr-defined]
                request.session.pop(SESSION_KEY, None)
        return self.get_response(request)
