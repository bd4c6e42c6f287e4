"""What the invoicing pages share: the current coop of a staff user, PDF responses."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase

from coop.models import Cooperative
from members.selectors import coop_current_for_staff


def staff_coop(request: HttpRequest) -> Cooperative:
    """The coop the coordinator or board member works in now; PermissionDenied for anyone else."""
    coop = coop_current_for_staff(request)
    if coop is None:
        raise PermissionDenied
    return coop


def pdf_response(content: bytes | Any, filename: str) -> HttpResponseBase:
    """A PDF download (bytes or an open file)."""
    if isinstance(content, bytes):
        response = HttpResponse(content, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
    return FileResponse(content, as_attachment=True, filename=filename, content_type="application/pdf")
