"""The Operation Encompass services: each step a row of its own, with its chronology entry and
audit in the same transaction, and every impossible step refused in plain words."""

import datetime as dt
from unittest import mock

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command

from safeguarding.access.models import ChildInvolvement, InvolvementBasis
from safeguarding.audit.models import Action, AuditEvent
from safeguarding.concerns.models import ChronologyEntry
from safeguarding.core.errors import DomainError
from safeguarding.encompass.models import (
    DomesticAbuseIncident,
    EncompassAcknowledgement,
    EncompassEscalation,
    EncompassNotification,
    EncompassSupport,
    IncidentChild,
    Presence,
)
from safeguarding.encompass.selectors import State, notification_clock
from safeguarding.encompass.services import (
    ChildAtIncident,
    encompass_acknowledge,
    encompass_escalate,
    encompass_escalations_send,
    encompass_incident_child_add,
    encompass_incident_record,
    encompass_support_record,
)
from safeguarding.people.models import Child, SchoolEnrolment
from safeguarding.people.services import NewChild
from safeguarding.sharing.models import Notification
from tests.factories import AgencyFactory, ChildFactory

from .conftest import at, incident_input, travel

MONDAY_DUE = at(2026, 12, 14, 8, 30)


@pytest.fixture(autouse=True)
def friday_late():
    """The tests' "now", unless a test travels on: Friday night, after the incident."""
    with travel(at(2026, 12, 11, 23)):
        yield


def entries(child, kind):
    return ChronologyEntry.objects.filter(child=child, kind=kind)


# --- Recording the incident ---------------------------------------------------------------------


def test_recording_an_incident_notifies_the_childs_school(
    terms, officer, on_roll, school, entitled, front_door, friday_night, django_capture_on_commit_callbacks
):
    with travel(friday_night), django_capture_on_commit_callbacks(execute=True):
        incident = encompass_incident_record(
            data=incident_input(), child=ChildAtIncident(presence=Presence.PRESENT, child=on_roll), by=officer
        )
    row = incident.children.get()
    notification = row.notification
    assert (row.child, row.presence, notification.school) == (on_roll, Presence.PRESENT, school)
    assert notification.notified_at == friday_night
    assert notification_clock(notification, now=friday_night).due_at == MONDAY_DUE

    entry = entries(on_roll, "encompass_incident").get()
    assert entry.agency == officer.agency and entry.author == officer
    assert entry.occurred_at == at(2026, 12, 11, 21, 5)
    assert entry.categories == ["domestic_abuse"]
    assert "reference DA/2026/0451" in entry.summary and "the child was present" in entry.summary
    assert "Operation Encompass notification sent to Riverside Primary School" in entry.summary
    # The police are now involved with the child; the school hears at once.
    assert ChildInvolvement.objects.filter(child=on_roll, agency=officer.agency, basis=InvolvementBasis.RECORDED)
    told = Notification.objects.get(recipient=entitled)
    assert told.child == on_roll and "before 08:30 on Monday 14 December 2026" in told.text
    assert not Notification.objects.filter(recipient=front_door).exists()
    (email,) = mail.outbox
    assert email.to == [entitled.email]
    assert on_roll.la_child_id in email.body and "Amelia" not in email.body  # no name leaves in e-mail
    assert f"/operation-encompass/notifications/{notification.pk}/" in email.body

    audited = AuditEvent.objects.filter(action=Action.CREATE, child=on_roll, object_type="encompass.incidentchild")
    assert audited.get().detail["school"] == "Riverside Primary School"
    assert AuditEvent.objects.filter(object_type="encompass.domesticabuseincident", action=Action.CREATE).exists()


def test_a_child_with_no_school_on_record_is_recorded_without_a_notification(terms, officer, child):
    incident = encompass_incident_record(
        data=incident_input(), child=ChildAtIncident(presence=Presence.NORMALLY_LIVES, child=child), by=officer
    )
    row = incident.children.get()
    assert not EncompassNotification.objects.filter(incident_child=row).exists()
    summary = entries(child, "encompass_incident").get().summary
    assert "was not present but normally lives at the address" in summary
    assert "No school on record: no Operation Encompass notification was sent" in summary


