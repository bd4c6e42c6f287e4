"""Request plumbing: assisted mode, the machine endpoint fast path, Permissions-Policy, form rate limits."""

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


class MachineEndpointMiddleware:
    """First in MIDDLEWARE: a POST to a view marked `machine_endpoint` (Stripe's webhooks) goes straight to it.

    Such a view authenticates its caller by a signature; it needs no session, user, language,
    CSRF token, messages, htmx or login throttling, and at hundreds of webhooks a second that
    stack was a third of each request's cost. The host is still checked against ALLOWED_HOSTS.
    Only paths under PREFIXES are even resolved here; every other request passes through untouched.
    """

    PREFIXES = ("/payments/webhooks/",)

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method == "POST" and request.path_info.startswith(self.PREFIXES):
            from django.urls import Resolver404, resolve

            try:
                match = resolve(request.path_info)
            except Resolver404:
                return self.get_response(request)
            if getattr(match.func, "machine_endpoint", False):
                request.get_host()  # DisallowedHost (400) for a host not in ALLOWED_HOSTS, as CommonMiddleware does
                request.resolver_match = match
                response: HttpResponse = match.func(request, *match.args, **match.kwargs)
                return response
        return self.get_response(request)


class PermissionsPolicyMiddleware:
    """Adds settings.PERMISSIONS_POLICY as the Permissions-Policy header (Django has no setting for it)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from django.conf import settings

        response = self.get_response(request)
        policy = getattr(settings, "PERMISSIONS_POLICY", "")
        if policy and "Permissions-Policy" not in response:
            response["Permissions-Policy"] = policy
        return response
