"""My work, team timeliness, and what is due on the child's record: who sees what."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse

from safeguarding.access.models import AgencyKind, Team
from safeguarding.assessments.models import AssessmentAuthorisation
from safeguarding.audit.models import AuditEvent
from safeguarding.pathway.projection import clock_rows_rebuild
from safeguarding.pathway.tests.factories import (
    AssessmentCompletionFactory,
    AssessmentFactory,
    EpisodeFactory,
    PlanFactory,
)
from tests.factories import AgencyFactory, ContactFactory, RoleFactory, UserFactory

MY_WORK = "/my-work/"
TIMELINESS = "/team/timeliness/"
D = dt.date
pytestmark = pytest.mark.django_db


def on(year: int, month: int, day: int):  # type: ignore[no-untyped-def]
    return time_machine.travel(dt.datetime(year, month, day, 12, tzinfo=ZoneInfo("Europe/London")), tick=False)


@pytest.fixture
def north(social_care):
    return Team.objects.create(agency=social_care, name="North assessment team")


@pytest.fixture
def south(social_care):
    return Team.objects.create(agency=social_care, name="South assessment team")


@pytest.fixture
def manager(social_care, north):
    role = RoleFactory(key="team-manager", name="Team manager", is_manager=True, is_social_worker=True)
    return UserFactory(username="tm", first_name="Tess", last_name="Manager", agency=social_care, team=north, role=role)


@pytest.fixture
def head_of_service(social_care, north):
    role = RoleFactory(key="head-of-service", name="Head of service", is_manager=True, covers_whole_la=True)
    return UserFactory(username="hos", agency=social_care, team=north, role=role)


@pytest.fixture
def social_worker(social_care, north):
    role = RoleFactory(key="sw", name="Social worker", is_social_worker=True, covers_whole_la=True)
    return UserFactory(username="sw", first_name="Sol", last_name="Worker", agency=social_care, team=north, role=role)


@pytest.fixture
def decider(social_care):
    role = RoleFactory(key="mash", name="MASH social worker", may_decide_referrals=True, covers_whole_la=True)
    return UserFactory(username="mash", agency=social_care, role=role)


# --- My work ------------------------------------------------------------------------------------


def test_my_work_lists_my_clocks_with_tags_and_not_other_peoples(as_user, entitled, other_agency, child):
    EpisodeFactory(child=child, lead_practitioner=entitled, started_on=D(2026, 3, 11))
    with on(2026, 6, 12):
        page = as_user(entitled).get(MY_WORK)
        assert page.status_code == 200
        assert "Amelia Jones" in page.text
        assert "Early help family plan review" in page.text
        assert "govuk-tag--red" in page.text and "Overdue" in page.text
        assert "11 June 2026" in page.text
        other = as_user(other_agency).get(MY_WORK)
    assert other.status_code == 200
    assert "Amelia Jones" not in other.text
    assert 'id="my-work-empty"' in other.text


def test_my_work_for_someone_with_no_agency_is_empty(as_user, outsider):
    page = as_user(outsider).get(MY_WORK)
    assert page.status_code == 200
    assert 'id="my-work-empty"' in page.text


def test_my_work_shows_the_front_door_waiting_only_to_those_who_decide(as_user, decider, social_worker):
    ContactFactory()
    assert "1 contact waiting for a decision" in as_user(decider).get(MY_WORK).text
    assert 'id="front-door-waiting"' not in as_user(social_worker).get(MY_WORK).text


def test_my_work_is_sorted_overdue_first_and_paginated(as_user, social_worker):
    for day in range(1, 53):
        EpisodeFactory(lead_practitioner=social_worker, started_on=D(2026, 1, 1) + dt.timedelta(days=day))
    with on(2026, 4, 20):
        client = as_user(social_worker)
        first = client.get(MY_WORK).text
        second = client.get(MY_WORK, {"page": 2}).text
    assert "showing 1 to 50 of 52" in first
    assert first.index("2 April 2026") < first.index("3 April 2026")  # earliest due first
    assert 'aria-label="My work pages"' in first
    assert "22 May 2026" in second and "22 May 2026" not in first  # the two latest on page 2


def test_my_work_query_count_does_not_grow(as_user, social_worker, django_assert_num_queries):
    client = as_user(social_worker)
    EpisodeFactory(lead_practitioner=social_worker)
    client.get(MY_WORK)
    with CaptureQueriesContext(connection) as one:
        client.get(MY_WORK)
    for _ in range(5):
        EpisodeFactory(lead_practitioner=social_worker)
        AssessmentFactory(lead_practitioner=social_worker)
    with django_assert_num_queries(len(one.captured_queries)):
        assert client.get(MY_WORK).status_code == 200


def test_a_supervisor_is_asked_to_authorise_a_completed_assessment_and_the_lead_is_not(
    as_user, social_worker, manager, social_care
):
    """The assessment's clock stops at completion, so authorisation is a list of its own: for
    the named supervisor, and for a social work manager when the lead had no supervisor."""
    fsw = UserFactory(username="fsw", first_name="Fay", last_name="Brooks", agency=social_care, team=manager.team)
    supervised = AssessmentFactory(
        lead_practitioner=fsw, supervisor=social_worker, referral__contact__child__display_name="Leo Carter"
    )
    AssessmentCompletionFactory(assessment=supervised)
    unsupervised = AssessmentFactory(lead_practitioner=fsw, referral__contact__child__display_name="Mia Stone")
    AssessmentCompletionFactory(assessment=unsupervised)
    AssessmentFactory(
        lead_practitioner=fsw, supervisor=social_worker, referral__contact__child__display_name="Zac Open"
    )  # not completed

    page = as_user(social_worker).get(MY_WORK).text
    table = page[page.index('id="to-authorise"') : page.index("</table>", page.index('id="to-authorise"'))]
    assert "Leo Carter" in table and "Fay Brooks" in table
    assert "Mia Stone" not in table and "Zac Open" not in table
    assert reverse("assessments:detail", args=[supervised.child_id, supervised.pk]) in table

    managers = as_user(manager).get(MY_WORK).text
    start = managers.index('id="to-authorise"')
    assert "Mia Stone" in managers[start : managers.index("</table>", start)]
    assert 'id="to-authorise"' not in as_user(fsw).get(MY_WORK).text  # never their own

    AssessmentAuthorisation.objects.create(assessment=supervised, authorised_by=social_worker)
    assert 'id="to-authorise"' not in as_user(social_worker).get(MY_WORK).text


# --- Team timeliness -------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["entitled", "other_agency", "outsider", "front_door", "social_worker"])
def test_only_managers_see_team_timeliness(as_user, request, persona):
    assert as_user(request.getfixturevalue(persona)).get(TIMELINESS).status_code == 403


def test_a_team_manager_sees_their_team(as_user, manager, social_worker, south, social_care):
    elsewhere = UserFactory(username="south-sw", agency=social_care, team=south)
    AssessmentFactory(lead_practitioner=social_worker)
    AssessmentFactory(lead_practitioner=elsewhere)
    page = as_user(manager).get(TIMELINESS)
    assert page.status_code == 200
    assert "North assessment team" in page.text
    assert "Sol Worker" in page.text
    assert f'data-practitioner="{elsewhere.pk}"' not in page.text
    # Asking for another team changes nothing for a manager of one team.
    assert f'data-practitioner="{elsewhere.pk}"' not in as_user(manager).get(TIMELINESS, {"team": south.pk}).text
    assert 'name="team"' not in page.text
    assert "Completed in the last 12 months" in page.text
    assert "None completed in the last 12 months" in page.text


def test_a_whole_la_manager_may_pick_any_la_team(as_user, head_of_service, south, social_care):
    AgencyFactory(name="Riverside Primary School", kind=AgencyKind.SCHOOL)
    school_team = Team.objects.create(agency=AgencyFactory(name="Riverside Primary School"), name="Pastoral")
    elsewhere = UserFactory(username="south-sw", first_name="Stu", last_name="South", agency=social_care, team=south)
    AssessmentFactory(lead_practitioner=elsewhere)
    clock_rows_rebuild()  # made by a factory, not by the service that keeps the projection
    client = as_user(head_of_service)
    page = client.get(TIMELINESS)
    assert 'name="team"' in page.text
    assert "South assessment team" in page.text  # offered
    assert "Pastoral" not in page.text  # not a local authority team
    assert "Stu South" not in page.text  # own team by default
    assert "Stu South" in client.get(TIMELINESS, {"team": south.pk}).text
    assert "Stu South" in client.get(TIMELINESS, {"team": "all"}).text
    assert "Stu South" not in client.get(TIMELINESS, {"team": school_team.pk}).text


def test_a_manager_without_a_team_is_told_so(as_user, manager):
    manager.team = None
    manager.save(update_fields=["team"])
    page = as_user(manager).get(TIMELINESS)
    assert page.status_code == 200
    assert 'id="no-team"' in page.text


def test_timeliness_query_count_does_not_grow(as_user, manager, social_worker, django_assert_num_queries):
    client = as_user(manager)
    AssessmentFactory(lead_practitioner=social_worker)
    clock_rows_rebuild()
    client.get(TIMELINESS)
    with CaptureQueriesContext(connection) as one:
        client.get(TIMELINESS)
    for _ in range(4):
        AssessmentFactory(lead_practitioner=social_worker)
        PlanFactory(lead_social_worker=social_worker)
    clock_rows_rebuild()
    with django_assert_num_queries(len(one.captured_queries)):
        assert client.get(TIMELINESS).status_code == 200


# --- Navigation and the child's record ------------------------------------------------------------------


def test_navigation_offers_my_work_to_all_and_timeliness_to_managers(as_user, entitled, manager):
    home = as_user(entitled).get("/").text
    assert 'href="/my-work/"' in home
    assert 'href="/team/timeliness/"' not in home
    assert 'href="/team/timeliness/"' in as_user(manager).get("/").text


def test_the_record_shows_what_is_due_to_those_who_see_the_whole_record(as_user, front_door, entitled, child):
    EpisodeFactory(child=child, started_on=D(2026, 3, 11))
    with on(2026, 6, 1):
        whole = as_user(front_door).get(reverse("people:record", args=[child.pk])).text
        own_agency = as_user(entitled).get(reverse("people:record", args=[child.pk])).text
    assert 'id="help-and-protection"' in whole
    assert 'id="child-clocks"' in whole
    assert "Early help family plan review" in whole
    assert "Early help <span" in whole or ">Early help</a>" in whole  # the open episode
    assert "11 June 2026" in whole
    # A practitioner who sees only their own agency's entries sees the section's actions only.
    assert 'id="help-and-protection"' in own_agency
    assert 'id="child-clocks"' not in own_agency
    assert "Early help family plan review" not in own_agency


def test_the_record_without_a_relationship_shows_nothing_due(as_user, other_agency, child):
    EpisodeFactory(child=child)
    page = as_user(other_agency).get(reverse("people:record", args=[child.pk]))
    assert page.status_code == 403
    assert "Early help family plan review" not in page.text


def test_everyone_who_may_open_the_record_is_offered_a_referral_and_early_help(as_user, entitled, child):
    try:
        referral_url = reverse("frontdoor:contact-new", args=[child.pk])
        early_help_url = reverse("earlyhelp:start", args=[child.pk])
    except NoReverseMatch:
        pytest.skip("the front door and early help pages are not there yet")
    page = as_user(entitled).get(reverse("people:record", args=[child.pk])).text
    assert f'href="{referral_url}"' in page
    assert f'href="{early_help_url}"' in page


def test_the_front_door_is_in_the_navigation_only_for_those_who_decide(as_user, entitled, decider):
    try:
        queue = reverse("frontdoor:queue")
    except NoReverseMatch:
        pytest.skip("the front door queue is not there yet")
    assert f'href="{queue}"' in as_user(decider).get("/").text
    assert f'href="{queue}"' not in as_user(entitled).get("/").text


def test_the_lists_that_name_children_are_audited(as_user, social_worker, entitled):
    """My work, My referrals and Early help I lead each show children's names: each viewing
    is recorded with which children or records were shown."""
    episode = EpisodeFactory(lead_practitioner=social_worker)
    as_user(social_worker).get(MY_WORK)
    event = AuditEvent.objects.filter(actor=social_worker, detail__what="my work").get()
    assert event.detail["children"] == [episode.child_id]
    as_user(social_worker).get(reverse("earlyhelp:mine"))
    assert AuditEvent.objects.filter(actor=social_worker, detail__what="early help I lead").get().detail[
        "episodes"
    ] == [episode.pk]
    contact = ContactFactory(referrer=entitled)
    as_user(entitled).get(reverse("frontdoor:mine"))
    assert AuditEvent.objects.filter(actor=entitled, detail__what="my referrals").get().detail["contacts"] == [
        contact.pk
    ]
