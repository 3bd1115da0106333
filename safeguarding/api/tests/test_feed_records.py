"""POST /api/v1/feed-records/: one row of an agency's extract at a time. A school says who is
on its roll, a GP practice who is registered, a hospital who attended A&E, the police which
child was in an incident; each only of its own kind."""

import datetime as dt

import pytest
from django.utils import timezone

from safeguarding.access.models import ChildInvolvement, InvolvementBasis
from safeguarding.api.tests.conftest import api_for, counts, nhs_number, upn
from safeguarding.audit.models import Action, AuditEvent
from safeguarding.concerns.models import AgencyEvent, ChronologyEntry
from safeguarding.linkage.models import LinkMethod, SourceRecord

URL = "/api/v1/feed-records/"
pytestmark = pytest.mark.django_db


def row(**changes):  # type: ignore[no-untyped-def]
    body = {
        "kind": "school_roll",
        "reference": upn(7),
        "upn": upn(7),
        "first_name": "Tobias",
        "last_name": "Fairweather",
        "date_of_birth": "2014-09-12",
        "sex": "M",
        "postcode": "ZZ1 1AA",
    }
    body.update(changes)
    return body


def an_hour_ago() -> str:
    return (timezone.now() - dt.timedelta(hours=1)).isoformat()


def test_a_school_roll_row_adds_the_pupil_and_puts_them_on_the_roll(school_client):
    response = school_client.post(URL, row())
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["linked"] == LinkMethod.NEW
    assert body["unchanged"] is False
    record = SourceRecord.objects.get(source="school_roll", source_key=upn(7))
    assert record.school == "Riverside Primary School"
    assert ChildInvolvement.objects.filter(
        child=record.child, agency__name="Riverside Primary School", basis=InvolvementBasis.ROLL
    ).exists()
    # On its roll, so the school may know the child's LA ID.
    assert body["la_child_id"] == record.child.la_child_id
    call = AuditEvent.objects.get(object_type="linkage.sourcerecord", detail__endpoint=f"POST {URL}")
    assert call.actor == school_client.client.service_user


def test_the_same_reference_again_is_the_same_record(school_client):
    assert school_client.post(URL, row()).status_code == 201
    before = counts()
    again = school_client.post(URL, row(first_name="Toby"))
    assert again.status_code == 200
    assert again.json()["unchanged"] is True
    after = counts()
    assert {k: after[k] - before[k] for k in after} == {
        **dict.fromkeys(after, 0),
        "IdempotentRequest": 1,  # the new key's response
        "AuditEvent": 1,  # the call
    }


def test_an_agency_may_send_only_its_own_kind_of_record_and_the_refusal_is_audited(school_client):
    before = counts()
    response = school_client.post(URL, row(kind="gp_registration", nhs_number=nhs_number(3)))
    assert response.status_code == 403
    assert "cannot send gp registrations" in response.json()["detail"]
    after = counts()
    assert {k: after[k] - before[k] for k in after} == {**dict.fromkeys(after, 0), "AuditEvent": 1}
    denied = AuditEvent.objects.get(action=Action.DENIED)
    assert denied.actor == school_client.client.service_user
    assert denied.detail["endpoint"] == f"POST {URL}"


def test_a_gp_registration_registers_the_patient_with_the_practice(gp_client):
    nhs = nhs_number(4)
    response = gp_client.post(URL, row(kind="gp_registration", reference=nhs, nhs_number=nhs, upn=""))
    assert response.status_code == 201
    record = SourceRecord.objects.get(source="gp_registration")
    assert ChildInvolvement.objects.filter(child=record.child, basis=InvolvementBasis.REGISTERED).exists()


def test_an_ae_attendance_lands_on_the_chronology_once(hospital):  # type: ignore[no-untyped-def]
    api = api_for(hospital)
    attendance = row(
        kind="ae_attendance",
        reference="RXH-55501",
        upn="",
        nhs_number=nhs_number(5),
        event={
            "reference": "ATT-1",
            "occurred_at": an_hour_ago(),
            "summary": "Head injury, fell from a sofa",
            "injury": True,
        },
    )
    first = api.post(URL, attendance)
    assert first.status_code == 201, first.content
    assert first.json()["event_added"] is True
    event = AgencyEvent.objects.get()
    assert event.summary == "A&E attendance: Head injury, fell from a sofa"
    assert event.injury
    assert event.author == api.client.service_user
    assert ChronologyEntry.objects.filter(source_type="concerns.agencyevent", source_id=event.pk).exists()
    again = api.post(URL, attendance)
    assert again.status_code == 200
    assert again.json()["event_added"] is False
    assert again.json()["unchanged"] is True
    assert AgencyEvent.objects.count() == 1
    second = api.post(URL, {**attendance, "event": {**attendance["event"], "reference": "ATT-2"}})
    assert second.status_code == 201
    assert AgencyEvent.objects.count() == 2


