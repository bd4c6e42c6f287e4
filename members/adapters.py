"""allauth adapter: e-mails go out through the Celery task, after the transaction commits.

It also refuses the published demo password in production (issue 9): a demo database that ends up
running with ENV=production must not let anyone in with a password printed in the README. The
check comes before any account is looked up, so it tells nothing about which accounts exist.
"""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django import forms
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.translation import gettext as _

# Published in the README and on every demo login sheet (coop/demo uses it for its seeded accounts).
DEMO_PASSWORD = "wijkwerk-demo"  # noqa: S105 - a published demo password, refused in production


def demo_password_refused(password: object) -> bool:
    """Whether this password is the published demo password and we run with ENV=production."""
    return bool(getattr(settings, "PRODUCTION", False)) and password == DEMO_PASSWORD


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        from members.tasks import email_send_on_commit

        msg = self.render_mail(template_prefix, email, context)
        email_send_on_commit(
            subject=msg.subject,
            body=msg.body,
            to=list(msg.to),
            html=next((alt[0] for alt in getattr(msg, "alternatives", []) if alt[1] == "text/html"), None),
        )

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        # People sign up through the membership application or business registration forms.
        return False

    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        super().pre_authenticate(request, **credentials)  # allauth's per-IP flood limit first
        if demo_password_refused(credentials.get("password")):
            raise forms.ValidationError(
                _(
                    "This password is the public demo password and cannot be used here. "
                    "Choose “Forgot your password?” to set a new password, then log in with it."
                ),
                code="demo_password",
            )


class DemoPasswordRefusedBackend:
    """Every other login path (the Django admin): the demo password never authenticates in production.

    Raising PermissionDenied stops django.contrib.auth.authenticate from trying the next backends.
    It has no get_user on purpose: it never logs anyone in, so no session names it (and the test
    client's force_login, which takes the first backend with get_user, keeps using ModelBackend).
    """

    def authenticate(self, request: HttpRequest | None, password: str | None = None, **kwargs: Any) -> None:
        if demo_password_refused(password):
            raise PermissionDenied
        return None
