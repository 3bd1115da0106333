import pytest
from django.db import DatabaseError, connection, transaction

from safeguarding.audit.models import Action, AuditEvent
from safeguarding.audit.services import GENESIS, audit_record, audit_verify


@pytest.mark.django_db
def test_each_event_carries_the_hash_of_the_one_before(entitled, child):
    first = audit_record(actor=entitled, action=Action.VIEW, child=child)
    second = audit_record(actor=entitled, action=Action.SEARCH, detail={"name": "Jones"})
    assert first.prev_hash == GENESIS
    assert second.prev_hash == first.hash
    assert audit_verify() == (2, None, "")


@pytest.mark.django_db
def test_the_database_refuses_to_update_or_delete_an_event(entitled, child):
    event = audit_record(actor=entitled, action=Action.VIEW, child=child)
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(reason="tampered")
    if connection.vendor == "postgresql":  # see migration 0002 for SQLite under tests
        with pytest.raises(DatabaseError), transaction.atomic():
            AuditEvent.objects.filter(pk=event.pk).delete()


def _drop_triggers() -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("DROP TRIGGER audit_event_no_update ON audit_auditevent")
        else:
            cursor.execute("DROP TRIGGER IF EXISTS audit_event_no_update")
            cursor.execute("DROP TRIGGER IF EXISTS audit_event_no_delete")


@pytest.mark.django_db
def test_verify_reports_the_first_tampered_event(entitled, child):
    events = [audit_record(actor=entitled, action=Action.VIEW, child=child) for _ in range(4)]
    _drop_triggers()  # a database owner bypassing the trigger: the chain still tells
    AuditEvent.objects.filter(pk=events[2].pk).update(actor_label="someone-else")
    checked, broken, why = audit_verify()
    assert checked == 2
    assert broken is not None and broken.pk == events[2].pk
    assert "contents" in why


@pytest.mark.django_db
def test_verify_reports_a_deleted_event(entitled, child):
    events = [audit_record(actor=entitled, action=Action.VIEW, child=child) for _ in range(3)]
    _drop_triggers()
    AuditEvent.objects.filter(pk=events[1].pk).delete()
    checked, broken, why = audit_verify()
    assert broken is not None and broken.pk == events[2].pk
    assert "previous-hash" in why
