"""The signals list: scoped to the children the practitioner may open, audited, paginated,
filterable by rule, in a constant number of queries."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from safeguarding.access.models import AgencyKind
from safeguarding.audit.models import Action, AuditEvent
from safeguarding.concerns.models import ChildSignal, SignalRule
from safeguarding.concerns.services import ConcernInput, concern_record
from safeguarding.people.models import SchoolEnrolment
from tests.factories import AgencyFactory, ChildFactory, UserFactory, aware

pytestmark = pytest.mark.django_db

URL = reverse("concerns:signals")
REASON_ON_ROLL = (
    "3 concerns from 2 agencies (Riverside Primary School, Castle Street Surgery) between 2 and 20 March 2026"
)
REASON_NOT_ON_ROLL = "3 concerns from 2 agencies (Castle Street Surgery, Northshire Police) between 3 and 9 March 2026"


@pytest.fixture(autouse=True)
def frozen_time():
    with time_machine.travel(dt.datetime(2026, 3, 25, 12, tzinfo=ZoneInfo("Europe/London")), tick=False):
        yield


def record(child, by, when):
    concern_record(
        child=child,
        by=by,
        data=ConcernInput(
            occurred_at=when,
            what_happened="Unexplained bruise",
            action_taken="Spoke to the DSL",
            categories=["neglect"],
        ),
    )


@pytest.fixture
def police_user(db):
    return UserFactory(username="pc", agency=AgencyFactory(name="Northshire Police", kind=AgencyKind.POLICE))


@pytest.fixture
def signals(child, entitled, other_agency, police_user, school):
    """A signal for the child on the school's roll, and one for a child the school does not know."""
    SchoolEnrolment.objects.create(child=child, school=school, started_on=dt.date(2022, 9, 1))
    record(child, entitled, aware(2026, 3, 2, 9))
    record(child, other_agency, aware(2026, 3, 10, 9))
    record(child, entitled, aware(2026, 3, 20, 9))
    elsewhere = ChildFactory(display_name="Ben Smith", date_of_birth=dt.date(2021, 1, 5))
    record(elsewhere, other_agency, aware(2026, 3, 3, 9))
    record(elsewhere, police_user, aware(2026, 3, 5, 9))
    record(elsewhere, police_user, aware(2026, 3, 9, 9))
    return child, elsewhere


def rows(response):
    return [(s.child.display_name, s.reason) for s in response.context["signals"]]


def test_the_front_door_sees_signals_of_every_child_newest_first(as_user, front_door, signals):
    child, elsewhere = signals
    response = as_user(front_door).get(URL)

    assert response.status_code == 200
    assert rows(response) == [("Ben Smith", REASON_NOT_ON_ROLL), ("Amelia Jones", REASON_ON_ROLL)]
    html = response.content.decode()
    assert f'href="/children/{elsewhere.pk}/"' in html
    assert "Concerns from several agencies" in html
    assert "A signal is a pattern for a person to look at, not a decision." in html


def test_a_school_dsl_sees_only_the_children_on_their_roll(as_user, entitled, signals):
    response = as_user(entitled).get(URL)
    assert rows(response) == [("Amelia Jones", REASON_ON_ROLL)]
    assert "Ben Smith" not in response.content.decode()


def test_another_agency_sees_the_children_it_has_recorded_about(as_user, other_agency, signals):
    response = as_user(other_agency).get(URL)
    assert {name for name, _ in rows(response)} == {"Amelia Jones", "Ben Smith"}


def test_an_outsider_sees_no_signals(as_user, outsider, signals):
    response = as_user(outsider).get(URL)
    assert response.status_code == 200
    assert rows(response) == []
    html = response.content.decode()
    assert "No active signals" in html
    assert "You do not belong to an agency" in html
    assert "Amelia Jones" not in html


def test_signed_out_people_are_sent_to_sign_in(client, signals):
    response = client.get(URL)
    assert response.status_code == 302
    assert response.url.startswith(reverse("web:sign-in"))


def test_empty_state_when_there_are_no_signals(as_user, front_door):
    response = as_user(front_door).get(URL)
    assert "There are no active signals for the children whose record you may open." in response.content.decode()


def test_each_page_view_is_audited_once_with_the_children_shown(as_user, front_door, signals):
    child, elsewhere = signals
    before = AuditEvent.objects.filter(action=Action.VIEW).count()
    as_user(front_door).get(URL)
    [event] = AuditEvent.objects.filter(action=Action.VIEW).order_by("-id")[:1]
    assert AuditEvent.objects.filter(action=Action.VIEW).count() == before + 1
    assert event.actor == front_door
    assert event.detail["what"] == "signals list"
    assert event.detail["children"] == sorted([child.pk, elsewhere.pk])


def test_filtering_by_rule(as_user, front_door, signals, school):
    child, _ = signals
    child.enrolments.all().delete()
    from safeguarding.concerns.signal_rules import signals_evaluate

    signals_evaluate(child=child)  # no school now: a missing education signal too
    client = as_user(front_door)

    assert len(rows(client.get(URL))) == 3
    filtered = client.get(URL, {"rule": "missing_education"})
    assert [name for name, _ in rows(filtered)] == ["Amelia Jones"]
    assert '<option value="missing_education" selected>' in filtered.content.decode()
    # An unknown rule shows everything rather than an error.
    assert len(rows(client.get(URL, {"rule": "nonsense"}))) == 3
    empty = client.get(URL, {"rule": "repeated_ae"})
    assert "There are no active signals of this type" in empty.content.decode()


def test_signals_of_a_switched_off_rule_are_not_listed(as_user, front_door, signals):
    SignalRule.objects.create(key="multi_agency_concerns", enabled=False)
    response = as_user(front_door).get(URL)
    assert rows(response) == []
    assert "Switched off" in response.content.decode()


def test_the_list_is_paginated_50_a_page_in_a_constant_number_of_queries(as_user, front_door):
    children = [ChildFactory(display_name=f"Child {i:03d}") for i in range(120)]
    ChildSignal.objects.bulk_create(
        ChildSignal(
            child=c, rule="repeated_ae", reason=f"Reason {i:03d}", raised_at=aware(2026, 1, 1) + dt.timedelta(hours=i)
        )
        for i, c in enumerate(children)
    )
    client = as_user(front_door)
    client.get(URL)  # warm the session and the second-factor device

    with CaptureQueriesContext(connection) as first:
        page1 = client.get(URL)
    with CaptureQueriesContext(connection) as third:
        page3 = client.get(URL, {"page": 3})
    assert len(first) == len(third) <= 17  # session, user, device, rules, role, count, page, audit, unread

    assert len(rows(page1)) == 50
    assert rows(page1)[0] == ("Child 119", "Reason 119")  # newest first
    assert len(rows(page3)) == 20
    html = page1.content.decode()
    assert 'class="govuk-pagination"' in html
    assert 'href="?page=2" rel="next"' in html
    assert "120 active signals, showing 1 to 50" in html
    assert 'aria-current="page"' in html


def test_query_count_does_not_grow_with_signals(as_user, front_door, django_assert_max_num_queries):
    client = as_user(front_door)
    ChildSignal.objects.create(child=ChildFactory(display_name="Ann Lee"), rule="repeated_ae", reason="one")
    client.get(URL)
    with CaptureQueriesContext(connection) as one:
        client.get(URL)
    ChildSignal.objects.bulk_create(
        ChildSignal(child=ChildFactory(display_name=f"Kid {i}"), rule="repeated_missing", reason="r") for i in range(30)
    )
    with django_assert_max_num_queries(len(one)):
        client.get(URL)
