"""The CIN episode page and closing it (with its confirmation page)."""

import datetime as dt

import pytest
from django.urls import reverse

from safeguarding.frontdoor.models import Referral, ReferralClosure
from safeguarding.frontdoor.services import contact_decide
from safeguarding.frontdoor.tests import steps
from safeguarding.frontdoor.tests.conftest import at, frozen, refer

pytestmark = pytest.mark.django_db

D = dt.date


@pytest.fixture
def referral(child, entitled, decider):  # type: ignore[no-untyped-def]
    contact = refer(child, entitled, when=at(2025, 3, 3))
    with frozen(2025, 3, 3, 15):
        contact_decide(contact=contact, decision="strategy_discussion", reason="x", by=decider)
    return Referral.objects.get(contact=contact)


def page_url(referral):
    return reverse("frontdoor:referral", args=[referral.child_id, referral.pk])


def close_url(referral):
    return reverse("frontdoor:close", args=[referral.child_id, referral.pk])


class TestReferralPage:
    def test_social_care_sees_every_step_with_clocks_for_what_is_open(self, as_user, front_door, decider, referral):
        discussion = steps.strategy_discussion(referral, decider, held_on=D(2025, 3, 4))
        steps.section47(discussion, decider, started_on=D(2025, 3, 4))
        with frozen(2025, 3, 18):
            html = as_user(front_door).get(page_url(referral)).content.decode()
        assert "Referral of 3 March 2025" in html and "Schools (2A)" in html
        assert "Strategy discussion (section 47), 3 March 2025" in html
        assert reverse("frontdoor:contact", args=[referral.child_id, referral.contact_id]) in html
        # s47: 6 working days from the strategy discussion (4 March) = 12 March: overdue on the 18th.
        assert "Section 47 enquiry" in html and "Overdue" in html and "Due by 12 March 2025" in html
        # The ICPC clock is not shown until the enquiry decides on a conference.
        assert "Initial child protection conference" not in html
        assert "Close the referral" in html

    def test_a_strategy_discussion_not_yet_held_runs_its_clock_from_the_decision(self, as_user, front_door, referral):
        with frozen(2025, 3, 4):
            html = as_user(front_door).get(page_url(referral)).content.decode()
        # 3 working days from 3 March.
        assert "Not held yet" in html and "Due by 6 March 2025" in html

    def test_an_assessment_runs_45_working_days_from_the_referral_date(self, as_user, front_door, decider, referral):
        steps.assessment(referral, decider, started_on=D(2025, 3, 5))
        with frozen(2025, 3, 5):
            html = as_user(front_door).get(page_url(referral)).content.decode()
        # 45 working days from Monday 3 March 2025, skipping Good Friday and Easter Monday.
        assert "Child and family assessment" in html and "Due by 8 May 2025" in html

    def test_a_closed_referral_shows_its_closure_and_offers_no_next_steps(self, as_user, front_door, decider, referral):
        with frozen(2025, 3, 10):
            ReferralClosure.objects.create(referral=referral, closed_on=D(2025, 3, 10), reason="RC7", closed_by=decider)
            html = as_user(front_door).get(page_url(referral)).content.decode()
        assert "Closed" in html and "Services ceased for any other reason" in html
        assert "Next steps" not in html and close_url(referral) not in html

    def test_the_referrer_and_other_agencies_do_not_see_the_episode(self, as_user, entitled, other_agency, referral):
        assert as_user(entitled).get(page_url(referral)).status_code == 403
        assert as_user(other_agency).get(page_url(referral)).status_code == 403

    def test_an_outsider_gets_the_refusal_page(self, as_user, outsider, referral):
        assert as_user(outsider).get(page_url(referral)).status_code == 403

    def test_a_closure_in_the_chronology_opens_its_referral(self, as_user, front_door, decider, referral):
        closure = ReferralClosure.objects.create(
            referral=referral, closed_on=D(2025, 3, 10), reason="RC7", closed_by=decider
        )
        response = as_user(front_door).get(reverse("frontdoor:closure", args=[referral.child_id, closure.pk]))
        assert response.status_code == 302 and response.url == page_url(referral)


class TestClose:
    DATA = {"closed_day": "10", "closed_month": "3", "closed_year": "2025", "reason": "RC7", "note": "Moved on."}

    def test_closing_asks_are_you_sure_then_closes(self, as_user, front_door, referral):
        client = as_user(front_door)
        with frozen(2025, 3, 11):
            assert "Why is the referral closing?" in client.get(close_url(referral)).content.decode()
            html = client.post(close_url(referral), self.DATA).content.decode()
            assert "Are you sure you want to close this referral?" in html
            assert "It cannot be undone" in html and "10 March 2025" in html
            assert not ReferralClosure.objects.exists()
            response = client.post(close_url(referral), {**self.DATA, "confirm": "yes"})
        assert response.status_code == 302 and response.url == page_url(referral)
        closure = ReferralClosure.objects.get()
        assert closure.closed_on == D(2025, 3, 10) and closure.reason == "RC7" and closure.note == "Moved on."

    def test_going_back_from_the_confirmation_keeps_what_was_typed(self, as_user, front_door, referral):
        with frozen(2025, 3, 11):
            html = as_user(front_door).post(close_url(referral), {**self.DATA, "edit": "yes"}).content.decode()
        assert 'value="10"' in html and "Moved on." in html and not ReferralClosure.objects.exists()

    def test_the_page_says_what_is_still_open(self, as_user, front_door, decider, referral):
        steps.assessment(referral, decider, started_on=D(2025, 3, 4))
        with frozen(2025, 3, 11):
            html = as_user(front_door).get(close_url(referral)).content.decode()
            assert "You cannot close this referral yet" in html and "assessment started 4 March 2025" in html
            html = as_user(front_door).post(close_url(referral), {**self.DATA, "confirm": "yes"}).content.decode()
        assert "cannot be closed while these are open" in html and not ReferralClosure.objects.exists()

    def test_a_wrong_date_is_shown_on_the_form(self, as_user, front_door, referral):
        with frozen(2025, 3, 11):
            data = {**self.DATA, "closed_day": "1", "confirm": "yes"}
            html = as_user(front_door).post(close_url(referral), data).content.decode()
        assert "on or after the referral date, 3 March 2025" in html and not ReferralClosure.objects.exists()

    @pytest.mark.parametrize("persona", ["entitled", "other_agency", "outsider"])
    def test_no_one_outside_social_care_closes(self, as_user, request, persona, referral):
        client = as_user(request.getfixturevalue(persona))
        assert client.post(close_url(referral), {**self.DATA, "confirm": "yes"}).status_code == 403
        assert not ReferralClosure.objects.exists()
