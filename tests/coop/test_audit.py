import pytest

from coop.audit import audit_list_for_subject, audit_record
from coop.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_audit_record_names_actor_subject_and_coop(kanaleneiland, coordinator, fatima):
    event = audit_record(
        actor=coordinator,
        action="member.paused",
        subject=fatima,
        data={"old": "active"},
        on_behalf_of=fatima.user,
        consent_note="signed form 12 May",
    )
    assert event.coop == kanaleneiland
    assert event.on_behalf_of == fatima.user
    assert audit_list_for_subject(fatima)[0] == event


def test_audit_rows_cannot_be_changed_or_deleted(kanaleneiland):
    event = audit_record(actor=None, action="coop.tested", subject=kanaleneiland)
    event.action = "coop.rewritten"
    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        event.delete()
    with pytest.raises(TypeError):
        AuditEvent.objects.filter(pk=event.pk).update(action="coop.rewritten")
    with pytest.raises(TypeError):
        AuditEvent.objects.all().delete()
    event.refresh_from_db()
    assert event.action == "coop.tested"
