"""REST API for businesses: list their hour entries and approve several at once."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from coop.limits import ID_MAX
from jobs.api.serializers import HourMinuteField
from jobs.hours import selectors, services
from jobs.hours.exceptions import HoursError, HoursPermissionError
from jobs.models import HourEntry
from members.selectors import business_ids_for_contact

API_PAGE_SIZE = 500
UNKNOWN_ENTRY = _("Unknown hour entry. Choose entries from your list.")
BULK_APPROVE_MAX = 1000  # one request approves at most this many entries (a page of them and more)


class HourEntryOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField()
    business = serializers.IntegerField(source="assignment.shift.job.business_id")
    job = serializers.CharField(source="assignment.shift.job.title")
    date = serializers.DateField(source="assignment.shift.date")
    member_first_name = serializers.CharField(source="assignment.member.first_name")
    start_time = HourMinuteField(source="effective_start_time")
    end_time = HourMinuteField(source="effective_end_time")
    break_minutes = serializers.IntegerField(source="effective_break_minutes")
    hours_worked = serializers.DecimalField(max_digits=6, decimal_places=2)
    note = serializers.CharField()
    submitted_at = serializers.DateTimeField()


class BulkApproveInputSerializer(serializers.Serializer):
    ids = serializers.ListField(
        child=serializers.IntegerField(
            min_value=1,
            max_value=ID_MAX,
            error_messages={"min_value": UNKNOWN_ENTRY, "max_value": UNKNOWN_ENTRY},
        ),
        allow_empty=False,
        max_length=BULK_APPROVE_MAX,
    )


def _business_ids(request: Request) -> set[int]:
    ids = business_ids_for_contact(request.user)
    if not ids:
        raise PermissionDenied(_("Only contacts of a business can use this."))
    return ids


class HourEntryListApi(APIView):
    """GET ?status=submitted (default) | approved | corrected | not_done | disputed | all."""

    @extend_schema(responses=HourEntryOutputSerializer(many=True))
    def get(self, request: Request) -> Response:
        ids = _business_ids(request)
        wanted = request.query_params.get("status", HourEntry.Status.SUBMITTED)
        if wanted != "all" and wanted not in HourEntry.Status.values:
            return Response({"status": [_("Unknown status.")]}, status=status.HTTP_400_BAD_REQUEST)
        qs = selectors.hour_entry_list_for_business(business_ids=ids, status=None if wanted == "all" else wanted)
        return Response(HourEntryOutputSerializer(qs[:API_PAGE_SIZE], many=True).data)


class HourEntryBulkApproveApi(APIView):
    """POST {"ids": [..]}: approve all in one transaction; one entry of another business refuses all (403)."""

    @extend_schema(
        request=BulkApproveInputSerializer,
        responses=inline_serializer(
            "HourEntryBulkApproveResult",
            {
                "approved": serializers.ListField(child=serializers.IntegerField()),
                "already_handled": serializers.ListField(child=serializers.IntegerField()),
            },
        ),
    )
    def post(self, request: Request) -> Response:
        _business_ids(request)
        serializer = BulkApproveInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            result = services.hour_entries_approve_bulk(entry_ids=serializer.validated_data["ids"], actor=request.user)
        except HoursPermissionError as error:
            return Response({"detail": error.message}, status=status.HTTP_403_FORBIDDEN)
        except HoursError as error:
            return Response({"detail": error.message}, status=status.HTTP_400_BAD_REQUEST)
        body: dict[str, Any] = {
            "approved": [e.pk for e in result.approved],
            "already_handled": [e.pk for e in result.already_handled],
        }
        return Response(body)
