"""Pages for the work of an episode: assessment, team, plan actions, reviews, conferences."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from safeguarding.earlyhelp.models import (
    EarlyHelpAssessment,
    EarlyHelpClosure,
    EarlyHelpReview,
    FamilyGroupConference,
    FamilyPlanAction,
    TeamAroundFamilyMember,
)
from safeguarding.earlyhelp.services import plan_action_add

from .helpers import date_fields, three_personas

pytestmark = pytest.mark.django_db


def today() -> dt.date:
    return timezone.localdate()


def url(episode, name, *extra):
    return reverse(f"earlyhelp:{name}", args=[episode.child_id, episode.pk, *extra])


@pytest.mark.parametrize("name", ["assessment-new", "team-add", "action-new", "review-new", "fgc-new"])
def test_each_step_three_personas(as_user, episode, entitled, other_agency, outsider, name):
    three_personas(as_user, url(episode, name), entitled, other_agency, outsider)


def test_action_done_three_personas(as_user, episode, entitled, other_agency, outsider):
    action = plan_action_add(episode=episode, action="Call", owner_name="Mum", owner=None, due_on=today(), by=entitled)
    three_personas(as_user, url(episode, "action-done", action.pk), entitled, other_agency, outsider)


def test_assessment_is_recorded(as_user, episode, entitled):
    response = as_user(entitled).post(
        url(episode, "assessment-new"),
        {
            **date_fields("completed", today()),
            "needs": ["bereaved", "persistently_absent"],
            "strengths": "Loving Gran",
            "childs_views": "I miss Dad",
            "family_views": "Mum wants school support",
            "summary": "Bereavement support; attendance plan",
        },
    )
    assert response.status_code == 302
    assert EarlyHelpAssessment.objects.get(episode=episode).needs == ["bereaved", "persistently_absent"]
    body = as_user(entitled).get(url(episode, "episode")).content.decode()
    assert "Is bereaved" in body and "Is persistently absent from education" in body


def test_assessment_errors_keep_what_was_typed(as_user, episode, entitled):
    response = as_user(entitled).post(
        url(episode, "assessment-new"), {**date_fields("completed", today()), "strengths": "Loving Gran"}
    )
    body = response.content.decode()
    assert "Select the needs the assessment identified" in body and "Loving Gran" in body


def test_a_team_member_on_the_platform_may_then_act(as_user, episode, entitled, other_agency):
    page = as_user(entitled).get(url(episode, "team-add")).content.decode()
    assert '<optgroup label="Castle Street Surgery">' in page
    response = as_user(entitled).post(
        url(episode, "team-add"), {"practitioner": str(other_agency.pk), "name": "", "agency": "", "role": "GP"}
    )
    assert response.status_code == 302
    assert TeamAroundFamilyMember.objects.filter(episode=episode, practitioner=other_agency).exists()
    assert as_user(other_agency).get(url(episode, "review-new")).status_code == 200


def test_someone_off_the_platform_joins_by_name(as_user, episode, entitled, gp):
    response = as_user(entitled).post(
        url(episode, "team-add"), {"practitioner": "", "name": "Jo Bloggs", "agency": str(gp.pk), "role": "Coach"}
    )
    assert response.status_code == 302
    member = TeamAroundFamilyMember.objects.get(episode=episode, name="Jo Bloggs")
    assert member.agency == gp and member.practitioner is None


def test_an_action_is_added_and_done_once(as_user, episode, entitled):
    client = as_user(entitled)
    response = client.post(
        url(episode, "action-new"),
        {"action": "Young carers group", "owner": str(entitled.pk), "owner_name": "", **date_fields("due", today())},
    )
    assert response.status_code == 302
    action = FamilyPlanAction.objects.get(episode=episode)
    assert action.owner == entitled
    done_url = url(episode, "action-done", action.pk)
    assert client.post(done_url, {**date_fields("done", today()), "note": "Went"}).status_code == 302
    response = client.get(done_url)
    assert response.status_code == 302 and response["Location"] == url(episode, "episode")


def test_an_action_of_another_episode_is_not_found(as_user, episode, entitled, child):
    from safeguarding.earlyhelp.services import episode_close

    from .conftest import start

    episode_close(episode=episode, closed_on=today(), reason="needs_met", note="", by=entitled)
    second = start(child, entitled, entitled)
    old = FamilyPlanAction.objects.create(
        episode=episode, action="x", owner_name="Mum", due_on=today(), created_by=entitled
    )
    assert as_user(entitled).get(url(second, "action-done", old.pk)).status_code == 404


def test_a_review_that_closes_asks_first(as_user, episode, entitled):
    client = as_user(entitled)
    data = {**date_fields("held", today()), "progress": "All needs met", "outcome": "close"}
    response = client.post(url(episode, "review-new"), data)
    assert "Are you sure early help should close?" in response.content.decode()
    assert not EarlyHelpReview.objects.exists()
    assert client.post(url(episode, "review-new"), {**data, "confirmed": "yes"}).status_code == 302
    assert EarlyHelpClosure.objects.get(episode=episode).reason == "needs_met"


def test_a_review_that_steps_up_goes_to_the_step_up_form(as_user, episode, entitled):
    data = {**date_fields("held", today()), "progress": "Worse", "outcome": "step_up"}
    response = as_user(entitled).post(url(episode, "review-new"), data)
    assert response.status_code == 302 and response["Location"] == url(episode, "step-up")
    assert not EarlyHelpClosure.objects.filter(episode=episode).exists()


def test_a_review_before_the_start_is_refused_beside_the_date(as_user, episode, entitled):
    data = {**date_fields("held", episode.started_on - dt.timedelta(days=1)), "progress": "x", "outcome": "continue"}
    body = as_user(entitled).post(url(episode, "review-new"), data).content.decode()
    assert "on or after early help started" in body and 'href="#id_held_day"' in body


def test_a_family_group_conference_is_recorded(as_user, episode, entitled):
    data = {**date_fields("held", today()), "family_network": "Gran, Uncle Dave", "plan_agreed": "Gran does school run"}
    assert as_user(entitled).post(url(episode, "fgc-new"), data).status_code == 302
    assert FamilyGroupConference.objects.get(episode=episode).plan_agreed == "Gran does school run"


def test_the_episode_page_shows_everything_recorded(as_user, episode, entitled, other_agency):
    from safeguarding.earlyhelp.services import (
        early_help_assessment_record,
        early_help_review_record,
        family_group_conference_record,
        plan_action_done,
        step_up,
        taf_member_add,
    )

    early_help_assessment_record(
        episode=episode,
        completed_on=today(),
        needs=["young_carer"],
        strengths="Gran",
        childs_views="Tired",
        family_views="Help with mornings",
        summary="Young carer support",
        by=entitled,
    )
    taf_member_add(episode=episode, practitioner=other_agency, name="", agency=None, role="GP", by=entitled)
    action = plan_action_add(
        episode=episode, action="Young carers group", owner_name="", owner=entitled, due_on=today(), by=entitled
    )
    plan_action_done(action=action, done_on=today(), note="Went on Tuesday", by=entitled)
    plan_action_add(
        episode=episode,
        action="See the GP",
        owner_name="Mum",
        owner=None,
        due_on=episode.started_on,
        by=entitled,
    )
    early_help_review_record(
        episode=episode, held_on=today(), progress="Some progress", outcome="continue", by=entitled
    )
    family_group_conference_record(
        episode=episode, held_on=today(), family_network="Gran", plan_agreed="Gran helps", by=entitled
    )
    body = as_user(entitled).get(url(episode, "episode")).content.decode()
    for text in (
        "Is a young carer",
        "Young carers group",
        "Went on Tuesday",
        "Overdue",
        "Done",
        "Some progress",
        "In time",
        "Gran helps",
        other_agency.display_name,
        "Mark as done",
    ):
        assert text in body, text
    step_up(
        episode=episode,
        concern="Worse",
        action_taken="Talked",
        categories=["neglect"],
        immediate_danger=False,
        family_aware=True,
        consent="given",
        consent_reason="",
        by=entitled,
    )
    body = as_user(entitled).get(url(episode, "episode")).content.decode()
    assert "Referrals to children's social care from this episode" in body
    assert "Mark as done" not in body and "Review the family plan" not in body
