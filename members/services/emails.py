"""E-mails to people, rendered from subject/text/html triplets in the recipient's language."""

from __future__ import annotations

from typing import Any

from django.conf import settings
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
