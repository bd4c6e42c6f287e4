"""Serializers: shape checks at the edge; the services check the rules again."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from coop.limits import DESCRIPTION_MAX_LENGTH
from coop.models import Cooperative
from jobs.models import SHIFT_SEATS_MAX, Assignment, Job, Offer, Shift
from jobs.services.jobs import ShiftSpec, shift_spec_errors
from members.models import Business, Language, Member, Skill

# Times go in and out as "HH:MM" (a shift starts on the minute). The schema says so with a pattern,
# not `format: time`: JSON Schema's "time" is RFC 3339 (seconds and a UTC offset), which a local
# wall-clock time is not.
TIME_FORMAT = "%H:%M"
TIME_PATTERN = r"^([01][0-9]|2[0-3]):[0-5][0-9]$"


@extend_schema_field({"type": "string", "pattern": TIME_PATTERN, "example": "09:00"})
class HourMinuteField(serializers.TimeField):
    """A time of day as "HH:MM" both ways ("09:00"; "09:00:00" is accepted on input too)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format=TIME_FORMAT, input_formats=[TIME_FORMAT, "%H:%M:%S"], **kwargs)


class ShiftInputSerializer(serializers.Serializer):
    date = serializers.DateField()
    start_time = HourMinuteField()
    end_time = HourMinuteField()
    seats = serializers.IntegerField(
        min_value=1,
        max_value=SHIFT_SEATS_MAX,
        error_messages={
            "min_value": _("A shift needs at least one place."),
            "max_value": _("A shift can have at most {max_value} places."),
        },
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        problems = shift_spec_errors(ShiftSpec(attrs["date"], attrs["start_time"], attrs["end_time"], attrs["seats"]))
        if problems:
            raise serializers.ValidationError(problems)
        return attrs


class JobCreateSerializer(serializers.Serializer):
    business = serializers.PrimaryKeyRelatedField(
        queryset=Business.objects.none(),
        error_messages={
            "does_not_exist": _("You can only post jobs for your own business."),
            "incorrect_type": _("You can only post jobs for your own business."),
        },
    )
    coop = serializers.PrimaryKeyRelatedField(
        queryset=Cooperative.objects.all(),
        error_messages={
            "does_not_exist": _("Your business does not work with this coop."),
            "incorrect_type": _("Your business does not work with this coop."),
        },
    )
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, default="", max_length=DESCRIPTION_MAX_LENGTH)
    category = serializers.CharField(max_length=40)
    skills = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=Skill.objects.filter(is_active=True),
        many=True,
        required=False,
        error_messages={
            "does_not_exist": _("Unknown skill: {value}."),
            "invalid": _("Unknown skill. Choose skills from the list."),
        },
    )
    language = serializers.ChoiceField(choices=Language.choices, required=False, allow_blank=True, default="")
    street = serializers.CharField(max_length=200)
    postcode = serializers.RegexField(
        r"^\s*\d{4}\s?[A-Za-z]{2}\s*$", max_length=7, error_messages={"invalid": _("Enter a postcode like 3526 KL.")}
    )
    city = serializers.CharField(max_length=100, required=False, default="Utrecht")
    hourly_client_rate = serializers.DecimalField(max_digits=8, decimal_places=2)
    assign_mode = serializers.ChoiceField(choices=Job.AssignMode.choices, required=False, default=Job.AssignMode.AUTO)
    preferred_members: serializers.PrimaryKeyRelatedField = serializers.PrimaryKeyRelatedField(
        queryset=Member.objects.all(),
        many=True,
        required=False,
        error_messages={
            "does_not_exist": _("You can only ask back members who worked for you before."),
            "incorrect_type": _("You can only ask back members who worked for you before."),
        },
    )
    repeat_weekly_until = serializers.DateField(required=False, allow_null=True, default=None)
    shifts = ShiftInputSerializer(many=True, allow_empty=False)

    def __init__(self, *args: Any, businesses: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if businesses is not None:
            self.fields["business"].queryset = businesses  # type: ignore[attr-defined]


class SkillSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()


class ShiftOutputSerializer(serializers.ModelSerializer):
    job = serializers.IntegerField(source="job_id")
    start_time = HourMinuteField()
    end_time = HourMinuteField()
    job_title = serializers.CharField(source="job.title")
    open_seats = serializers.IntegerField()
    taken_seats = serializers.IntegerField(source="active_count")
    pending_offers = serializers.IntegerField(source="pending_count")

    class Meta:
        model = Shift
        fields = [
            "id",
            "job",
            "job_title",
            "date",
            "start_time",
            "end_time",
            "seats",
            "status",
            "cancelled_reason",
            "open_seats",
            "taken_seats",
            "pending_offers",
        ]


class JobOutputSerializer(serializers.ModelSerializer):
    business = serializers.IntegerField(source="business_id")
    coop = serializers.IntegerField(source="coop_id")
    hourly_client_rate = serializers.DecimalField(source="hourly_client_rate.amount", max_digits=8, decimal_places=2)
    open_seats = serializers.IntegerField()
    shifts = serializers.SerializerMethodField()

    class Meta:
        model = Job
        fields = [
            "id",
            "business",
            "coop",
            "title",
            "description",
            "category",
            "language",
            "street",
            "postcode",
            "city",
            "hourly_client_rate",
            "assign_mode",
            "status",
            "created_at",
            "open_seats",
            "shifts",
        ]

    def get_shifts(self, job: Job) -> list[dict[str, Any]]:
        return list(ShiftOutputSerializer(job.shifts.all(), many=True).data)


class AssignmentOutputSerializer(serializers.ModelSerializer):
    shift = serializers.IntegerField(source="shift_id")
    job = serializers.IntegerField(source="shift.job_id")
    job_title = serializers.CharField(source="shift.job.title")
    date = serializers.DateField(source="shift.date")
    start_time = HourMinuteField(source="shift.start_time")
    end_time = HourMinuteField(source="shift.end_time")
    member_first_name = serializers.CharField(source="member.first_name")

    class Meta:
        model = Assignment
        fields = ["id", "shift", "job", "job_title", "date", "start_time", "end_time", "member_first_name", "status"]


class OfferOutputSerializer(serializers.ModelSerializer):
    shift = serializers.IntegerField(source="shift_id")
    job_title = serializers.CharField(source="shift.job.title")
    business = serializers.CharField(source="shift.job.business.__str__")
    date = serializers.DateField(source="shift.date")
    start_time = HourMinuteField(source="shift.start_time")
    end_time = HourMinuteField(source="shift.end_time")
    street = serializers.CharField(source="shift.job.street")
    postcode = serializers.CharField(source="shift.job.postcode")

    class Meta:
        model = Offer
        fields = [
            "id",
            "shift",
            "job_title",
            "business",
            "date",
            "start_time",
            "end_time",
            "street",
            "postcode",
            "status",
            "expires_at",
            "responded_at",
        ]


class OfferAnswerResultSerializer(serializers.Serializer):
    offer = OfferOutputSerializer()
    assignment = serializers.IntegerField(allow_null=True)
