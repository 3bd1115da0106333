"""`manage.py audit_verify`: exit 0 when the chain holds, 1 at the first broken link."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from safeguarding.audit.models import Action, AuditEvent
from safeguarding.audit.services import audit_record
from safeguarding.audit.tests.test_chain import _drop_triggers

pytestmark = pytest.mark.django_db


def test_an_intact_chain_is_reported_with_the_number_of_events(entitled, child):
    for _ in range(3):
        audit_record(actor=entitled, action=Action.VIEW, child=child)
    out = StringIO()
    call_command("audit_verify", stdout=out)
    assert out.getvalue().strip() == "Audit chain intact: 3 events checked"


def test_an_empty_log_is_intact(db):
    out = StringIO()
    call_command("audit_verify", stdout=out)
    assert "Audit chain intact: 0 events checked" in out.getvalue()


def test_a_changed_event_breaks_the_chain_and_exits_1(entitled, child):
    events = [audit_record(actor=entitled, action=Action.VIEW, child=child) for _ in range(4)]
    _drop_triggers()
    AuditEvent.objects.filter(pk=events[2].pk).update(actor_label="someone-else")
    with pytest.raises(CommandError) as excinfo:
        call_command("audit_verify", "--batch-size", "2", stdout=StringIO())
    message = str(excinfo.value)
    assert message.startswith(f"Audit chain BROKEN at event #{events[2].pk} (")
    assert message.endswith("): its contents do not match its hash")
    assert excinfo.value.returncode == 1


def test_a_deleted_event_breaks_the_chain_at_its_successor(entitled, child):
    events = [audit_record(actor=entitled, action=Action.VIEW, child=child) for _ in range(3)]
    _drop_triggers()
    AuditEvent.objects.filter(pk=events[1].pk).delete()
    with pytest.raises(CommandError, match=rf"BROKEN at event #{events[2].pk} .*previous-hash") as excinfo:
        call_command("audit_verify", stdout=StringIO())
    assert excinfo.value.returncode == 1


def test_a_deleted_newest_event_is_found_from_the_chain_head(entitled, child):
    events = [audit_record(actor=entitled, action=Action.VIEW, child=child) for _ in range(3)]
    _drop_triggers()
    AuditEvent.objects.filter(pk=events[-1].pk).delete()
    with pytest.raises(CommandError, match="BROKEN after 2 events: the newest event is missing") as excinfo:
        call_command("audit_verify", stdout=StringIO())
    assert excinfo.value.returncode == 1
