"""Every error is RFC 9457 problem details (application/problem+json: type, title, status,
detail), and a failure part way through a write leaves nothing behind."""

import pytest

from safeguarding.api.tests.conftest import concern_body, counts, upn

pytestmark = pytest.mark.django_db
MEMBERS = {"type", "title", "status", "detail"}


def assert_problem(response, status):  # type: ignore[no-untyped-def]
    assert response.status_code == status
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert set(problem) >= MEMBERS
    assert problem["status"] == status
    return problem


def test_an_address_the_api_does_not_have(school_client):
    assert_problem(school_client.get("/api/v1/nothing-here/"), 404)


def test_a_method_an_endpoint_does_not_take(school_client):
    assert_problem(school_client.get("/api/v1/concerns/"), 405)


def test_a_body_that_is_not_json(school_client):
    response = school_client.http.post(
        "/api/v1/concerns/",
        "{not json",
        content_type="application/json",
        headers={"Authorization": f"Bearer {school_client.token}", "Idempotency-Key": "k"},
    )
    assert_problem(response, 400)


def test_a_body_in_another_media_type(school_client):
    response = school_client.http.post(
        "/api/v1/concerns/",
        "a=b",
        content_type="text/plain",
        headers={"Authorization": f"Bearer {school_client.token}", "Idempotency-Key": "k"},
    )
    assert_problem(response, 415)


def test_an_unexpected_failure_part_way_through_leaves_nothing_and_says_nothing_of_its_cause(
    school_client, child, monkeypatch
):
    """The concern, its chronology entry, the child's involvement and their audit are written
    before the call's own audit event: that one fails, and all of them go."""
    from safeguarding.api import services

    child.upn = upn(1)
    child.save(update_fields=["upn"])
    real = services.audit_record

    def failing(**kwargs):  # type: ignore[no-untyped-def]
        if kwargs.get("detail", {}).get("endpoint") == "POST /api/v1/concerns/":
            raise RuntimeError("disk full at /var/secret/path")
        return real(**kwargs)

    monkeypatch.setattr(services, "audit_record", failing)
    before = counts()
    response = school_client.post("/api/v1/concerns/", concern_body())
    problem = assert_problem(response, 500)
    assert "secret" not in problem["detail"]
    assert counts() == before


def test_the_browsable_schema_and_its_pages_need_no_credentials_and_no_cdn(client):  # type: ignore[no-untyped-def]
    schema = client.get("/api/v1/schema/", {"format": "json"})
    assert schema.status_code == 200
    assert schema.json()["openapi"].startswith("3.")
    for page in ("/api/v1/docs/", "/api/v1/redoc/"):
        html = client.get(page).content.decode()
        assert "/static/drf_spectacular_sidecar/" in html
        assert "cdn" not in html.lower()
