"""Who a login attempt is for, as django-axes counts failures (AXES_USERNAME_CALLABLE).

allauth calls `authenticate(email=..., password=...)`, while the form field is `login`; without
this, axes recorded every failure with an empty username, so the lockout fell on the IP address
alone (one member's typos locked out the whole service-desk computer) and was not per account.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def lockout_username(request: HttpRequest | None, credentials: dict[str, Any] | None) -> str:
    """The e-mail address the attempt was for, lower-cased; empty if none was given."""
    for key in ("email", "login", "username"):
        value = (credentials or {}).get(key)
        if value:
            return str(value).strip().lower()
    if request is not None and request.method == "POST":
        return str(request.POST.get("login", "")).strip().lower()
    return ""