def test_the_school_is_the_current_enrolment(terms, officer, on_roll, school):
    SchoolEnrolment.objects.filter(child=on_roll).update(ended_on=dt.date(2026, 7, 22))
    new_school = AgencyFactory(name="Brookford High School")
    SchoolEnrolment.objects.create(child=on_roll, school=new_school, started_on=dt.date(2026, 9, 3))
    with travel(at(2026, 12, 8, 20)):
        incident = encompass_incident_record(
            data=incident_input(when=at(2026, 12, 8, 19)),
            child=ChildAtIncident(presence=Presence.PRESENT, child=on_roll),
            by=officer,
        )
    assert incident.children.get().notification.school == new_school


def test_a_new_child_is_added_to_the_index(terms, officer):
    new = NewChild(first_name="Kai", last_name="Rowe", date_of_birth=dt.date(2018, 2, 3), postcode="BK1 2AB")
    incident = encompass_incident_record(
        data=incident_input(), child=ChildAtIncident(presence=Presence.PRESENT, new_child=new), by=officer
    )
    child = incident.children.get().child
    assert child.display_name == "Kai Rowe" and child.current_postcode == "BK1 2AB"


def test_siblings_are_added_to_the_incident_each_with_their_notification(incident, officer, school, friday_night):
    sister = ChildFactory(display_name="Isla Jones", date_of_birth=dt.date(2017, 3, 9))
    SchoolEnrolment.objects.create(child=sister, school=school, started_on=dt.date(2021, 9, 1))
    with travel(friday_night + dt.timedelta(hours=1)):
        row = encompass_incident_child_add(
            incident=incident, child=ChildAtIncident(presence=Presence.NORMALLY_LIVES, child=sister), by=officer
        )
    assert row.notification.school == school
    assert incident.children.count() == 2
    assert entries(sister, "encompass_incident").count() == 1


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"reference": " "}, "reference", "Enter the police incident reference"),
        ({"summary_for_school": ""}, "summary_for_school", "Enter what the school needs to know"),
        ({"summary_for_school": "x" * 1001}, "summary_for_school", "must be 1,000 characters or fewer"),
        ({"occurred_at": at(2030, 1, 1)}, "occurred_at", "The date of the incident must be today or in the past"),
    ],
)
def test_an_incident_without_what_the_school_needs_is_refused(terms, officer, on_roll, change, field, message):
    data = incident_input()
    data = type(data)(**{**data.__dict__, **change})
    with pytest.raises(ValidationError) as refused:
        encompass_incident_record(data=data, child=ChildAtIncident(Presence.PRESENT, child=on_roll), by=officer)
    assert message in " ".join(refused.value.message_dict[field])
    assert not DomesticAbuseIncident.objects.exists()


def test_refusals_when_recording(incident, officer, other_force, entitled, on_roll):
    present = ChildAtIncident(presence=Presence.PRESENT, child=on_roll)
    with pytest.raises(ValidationError, match="Only police officers and staff record"):
        encompass_incident_record(data=incident_input("DA/2"), child=present, by=entitled)
    with pytest.raises(ValidationError) as refused:
        encompass_incident_record(data=incident_input(), child=present, by=officer)
    assert refused.value.message_dict["reference"] == [
        "Incident DA/2026/0451 is already recorded: add the child to it from its page"
    ]
    with pytest.raises(ValidationError) as refused:
        asleep = ChildAtIncident("asleep", child=on_roll)
        encompass_incident_record(data=incident_input("DA/3"), child=asleep, by=officer)
    assert "present or normally lives" in refused.value.message_dict["presence"][0]
    with pytest.raises(ValidationError, match="Amelia Jones is already on this incident"):
        encompass_incident_child_add(incident=incident, child=present, by=officer)
    with pytest.raises(ValidationError, match="Only the force that recorded this incident"):
        encompass_incident_child_add(incident=incident, child=present, by=other_force)
    assert IncidentChild.objects.count() == 1


