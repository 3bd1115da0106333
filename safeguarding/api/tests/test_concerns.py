"""POST /api/v1/concerns/: a concern from an agency's system, as its practitioner would record
it; the child found through the one matching path; nothing kept unless all of it is."""

import pytest

from safeguarding.access.models import ChildInvolvement, InvolvementBasis
from safeguarding.api.tests.conftest import concern_body, counts, upn
from safeguarding.audit.models import Action, AuditEvent
from safeguarding.concerns.models import ChronologyEntry, Concern
from safeguarding.linkage.models import LinkMethod, SourceRecord
from safeguarding.people.models import Child

URL = "/api/v1/concerns/"
pytestmark = pytest.mark.django_db


@pytest.fixture
def pupil(child):  # type: ignore[no-untyped-def]
    child.upn = upn(1)
    child.save(update_fields=["upn"])
    return child


def test_the_entitled_school_records_a_concern_about_its_pupil_as_its_own(school_client, pupil):
    response = school_client.post(URL, concern_body())
    assert response.status_code == 201, response.content
    body = response.json()
    concern = Concern.objects.get(pk=body["id"])
    assert body["la_child_id"] == pupil.la_child_id
    assert body["linked"] == LinkMethod.IDENTIFIER
    assert body["reference"] == "PUPIL-0042"
    assert concern.child == pupil
    assert concern.agency.name == "Riverside Primary School"
    assert concern.author == school_client.client.service_user
    assert concern.childs_words == "He grabbed me when I was late."
    entry = ChronologyEntry.objects.get(source_type="concerns.concern", source_id=concern.pk)
    assert entry.author == school_client.client.service_user
    record = SourceRecord.objects.get(agency__name="Riverside Primary School", source="api", source_key="PUPIL-0042")
    assert record.child == pupil
    # Audited as the service user, naming the endpoint and the client.
    call = AuditEvent.objects.get(action=Action.CREATE, object_type="concerns.concern", detail__endpoint=f"POST {URL}")
    assert call.actor == school_client.client.service_user
    assert call.child == pupil
    assert call.detail["api_client"] == "Riverside MIS"


def test_another_agency_may_record_about_a_child_it_has_no_relationship_with(gp_client, pupil):
    """ADR 3: a GP seeing a child for the first time may record; recording makes the practice
    involved, as it does on the concern form."""
    response = gp_client.post(URL, concern_body(reference="EMIS-77"))
    assert response.status_code == 201
    concern = Concern.objects.get(pk=response.json()["id"])
    assert concern.agency.name == "Castle Street Surgery"
    assert ChildInvolvement.objects.filter(
        child=pupil, agency__name="Castle Street Surgery", basis=InvolvementBasis.RECORDED
    ).exists()


def test_a_child_the_index_does_not_hold_is_added(school_client, db):  # type: ignore[no-untyped-def]
    before = Child.objects.count()
    child = {"first_name": "Zebedee", "last_name": "Quartermaine", "date_of_birth": "2016-02-03", "sex": "M"}
    response = school_client.post(URL, concern_body(child=child))
    assert response.status_code == 201, response.content
    assert response.json()["linked"] == LinkMethod.NEW
    assert Child.objects.count() == before + 1
    assert Concern.objects.get().child.display_name == "Zebedee Quartermaine"


@pytest.mark.parametrize("persona", ["anonymous", "revoked"])
def test_without_live_credentials_nothing_is_recorded(persona, request, pupil):  # type: ignore[no-untyped-def]
    api = request.getfixturevalue(persona)
    before = counts()
    response = api.post(URL, concern_body())
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert counts() == before


def test_a_token_without_the_scope_is_refused_and_the_refusal_audited(school, pupil):  # type: ignore[no-untyped-def]
    from safeguarding.api.tests.conftest import api_for

    reader = api_for(school, name="Read-only MIS", scopes=["flags:read"])
    response = reader.post(URL, concern_body())
    assert response.status_code == 403
    assert "concerns:write" in response.json()["detail"]
    assert not Concern.objects.exists()
    denied = AuditEvent.objects.get(action=Action.DENIED)
    assert denied.actor == reader.client.service_user
    assert denied.detail["missing_scope"] == ["concerns:write"]


def test_every_problem_is_named_at_once_and_nothing_is_half_written(school_client, db):  # type: ignore[no-untyped-def]
    """A new child that would be added, and a concern the service refuses: neither is kept."""
    before = counts()
    child = {"first_name": "Zebedee", "last_name": "Quartermaine", "date_of_birth": "2016-02-03"}
    response = school_client.post(URL, concern_body(child=child, what_happened="  ", action_taken=""))
    assert response.status_code == 400
    problem = response.json()
    assert problem["type"] == "/api/problems/validation-error"
    assert {e["pointer"] for e in problem["errors"]} == {"/what_happened", "/action_taken"}
    assert counts() == before


def test_fields_in_the_child_are_named_by_their_path(school_client, db):  # type: ignore[no-untyped-def]
    response = school_client.post(URL, concern_body(child={"nhs_number": "943 476 5918"}, categories=["nope"]))
    assert response.status_code == 400
    pointers = {e["pointer"]: e["detail"] for e in response.json()["errors"]}
    assert "check digit" in pointers["/child/nhs_number"]
    assert "/categories/0" in pointers


def test_a_child_neither_identified_nor_described_is_refused(school_client, db):  # type: ignore[no-untyped-def]
    response = school_client.post(URL, concern_body(child={"first_name": "Amelia"}))
    assert response.status_code == 400
    assert response.json()["errors"][0]["pointer"] == "/child"


def test_an_unknown_la_child_id_is_named(school_client, db):  # type: ignore[no-untyped-def]
    before = counts()
    response = school_client.post(URL, concern_body(child={"la_child_id": "C9999999"}))
    assert response.status_code == 400
    assert response.json()["errors"] == [{"pointer": "/child/la_child_id", "detail": "No child has this LA child ID"}]
    assert counts() == before


@pytest.mark.parametrize("when", ["2999-01-01T00:00:00Z", "1990-01-01T00:00:00Z"])
def test_a_date_no_child_could_have_is_refused(school_client, pupil, when):  # type: ignore[no-untyped-def]
    response = school_client.post(URL, concern_body(occurred_at=when))
    assert response.status_code == 400
    assert response.json()["errors"][0]["pointer"] == "/occurred_at"
