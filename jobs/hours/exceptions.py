"""Errors of the hours workflow. Messages are translated and safe to show to the user."""

from __future__ import annotations


class HoursError(Exception):
    """A rule of the hours workflow refused the change; `message` says why, `field` where (if a form field)."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class HourEntryTransitionError(HoursError):
    """The status machine does not allow this step from the entry's current status."""


class HoursPermissionError(HoursError):
    """The actor may not do this to this entry (another business, another coop, someone else's shift)."""
