"""E-mails to people, rendered from subject/text/html triplets in the recipient's language."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import translation

from members.tasks import email_send_on_commit


def email_send_to_user(*, user: Any, template: str, context: dict[str, Any]) -> None:
    """Queue `emails/<template>_{subject.txt,body.txt,body.html}` to the user after commit."""
    language = getattr(user, "preferred_language", "") or settings.LANGUAGE_CODE
    context = {"user": user, "site_url": settings.SITE_URL, **context}
    with translation.override(language):
        subject = render_to_string(f"emails/{template}_subject.txt", context).strip()
        body = render_to_string(f"emails/{template}_body.txt", context)
        html = render_to_string(f"emails/{template}_body.html", context)
    email_send_on_commit(subject=" ".join(subject.split()), body=body, to=[user.email], html=html)


def request_for_links(request: HttpRequest | None) -> HttpRequest:
    """A request to build absolute links in mails with: the current one, else one for SITE_URL.

    allauth builds confirmation links from a request; services may run without one (commands, tasks).
    """
    if request is not None:
        return request
    from allauth.core import context

    if context.request is not None:
        return context.request
    site = urlsplit(settings.SITE_URL)
    fake = HttpRequest()
    fake.META = {
        "SERVER_NAME": site.hostname or "localhost",
        "SERVER_PORT": str(site.port or (443 if site.scheme == "https" else 80)),
        "HTTP_HOST": site.netloc,
    }
    if site.scheme == "https":
        fake.META["wsgi.url_scheme"] = "https"
        fake.is_secure = lambda: True  # type: ignore[method-assign]
    return fake
