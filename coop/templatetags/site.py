"""What the page frame (base.html) needs: whose site this is and its colours.

A one-coop installation shows that coop everywhere, also to visitors who are not logged in; an
installation with several coops shows the coop of the logged-in person, or "Wijkwerk" to visitors.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from coop.models import Cooperative

register = template.Library()

HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
DEFAULT_PRIMARY = "#1f5e8c"
DEFAULT_ACCENT = "#f2a900"


@register.simple_tag(takes_context=True)
def site_coop(context: template.Context) -> Cooperative | None:
    """The coop this page belongs to: the person's coop, else the only coop of the installation."""
    portal = context.get("portal")
    coop = getattr(portal, "coop", None)
    if coop is not None:
        return coop
    request = context.get("request")
    if request is not None and hasattr(request, "_wijkwerk_single_coop"):
        return request._wijkwerk_single_coop  # type: ignore[no-any-return]
    coops = list(Cooperative.objects.order_by("pk")[:2])
    single = coops[0] if len(coops) == 1 else None
    if request is not None:
        request._wijkwerk_single_coop = single
    return single


def _colour(value: Any, default: str) -> str:
    # Colours go into a <style> element: only #rrggbb passes, anything else gets the default.
    return value if isinstance(value, str) and HEX_COLOUR.match(value) else default


@register.simple_tag
def coop_theme_style(coop: Cooperative | None) -> SafeString:
    """The coop's design tokens as CSS custom properties for the `wijkwerk-theme` root."""
    primary = _colour(getattr(coop, "primary_color", None), DEFAULT_PRIMARY)
    accent = _colour(getattr(coop, "accent_color", None), DEFAULT_ACCENT)
    return format_html(
        "<style>.wijkwerk-theme {{ --wijkwerk-primary: {}; --wijkwerk-accent: {}; }}</style>", primary, accent
    )


@register.filter
def minutes(value: dt.timedelta | None) -> int:
    """A waiting time in whole minutes, rounded up (a lockout of 59.5 minutes says 60)."""
    if not value:
        return 0
    return max(1, math.ceil(value.total_seconds() / 60))
