"""allauth adapter: e-mails go out through the Celery task, after the transaction commits."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest


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
