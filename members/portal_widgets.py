"""Hooks for other apps to put a block on the member or business portal home (hours, offers, invoices).

Register once, in your AppConfig.ready()::

    from members.portal_widgets import member_widget_register

    member_widget_register(template="jobs/_member_offers_widget.html", order=10,
                           context=lambda request, member: {"offers": offer_list_open_for_member(member)})

The member home renders each widget's template with `member` and `widget` (the dict your context
function returned). The function gets the member the page is about, which in assisted mode is the
member the coordinator helps; keep it to a fixed number of queries. Business widgets work the same
way with `business_widget_register`, receiving the `business`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest

ContextFunction = Callable[[HttpRequest, Any], dict[str, Any]]


@dataclass(frozen=True)
class PortalWidget:
    template: str
    order: int = 100
    context: ContextFunction | None = None


_MEMBER_WIDGETS: dict[str, PortalWidget] = {}
_BUSINESS_WIDGETS: dict[str, PortalWidget] = {}


def member_widget_register(*, template: str, order: int = 100, context: ContextFunction | None = None) -> None:
    """Show `template` on the member portal home (registering the same template twice replaces it)."""
    _MEMBER_WIDGETS[template] = PortalWidget(template=template, order=order, context=context)


def business_widget_register(*, template: str, order: int = 100, context: ContextFunction | None = None) -> None:
    """Show `template` on the business portal page of one business."""
    _BUSINESS_WIDGETS[template] = PortalWidget(template=template, order=order, context=context)


def _render_list(widgets: dict[str, PortalWidget], request: HttpRequest, obj: Any) -> list[dict[str, Any]]:
    return [
        {"template": w.template, "context": w.context(request, obj) if w.context else {}}
        for w in sorted(widgets.values(), key=lambda w: (w.order, w.template))
    ]


def member_widget_list(request: HttpRequest, member: Any) -> list[dict[str, Any]]:
    return _render_list(_MEMBER_WIDGETS, request, member)


def business_widget_list(request: HttpRequest, business: Any) -> list[dict[str, Any]]:
    return _render_list(_BUSINESS_WIDGETS, request, business)
