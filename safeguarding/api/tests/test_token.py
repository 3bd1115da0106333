"""The token endpoint: OAuth2 client credentials, only for live clients, only their scopes;
refusals as problem details with OAuth2's `error`; every attempt audited; rate-limited."""

import pytest
from django.test import Client

from safeguarding.api.services import api_client_create, api_client_revoke
from safeguarding.api.tests.conftest import TOKEN_URL, basic, form_post, token_of
from safeguarding.audit.models import Action, AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def issued(school):  # type: ignore[no-untyped-def]
    return api_client_create(name="Riverside MIS", agency=school, scopes=["concerns:write", "flags:read"], by=None)


def ask(data, *, auth=None):  # type: ignore[no-untyped-def]
    return form_post(Client(), TOKEN_URL, data, headers={"Authorization": auth} if auth else None)


def test_a_live_client_gets_a_bearer_token_with_its_scopes_and_the_sign_in_is_audited(issued):
    client, secret = issued
    response = ask({"grant_type": "client_credentials"}, auth=basic(client.application.client_id, secret))
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "Bearer"
    assert set(body["scope"].split()) == {"concerns:write", "flags:read"}
    assert body["expires_in"] == 3600
    assert response["Cache-Control"] == "no-store"
    event = AuditEvent.objects.get(action=Action.SIGN_IN)
    assert event.actor == client.service_user
    assert event.agency_label == "Riverside Primary School"
    assert event.detail["client_id"] == client.application.client_id


def test_the_credentials_may_also_be_sent_in_the_form(issued):
    client, secret = issued
    response = ask(
        {"grant_type": "client_credentials", "client_id": client.application.client_id, "client_secret": secret}
    )
    assert response.status_code == 200


def test_a_token_may_carry_fewer_scopes_but_never_one_the_client_was_not_given(issued):
    client, secret = issued
    auth = basic(client.application.client_id, secret)
    narrow = ask({"grant_type": "client_credentials", "scope": "flags:read"}, auth=auth)
    assert narrow.status_code == 200
    assert narrow.json()["scope"] == "flags:read"
    wider = ask({"grant_type": "client_credentials", "scope": "flags:read feeds:write"}, auth=auth)
    assert wider.status_code == 400
    assert wider["Content-Type"] == "application/problem+json"
    problem = wider.json()
    assert problem["error"] == "invalid_scope"
    assert problem["type"] == "/api/problems/token-refused"
    assert problem["errors"] == [{"pointer": "/scope", "detail": "Not a scope this client was given"}]


def test_a_wrong_secret_is_refused_and_audited_as_a_failed_sign_in(issued):
    client, _ = issued
    response = ask({"grant_type": "client_credentials"}, auth=basic(client.application.client_id, "guess"))
    assert response.status_code == 401
    problem = response.json()
    assert problem["status"] == 401
    assert problem["error"] == "invalid_client"
    assert "access_token" not in problem
    failed = AuditEvent.objects.get(action=Action.SIGN_IN_FAILED)
    assert failed.detail["why"] == "wrong secret"
    assert not AuditEvent.objects.filter(action=Action.SIGN_IN).exists()


def test_an_unknown_client_is_refused_and_audited(db):  # type: ignore[no-untyped-def]
    response = ask({"grant_type": "client_credentials"}, auth=basic("nobody", "nothing"))
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"
    failed = AuditEvent.objects.get(action=Action.SIGN_IN_FAILED)
    assert failed.actor is None
    assert failed.detail["why"] == "unknown client"
    assert failed.detail["client_id"] == "nobody"


def test_a_revoked_client_gets_no_token(issued):
    client, secret = issued
    api_client_revoke(client=client, by=None, reason="Replaced")
    response = ask({"grant_type": "client_credentials"}, auth=basic(client.application.client_id, secret))
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"


@pytest.mark.parametrize("grant_type", ["password", "authorization_code", ""])
def test_only_the_client_credentials_grant_is_offered(issued, grant_type):  # type: ignore[no-untyped-def]
    client, secret = issued
    response = ask({"grant_type": grant_type}, auth=basic(client.application.client_id, secret))
    assert response.status_code == 400
    problem = response.json()
    assert problem["error"] == "unsupported_grant_type"
    assert problem["errors"][0]["pointer"] == "/grant_type"


def test_the_token_endpoint_takes_a_form_not_json(issued):
    client, secret = issued
    response = Client().post(
        TOKEN_URL,
        {"grant_type": "client_credentials"},
        content_type="application/json",
        headers={"Authorization": basic(client.application.client_id, secret)},
    )
    assert response.status_code == 415
    assert response["Content-Type"] == "application/problem+json"


def test_attempts_from_one_address_are_rate_limited(issued, settings):  # type: ignore[no-untyped-def]
    settings.API_TOKEN_RATE = "2/minute"
    client, secret = issued
    auth = basic(client.application.client_id, "guess")
    assert ask({"grant_type": "client_credentials"}, auth=auth).status_code == 401
    assert ask({"grant_type": "client_credentials"}, auth=auth).status_code == 401
    limited = ask({"grant_type": "client_credentials"}, auth=basic(client.application.client_id, secret))
    assert limited.status_code == 429
    assert int(limited["Retry-After"]) >= 1
    assert limited.json()["status"] == 429


def test_the_token_works_until_the_client_is_revoked(issued):
    client, secret = issued
    token = token_of(client, secret)
    http = Client()
    search = {"nhs_number": "9434765919"}
    headers = {"Authorization": f"Bearer {token}"}
    # The school may look up flags: no child has this number.
    assert (
        http.post("/api/v1/status-flags/search/", search, content_type="application/json", headers=headers).status_code
        == 404
    )
    api_client_revoke(client=client, by=None, reason="Replaced")
    refused = http.post("/api/v1/status-flags/search/", search, content_type="application/json", headers=headers)
    assert refused.status_code == 401
    assert refused["WWW-Authenticate"].startswith("Bearer")