def test_a_merged_record_reaches_its_survivor(terms, officer, on_roll):
    duplicate = ChildFactory(display_name="Amelia Jones")
    Child.objects.filter(pk=duplicate.pk).update(merged_into=on_roll)
    duplicate.refresh_from_db()
    incident = encompass_incident_record(
        data=incident_input(), child=ChildAtIncident(presence=Presence.PRESENT, child=duplicate), by=officer
    )
    assert incident.children.get().child == on_roll


# --- Acknowledging and support -----------------------------------------------------------------


def test_the_dsl_acknowledges_in_time_once(notification, entitled, on_roll):
    with travel(at(2026, 12, 14, 8, 5)):
        ack = encompass_acknowledge(notification=notification, by=entitled)
    assert ack.acknowledged_by == entitled
    notification.refresh_from_db()
    assert notification_clock(notification).state is State.ACKNOWLEDGED
    entry = entries(on_roll, "encompass_acknowledgement").get()
    assert entry.agency == entitled.agency and entry.author == entitled
    assert entry.summary.endswith("incident of 11 December 2026, in time.")
    audit = AuditEvent.objects.get(object_type="encompass.encompassacknowledgement")
    assert (audit.actor, audit.child, audit.detail["late"]) == (entitled, on_roll, False)

    with pytest.raises(ValidationError) as refused, travel(at(2026, 12, 14, 9)):
        encompass_acknowledge(notification=notification, by=entitled)
    assert refused.value.messages == [
        f"This notification was already acknowledged by {entitled.display_name} at 08:05 on Monday 14 December 2026"
    ]
    assert EncompassAcknowledgement.objects.count() == 1
    assert entries(on_roll, "encompass_acknowledgement").count() == 1


def test_a_late_acknowledgement_says_so(notification, entitled, on_roll):
    with travel(at(2026, 12, 14, 10)):
        encompass_acknowledge(notification=notification, by=entitled)
    notification.refresh_from_db()
    assert notification_clock(notification).state is State.ACKNOWLEDGED_LATE
    assert "after it was due (before 08:30 on Monday 14 December 2026)" in (
        entries(on_roll, "encompass_acknowledgement").get().summary
    )


def test_only_the_childs_school_dsl_acknowledges(notification, teacher, other_dsl, officer, front_door):
    for someone in (teacher, other_dsl, officer, front_door):
        with pytest.raises(ValidationError, match="Only a designated safeguarding lead at Riverside Primary School"):
            encompass_acknowledge(notification=notification, by=someone)
    assert not EncompassAcknowledgement.objects.exists()


def test_support_is_recorded_after_acknowledgement_as_often_as_given(notification, entitled, on_roll):
    with pytest.raises(ValidationError, match="Acknowledge the notification before you record the support"):
        encompass_support_record(notification=notification, support="Check-in at registration", by=entitled)
    with travel(at(2026, 12, 14, 8)):
        encompass_acknowledge(notification=notification, by=entitled)
    with pytest.raises(ValidationError) as refused:
        encompass_support_record(notification=notification, support="  ", by=entitled)
    assert refused.value.message_dict == {"support": ["Enter the support the school gave"]}
    with travel(at(2026, 12, 14, 9)):
        encompass_support_record(notification=notification, support="Check-in with Mrs Patel at 9am", by=entitled)
    with travel(at(2026, 12, 16, 12)):
        encompass_support_record(notification=notification, support="Lunchtime nurture group", by=entitled)
    assert list(EncompassSupport.objects.values_list("support", flat=True)) == [
        "Check-in with Mrs Patel at 9am",
        "Lunchtime nurture group",
    ]
    assert entries(on_roll, "encompass_support").count() == 2
    assert AuditEvent.objects.filter(object_type="encompass.encompasssupport", child=on_roll).count() == 2


