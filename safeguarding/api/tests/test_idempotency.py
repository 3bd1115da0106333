"""Every write carries an Idempotency-Key: a retry gets the first response and creates nothing
twice; the same key with another body is refused (422, as the IETF draft says); a key still
being processed is refused (409)."""

import pytest
from django.db import IntegrityError

from safeguarding.api import idempotency
from safeguarding.api.models import IdempotentRequest
from safeguarding.api.tests.conftest import concern_body, counts, upn
from safeguarding.audit.models import Action, AuditEvent
from safeguarding.concerns.models import Concern

URL = "/api/v1/concerns/"
pytestmark = pytest.mark.django_db


@pytest.fixture
def pupil(child):  # type: ignore[no-untyped-def]
    child.upn = upn(1)
    child.save(update_fields=["upn"])
    return child


def test_a_retry_with_the_same_key_gets_the_first_response_and_creates_nothing(school_client, pupil):
    body = concern_body()
    first = school_client.post(URL, body, key="retry-me-1")
    assert first.status_code == 201
    before = counts()
    again = school_client.post(URL, body, key="retry-me-1")
    assert again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first
    assert Concern.objects.count() == 1
    after = counts()
    assert {k: after[k] - before[k] for k in after} == {**dict.fromkeys(after, 0), "AuditEvent": 1}
    replay = AuditEvent.objects.filter(action=Action.VIEW, object_type="api.idempotentrequest").get()
    assert replay.actor == school_client.client.service_user
    assert replay.detail["replayed"] is True


def test_the_same_body_in_another_key_order_is_the_same_request(school_client, pupil):
    body = concern_body()
    school_client.post(URL, body, key="k-order")
    reordered = dict(reversed(list(body.items())))
    assert school_client.post(URL, reordered, key="k-order")["Idempotent-Replayed"] == "true"


def test_the_same_key_with_another_body_is_refused(school_client, pupil):
    body = concern_body()
    school_client.post(URL, body, key="k-2")
    response = school_client.post(URL, {**body, "what_happened": "Something else"}, key="k-2")
    assert response.status_code == 422
    problem = response.json()
    assert problem["type"] == "/api/problems/idempotency-key-reused"
    assert problem["errors"] == [{"header": "Idempotency-Key", "detail": "Already used with a different request body"}]
    assert Concern.objects.count() == 1


def test_keys_are_each_clients_own(school_client, gp_client, pupil):
    assert school_client.post(URL, concern_body(), key="shared").status_code == 201
    response = gp_client.post(URL, concern_body(), key="shared")
    assert response.status_code == 201
    assert "Idempotent-Replayed" not in response
    assert Concern.objects.count() == 2


def test_a_write_without_a_key_is_refused(school_client, pupil):
    response = school_client.post(URL, concern_body(), key=None)
    assert response.status_code == 400
    assert response.json()["errors"][0]["header"] == "Idempotency-Key"
    assert not Concern.objects.exists()


@pytest.mark.parametrize("key", [" ", "é-not-ascii", "x" * 201])
def test_a_key_must_be_printable_ascii_and_not_too_long(school_client, pupil, key):  # type: ignore[no-untyped-def]
    response = school_client.http.post(
        URL,
        concern_body(),
        content_type="application/json",
        headers={"Authorization": f"Bearer {school_client.token}", "Idempotency-Key": key},
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["header"] == "Idempotency-Key"


def test_a_failed_request_is_not_kept_so_the_corrected_one_may_reuse_its_key(school_client, pupil):
    assert school_client.post(URL, concern_body(action_taken=""), key="k-3").status_code == 400
    assert not IdempotentRequest.objects.exists()
    assert school_client.post(URL, concern_body(), key="k-3").status_code == 201


def test_a_key_another_request_is_still_processing_is_refused_and_its_writes_undone(school_client, pupil, monkeypatch):
    """Two requests with one key at once: the second to commit its response row meets the
    unique constraint; its own writes roll back and it is told to ask again."""

    def clash(**kwargs):  # type: ignore[no-untyped-def]
        raise IntegrityError("idempotency_key_once")

    monkeypatch.setattr(idempotency, "idempotent_response_store", clash)
    before = counts()
    response = school_client.post(URL, concern_body(), key="k-4")
    assert response.status_code == 409
    assert response.json()["type"] == "/api/problems/idempotency-key-in-use"
    assert counts() == before
