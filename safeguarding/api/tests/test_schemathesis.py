"""Property-based tests of every operation against the served OpenAPI schema (schemathesis).

The schema is loaded from /api/v1/schema/ through Django's WSGI application in this process (no
server, no network). Each operation is called with its examples from the schema and a small,
fixed number of generated requests, valid and invalid (derandomized: the same cases every run):
none may answer 5xx, and every answer must match the schema: its status code, media type,
headers and body.

Schemathesis's own pytest integration (`@schema.parametrize()`) fails under pytest 9 (it sets
`Node._nodeid`, which pytest 9 removed), so each operation is a plain parametrized test that
runs the operation's Hypothesis strategy itself. `test_the_list_is_every_operation` keeps the
list in step with the schema.
"""

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from config.wsgi import application
from safeguarding.api import examples
from safeguarding.api.tests.conftest import api_for
from safeguarding.people.models import ChildStatus, StatusPeriod
from tests.factories import ContactDecisionFactory, ContactFactory

SCHEMA_URL = "/api/v1/schema/?format=json"
# Generated requests per operation, on top of its examples: small and fixed.
EXAMPLES = 12
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
OPERATIONS = [
    ("POST", "/api/v1/oauth/token/"),
    ("POST", "/api/v1/concerns/"),
    ("GET", "/api/v1/referrals/"),
    ("POST", "/api/v1/referrals/"),
    ("GET", "/api/v1/referrals/{id}/"),
    ("POST", "/api/v1/feed-records/"),
    ("POST", "/api/v1/status-flags/search/"),
    ("GET", "/api/v1/fhir/Flag"),
    ("POST", "/api/v1/fhir/Flag/_search"),
]


@contextmanager
def in_process() -> Iterator[None]:
    """Django's WSGI handler closes the database connection around each request: in a test,
    that is the test's own transaction (and SQLite's in-memory database). Django's test client
    avoids it in the same way, and reconnects the handlers after each of its own requests, so
    this wraps every call rather than the whole test."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture
def api_schema(db):  # type: ignore[no-untyped-def]
    with in_process():
        return schemathesis.openapi.from_wsgi(SCHEMA_URL, application)


@dataclass(frozen=True)
class World:
    headers: dict[str, str]
    referral_id: int


@pytest.fixture
def world(gp, child):  # type: ignore[no-untyped-def]
    """A GP practice's system with every scope: it may look up flags and send registrations;
    what it may not do is refused in problem details, which the schema documents too. It has
    the schema's example credentials, so that the token example gets a token; the example
    child is on a child protection plan, and the practice has referred one child, decided."""
    api = api_for(gp, name="EMIS")
    assert api.client is not None
    application = api.client.application
    application.client_id = examples.EXAMPLE_CLIENT_ID
    application.client_secret = examples.EXAMPLE_CLIENT_SECRET  # hashed as it is saved
    application.save()
    child.nhs_number = examples.NHS_NUMBER
    child.upn = examples.UPN
    child.save(update_fields=["nhs_number", "upn"])
    StatusPeriod.objects.create(child=child, status=ChildStatus.CHILD_PROTECTION_PLAN, started_on=dt.date(2026, 3, 7))
    decided = ContactDecisionFactory(contact=ContactFactory(child=child, referrer=api.client.service_user))
    ContactFactory(child=child, referrer=api.client.service_user)
    return World(headers={"Authorization": f"Bearer {api.token}"}, referral_id=decided.contact_id)


def test_the_list_is_every_operation(api_schema):  # type: ignore[no-untyped-def]
    served = {(op.method.upper(), op.path) for op in (r.ok() for r in api_schema.get_all_operations())}
    assert served == set(OPERATIONS)


@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_the_operation_conforms_to_the_schema(api_schema, world, method, path):  # type: ignore[no-untyped-def]
    operation = api_schema[path][method]
    strategies = [
        *api_schema.get_strategies_from_examples(operation),
        operation.as_strategy(GenerationMode.POSITIVE),
        operation.as_strategy(GenerationMode.NEGATIVE),
    ]
    if "{id}" in path:
        # Generated IDs are never the agency's: one that is, so that its answer is checked too.
        strategies.append(operation.as_strategy(GenerationMode.POSITIVE, path_parameters={"id": world.referral_id}))
    cases = st.one_of(*strategies)

    @given(case=cases)
    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large],
    )
    def conforms(case):  # type: ignore[no-untyped-def]
        with in_process():
            case.call_and_validate(headers=world.headers, checks=CHECKS)

    conforms()