# --- Escalation --------------------------------------------------------------------------------


def test_an_unacknowledged_notification_escalates_once_at_its_due_time(notification, entitled, front_door, on_roll):
    mail.outbox.clear()
    assert encompass_escalations_send(now=MONDAY_DUE - dt.timedelta(minutes=1)).escalated == 0
    with pytest.raises(DomainError, match="not due until 08:30 on Monday 14 December 2026"):
        encompass_escalate(notification=notification, now=MONDAY_DUE - dt.timedelta(minutes=1))

    with travel(MONDAY_DUE):
        report = encompass_escalations_send(now=MONDAY_DUE)
    assert (report.escalated, report.failed) == (1, 0)
    escalation = EncompassEscalation.objects.get()
    assert (escalation.notification, escalation.school_emails, escalation.front_door_told) == (notification, 1, 1)
    to_school, to_front_door = mail.outbox
    assert to_school.to == [entitled.email] and "Amelia" not in to_school.body
    assert to_front_door.to == [front_door.email] and "Riverside Primary School has not acknowledged" in (
        to_front_door.body
    )
    assert Notification.objects.filter(recipient=front_door, kind="operation_encompass_escalation").count() == 1
    assert Notification.objects.filter(recipient=entitled, kind="operation_encompass_escalation").count() == 1
    entry = entries(on_roll, "encompass_escalation").get()
    assert entry.agency == notification.school and entry.author is None
    assert AuditEvent.objects.filter(object_type="encompass.encompassescalation", child=on_roll).count() == 1

    # Sent once: a second run, the next hour or the next day, sends nothing.
    report = encompass_escalations_send(now=MONDAY_DUE + dt.timedelta(days=1))
    assert (report.escalated, report.already) == (0, 0)
    with pytest.raises(DomainError, match="already escalated at 08:30 on Monday 14 December 2026"):
        encompass_escalate(notification=notification, now=MONDAY_DUE + dt.timedelta(hours=1))
    assert len(mail.outbox) == 2 and EncompassEscalation.objects.count() == 1


def test_an_acknowledged_notification_never_escalates(notification, entitled):
    with travel(at(2026, 12, 14, 8)):
        encompass_acknowledge(notification=notification, by=entitled)
    assert encompass_escalations_send(now=MONDAY_DUE).escalated == 0
    with pytest.raises(DomainError, match="was acknowledged: it does not escalate"):
        encompass_escalate(notification=notification, now=MONDAY_DUE)
    assert not EncompassEscalation.objects.exists()


def test_a_mail_server_error_records_nothing_and_the_next_run_tries_again(notification, on_roll):
    with mock.patch("safeguarding.encompass.services.send_mail", side_effect=OSError("mail server down")):
        report = encompass_escalations_send(now=MONDAY_DUE)
    assert (report.escalated, report.failed) == (0, 1)
    assert not EncompassEscalation.objects.exists()
    assert not entries(on_roll, "encompass_escalation").exists()
    assert encompass_escalations_send(now=MONDAY_DUE + dt.timedelta(minutes=15)).escalated == 1


def test_the_management_command(notification, capsys):
    call_command("send_encompass_escalations", "--now", "2026-12-14T08:00")
    assert "Escalated 0 notifications" in capsys.readouterr().out
    call_command("send_encompass_escalations", "--now", "2026-12-14T08:45", "--dry-run")
    assert "Would escalate 1 notification;" in capsys.readouterr().out
    assert not EncompassEscalation.objects.exists()
    call_command("send_encompass_escalations", "--now", "2026-12-14T08:45")
    assert "Escalated 1 notification;" in capsys.readouterr().out
    call_command("send_encompass_escalations", "--now", "2026-12-14T09:00")
    assert "Escalated 0 notifications" in capsys.readouterr().out
    assert EncompassEscalation.objects.count() == 1
