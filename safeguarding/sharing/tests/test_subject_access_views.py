"""Subject access pages: the DPO finds the subject, confirms, produces and downloads the
export; everyone else is refused, and every step is audited."""

import datetime as dt
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import verified_client
from safeguarding.audit.models import Action, AuditEvent
from safeguarding.sharing.models import SubjectAccessRequest
from safeguarding.sharing.subject_access import Subject, subject_access_export
from safeguarding.sharing.tests.subject_access_helpers import seed_record

pytestmark = pytest.mark.django_db

START = reverse("sharing:subject-access-start")
PRODUCE = reverse("sharing:subject-access-produce")
LIST = reverse("sharing:subject-access")


@pytest.fixture(autouse=True)
def fast_hasher(settings):  # type: ignore[no-untyped-def]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def answers(child, **overrides):  # type: ignore[no-untyped-def]
    data = {
        "subject_kind": "child",
        "identifier": child.la_child_id,
        "first_name": "",
        "last_name": "",
        "reference": "SAR-2026-014",
        "received_day": "5",
        "received_month": "1",
        "received_year": "2026",
        "note": "Received by e-mail",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize("persona", ["entitled", "other_agency", "outsider", "front_door"])
def test_only_the_dpo_may_see_or_produce_anything(request, persona, child):
    user = request.getfixturevalue(persona)
    client = verified_client(user)
    row = None
    for url in (LIST, START):
        assert client.get(url).status_code == 403
    assert client.post(PRODUCE, answers(child)).status_code == 403
    assert not SubjectAccessRequest.objects.exists()
    dpo = request.getfixturevalue("dpo")
    row = subject_access_export(subject=Subject(child=child), reference="R1", received_on=dt.date(2026, 1, 5), by=dpo)
    for name in ("sharing:subject-access-result", "sharing:subject-access-json", "sharing:subject-access-pdf"):
        assert client.get(reverse(name, args=[row.pk])).status_code == 403
    assert AuditEvent.objects.filter(actor=user, action=Action.DENIED).count() == 6


def test_the_dpo_finds_a_child_confirms_and_produces_the_export(dpo, child, entitled, front_door):
    seed_record(child, dsl=entitled, front_door=front_door)
    client = verified_client(dpo)
    page = client.get(START)
    assert page.status_code == 200
    confirm = client.post(START, answers(child))
    assert confirm.status_code == 200
    body = confirm.content.decode()
    assert "Check before you produce the export" in body and "Amelia Jones" in body
    assert "5 February 2026" in body  # one month from receipt
    assert not SubjectAccessRequest.objects.exists()
    assert AuditEvent.objects.filter(action=Action.SEARCH, child=child, actor=dpo).exists()

    done = client.post(PRODUCE, answers(child))
    row = SubjectAccessRequest.objects.get()
    assert done.status_code == 302 and done["Location"] == reverse("sharing:subject-access-result", args=[row.pk])
    assert (row.reference, row.received_on, row.due_on, row.requested_by) == (
        "SAR-2026-014",
        dt.date(2026, 1, 5),
        dt.date(2026, 2, 5),
        dpo,
    )
    assert (
        AuditEvent.objects.filter(
            action=Action.EXPORT, child=child, object_type="sharing.subjectaccessrequest", object_id=str(row.pk)
        ).count()
        == 1
    )

    result = client.get(done["Location"])
    assert result.status_code == 200
    assert b"Download the export as JSON" in result.content and b"SAR-2026-014" in result.content

    downloaded = client.get(reverse("sharing:subject-access-json", args=[row.pk]))
    assert downloaded["Content-Type"].startswith("application/json")
    assert "attachment" in downloaded["Content-Disposition"]
    export = json.loads(downloaded.content)
    assert export["subject"]["name"] == "Amelia Jones" and export["request"]["reference"] == "SAR-2026-014"
    pdf = client.get(reverse("sharing:subject-access-pdf", args=[row.pk]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    downloads = AuditEvent.objects.filter(action=Action.EXPORT, detail__what="subject access download")
    assert sorted(e.detail["format"] for e in downloads) == ["json", "pdf"]


def test_a_parents_request(dpo, child, entitled, front_door):
    seeded = seed_record(child, dsl=entitled, front_door=front_door)
    client = verified_client(dpo)
    data = answers(child, subject_kind="person", first_name="Jo", last_name="Parent")
    assert b"Jo Parent" in client.post(START, data).content
    client.post(PRODUCE, data)
    row = SubjectAccessRequest.objects.get()
    assert row.subject_person == seeded.mother and row.subject_child is None
    assert row.export["subject"]["kind"] == "person"


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"subject_kind": ""}, "id_subject_kind", "Select who the request is about"),
        ({"identifier": ""}, "id_identifier", "Enter the child&#x27;s LA child ID, NHS number or UPN"),
        ({"identifier": "X999"}, "id_identifier", "No child in the index has this LA child ID, NHS number or UPN"),
        ({"reference": ""}, "id_reference", "Enter the request reference"),
        ({"received_day": "", "received_month": "", "received_year": ""}, "id_received_day", "Enter the date"),
        ({"received_month": "13"}, "id_received_day", "must be a real date"),
        ({"received_year": "2999"}, "id_received_day", "must be today or in the past"),
        ({"subject_kind": "person", "first_name": ""}, "id_first_name", "Enter the adult&#x27;s first name"),
        (
            {"subject_kind": "person", "first_name": "Nobody", "last_name": "Here"},
            "id_first_name",
            "No one of this name is recorded in this child&#x27;s family",
        ),
    ],
)
def test_errors_are_shown_the_govuk_way_and_keep_what_was_typed(dpo, child, overrides, field, message):
    response = verified_client(dpo).post(START, answers(child, **overrides))
    body = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in body and f'href="#{field}"' in body and message in body
    assert body.startswith("<!") or "<title>Error:" in body
    assert 'value="SAR-2026-014"' in body or overrides.get("reference") == ""
    assert not SubjectAccessRequest.objects.exists()


def test_the_list_of_past_requests_paginates_and_says_when_there_are_none(dpo, child):
    client = verified_client(dpo)
    assert b"No subject access requests have been produced yet" in client.get(LIST).content

    def produce(n: int) -> None:
        subject_access_export(
            subject=Subject(child=child), reference=f"SAR-{n:02d}", received_on=dt.date(2026, 1, 5), by=dpo
        )

    produce(0)
    with CaptureQueriesContext(connection) as one:
        client.get(LIST)
    for n in range(1, 30):
        produce(n)
    with CaptureQueriesContext(connection) as queries:
        first = client.get(LIST)
    body = first.content.decode()
    assert "SAR-29" in body and "SAR-04" not in body and "Page 2" in body
    assert len(queries) == len(one), "the same queries for 1 request or a page of 25"
    assert "SAR-04" in client.get(LIST, {"page": 2}).content.decode()


def test_the_home_page_links_the_dpo_to_subject_access(dpo, entitled):
    assert LIST.encode() in verified_client(dpo).get("/").content
    assert LIST.encode() not in verified_client(entitled).get("/").content
