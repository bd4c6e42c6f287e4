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


# A rate is "N/unit": N requests per second, minute, hour or day (as allauth and DRF write them).
RATE_UNITS = {"s": 1, "m": 60, "min": 60, "h": 3600, "d": 86400}


def rate_parse(rate: str) -> tuple[int, int]:
    """(requests, seconds) of a rate such as "5/h". Raises ImproperlyConfigured for anything else."""
    from django.core.exceptions import ImproperlyConfigured

    count, _, unit = rate.strip().partition("/")
    if not count.isdigit() or unit not in RATE_UNITS:
        raise ImproperlyConfigured(f"A rate limit is written as N/s, N/m, N/h or N/d, not {rate!r}")
    return int(count), RATE_UNITS[unit]


class FormRateLimitMiddleware:
    """Limits how often one client IP may POST the public sign-up forms (settings.FORM_RATE_LIMITS).

    The forms create accounts and send e-mail without a login, so a script could flood the coop with
    applications. The count lives in the cache (shared by all web processes when CACHE_URL is Redis),
    one fixed window per form and IP. A refused POST never reaches the view, so nothing is stored.
    The IP comes from allauth's adapter, which honours ALLAUTH_TRUSTED_PROXY_COUNT behind a proxy.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method == "POST":
            refused = self._refused(request)
            if refused is not None:
                return refused
        return self.get_response(request)

    def _refused(self, request: HttpRequest) -> HttpResponse | None:
        import time

        from allauth.account.adapter import get_adapter
        from django.conf import settings
        from django.core.cache import cache
        from django.shortcuts import render
        from django.urls import Resolver404, resolve

        limits: dict[str, str] = getattr(settings, "FORM_RATE_LIMITS", {})
        if not limits:
            return None
        try:
            name = resolve(request.path_info).url_name
        except Resolver404:
            return None
        if name not in limits:
            return None
        allowed, seconds = rate_parse(limits[name])
        ip = get_adapter(request).get_client_ip(request)
        now = time.time()
        window = int(now // seconds)
        key = f"form-rate:{name}:{ip}:{window}"
        cache.add(key, 0, timeout=seconds)
        try:
            used = cache.incr(key)
        except ValueError:  # the entry expired between add and incr
            cache.set(key, 1, timeout=seconds)
            used = 1
        if used <= allowed:
            return None
        minutes = max(1, int(((window + 1) * seconds - now + 59) // 60))
        return render(request, "members/form_rate_limited.html", {"minutes": minutes}, status=429)
