"""Hooks for apps above members when a member steps back (pause, suspension, leaving).

Members sits below jobs, so it cannot withdraw offers itself. An app registers, in its
AppConfig.ready()::

    from members.departures import departure_handler_register

    departure_handler_register(preview=future_work_preview, handle=future_work_release)

`preview(member)` returns the plain-language lines of what stepping back will cancel (the warning the
member or coordinator confirms); `handle(ctx=..., member=..., cancel_planned=...)` runs inside the
status change's transaction, after the new status is saved, and queues its e-mails after commit.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

PreviewFunction = Callable[[Any], list[str]]
HandleFunction = Callable[..., None]


@dataclass(frozen=True)
class DepartureHandler:
    preview: PreviewFunction
    handle: HandleFunction


_HANDLERS: dict[str, DepartureHandler] = {}


def departure_handler_register(*, preview: PreviewFunction, handle: HandleFunction) -> None:
    """Register (or replace, by the handle's name) what happens to a member's work when they step back."""
    _HANDLERS[f"{handle.__module__}.{handle.__qualname__}"] = DepartureHandler(preview=preview, handle=handle)


def departure_preview(member: Any) -> list[str]:
    """Every line of what stepping back would cancel, from every registered app."""
    return [line for handler in _HANDLERS.values() for line in handler.preview(member)]


def departure_handle(*, ctx: Any, member: Any, cancel_planned: bool) -> None:
    for handler in _HANDLERS.values():
        handler.handle(ctx=ctx, member=member, cancel_planned=cancel_planned)