def test_a_police_incident_notes_domestic_abuse(police):  # type: ignore[no-untyped-def]
    api = api_for(police)
    response = api.post(
        URL,
        row(
            kind="police_incident",
            reference="PER-881",
            upn="",
            event={"reference": "INC-2025-1", "occurred_at": an_hour_ago(), "role": "present", "domestic_abuse": True},
        ),
    )
    assert response.status_code == 201, response.content
    event = AgencyEvent.objects.get()
    assert event.categories == ["domestic_abuse"]
    assert event.summary == "Incident INC-2025-1. Police incident notification. Child's involvement: present."


def test_an_attendance_needs_its_event_and_a_roll_row_has_none(hospital, school_client):  # type: ignore[no-untyped-def]
    api = api_for(hospital)
    missing = api.post(URL, row(kind="ae_attendance", reference="RXH-1", upn=""))
    assert missing.status_code == 400
    assert missing.json()["errors"][0]["pointer"] == "/event"
    extra = school_client.post(URL, row(event={"reference": "X", "occurred_at": an_hour_ago()}))
    assert extra.status_code == 400
    assert extra.json()["errors"][0]["pointer"] == "/event"
    assert not SourceRecord.objects.exists()


def test_an_event_before_the_birth_is_refused(hospital):  # type: ignore[no-untyped-def]
    api = api_for(hospital)
    response = api.post(
        URL,
        row(
            kind="ae_attendance",
            reference="RXH-2",
            upn="",
            date_of_birth="2014-09-12",
            event={"reference": "ATT-9", "occurred_at": "2010-01-01T10:00:00Z"},
        ),
    )
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"pointer": "/event/occurred_at", "detail": "The attendance is before the date of birth"}
    ]


def test_a_person_file_row_from_housing_does_not_show_the_child(housing):  # type: ignore[no-untyped-def]
    """A person file says nothing of a relationship with the child: the agency is told how the
    record was linked, not the child's LA ID."""
    api = api_for(housing)
    response = api.post(URL, row(kind="person_file", reference="TEN-4", upn=""))
    assert response.status_code == 201
    assert response.json()["la_child_id"] is None


def test_names_and_date_of_birth_are_needed(school_client):
    response = school_client.post(URL, {"kind": "school_roll", "reference": upn(7), "upn": upn(7)})
    assert response.status_code == 400
    assert {e["pointer"] for e in response.json()["errors"]} == {"/first_name", "/last_name", "/date_of_birth"}


def test_a_postcode_must_look_like_one(school_client):
    response = school_client.post(URL, row(postcode="NOT A POSTCODE"))
    assert response.status_code == 400
    assert response.json()["errors"][0]["pointer"] == "/postcode"


@pytest.mark.parametrize("persona", ["anonymous", "revoked"])
def test_without_live_credentials_nothing_is_received(persona, request, school):  # type: ignore[no-untyped-def]
    assert request.getfixturevalue(persona).post(URL, row()).status_code == 401
    assert not SourceRecord.objects.exists()


def test_a_token_without_feeds_write_is_refused(school):  # type: ignore[no-untyped-def]
    assert api_for(school, name="Flags only", scopes=["flags:read"]).post(URL, row()).status_code == 403


@pytest.mark.parametrize("name", ["Zoë", "李小龍", "𝐀𝐦𝐞𝐥𝐢𝐚", "O'Brien-Smith", "ß" * 80, "\u0301", "Ǆ\u200b", "١٢٣"])
def test_any_name_a_system_holds_is_matched_without_failing(school_client, name):  # type: ignore[no-untyped-def]
    response = school_client.post(URL, row(reference=f"ref-{len(name)}", upn="", first_name=name, last_name=name))
    assert response.status_code == 201, response.content
