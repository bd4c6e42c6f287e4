"""API shapes for people and businesses: plain output serializers, and input checked again by the services."""

from __future__ import annotations

from rest_framework import serializers

from members.models import Business, BusinessRelation, Member


class MemberOutputSerializer(serializers.ModelSerializer):
    coop = serializers.CharField(source="coop.name")

    class Meta:
        model = Member
        fields = ["id", "member_number", "status", "first_name", "last_name", "coop", "languages"]


class BusinessRelationOutputSerializer(serializers.ModelSerializer):
    coop = serializers.CharField(source="coop.name")

    class Meta:
        model = BusinessRelation
        fields = ["coop", "status", "since"]


class BusinessOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = Business
        fields = [
            "id",
            "legal_name",
            "trade_name",
            "kvk_number",
            "vat_id",
            "street",
            "postcode",
            "city",
            "billing_email",
            "phone",
            "payment_term_days",
        ]


class BusinessUpdateSerializer(serializers.Serializer):
    legal_name = serializers.CharField(max_length=200, required=False)
    trade_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    vat_id = serializers.CharField(max_length=20, required=False, allow_blank=True)
    street = serializers.CharField(max_length=200, required=False)
    postcode = serializers.CharField(max_length=8, required=False)
    city = serializers.CharField(max_length=100, required=False)
    billing_email = serializers.EmailField(required=False)
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True)
    payment_term_days = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=60)


class MeOutputSerializer(serializers.Serializer):
    email = serializers.EmailField()
    member = MemberOutputSerializer(allow_null=True)
    businesses = BusinessOutputSerializer(many=True)
    staff_coops = serializers.ListField(child=serializers.CharField())
