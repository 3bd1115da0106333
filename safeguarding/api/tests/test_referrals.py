"""POST /api/v1/referrals/ (a referral to the front door) and GET /api/v1/referrals/ and
/api/v1/referrals/{id}/ (what became of the agency's referrals, as in "My referrals")."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from safeguarding.api.tests.conftest import api_for, counts, upn
from safeguarding.audit.models import Action, AuditEvent
from safeguarding.frontdoor.models import Contact, ReferralSource
from safeguarding.frontdoor.services import contact_decide
from tests.factories import ContactFactory, RoleFactory, UserFactory

URL = "/api/v1/referrals/"
pytestmark = pytest.mark.django_db


def referral_body(**changes):  # type: ignore[no-untyped-def]
    body = {
        "reference": "PUPIL-0042",
        "child": {"upn": upn(1)},
        "concern": "Bruising on her arm; she said her stepfather grabbed her.",
        "categories": ["physical_abuse"],
        "action_taken": "Spoke to her; told the DSL.",
        "family_aware": False,
        "consent": "not_sought",
        "consent_reason": "Telling the family could put her at risk.",
        "referrer_contact": "Jo Bloggs, DSL, 01632 960321",
    }
    body.update(changes)
    return body


@pytest.fixture
def pupil(child):  # type: ignore[no-untyped-def]
    child.upn = upn(1)
    child.save(update_fields=["upn"])
    return child


@pytest.fixture
def decider(social_care):  # type: ignore[no-untyped-def]
    role = RoleFactory(key="mash", name="MASH social worker", covers_whole_la=True, may_decide_referrals=True)
    return UserFactory(username="mash", agency=social_care, role=role)


def test_the_school_refers_its_pupil_to_the_front_door(school_client, pupil):
    response = school_client.post(URL, referral_body())
    assert response.status_code == 201, response.content
    body = response.json()
    contact = Contact.objects.get(pk=body["id"])
    assert contact.child == pupil
    assert contact.referrer == school_client.client.service_user
    assert contact.referrer_agency.name == "Riverside Primary School"
    assert contact.source == ReferralSource.SCHOOL
    assert contact.referrer_contact_details == "Jo Bloggs, DSL, 01632 960321"
    assert body["la_child_id"] == pupil.la_child_id
    assert body["decision_due"] >= body["received_at"][:10]
    call = AuditEvent.objects.get(object_type="frontdoor.contact", detail__endpoint=f"POST {URL}")
    assert call.actor == school_client.client.service_user


def test_consent_not_sought_needs_its_reason_and_nothing_is_kept_without_it(school_client, pupil):
    before = counts()
    response = school_client.post(URL, referral_body(consent_reason=""))
    assert response.status_code == 400
    assert [e["pointer"] for e in response.json()["errors"]] == ["/consent_reason"]
    assert counts() == before


def test_a_token_without_referrals_write_cannot_refer(school, pupil):  # type: ignore[no-untyped-def]
    reader = api_for(school, name="Reader", scopes=["referrals:read"])
    assert reader.post(URL, referral_body()).status_code == 403
    assert not Contact.objects.exists()


@pytest.mark.parametrize("persona", ["anonymous", "revoked"])
def test_without_live_credentials_nothing_is_referred_or_read(persona, request, pupil):  # type: ignore[no-untyped-def]
    api = request.getfixturevalue(persona)
    assert api.post(URL, referral_body()).status_code == 401
    assert api.get(URL).status_code == 401
    assert not Contact.objects.exists()


# --- Reading back the outcomes -------------------------------------------------------------------


def test_the_agency_reads_the_decision_on_its_referrals_and_the_reads_are_audited(
    school_client, pupil, decider, entitled
):
    made = school_client.post(URL, referral_body()).json()
    # The DSL's own referral on the web is the agency's too.
    by_dsl = ContactFactory(child=pupil, referrer=entitled)
    contact_decide(contact=Contact.objects.get(pk=made["id"]), decision="assessment", reason="Needs one", by=decider)

    listed = school_client.get(URL)
    assert listed.status_code == 200
    page = listed.json()
    assert page["count"] == 2
    assert {r["id"] for r in page["results"]} == {made["id"], by_dsl.pk}
    ours = next(r for r in page["results"] if r["id"] == made["id"])
    assert ours["decision"]["code"] == "assessment"
    assert ours["waiting"] is None
    assert ours["stages"][0]["text"].startswith("Decision ")
    # Nothing of the front door's reasons.
    assert "Needs one" not in listed.content.decode()
    waiting = next(r for r in page["results"] if r["id"] == by_dsl.pk)
    assert waiting["decision"] is None
    assert waiting["waiting"]["state"] in ("due", "due_soon", "overdue")

    one = school_client.get(f"{URL}{made['id']}/")
    assert one.status_code == 200
    assert one.json() == ours
    reads = AuditEvent.objects.filter(actor=school_client.client.service_user, action=Action.VIEW)
    assert reads.filter(detail__what="referral outcomes").exists()
    assert reads.get(detail__what="referral outcome").child == pupil


def test_another_agency_sees_none_of_them(school_client, gp_client, pupil):
    made = school_client.post(URL, referral_body()).json()
    assert gp_client.get(URL).json() == {"count": 0, "next": None, "previous": None, "results": []}
    not_ours = gp_client.get(f"{URL}{made['id']}/")
    assert not_ours.status_code == 404
    assert not_ours["Content-Type"] == "application/problem+json"


def test_a_token_without_referrals_read_cannot_read_them(school, pupil):  # type: ignore[no-untyped-def]
    writer = api_for(school, name="Writer", scopes=["referrals:write"])
    made = writer.post(URL, referral_body()).json()
    assert writer.get(URL).status_code == 403
    assert writer.get(f"{URL}{made['id']}/").status_code == 403


def test_the_list_costs_the_same_queries_however_many_referrals(school_client, entitled, pupil):
    ContactFactory(child=pupil, referrer=entitled)
    with CaptureQueriesContext(connection) as one:
        assert school_client.get(URL).status_code == 200
    for _ in range(5):
        ContactFactory(child=pupil, referrer=entitled)
    with CaptureQueriesContext(connection) as six:
        assert school_client.get(URL).json()["count"] == 6
    assert len(six) == len(one)


def test_pages(school_client, entitled, pupil, monkeypatch):  # type: ignore[no-untyped-def]
    from safeguarding.api import selectors

    monkeypatch.setattr(selectors, "PAGE_SIZE", 2)
    for _ in range(3):
        ContactFactory(child=pupil, referrer=entitled)
    first = school_client.get(URL).json()
    assert len(first["results"]) == 2
    assert first["next"].endswith(f"{URL}?page=2")
    second = school_client.get(first["next"]).json()
    assert len(second["results"]) == 1
    assert second["next"] is None
    assert second["previous"].endswith(URL)
    assert school_client.get(URL, {"page": "3"}).status_code == 404
    bad = school_client.get(URL, {"page": "first"})
    assert bad.status_code == 400
    assert bad.json()["errors"] == [{"parameter": "page", "detail": "The page is a whole number from 1"}]


def test_an_id_too_large_for_the_database_is_simply_not_found(school_client):
    assert school_client.get(f"{URL}{2**70}/").status_code == 404
