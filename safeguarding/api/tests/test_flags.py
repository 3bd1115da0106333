"""The child's status flag by NHS number or UPN: POST /api/v1/status-flags/search/ (JSON) and
the FHIR R4 searches, GET /api/v1/fhir/Flag and POST /api/v1/fhir/Flag/_search. They call
sharing.flags.flag_lookup, which decides who may look and records each lookup."""

import datetime as dt

import pytest

from safeguarding.api.tests.conftest import api_for, nhs_number, upn
from safeguarding.audit.models import Action, AuditEvent
from safeguarding.people.models import ChildStatus, StatusPeriod
from safeguarding.sharing.flags import NHS_NUMBER_SYSTEM, UPN_SYSTEM
from safeguarding.sharing.models import FlagLookup, LookupChannel

URL = "/api/v1/status-flags/search/"
FHIR = "/api/v1/fhir/Flag"
pytestmark = pytest.mark.django_db
NHS = nhs_number(11)


@pytest.fixture
def on_plan(child):  # type: ignore[no-untyped-def]
    child.nhs_number = NHS
    child.upn = upn(11)
    child.save(update_fields=["nhs_number", "upn"])
    StatusPeriod.objects.create(
        child=child, status=ChildStatus.CHILD_PROTECTION_PLAN, started_on=dt.date(2025, 3, 7), category="PHY"
    )
    return child


def test_a_gp_system_learns_the_status_the_front_door_to_call_and_the_lookup_is_recorded(gp_client, on_plan):
    response = gp_client.post(URL, {"nhs_number": NHS, "purpose": "Seen in surgery with a burn"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["identifier"] == {"nhs_number": NHS}
    assert body["statuses"] == [{"code": "cp_plan", "label": "Child protection plan", "since": "2025-03-07"}]
    # The category of abuse is never disclosed by the flag.
    assert "PHY" not in response.content.decode()
    assert body["lead"]["role"] == "Front door"
    assert body["out_of_hours"]
    lookup = FlagLookup.objects.get()
    assert lookup.channel == LookupChannel.API
    assert lookup.looked_by == gp_client.client.service_user
    event = AuditEvent.objects.get(action=Action.VIEW, object_type="sharing.flaglookup")
    assert event.actor == gp_client.client.service_user
    assert event.reason == "Seen in surgery with a burn"


def test_by_upn(school_client, on_plan):
    response = school_client.post(URL, {"upn": upn(11).lower()})
    assert response.status_code == 200
    assert response.json()["identifier"] == {"upn": upn(11)}


def test_no_status_is_an_empty_list_not_a_refusal(gp_client, child):
    child.nhs_number = NHS
    child.save(update_fields=["nhs_number"])
    body = gp_client.post(URL, {"nhs_number": NHS}).json()
    assert body["statuses"] == []
    assert body["lead"] is None


def test_no_such_child_is_404_and_the_search_is_audited(gp_client, db):  # type: ignore[no-untyped-def]
    response = gp_client.post(URL, {"nhs_number": NHS})
    assert response.status_code == 404
    assert "does not mean the child is not known" in response.json()["detail"]
    assert AuditEvent.objects.get(action=Action.SEARCH).actor == gp_client.client.service_user


def test_an_agency_that_may_not_check_flags_is_refused_and_the_refusal_audited(housing, on_plan):  # type: ignore[no-untyped-def]
    api = api_for(housing)
    response = api.post(URL, {"nhs_number": NHS})
    assert response.status_code == 403
    assert "contact" in response.json()["detail"]
    assert AuditEvent.objects.get(action=Action.DENIED).actor == api.client.service_user
    assert not FlagLookup.objects.exists()
    fhir = api.get(FHIR, {"patient:identifier": NHS})
    assert fhir.status_code == 403


@pytest.mark.parametrize(
    ("body", "pointer"),
    [
        ({"nhs_number": "9434765918"}, "/nhs_number"),
        ({"upn": "A123"}, "/upn"),
        ({}, ""),
        ({"nhs_number": NHS, "upn": upn(11)}, ""),
    ],
)
def test_an_identifier_that_cannot_be_right_is_named(gp_client, db, body, pointer):  # type: ignore[no-untyped-def]
    response = gp_client.post(URL, body)
    assert response.status_code == 400
    assert response.json()["errors"][0]["pointer"] == pointer
    assert not FlagLookup.objects.exists()


@pytest.mark.parametrize("persona", ["anonymous", "revoked"])
def test_without_live_credentials_nothing_is_looked_up(persona, request, on_plan):  # type: ignore[no-untyped-def]
    api = request.getfixturevalue(persona)
    assert api.post(URL, {"nhs_number": NHS}).status_code == 401
    assert api.get(FHIR, {"patient:identifier": NHS}).status_code == 401
    assert not FlagLookup.objects.exists()


def test_a_token_without_flags_read_is_refused(gp, on_plan):  # type: ignore[no-untyped-def]
    api = api_for(gp, name="Writer", scopes=["concerns:write"])
    assert api.post(URL, {"nhs_number": NHS}).status_code == 403
    assert api.get(FHIR, {"patient:identifier": NHS}).status_code == 403
    assert not FlagLookup.objects.exists()


# --- FHIR ----------------------------------------------------------------------------------------


def test_fhir_search_gives_a_bundle_of_flags(gp_client, on_plan):
    response = gp_client.get(FHIR, {"patient:identifier": f"{NHS_NUMBER_SYSTEM}|{NHS}"})
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/fhir+json"
    bundle = response.json()
    assert bundle["resourceType"] == "Bundle"
    assert bundle["type"] == "searchset"
    assert bundle["total"] == 1
    flags = [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Flag"]
    assert flags[0]["status"] == "active"
    assert flags[0]["subject"]["identifier"] == {"system": NHS_NUMBER_SYSTEM, "value": NHS}
    assert FlagLookup.objects.get().channel == LookupChannel.FHIR


def test_fhir_post_search_by_upn(school_client, on_plan):
    response = school_client.post_form(f"{FHIR}/_search", {"patient:identifier": f"{UPN_SYSTEM}|{upn(11)}"})
    assert response.status_code == 200, response.content
    assert response.json()["total"] == 1


def test_fhir_no_such_child_is_an_empty_searchset_saying_so(gp_client, db):  # type: ignore[no-untyped-def]
    bundle = gp_client.get(FHIR, {"patient:identifier": NHS}).json()
    assert bundle["total"] == 0
    outcome = bundle["entry"][0]
    assert outcome["search"]["mode"] == "outcome"
    assert outcome["resource"]["issue"][0]["code"] == "not-found"


@pytest.mark.parametrize("value", ["http://example.org/id|9434765919", f"{NHS_NUMBER_SYSTEM}|T801201001012", "123"])
def test_fhir_a_wrong_identifier_names_the_parameter(gp_client, db, value):  # type: ignore[no-untyped-def]
    response = gp_client.get(FHIR, {"patient:identifier": value})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["errors"][0]["parameter"] == "patient:identifier"


def test_fhir_the_identifier_is_required(gp_client, db):  # type: ignore[no-untyped-def]
    response = gp_client.get(FHIR)
    assert response.status_code == 400
    assert response.json()["errors"][0]["parameter"] == "patient:identifier"
