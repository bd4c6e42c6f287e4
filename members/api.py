"""REST API for people and businesses: who am I, and a business's own details (read and change)."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from members.models import Business
from members.selectors import (
    AuditContext,
    business_get_for_contact,
    business_list_for_contact,
    coop_list_for_staff,
    member_for_user,
)
from members.serializers import BusinessOutputSerializer, BusinessUpdateSerializer, MeOutputSerializer
from members.services import business_update


class MeApi(APIView):
    """The logged-in user: their member row, the businesses they act for, the coops they staff."""

    @extend_schema(responses=MeOutputSerializer)
    def get(self, request: Request) -> Response:
        data = {
            "email": getattr(request.user, "email", ""),
            "member": member_for_user(request.user),
            "businesses": list(business_list_for_contact(request.user)),
            "staff_coops": [c.name for c in coop_list_for_staff(request.user)],
        }
        return Response(MeOutputSerializer(data).data)


class BusinessDetailApi(APIView):
    """One business the user is a contact of (anything else is a 404)."""

    def _business(self, request: Request, business_id: int, perm: str) -> Business:
        business = business_get_for_contact(user=request.user, business_id=business_id)
        if business is None or not request.user.has_perm(perm, business):
            raise NotFound
        return business

    @extend_schema(responses=BusinessOutputSerializer)
    def get(self, request: Request, business_id: int) -> Response:
        business = self._business(request, business_id, "members.view_business")
        return Response(BusinessOutputSerializer(business).data)

    @extend_schema(request=BusinessUpdateSerializer, responses=BusinessOutputSerializer)
    def patch(self, request: Request, business_id: int) -> Response:
        business = self._business(request, business_id, "members.change_business")
        serializer = BusinessUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            business = business_update(
                ctx=AuditContext.for_user(request.user), business=business, **serializer.validated_data
            )
        except DjangoValidationError as exc:
            raise ApiValidationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages) from None
        return Response(BusinessOutputSerializer(business).data)
