"""Viewsets: scoped querysets (someone else's object is a 404), the same services as the pages."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from coop.money import eur
from jobs.api.serializers import (
    AssignmentOutputSerializer,
    JobCreateSerializer,
    JobOutputSerializer,
    OfferAnswerResultSerializer,
    OfferOutputSerializer,
    ShiftOutputSerializer,
)
from jobs.models import Assignment, Offer
from jobs.selectors.jobs import _shifts_with_counts, job_get_for_business, job_list_for_business, shift_open_seats
from jobs.selectors.offers import offer_list_for_member
from jobs.services.jobs import ShiftSpec, job_post
from jobs.services.offers import offer_accept, offer_decline
from members.models import Business
from members.selectors import business_ids_for_contact, member_for_user


def _business_ids(request: Request) -> set[int]:
    ids = business_ids_for_contact(request.user)
    if not ids:
        raise PermissionDenied(_("Only contacts of a business can use this."))
    return ids


def _as_api_error(exc: DjangoValidationError) -> ApiValidationError:
    if hasattr(exc, "error_dict"):
        return ApiValidationError(
            {("non_field_errors" if k == "__all__" else k): [str(m) for m in v] for k, v in exc.message_dict.items()}
        )
    return ApiValidationError({"non_field_errors": [str(m) for m in exc.messages]})


class BusinessJobViewSet(viewsets.GenericViewSet):
    """Jobs of the businesses the user is a contact of. POST creates a job with its shifts."""

    serializer_class = JobOutputSerializer

    def get_queryset(self) -> Any:  # for the schema only; reads go through the selectors
        from jobs.models import Job

        return Job.objects.none()

    @extend_schema(responses=JobOutputSerializer(many=True))
    def list(self, request: Request) -> Response:
        jobs = job_list_for_business(business_ids=_business_ids(request))
        page = self.paginate_queryset(jobs)  # type: ignore[arg-type,var-annotated]  # a list pages too
        return self.get_paginated_response(JobOutputSerializer(page, many=True).data)

    @extend_schema(responses=JobOutputSerializer)
    def retrieve(self, request: Request, pk: str | None = None) -> Response:
        try:
            job_id = int(pk or "")
        except ValueError as exc:
            raise NotFound from exc
        job = job_get_for_business(business_ids=_business_ids(request), job_id=job_id)
        if job is None:
            raise NotFound
        return Response(JobOutputSerializer(job).data)

    @extend_schema(request=JobCreateSerializer, responses={201: JobOutputSerializer})
    def create(self, request: Request) -> Response:
        ids = _business_ids(request)
        serializer = JobCreateSerializer(data=request.data, businesses=Business.objects.filter(pk__in=ids))
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            job = job_post(
                actor=request.user,
                business=data["business"],
                coop=data["coop"],
                title=data["title"],
                description=data["description"],
                category=data["category"],
                skills=list(data.get("skills", [])),
                language=data["language"],
                street=data["street"],
                postcode=data["postcode"],
                city=data["city"],
                hourly_client_rate=eur(data["hourly_client_rate"]),
                assign_mode=data["assign_mode"],
                preferred_members=list(data.get("preferred_members", [])),
                shifts=[ShiftSpec(s["date"], s["start_time"], s["end_time"], s["seats"]) for s in data["shifts"]],
                repeat_weekly_until=data["repeat_weekly_until"],
            )
        except DjangoPermissionDenied as exc:
            raise ApiValidationError({"business": [_("You can only post jobs for your own business.")]}) from exc
        except DjangoValidationError as exc:
            raise _as_api_error(exc) from exc
        fresh = job_get_for_business(business_ids=ids, job_id=job.pk)
        return Response(JobOutputSerializer(fresh).data, status=status.HTTP_201_CREATED)


class BusinessShiftViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Shifts of the user's businesses with taken and open seats."""

    serializer_class = ShiftOutputSerializer

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return _shifts_with_counts().none()
        return (
            _shifts_with_counts()
            .filter(job__business_id__in=_business_ids(self.request))
            .select_related("job")
            .order_by("date", "start_time", "pk")
        )

    def paginate_queryset(self, queryset: Any) -> Any:
        page = super().paginate_queryset(queryset)
        for shift in page or []:
            shift.open_seats = shift_open_seats(shift)
        return page

    def get_object(self) -> Any:
        shift = super().get_object()
        shift.open_seats = shift_open_seats(shift)
        return shift


class BusinessAssignmentViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Planned assignments on the user's businesses' shifts (members by first name)."""

    serializer_class = AssignmentOutputSerializer

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return Assignment.objects.none()
        return (
            Assignment.objects.filter(
                shift__job__business_id__in=_business_ids(self.request), status=Assignment.Status.ACTIVE
            )
            .select_related("shift__job", "member")
            .order_by("shift__date", "shift__start_time", "pk")
        )


class MemberOfferViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The member's own offers; accept or decline one."""

    serializer_class = OfferOutputSerializer

    def _member(self) -> Any:
        member = member_for_user(self.request.user)
        if member is None:
            raise PermissionDenied(_("Only members have offers."))
        return member

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return Offer.objects.none()
        return offer_list_for_member(member=self._member())

    def _answer(self, request: Request, pk: str | None, *, accept: bool) -> Response:
        offer = self.get_object()
        member = self._member()
        try:
            if accept:
                assignment = offer_accept(offer_id=offer.pk, member=member, actor=request.user)
                assignment_id: int | None = assignment.pk
            else:
                offer_decline(offer_id=offer.pk, member=member, actor=request.user)
                assignment_id = None
        except DjangoValidationError as exc:
            raise _as_api_error(exc) from exc
        fresh = offer_list_for_member(member=member).get(pk=offer.pk)
        return Response(OfferAnswerResultSerializer({"offer": fresh, "assignment": assignment_id}).data)

    @extend_schema(request=None, responses=OfferAnswerResultSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: str | None = None) -> Response:
        return self._answer(request, pk, accept=True)

    @extend_schema(request=None, responses=OfferAnswerResultSerializer)
    @action(detail=True, methods=["post"])
    def decline(self, request: Request, pk: str | None = None) -> Response:
        return self._answer(request, pk, accept=False)
