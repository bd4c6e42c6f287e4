"""Free text has a maximum length: the rule-version note, proposals and a member's rejection reason.

Refused at the edge (form), in the service, and by the database; nothing is stored.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone, translation

from coop.limits import NOTE_MAX_LENGTH, id_is_valid
from coop.models import AuditEvent
from coop.rulebook.models import RuleValue, RuleVersion
from coop.rulebook.selectors import rule_version_values
from coop.rulebook.services import rule_version_adopt
from members.forms import ReasonForm
from members.models import Member

pytestmark = pytest.mark.django_db

LONG = "x" * 100_000


def _rulebook_state() -> tuple[int, int, int]:
    return RuleVersion.objects.count(), RuleValue.objects.count(), AuditEvent.objects.count()


def test_every_text_field_of_our_models_has_a_max_length() -> None:
    from django.apps import apps

    ours = ("coop", "members", "jobs", "invoicing")
    unbounded = [
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        if model.__module__.split(".")[0] in ours
        for field in model._meta.get_fields()
        if isinstance(field, models.TextField) and field.editable and not field.max_length
    ]
    assert unbounded == []


def test_a_100000_character_rule_version_note_is_refused_by_the_service(kanaleneiland):
    from coop.governance.models import Proposal
    from tests.factories import UserFactory

    decision = Proposal.objects.create(
        coop=kanaleneiland,
        number=1,
        kind=Proposal.Kind.RULE_CHANGE,
        channel=Proposal.Channel.GENERAL_MEETING,
        body=Proposal.Body.MEMBERS,
        status=Proposal.Status.PASSED,
        title="Hours",
        summary="Fewer hours",
        created_by=UserFactory(),
        rule_changes={"max_hours_per_week": 32},
        effective_from=timezone.localdate() + dt.timedelta(days=1),
        rules_version=RuleVersion.objects.get(coop=kanaleneiland),
    )
    before = _rulebook_state()
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        rule_version_adopt(
            coop=kanaleneiland,
            effective_from=timezone.localdate() + dt.timedelta(days=1),
            changes={"max_hours_per_week": 32},
            source=RuleVersion.Source.GENERAL_MEETING,
            proposal_id=decision.pk,
            proposal_ref=decision.reference,
            tally={},
            actor=None,
            note=LONG,
        )
    assert caught.value.message_dict["note"] == [
        f"This text is too long: 100000 characters. Keep it to {NOTE_MAX_LENGTH} characters at most."
    ]
    assert _rulebook_state() == before


def test_a_too_long_proposal_text_is_refused_by_the_form(kanaleneiland):
    from coop.governance.forms import RuleChangeProposalForm

    latest = RuleVersion.objects.filter(coop=kanaleneiland).order_by("-number").first()
    assert latest is not None
    current = rule_version_values(latest)
    form = RuleChangeProposalForm(coop=kanaleneiland, current=current)
    data = {name: field.initial for name, field in form.fields.items() if field.initial is not None}
    data.update({"effective_from": "2030-01-01", "title": LONG, "summary": LONG})
    form = RuleChangeProposalForm(data, coop=kanaleneiland, current=current)
    assert not form.is_valid()
    assert "title" in form.errors and "summary" in form.errors


def test_the_database_refuses_a_too_long_rule_version_note(kanaleneiland):
    before = _rulebook_state()
    with pytest.raises(IntegrityError), transaction.atomic():
        RuleVersion.objects.create(
            coop=kanaleneiland, number=99, effective_from=dt.date(2030, 1, 1), source="founding", note=LONG
        )
    assert _rulebook_state() == before


def test_a_too_long_rejection_reason_is_refused_by_the_form_and_the_database(applicant):
    form = ReasonForm({"reason": "x" * (NOTE_MAX_LENGTH + 1)})
    assert not form.is_valid()
    with pytest.raises(IntegrityError), transaction.atomic():
        Member.objects.filter(pk=applicant.pk).update(rejection_reason="x" * (NOTE_MAX_LENGTH + 1))
    applicant.refresh_from_db()
    assert applicant.rejection_reason == ""


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        (1, True),
        ("42", True),
        (2**63 - 1, True),
        (2**63, False),
        (0, False),
        (-1, False),
        ("1e3", False),
        (True, False),
    ],
)
def test_id_is_valid_only_in_the_bigint_range(value, valid):
    assert id_is_valid(value) is valid
