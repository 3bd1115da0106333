"""The agency API's personas, as machines.

- `school_client`: Riverside Primary School's MIS, entitled: every scope, and its agency is
  involved with `child` (on the roll, the root conftest).
- `gp_client`: Castle Street Surgery's system: every scope, another agency, no relationship
  with `child`.
- Outsiders: no token, a revoked client's token, a token without the operation's scope
  (`api_for(..., scopes=[...])`).
"""

from __future__ import annotations

import base64
import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import pytest
from django.core.cache import cache
from django.test import Client

from safeguarding.access.models import Agency, AgencyKind
from safeguarding.api.authentication import all_scopes
from safeguarding.api.models import ApiClient
from safeguarding.api.services import api_client_create
from safeguarding.people.identifiers import nhs_number_check_digit, upn_check_letter
from tests.factories import AgencyFactory

TOKEN_URL = "/api/v1/oauth/token/"


def nhs_number(n: int) -> str:
    """The n-th valid NHS number from 900 000 000 (test numbers, never real ones)."""
    base = 900_000_000 + n * 7
    while True:
        check = nhs_number_check_digit(str(base))
        if check is not None:
            return f"{base}{check}"
        base += 1


def upn(n: int) -> str:
    rest = f"8012{n:07d}1"
    return upn_check_letter(rest) + rest


@dataclass
class Api:
    """A test client for one API client: its token on every request, JSON in and out."""

    client: ApiClient | None
    secret: str
    token: str
    http: Client

    def _headers(self, key: str | None, headers: dict[str, str] | None) -> dict[str, str]:
        sent = dict(headers or {})
        if self.token:
            sent.setdefault("Authorization", f"Bearer {self.token}")
        if key is not None:
            sent[IDEMPOTENCY] = key
        return sent

    def post(self, path: str, data: Any, *, key: str | None = "auto", headers: dict[str, str] | None = None) -> Any:
        if key == "auto":
            key = str(uuid.uuid4())
        return self.http.post(path, data, content_type="application/json", headers=self._headers(key, headers))

    def post_form(self, path: str, data: dict[str, str], *, headers: dict[str, str] | None = None) -> Any:
        return form_post(self.http, path, data, headers=self._headers(None, headers))

    def get(self, path: str, params: dict[str, Any] | None = None, *, headers: dict[str, str] | None = None) -> Any:
        return self.http.get(path, params or {}, headers=self._headers(None, headers))


IDEMPOTENCY = "Idempotency-Key"
FORM = "application/x-www-form-urlencoded"


def form_post(http: Client, path: str, data: dict[str, str], *, headers: dict[str, str] | None = None) -> Any:
    return http.post(path, urlencode(data), content_type=FORM, headers=headers or {})


def basic(client_id: str, secret: str) -> str:
    return "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()


def token_of(client: ApiClient, secret: str, scope: str | None = None) -> str:
    data = {"grant_type": "client_credentials"}
    if scope is not None:
        data["scope"] = scope
    response = form_post(
        Client(), TOKEN_URL, data, headers={"Authorization": basic(client.application.client_id, secret)}
    )
    assert response.status_code == 200, response.content
    return str(response.json()["access_token"])


def api_for(agency: Agency, *, name: str = "", scopes: list[str] | None = None) -> Api:
    client, secret = api_client_create(
        name=name or f"{agency.name} system", agency=agency, scopes=scopes or list(all_scopes()), by=None
    )
    return Api(client=client, secret=secret, token=token_of(client, secret), http=Client())


@pytest.fixture(autouse=True)
def fresh_rate_limits():  # type: ignore[no-untyped-def]
    """Throttles count in the cache, which outlives a test."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def fast_hashing(settings):  # type: ignore[no-untyped-def]
    """Client secrets are hashed with the first password hasher: Argon2 costs each test a
    second; the cheapest Django hasher is enough to test with."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def hospital(db):  # type: ignore[no-untyped-def]
    return AgencyFactory(name="County Hospital", kind=AgencyKind.HOSPITAL)


@pytest.fixture
def police(db):  # type: ignore[no-untyped-def]
    return AgencyFactory(name="County Police", kind=AgencyKind.POLICE)


@pytest.fixture
def housing(db):  # type: ignore[no-untyped-def]
    return AgencyFactory(name="Riverside Housing", kind=AgencyKind.HOUSING)


@pytest.fixture
def school_client(school) -> Api:  # type: ignore[no-untyped-def]
    return api_for(school, name="Riverside MIS")


@pytest.fixture
def gp_client(gp) -> Api:  # type: ignore[no-untyped-def]
    return api_for(gp, name="Castle Street EMIS")


@pytest.fixture
def anonymous() -> Api:
    return Api(client=None, secret="", token="", http=Client())


@pytest.fixture
def revoked(school) -> Api:  # type: ignore[no-untyped-def]
    """A client of the entitled agency whose credentials were revoked after it got its token."""
    from safeguarding.api.services import api_client_revoke

    api = api_for(school, name="Old MIS")
    assert api.client is not None
    api_client_revoke(client=api.client, by=None, reason="Replaced")
    return api


def counts() -> dict[str, int]:
    """How many rows a submission could write: compared before and after a refused one."""
    from safeguarding.access.models import ChildInvolvement
    from safeguarding.api.models import IdempotentRequest
    from safeguarding.audit.models import AuditEvent
    from safeguarding.concerns.models import AgencyEvent, ChronologyEntry, Concern
    from safeguarding.frontdoor.models import Contact
    from safeguarding.linkage.models import ReviewPair, SourceRecord
    from safeguarding.people.models import Child

    models = (
        Child,
        SourceRecord,
        ReviewPair,
        Concern,
        Contact,
        AgencyEvent,
        ChronologyEntry,
        ChildInvolvement,
        IdempotentRequest,
        AuditEvent,
    )
    return {m.__name__: m.objects.count() for m in models}


def concern_body(**changes: Any) -> dict[str, Any]:
    import datetime as dt

    from django.utils import timezone

    body: dict[str, Any] = {
        "reference": "PUPIL-0042",
        "child": {"upn": upn(1)},
        "occurred_at": (timezone.now() - dt.timedelta(hours=2)).isoformat(),
        "what_happened": "A bruise on her upper arm; she said her stepfather grabbed her.",
        "childs_words": "He grabbed me when I was late.",
        "categories": ["physical_abuse"],
        "action_taken": "Spoke to her; told the DSL.",
        "injury_locations": [],
    }
    body.update(changes)
    return body
