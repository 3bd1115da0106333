"""Issuing and revoking an agency system's credentials: the management commands, the service
rules, and the admin list with its revoke action."""

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from safeguarding.access.models import User
from safeguarding.api.models import ApiClient
from safeguarding.api.services import api_client_create
from safeguarding.api.tests.conftest import TOKEN_URL, basic, form_post, token_of
from safeguarding.audit.models import Action, AuditEvent
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def create(*args: str) -> str:
    out = StringIO()
    call_command("api_client_create", *args, stdout=out)
    return out.getvalue()


def test_the_command_prints_the_secret_once_and_it_works(school):  # type: ignore[no-untyped-def]
    out = create(
        "--agency", "Riverside Primary School", "--name", "Riverside MIS", "--scopes", "concerns:write,flags:read"
    )
    client_id = re.search(r"Client ID:\s+(\S+)", out)[1]  # type: ignore[index]
    secret = re.search(r"Client secret:\s+(\S+)", out)[1]  # type: ignore[index]
    client = ApiClient.objects.get(application__client_id=client_id)
    assert client.scopes == ["concerns:write", "flags:read"]
    assert client.agency == school
    # Stored hashed, never as given.
    assert client.application.client_secret != secret
    service_user = client.service_user
    assert service_user.agency == school
    assert not service_user.has_usable_password()
    assert token_of(client, secret)
    created = AuditEvent.objects.get(action=Action.CREATE, object_type="api.apiclient")
    assert created.actor_label == "manage.py api_client_create"
    assert secret not in str(created.detail)


def test_all_scopes_and_an_agency_by_its_code(school):  # type: ignore[no-untyped-def]
    school.code = "URN123456"
    school.save(update_fields=["code"])
    create("--agency", "URN123456", "--name", "MIS", "--scopes", "all")
    assert len(ApiClient.objects.get().scopes) == 5


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--agency", "Nowhere", "--name", "X", "--scopes", "flags:read"], "No agency"),
        (["--agency", "Riverside Primary School", "--name", "X", "--scopes", "flags:write"], "Not a scope"),
        (["--agency", "Riverside Primary School", "--name", " ", "--scopes", "flags:read"], "Enter the name"),
    ],
)
def test_the_command_refuses_what_cannot_be_right(school, args, message):  # type: ignore[no-untyped-def]
    with pytest.raises(CommandError, match=message):
        create(*args)
    assert not ApiClient.objects.exists()


def test_one_name_per_live_client_of_an_agency(school):  # type: ignore[no-untyped-def]
    create("--agency", "Riverside Primary School", "--name", "MIS", "--scopes", "flags:read")
    with pytest.raises(CommandError, match="already has a client"):
        create("--agency", "Riverside Primary School", "--name", "MIS", "--scopes", "flags:read")


def test_revoking_stops_the_token_and_the_secret_at_once(school):  # type: ignore[no-untyped-def]
    client, secret = api_client_create(name="MIS", agency=school, scopes=["flags:read"], by=None)
    token = token_of(client, secret)
    out = StringIO()
    call_command(
        "api_client_revoke", "--client-id", client.application.client_id, "--reason", "Secret leaked", stdout=out
    )
    assert "Revoked" in out.getvalue()
    client.refresh_from_db()
    assert client.revoked_at is not None
    assert not User.objects.get(pk=client.service_user_id).is_active
    http = Client()
    looked = http.post(
        "/api/v1/status-flags/search/",
        {"nhs_number": "9434765919"},
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert looked.status_code == 401
    again = form_post(
        http,
        TOKEN_URL,
        {"grant_type": "client_credentials"},
        headers={"Authorization": basic(client.application.client_id, secret)},
    )
    assert again.status_code == 401
    revoked = AuditEvent.objects.get(action=Action.AMEND, object_type="api.apiclient")
    assert revoked.reason == "Secret leaked"
    with pytest.raises(CommandError, match="already revoked"):
        call_command("api_client_revoke", "--client-id", client.application.client_id, "--reason", "Again")


def test_revoking_an_unknown_client(db):  # type: ignore[no-untyped-def]
    with pytest.raises(CommandError, match="No API client"):
        call_command("api_client_revoke", "--client-id", "nope", "--reason", "x")


def test_the_admin_lists_clients_and_revokes_them(school, as_user):  # type: ignore[no-untyped-def]
    client, _ = api_client_create(name="MIS", agency=school, scopes=["flags:read"], by=None)
    admin = UserFactory(username="admin", is_staff=True, is_superuser=True, agency=school)
    http = as_user(admin)
    listing = http.get("/admin/api/apiclient/")
    assert listing.status_code == 200
    assert client.application.client_id in listing.content.decode()
    response = http.post("/admin/api/apiclient/", {"action": "revoke", "_selected_action": [client.pk]}, follow=True)
    assert response.status_code == 200
    client.refresh_from_db()
    assert client.revoked_at is not None
    assert client.revoked_by == admin
