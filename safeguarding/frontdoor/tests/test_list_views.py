"""The front door queue, my referrals and early help requests: who sees them, what each row
says, the clocks at a frozen moment, and a constant number of queries whatever the rows."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from safeguarding.frontdoor.models import Referral
from safeguarding.frontdoor.services import check_request, contact_decide, referral_close
from safeguarding.frontdoor.tests import steps
from safeguarding.frontdoor.tests.conftest import at, frozen, queries_for, refer
from tests.factories import ChildFactory

pytestmark = pytest.mark.django_db

D = dt.date
QUEUE = reverse("frontdoor:queue")
MINE = reverse("frontdoor:mine")
EARLY_HELP = reverse("frontdoor:early-help-requests")


def rows_of(html: str) -> list[str]:
    body = html.split('<tbody class="govuk-table__body">', 1)[1].split("</tbody>", 1)[0]
    return body.split('<tr class="govuk-table__row">')[1:]


class TestQueue:
    @pytest.mark.parametrize("persona", ["entitled", "other_agency", "outsider", "front_door"])
    def test_only_those_who_decide_see_the_queue(self, as_user, request, persona):
        assert as_user(request.getfixturevalue(persona)).get(QUEUE).status_code == 403

    def test_oldest_first_with_clock_tags_at_a_frozen_moment(self, as_user, decider, entitled, settings):
        settings.CLOCK_WARNING_WORKING_DAYS = 0  # due soon only on the due day, so all three show
        refer(ChildFactory(display_name="Cara Late"), entitled, when=at(2025, 3, 3, 9))  # due Tue 4th
        refer(ChildFactory(display_name="Dan Today"), entitled, when=at(2025, 3, 4, 9))  # due Wed 5th
        refer(ChildFactory(display_name="Eve Fresh"), entitled, when=at(2025, 3, 5, 9))  # due Thu 6th
        with frozen(2025, 3, 5, 12):
            html = as_user(decider).get(QUEUE).content.decode()
        rows = rows_of(html)
        # Full names: the referrer's name is made up at random and could be a Dan or an Eve.
        assert [("Cara Late" in r, "Dan Today" in r, "Eve Fresh" in r) for r in rows] == [
            (True, False, False),
            (False, True, False),
            (False, False, True),
        ]
        assert "govuk-tag--red" in rows[0] and "Overdue" in rows[0] and "Due by 4 March 2025" in rows[0]
        assert "govuk-tag--yellow" in rows[1] and "Due soon" in rows[1] and "Due by 5 March 2025" in rows[1]
        assert "govuk-tag--grey" in rows[2] and "Due by 6 March 2025" in rows[2]

    def test_each_row_flags_danger_and_re_referral_and_counts_checks(self, as_user, decider, entitled, child, gp):
        earlier = refer(child, entitled, when=at(2025, 1, 6))
        with frozen(2025, 1, 6, 12):
            contact_decide(contact=earlier, decision="assessment", reason="x", by=decider)
            referral_close(referral=Referral.objects.get(), closed_on=D(2025, 1, 6), reason="RC7", note="", by=decider)
        again = refer(child, entitled, when=at(2025, 3, 3), immediate_danger=True)
        check_request(contact=again, agency=gp, question="?", by=decider)
        refer(ChildFactory(display_name="Fay First"), entitled, when=at(2025, 3, 3, 11))
        with frozen(2025, 3, 3, 12):
            rows = rows_of(as_user(decider).get(QUEUE).content.decode())
        assert len(rows) == 2
        assert "Immediate danger" in rows[0] and "Re-referral" in rows[0] and "Checks: 0 of 1 back" in rows[0]
        assert "Riverside Primary School" in rows[0] and "Schools (2A)" in rows[0]
        assert reverse("frontdoor:contact", args=[child.pk, again.pk]) in rows[0]
        assert "Immediate danger" not in rows[1] and "Re-referral" not in rows[1]

    def test_decided_contacts_leave_the_queue_and_show_in_the_last_7_days(self, as_user, decider, entitled, child):
        contact = refer(child, entitled)
        contact_decide(contact=contact, decision="nfa", reason="x", by=decider)
        client = as_user(decider)
        assert "No contacts are waiting for a decision" in client.get(QUEUE).content.decode()
        rows = rows_of(client.get(QUEUE + "?show=decided").content.decode())
        assert len(rows) == 1 and "No further action" in rows[0] and "Decided in time" in rows[0]

    def test_fifty_a_page_in_constant_queries(self, as_user, decider, entitled, gp, django_assert_max_num_queries):
        client = as_user(decider)
        with frozen(2025, 3, 3, 9):
            refer(ChildFactory(), entitled)
        one = queries_for(client, QUEUE)
        with frozen(2025, 3, 3, 9):
            for _ in range(54):
                contact = refer(ChildFactory(), entitled)
                check_request(contact=contact, agency=gp, question="?", by=decider)
        with django_assert_max_num_queries(one):
            html = client.get(QUEUE).content.decode()
        assert len(rows_of(html)) == 50 and "Waiting for a decision (55)" in html
        assert len(rows_of(client.get(QUEUE + "?page=2").content.decode())) == 5
        with django_assert_max_num_queries(one):
            client.get(QUEUE + "?show=decided")


class TestMyReferrals:
    def test_the_referrer_sees_each_stage_and_its_date_but_no_content(self, as_user, entitled, decider, child):
        contact = refer(child, entitled, when=at(2025, 3, 3))
        with frozen(2025, 3, 3, 15):
            contact_decide(contact=contact, decision="strategy_discussion", reason="MASH REASON", by=decider)
        referral = Referral.objects.get()
        discussion = steps.strategy_discussion(referral, decider, held_on=D(2025, 3, 4))
        enquiry = steps.section47(discussion, decider, started_on=D(2025, 3, 4), completed_on=D(2025, 3, 14))
        conference = steps.initial_conference(enquiry, decider, held_on=D(2025, 3, 20), category="NEG")
        plan = steps.protection_plan(referral, conference, decider, started_on=D(2025, 3, 20), ended_on=D(2025, 9, 1))
        steps.review_conference(plan, decider, held_on=D(2025, 6, 19))
        steps.cin_plan(referral, decider, started_on=D(2025, 9, 1), ended_on=D(2025, 12, 1))
        with frozen(2025, 12, 2):
            referral_close(referral=referral, closed_on=D(2025, 12, 1), reason="RC7", note="", by=decider)
            html = as_user(entitled).get(MINE).content.decode()
        lines = [
            "Decision 3 March 2025: strategy discussion (section 47)",
            "Strategy discussion 4 March 2025: section 47 enquiry",
            "Section 47 enquiry completed 14 March 2025: initial child protection conference",
            "Initial child protection conference 20 March 2025: child protection plan (neglect)",
            "Review conference 19 June 2025: the plan continues",
            "Plan ended 1 September 2025",
            "Child in need plan started 1 September 2025",
            "Child in need plan ended 1 December 2025",
            "Case closed 1 December 2025",
        ]
        positions = [html.index(line) for line in lines]
        assert positions == sorted(positions)
        assert "MASH REASON" not in html and "Confidential" not in html
        assert "Read the feedback letter" in html

    def test_an_assessment_and_early_help_show_as_stages(self, as_user, entitled, decider, child):
        contact = refer(child, entitled, when=at(2025, 3, 3))
        with frozen(2025, 3, 3, 15):
            contact_decide(contact=contact, decision="assessment", reason="x", by=decider)
        steps.assessment(Referral.objects.get(), decider, started_on=D(2025, 3, 4), completed_on=D(2025, 4, 1))
        other = refer(ChildFactory(), entitled, when=at(2025, 3, 5))
        with frozen(2025, 3, 5, 15):
            contact_decide(contact=other, decision="early_help", reason="x", by=decider)
        steps.early_help(other.child, decider, started_on=D(2025, 3, 10), from_contact=other)
        with frozen(2025, 4, 2):
            html = as_user(entitled).get(MINE).content.decode()
        assert "Assessment completed 1 April 2025: child in need plan" in html
        assert "Decision 5 March 2025: early help" in html and "Early help started 10 March 2025" in html
        assert html.index("Decision 5 March") < html.index("Decision 3 March")  # newest first

    def test_a_referral_waiting_for_its_decision_shows_its_clock(self, as_user, entitled, child):
        refer(child, entitled, when=at(2025, 3, 3))
        with frozen(2025, 3, 3, 12):
            html = as_user(entitled).get(MINE).content.decode()
        assert "Waiting for the front door" in html and "Due by 4 March 2025" in html

    def test_each_practitioner_sees_only_their_own_referrals(self, as_user, entitled, other_agency, child):
        refer(child, entitled)
        html = as_user(other_agency).get(MINE).content.decode()
        assert "Amelia Jones" not in html and "You have not made any referrals" in html

    def test_an_outsider_has_no_referrals_page(self, as_user, outsider):
        assert as_user(outsider).get(MINE).status_code == 403

    def test_constant_queries_whatever_the_referrals(self, as_user, entitled, decider, django_assert_max_num_queries):
        client = as_user(entitled)

        def referral_with_everything() -> None:
            contact = refer(ChildFactory(), entitled)
            contact_decide(contact=contact, decision="strategy_discussion", reason="x", by=decider)
            referral = Referral.objects.get(contact=contact)
            discussion = steps.strategy_discussion(referral, decider, held_on=timezone.localdate())
            enquiry = steps.section47(
                discussion, decider, started_on=timezone.localdate(), completed_on=timezone.localdate()
            )
            conference = steps.initial_conference(enquiry, decider, held_on=timezone.localdate())
            plan = steps.protection_plan(referral, conference, decider, started_on=timezone.localdate())
            steps.review_conference(plan, decider, held_on=timezone.localdate())
            steps.cin_plan(referral, decider, started_on=timezone.localdate())

        referral_with_everything()
        one = queries_for(client, MINE)
        for _ in range(6):
            referral_with_everything()
            refer(ChildFactory(), entitled)
        with django_assert_max_num_queries(one):
            assert client.get(MINE).status_code == 200


class TestEarlyHelpRequests:
    @pytest.fixture
    def requests_made(self, entitled, decider, child):  # type: ignore[no-untyped-def]
        waiting = refer(child, entitled)
        contact_decide(contact=waiting, decision="early_help", reason="x", by=decider)
        picked = refer(ChildFactory(display_name="Pat Picked"), entitled)
        contact_decide(contact=picked, decision="early_help", reason="x", by=decider)
        steps.early_help(picked.child, decider, started_on=timezone.localdate(), from_contact=picked)
        contact_decide(
            contact=refer(ChildFactory(display_name="Nina Nfa"), entitled), decision="nfa", reason="x", by=decider
        )
        return waiting

    def test_the_front_door_sees_contacts_waiting_for_early_help(self, as_user, decider, requests_made):
        html = as_user(decider).get(EARLY_HELP).content.decode()
        assert "Amelia Jones" in html and "Pat Picked" not in html and "Nina Nfa" not in html
        start = reverse("earlyhelp:start", args=[requests_made.child_id])
        assert f"{start}?contact={requests_made.pk}" in html

    def test_the_local_authoritys_early_help_sees_them_too(self, as_user, requests_made):
        from safeguarding.access.models import AgencyKind
        from tests.factories import AgencyFactory, UserFactory

        worker = UserFactory(agency=AgencyFactory(name="Family hubs", kind=AgencyKind.LA_EARLY_HELP))
        assert "Amelia Jones" in as_user(worker).get(EARLY_HELP).content.decode()

    @pytest.mark.parametrize("persona", ["entitled", "other_agency", "outsider"])
    def test_other_agencies_do_not(self, as_user, request, persona, requests_made):
        assert as_user(request.getfixturevalue(persona)).get(EARLY_HELP).status_code == 403

    def test_constant_queries(self, as_user, decider, entitled, requests_made, django_assert_max_num_queries):
        client = as_user(decider)
        one = queries_for(client, EARLY_HELP)
        for _ in range(5):
            contact_decide(contact=refer(ChildFactory(), entitled), decision="early_help", reason="x", by=decider)
        with django_assert_max_num_queries(one):
            client.get(EARLY_HELP)
