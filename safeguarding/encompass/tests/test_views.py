"""The Operation Encompass pages with the personas: the school's designated safeguarding lead
(`entitled`) sees the notifications to their school and nobody else does; the police record
incidents; every read is audited, refusals included."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import verified_client
from safeguarding.audit.models import Action, AuditEvent
from safeguarding.concerns import chronology
from safeguarding.concerns.models import ChronologyEntry
from safeguarding.encompass.models import (
    DomesticAbuseIncident,
    EncompassAcknowledgement,
    EncompassSupport,
    IncidentChild,
    Presence,
)
from safeguarding.encompass.services import (
    ChildAtIncident,
    encompass_acknowledge,
    encompass_escalate,
    encompass_incident_record,
    encompass_support_record,
)
from safeguarding.people.models import Child, SchoolEnrolment
from tests.factories import ChildFactory

from .conftest import at, incident_input, travel

MONDAY_MORNING = at(2026, 12, 14, 8, 10)


@pytest.fixture(autouse=True)
def monday_morning():
    with travel(MONDAY_MORNING):
        yield


# --- The queue --------------------------------------------------------------------------------


def test_the_dsl_sees_the_notification_on_the_queue(notification, entitled):
    response = verified_client(entitled).get("/operation-encompass/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Amelia Jones" in body and "To acknowledge" in body
    assert "Acknowledge before 08:30 on Monday 14 December 2026" in body
    assert f"/operation-encompass/notifications/{notification.pk}/" in body
    audit = AuditEvent.objects.filter(actor=entitled, action=Action.VIEW).latest("id")
    assert audit.detail["what"] == "operation encompass queue"
    assert audit.detail["notifications"] == [notification.pk]


def test_an_overdue_notification_is_marked(notification, entitled):
    with travel(at(2026, 12, 14, 9)):
        body = verified_client(entitled).get("/operation-encompass/").content.decode()
    assert "Overdue" in body and "Was due before 08:30 on Monday 14 December 2026" in body


def test_the_empty_queue(terms, entitled):
    body = verified_client(entitled).get("/operation-encompass/").content.decode()
    assert "There are no Operation Encompass notifications for your school." in body


@pytest.mark.parametrize("persona", ["other_agency", "outsider", "front_door", "teacher", "officer"])
def test_nobody_else_sees_the_queue(request, notification, persona):
    user = request.getfixturevalue(persona)
    response = verified_client(user).get("/operation-encompass/")
    assert response.status_code == 403
    assert "Amelia" not in response.content.decode()
    assert AuditEvent.objects.filter(actor=user, action=Action.DENIED).exists()


def test_another_schools_dsl_sees_only_their_own(notification, other_dsl):
    response = verified_client(other_dsl).get("/operation-encompass/")
    assert response.status_code == 200
    assert "Amelia" not in response.content.decode()


def _notify(n, officer, school):
    """n more children at incidents, notified now (the queue's newest)."""
    for i in range(n):
        child = ChildFactory(display_name=f"Child{i:02d} Test")
        SchoolEnrolment.objects.create(child=child, school=school, started_on=dt.date(2021, 9, 1))
        encompass_incident_record(
            data=incident_input(f"DA/X/{i}", when=at(2026, 12, 13, 20)),
            child=ChildAtIncident(presence=Presence.PRESENT, child=child),
            by=officer,
        )


def test_the_queue_is_newest_first_50_a_page_in_constant_queries(notification, entitled, officer, school):
    client = verified_client(entitled)
    client.get("/operation-encompass/")  # warm the session
    with CaptureQueriesContext(connection) as one:
        client.get("/operation-encompass/")
    _notify(50, officer, school)
    with CaptureQueriesContext(connection) as many:
        first = client.get("/operation-encompass/").content.decode()
    assert len(many) == len(one)
    # Newest due first: the Friday night incident is the oldest, on page 2.
    assert "Child49 Test" in first and "Amelia Jones" not in first
    assert "showing 1 to 50 of 51" in first
    second = client.get("/operation-encompass/?page=2").content.decode()
    assert "Amelia Jones" in second and "Child00 Test" not in second


# --- A notification ---------------------------------------------------------------------------


def test_the_dsl_opens_the_notification_and_it_is_audited(notification, entitled, on_roll):
    response = verified_client(entitled).get(f"/operation-encompass/notifications/{notification.pk}/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Amelia was upstairs and heard shouting" in body
    assert "Present at the incident" in body and "DA/2026/0451" in body
    audit = AuditEvent.objects.filter(actor=entitled, action=Action.VIEW, child=on_roll).latest("id")
    assert audit.object_type == "encompass.encompassnotification" and audit.object_id == str(notification.pk)


@pytest.mark.parametrize("persona", ["other_dsl", "other_agency", "outsider", "front_door", "teacher", "officer"])
def test_nobody_else_opens_it_and_the_attempt_is_audited(request, notification, on_roll, persona):
    user = request.getfixturevalue(persona)
    client = verified_client(user)
    response = client.get(f"/operation-encompass/notifications/{notification.pk}/")
    assert response.status_code == 404
    assert "Amelia" not in response.content.decode()
    assert AuditEvent.objects.filter(actor=user, action=Action.DENIED, child=on_roll).exists()
    base = f"/operation-encompass/notifications/{notification.pk}/"
    assert client.post(base + "acknowledge/").status_code == 404
    assert client.post(base + "support/", {"support": "x"}).status_code == 404
    assert not EncompassAcknowledgement.objects.exists() and not EncompassSupport.objects.exists()


def test_acknowledge_then_record_support(notification, entitled, on_roll):
    client = verified_client(entitled)
    base = f"/operation-encompass/notifications/{notification.pk}/"
    page = client.get(base).content.decode()
    assert "Acknowledge the notification first" in page

    response = client.post(base + "acknowledge/")
    assert response.status_code == 302 and response["Location"] == base
    assert EncompassAcknowledgement.objects.get().acknowledged_by == entitled
    page = client.get(base).content.decode()
    assert "Acknowledged by" in page and "Notification acknowledged" in page

    # Twice: the page says so, plainly, and nothing more is written.
    again = client.post(base + "acknowledge/")
    assert again.status_code == 200
    assert "This notification was already acknowledged by" in again.content.decode()
    assert "<title>Error: " in again.content.decode()
    assert EncompassAcknowledgement.objects.count() == 1

    blank = client.post(base + "support/", {"support": ""})
    assert blank.status_code == 200
    assert 'href="#id_support">Enter the support the school gave' in blank.content.decode()
    response = client.post(base + "support/", {"support": "Check-in with her form tutor at registration"})
    assert response.status_code == 302
    assert EncompassSupport.objects.get().support == "Check-in with her form tutor at registration"
    assert "Check-in with her form tutor at registration" in client.get(base).content.decode()


def test_support_before_acknowledgement_is_refused_on_the_page(notification, entitled):
    response = verified_client(entitled).post(
        f"/operation-encompass/notifications/{notification.pk}/support/", {"support": "Nurture group"}
    )
    assert response.status_code == 200
    assert "Acknowledge the notification before you record the support the school gave" in response.content.decode()
    assert not EncompassSupport.objects.exists()


# --- Police: recording ------------------------------------------------------------------------

FORM = {
    "reference": "DA/2026/0999",
    "occurred_day": "13",
    "occurred_month": "12",
    "occurred_year": "2026",
    "occurred_time": "23:40",
    "summary_for_school": "Police attended a verbal argument at the home. The child was in the room.",
    "first_name": "Amelia",
    "last_name": "Jones",
    "dob_day": "1",
    "dob_month": "6",
    "dob_year": "2015",
    "postcode": "",
    "presence": "present",
}


def test_police_record_an_incident_against_the_child_they_choose(terms, officer, on_roll, entitled):
    client = verified_client(officer)
    assert client.get("/operation-encompass/incidents/new/").status_code == 200
    check = client.post("/operation-encompass/incidents/new/", FORM)
    assert check.status_code == 200
    body = check.content.decode()
    assert "Which child is it?" in body and f'value="{on_roll.pk}"' in body
    assert "Riverside Primary School" in body  # the school tells two children apart
    assert not DomesticAbuseIncident.objects.exists()  # nothing recorded yet
    assert AuditEvent.objects.filter(actor=officer, action=Action.SEARCH).exists()

    response = client.post("/operation-encompass/incidents/new/", {**FORM, "choose": "1", "choice": str(on_roll.pk)})
    incident = DomesticAbuseIncident.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/operation-encompass/incidents/{incident.pk}/"
    row = incident.children.get()
    assert row.child == on_roll and row.notification.school == entitled.agency
    page = client.get(response["Location"]).content.decode()
    assert "Amelia Jones added: Riverside Primary School has been notified" in page
    assert "To acknowledge" in page


def test_a_child_not_offered_cannot_be_chosen(terms, officer, on_roll):
    stranger = ChildFactory(display_name="Zed Quinn", date_of_birth=dt.date(2011, 1, 1))
    client = verified_client(officer)
    response = client.post("/operation-encompass/incidents/new/", {**FORM, "choose": "1", "choice": str(stranger.pk)})
    assert response.status_code == 200
    assert "Select the child the incident is about, or add a new child" in response.content.decode()
    response = client.post("/operation-encompass/incidents/new/", {**FORM, "choose": "1"})
    assert "Select the child the incident is about, or add a new child" in response.content.decode()
    assert not DomesticAbuseIncident.objects.exists()


def test_police_add_a_new_child(terms, officer):
    client = verified_client(officer)
    data = {**FORM, "first_name": "Kai", "last_name": "Rowe", "dob_year": "2019", "choose": "1", "choice": "new"}
    response = client.post("/operation-encompass/incidents/new/", data)
    assert response.status_code == 302
    row = IncidentChild.objects.get()
    assert row.child.display_name == "Kai Rowe" and not hasattr(row, "notification")
    page = client.get(response["Location"]).content.decode()
    assert "no school is on record, so no school was notified" in page


def test_the_form_reports_every_problem(terms, officer):
    response = verified_client(officer).post(
        "/operation-encompass/incidents/new/", {"occurred_time": "25:99", "dob_day": "31", "dob_month": "2"}
    )
    body = response.content.decode()
    assert response.status_code == 200 and "<title>Error: " in body
    for message in (
        "Enter the police incident reference",
        "Enter the date of the incident",
        "Enter a real time, like 09:30 or 22:15",
        "Enter what the school needs to know",
        "Enter the child&#x27;s first name",
        "Date of birth must include a year",
        "Select whether the child was present or normally lives at the address",
    ):
        assert message in body, message


def test_a_duplicate_reference_is_refused_on_the_form(incident, officer, on_roll):
    data = {**FORM, "reference": "DA/2026/0451", "choose": "1", "choice": str(on_roll.pk)}
    response = verified_client(officer).post("/operation-encompass/incidents/new/", data)
    assert response.status_code == 200
    assert "Incident DA/2026/0451 is already recorded" in response.content.decode()
    assert DomesticAbuseIncident.objects.count() == 1


@pytest.mark.parametrize("persona", ["entitled", "other_agency", "outsider", "front_door"])
def test_only_the_police_record_incidents(request, terms, persona):
    user = request.getfixturevalue(persona)
    client = verified_client(user)
    assert client.get("/operation-encompass/incidents/new/").status_code == 403
    assert client.post("/operation-encompass/incidents/new/", FORM).status_code == 403
    assert not DomesticAbuseIncident.objects.exists()


def test_police_add_a_sibling_from_the_incident_page(incident, officer, school):
    sister = ChildFactory(display_name="Isla Jones", date_of_birth=dt.date(2017, 3, 9))
    SchoolEnrolment.objects.create(child=sister, school=school, started_on=dt.date(2021, 9, 1))
    client = verified_client(officer)
    page = client.get(f"/operation-encompass/incidents/{incident.pk}/").content.decode()
    assert "Add another child at this incident" in page
    data = {
        "first_name": "Isla",
        "last_name": "Jones",
        "dob_day": "9",
        "dob_month": "3",
        "dob_year": "2017",
        "presence": "normally_lives",
    }
    new = f"/operation-encompass/incidents/{incident.pk}/children/new/"
    check = client.post(new, data).content.decode()
    assert f'value="{sister.pk}"' in check
    response = client.post(new, {**data, "choose": "1", "choice": str(sister.pk)})
    assert response.status_code == 302
    assert incident.children.count() == 2


def test_the_incident_page_is_the_forces_own(incident, officer, other_force, entitled, on_roll):
    assert verified_client(officer).get(f"/operation-encompass/incidents/{incident.pk}/").status_code == 200
    assert AuditEvent.objects.filter(actor=officer, action=Action.VIEW, child=on_roll).exists()
    assert verified_client(other_force).get(f"/operation-encompass/incidents/{incident.pk}/").status_code == 404
    assert verified_client(entitled).get(f"/operation-encompass/incidents/{incident.pk}/").status_code == 403


# --- On the chronology ---------------------------------------------------------------------------


def test_the_incident_on_the_chronology(incident, officer, front_door, entitled, other_agency, on_roll):
    row = incident.children.get()
    path = f"/children/{on_roll.pk}/operation-encompass/incidents/{row.pk}/"
    for user in (officer, front_door):
        response = verified_client(user).get(path)
        assert response.status_code == 200, user
        assert "DA/2026/0451" in response.content.decode()
    # The school reads the notification, not the police's chronology entry; others nothing.
    assert verified_client(entitled).get(path).status_code == 404
    assert verified_client(other_agency).get(path).status_code == 403
    record = verified_client(front_door).get(f"/children/{on_roll.pk}/").content.decode()
    assert "Domestic abuse incident (Operation Encompass)" in record
    assert path in record


def test_the_schools_steps_on_the_chronology(notification, entitled, front_door, officer, teacher, on_roll):
    ack = encompass_acknowledge(notification=notification, by=entitled)
    support = encompass_support_record(notification=notification, support="Time with the ELSA", by=entitled)
    for kind, pk in (("acknowledgements", ack.pk), ("support", support.pk)):
        path = f"/children/{on_roll.pk}/operation-encompass/{kind}/{pk}/"
        dsl_page = verified_client(entitled).get(path)
        assert dsl_page.status_code == 200
        assert f"/operation-encompass/notifications/{notification.pk}/" in dsl_page.content.decode()
        assert verified_client(front_door).get(path).status_code == 200
        # A teacher at the school sees the school's own entries (ADR 3), not the notification.
        teacher_page = verified_client(teacher).get(path)
        assert teacher_page.status_code == 200
        assert "/operation-encompass/notifications/" not in teacher_page.content.decode()
        assert verified_client(officer).get(path).status_code == 404
    kinds = set(ChronologyEntry.objects.filter(child=on_roll).values_list("kind", flat=True))
    assert {"encompass_incident", "encompass_acknowledgement", "encompass_support"} <= kinds


def test_home_page_links(terms, entitled, officer, other_agency):
    assert "Operation Encompass notifications to your school" in verified_client(entitled).get("/").content.decode()
    police_home = verified_client(officer).get("/").content.decode()
    assert "Record a domestic abuse incident (Operation Encompass)" in police_home
    gp_home = verified_client(other_agency).get("/").content.decode()
    assert "Operation Encompass" not in gp_home


def test_nothing_about_a_child_without_a_record_leaks(terms, officer):
    # A made-up child id on the chronology pages is a 404, not a server error.
    assert verified_client(officer).get("/children/999999/operation-encompass/incidents/1/").status_code == 404
    assert not Child.objects.filter(pk=999999).exists()


def test_every_step_on_the_chronology_opens_for_the_front_door(notification, entitled, front_door, on_roll):
    encompass_escalate(notification=notification, now=at(2026, 12, 14, 8, 30))
    with travel(at(2026, 12, 14, 9)):
        encompass_acknowledge(notification=notification, by=entitled)
        encompass_support_record(notification=notification, support="Time with the ELSA", by=entitled)
    client = verified_client(front_door)
    entries = ChronologyEntry.objects.filter(child=on_roll, kind__startswith="encompass_")
    assert sorted(e.kind for e in entries) == [
        "encompass_acknowledgement",
        "encompass_escalation",
        "encompass_incident",
        "encompass_support",
    ]
    for entry in entries:
        path = reverse(chronology.kind(entry.kind).detail_url_name, args=[on_roll.pk, entry.source_id])
        response = client.get(path)
        assert response.status_code == 200, entry.kind
    escalation = ChronologyEntry.objects.get(child=on_roll, kind="encompass_escalation")
    page = (
        verified_client(entitled)
        .get(reverse("encompass:escalation", args=[on_roll.pk, escalation.source_id]))
        .content.decode()
    )
    assert "Escalation of an Operation Encompass notification" in page
    assert "the front door (1 told)" in page
