"""Starting early help, the episode page, my episodes, consent, step up and closure pages."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from safeguarding.earlyhelp.models import ClosureReason, EarlyHelpClosure, EarlyHelpEpisode
from safeguarding.frontdoor.models import Contact
from tests.factories import ChildFactory, ContactDecisionFactory, ContactFactory, ReferralFactory, UserFactory

from .conftest import start
from .helpers import date_fields, three_personas

pytestmark = pytest.mark.django_db


def today() -> dt.date:
    return timezone.localdate()


def start_data(lead_id: int, **overrides: str) -> dict[str, str]:
    data = {
        **date_fields("started", today()),
        "lead_practitioner": str(lead_id),
        "lead_chosen_with_family": "yes",
        "lead_choice_note": "",
        "consent_confirmed": "on",
        "consent_given_by": "Sarah Jones",
        "consent_relationship": "Mother",
        **date_fields("consent", today()),
    }
    data.update(overrides)
    return data


def episode_url(episode: EarlyHelpEpisode, name: str = "earlyhelp:episode") -> str:
    return reverse(name, args=[episode.child_id, episode.pk])


# Start ---------------------------------------------------------------------------------------


def test_start_three_personas(as_user, child, entitled, other_agency, outsider):
    three_personas(as_user, reverse("earlyhelp:start", args=[child.pk]), entitled, other_agency, outsider)


def test_start_lists_practitioners_of_every_agency_grouped(as_user, child, entitled, other_agency):
    body = as_user(entitled).get(reverse("earlyhelp:start", args=[child.pk])).content.decode()
    assert '<optgroup label="Castle Street Surgery">' in body and '<optgroup label="Riverside Primary School">' in body
    assert other_agency.display_name in body


def test_start_makes_the_episode(as_user, child, entitled):
    response = as_user(entitled).post(reverse("earlyhelp:start", args=[child.pk]), start_data(entitled.pk))
    episode = EarlyHelpEpisode.objects.get(child=child)
    assert response.status_code == 302 and response["Location"] == episode_url(episode)
    assert episode.lead_practitioner == entitled


def test_no_consent_no_episode_and_the_form_keeps_what_was_typed(as_user, child, entitled):
    data = start_data(entitled.pk, consent_given_by="Sarah Jones")
    del data["consent_confirmed"]
    response = as_user(entitled).post(reverse("earlyhelp:start", args=[child.pk]), data)
    body = response.content.decode()
    assert response.status_code == 200 and not EarlyHelpEpisode.objects.exists()
    assert "Early help is voluntary: confirm the family has agreed to it" in body
    assert 'value="Sarah Jones"' in body and "<title>Error: " in body


def test_consent_after_the_start_is_shown_on_the_consent_date(as_user, child, entitled):
    data = start_data(entitled.pk, **date_fields("started", today() - dt.timedelta(days=3)))
    response = as_user(entitled).post(reverse("earlyhelp:start", args=[child.pk]), data)
    assert "Consent must be given on or before the day early help starts" in response.content.decode()
    assert 'href="#id_consent_day"' in response.content.decode()


def test_an_early_help_worker_may_start_without_a_relationship(as_user, child, early_help_worker):
    url = reverse("earlyhelp:start", args=[child.pk])
    assert as_user(early_help_worker).get(url).status_code == 200
    response = as_user(early_help_worker).post(url, start_data(early_help_worker.pk))
    assert response.status_code == 302
    # Now the lead, they open the episode through the child's team.
    assert as_user(early_help_worker).get(response["Location"]).status_code == 200


def test_a_practitioner_without_a_relationship_may_not_start(as_user, child, other_agency, entitled):
    response = as_user(other_agency).post(reverse("earlyhelp:start", args=[child.pk]), start_data(entitled.pk))
    assert response.status_code == 403 and not EarlyHelpEpisode.objects.exists()


def test_step_down_from_a_contact_shows_what_it_carries_across(as_user, child, entitled, front_door):
    contact = ContactFactory(child=child, concern="Mum is struggling since the baby was born.")
    ContactDecisionFactory(contact=contact, decision="early_help", reason="Family hub support", decided_by=front_door)
    url = reverse("earlyhelp:start", args=[child.pk]) + f"?contact={contact.pk}"
    body = as_user(front_door).get(url).content.decode()
    assert "Stepped down from the front door" in body
    assert "Mum is struggling since the baby was born." in body and "Family hub support" in body
    response = as_user(front_door).post(url, start_data(entitled.pk))
    assert response.status_code == 302
    assert EarlyHelpEpisode.objects.get(child=child).from_contact == contact


def test_step_down_from_a_referral(as_user, child, entitled, front_door):
    referral = ReferralFactory(contact=ContactFactory(child=child, concern="Neglect of the home"))
    url = reverse("earlyhelp:start", args=[child.pk]) + f"?referral={referral.pk}"
    assert "Stepped down from children's social care" in as_user(front_door).get(url).content.decode()
    as_user(front_door).post(url, start_data(entitled.pk))
    assert EarlyHelpEpisode.objects.get(child=child).from_referral == referral


def test_step_down_from_another_childs_contact_is_not_found(as_user, child, front_door):
    other = ContactFactory(child=ChildFactory(display_name="Ben Smith"))
    url = reverse("earlyhelp:start", args=[child.pk]) + f"?contact={other.pk}"
    assert as_user(front_door).get(url).status_code == 404


def test_a_contact_decided_otherwise_is_refused_with_a_message(as_user, child, entitled, front_door):
    contact = ContactDecisionFactory(contact=ContactFactory(child=child), decision="nfa").contact
    url = reverse("earlyhelp:start", args=[child.pk]) + f"?contact={contact.pk}"
    response = as_user(front_door).post(url, start_data(entitled.pk))
    assert response.status_code == 200 and "decided on as early help" in response.content.decode()


# The episode ---------------------------------------------------------------------------------


def test_episode_three_personas(as_user, episode, entitled, other_agency, outsider):
    three_personas(as_user, episode_url(episode), entitled, other_agency, outsider)


def test_episode_page_shows_consent_lead_and_clock(as_user, episode, entitled):
    body = as_user(entitled).get(episode_url(episode)).content.decode()
    assert "Sarah Jones (Mother)" in body and "Chosen with the family" in body
    assert "Next review" in body and "Review the family plan" in body


def test_a_colleague_who_is_not_in_the_team_reads_but_cannot_act(as_user, episode, school):
    teacher = UserFactory(username="teacher", agency=school)
    body = as_user(teacher).get(episode_url(episode)).content.decode()
    assert "Sarah Jones" in body and "Review the family plan" not in body
    assert as_user(teacher).get(episode_url(episode, "earlyhelp:review-new")).status_code == 403


def test_the_episode_page_of_another_child_is_not_found(as_user, episode, entitled, child):
    other = ChildFactory(display_name="Ben Smith")
    from safeguarding.access.models import InvolvementBasis
    from safeguarding.access.services import involvement_ensure

    involvement_ensure(child=other, agency=entitled.agency, basis=InvolvementBasis.ROLL)
    assert as_user(entitled).get(reverse("earlyhelp:episode", args=[other.pk, episode.pk])).status_code == 404


# My episodes ---------------------------------------------------------------------------------


def test_mine_lists_the_open_episodes_i_lead_in_constant_queries(
    as_user, entitled, other_agency, outsider, school, django_assert_max_num_queries
):
    from safeguarding.access.models import InvolvementBasis
    from safeguarding.access.services import involvement_ensure

    def child_led() -> EarlyHelpEpisode:
        c = ChildFactory()
        involvement_ensure(child=c, agency=school, basis=InvolvementBasis.ROLL)
        return start(c, entitled, entitled)

    first = child_led()
    client = as_user(entitled)
    url = reverse("earlyhelp:mine")
    # 12 for the page, plus the audit of which episodes were listed.
    with django_assert_max_num_queries(18) as few:
        client.get(url)
    for _ in range(6):
        child_led()
    with django_assert_max_num_queries(len(few.captured_queries)):
        body = client.get(url).content.decode()
    assert body.count('class="govuk-tag ') == 7
    assert reverse("earlyhelp:episode", args=[first.child_id, first.pk]) in body
    # Nobody else's list shows them.
    assert "govuk-tag" not in as_user(other_agency).get(url).content.decode()
    assert "You do not lead any open early help episodes" in as_user(outsider).get(url).content.decode()


def test_mine_is_paginated(as_user, entitled, school):
    from safeguarding.access.models import InvolvementBasis
    from safeguarding.access.services import involvement_ensure
    from safeguarding.earlyhelp.views import PAGE_SIZE

    for _ in range(PAGE_SIZE + 1):
        c = ChildFactory()
        involvement_ensure(child=c, agency=school, basis=InvolvementBasis.ROLL)
        start(c, entitled, entitled)
    body = as_user(entitled).get(reverse("earlyhelp:mine") + "?page=2").content.decode()
    assert body.count('class="govuk-tag ') == 1 and "govuk-pagination" in body


# Consent -------------------------------------------------------------------------------------


def consent_data(kind: str) -> dict[str, str]:
    return {"kind": kind, "given_by": "Sarah Jones", "relationship_to_child": "Mother", **date_fields("on", today())}


def test_consent_three_personas(as_user, episode, entitled, other_agency, outsider):
    three_personas(as_user, episode_url(episode, "earlyhelp:consent"), entitled, other_agency, outsider)


def test_withdrawal_asks_first_then_ends_the_episode(as_user, episode, entitled):
    client = as_user(entitled)
    url = episode_url(episode, "earlyhelp:consent")
    response = client.post(url, consent_data("withdrawn"))
    assert "Are you sure the family has withdrawn consent?" in response.content.decode()
    assert not EarlyHelpClosure.objects.filter(episode=episode).exists()
    response = client.post(url, {**consent_data("withdrawn"), "confirmed": "yes"})
    assert response.status_code == 302
    assert EarlyHelpClosure.objects.get(episode=episode).reason == ClosureReason.CONSENT_WITHDRAWN
    # A closed episode refuses further steps: its forms send you back to it.
    assert client.get(url)["Location"] == episode_url(episode)


def test_consent_given_again_needs_no_confirmation(as_user, episode, entitled):
    response = as_user(entitled).post(episode_url(episode, "earlyhelp:consent"), consent_data("given"))
    assert response.status_code == 302 and episode.consents.count() == 2


# Step up -------------------------------------------------------------------------------------


def step_up_data(**overrides: str) -> dict[str, object]:
    data: dict[str, object] = {
        "concern": "Dad is back; bruise on her cheek",
        "categories": ["physical_abuse"],
        "action_taken": "Spoke to Mum",
        "immediate_danger": "no",
        "family_aware": "yes",
        "consent": "given",
        "consent_reason": "",
    }
    data.update(overrides)
    return data


def test_step_up_three_personas(as_user, episode, entitled, other_agency, outsider):
    three_personas(as_user, episode_url(episode, "earlyhelp:step-up"), entitled, other_agency, outsider)


def test_step_up_makes_a_contact_that_links_back_and_shows_on_the_episode(as_user, episode, entitled):
    client = as_user(entitled)
    assert client.post(episode_url(episode, "earlyhelp:step-up"), step_up_data()).status_code == 302
    contact = Contact.objects.get(early_help_episode=episode)
    assert EarlyHelpClosure.objects.get(episode=episode).stepped_up_to == contact
    body = client.get(episode_url(episode)).content.decode()
    assert "Stepped up to children&#x27;s social care" in body and "referral to the front door" in body


def test_step_up_errors_show_beside_their_questions(as_user, episode, entitled):
    response = as_user(entitled).post(
        episode_url(episode, "earlyhelp:step-up"), step_up_data(consent="not_sought", consent_reason="")
    )
    body = response.content.decode()
    assert response.status_code == 200 and "Enter why consent was not sought" in body
    assert 'href="#id_consent_reason"' in body and not Contact.objects.exists()


# Close ---------------------------------------------------------------------------------------


def test_close_three_personas(as_user, episode, entitled, other_agency, outsider):
    three_personas(as_user, episode_url(episode, "earlyhelp:close"), entitled, other_agency, outsider)


def test_close_page_asks_then_closes(as_user, episode, entitled):
    client = as_user(entitled)
    url = episode_url(episode, "earlyhelp:close")
    assert "Are you sure you want to close early help?" in client.get(url).content.decode()
    response = client.post(url, {**date_fields("closed", today()), "reason": "needs_met", "note": ""})
    assert response.status_code == 302
    assert EarlyHelpClosure.objects.get(episode=episode).reason == ClosureReason.NEEDS_MET
    assert "Ended" in client.get(episode_url(episode)).content.decode()


def test_whole_la_roles_may_act_on_any_episode(as_user, episode, front_door):
    response = as_user(front_door).post(
        episode_url(episode, "earlyhelp:close"), {**date_fields("closed", today()), "reason": "other", "note": "Moved"}
    )
    assert response.status_code == 302
