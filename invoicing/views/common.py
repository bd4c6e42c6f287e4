"""What the invoicing pages share: the current coop of a staff user."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from coop.models import Cooperative
from members.selectors import coop_current_for_staff


def staff_coop(request: HttpRequest) -> Cooperative:
    """The coop the coordinator or board member works in now; PermissionDenied for anyone else."""
    coop = coop_current_for_staff(request)
    if coop is None:
        raise PermissionDenied
    return coop
