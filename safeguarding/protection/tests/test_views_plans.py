"""The child protection pages, each with the three personas: the person entitled (children's
social care to record; the child's team or social care to read), a practitioner of another
agency with no relationship (the GP), and an outsider of no agency. The school DSL is
involved with the child but records none of these steps, and reads them only while in the
child's team."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from safeguarding.protection.models import (
    CoreGroupMeeting,
    CoreGroupMember,
    Discipline,
    PlanEnd,
    StatutoryVisit,
)
from safeguarding.protection.services import (
    core_group_meeting_record,
    core_group_member_add,
    review_conference_record,
    section47_complete,
    statutory_visit_record,
)
from safeguarding.protection.tests.conftest import invitees_for
from safeguarding.protection.tests.page_helpers import assert_refused, date_post
from safeguarding.sharing.models import Letter

pytestmark = pytest.mark.django_db


# --- The plan -------------------------------------------------------------------------------


class TestPlanPage:
    def url(self, plan):  # type: ignore[no-untyped-def]
        return reverse("protection:plan", args=[plan.child_id, plan.pk])

    def test_the_plan_page_shows_categories_lead_clocks_core_group_and_visits(
        self, as_user, front_door, entitled, plan
    ):
        core_group_member_add(
            plan=plan, practitioner=entitled, name="", agency=None, discipline="education", by=front_door
        )
        core_group_meeting_record(
            plan=plan, held_on=dt.date(2025, 3, 10), attendees="SW, DSL", summary="Going well.", by=front_door
        )
        statutory_visit_record(
            plan=plan,
            visited_on=dt.date(2025, 3, 10),
            child_seen=True,
            seen_alone=True,
            note="Seen in her room.",
            by=front_door,
        )
        html = as_user(front_door).get(self.url(plan)).content.decode()
        assert "Physical abuse (PHY)" in html
        assert "First core group meeting" in html and "Met" in html
        assert "Next review conference" in html and "Due by 7 June 2025" in html
        assert "Next statutory visit" in html and "Due by 24 March 2025" in html
        assert entitled.display_name in html
        assert "Seen in her room." in html
        assert reverse("protection:plan-end", args=[plan.child_id, plan.pk]) in html

    def test_the_query_count_does_not_grow_with_visits_and_meetings(
        self, as_user, front_door, plan, django_assert_max_num_queries
    ):
        client = as_user(front_door)
        client.get(self.url(plan))
        with CaptureQueriesContext(connection) as empty:
            client.get(self.url(plan))
        for day in range(7, 11):
            statutory_visit_record(
                plan=plan,
                visited_on=dt.date(2025, 3, day),
                child_seen=True,
                seen_alone=False,
                note="Visit.",
                by=front_door,
            )
            core_group_meeting_record(
                plan=plan, held_on=dt.date(2025, 3, day), attendees="SW", summary="x", by=front_door
            )
        for day in range(8, 11):
            review_conference_record(
                plan=plan,
                held_on=dt.date(2025, 3, day),
                chair=front_door,
                childs_views="x",
                summary="x",
                decision="continue",
                category="",
                invitees=invitees_for(("Jo Parent", Discipline.FAMILY)),
                by=front_door,
            )
        with django_assert_max_num_queries(len(empty.captured_queries)):
            response = client.get(self.url(plan))
        assert response.status_code == 200
        assert response.content.decode().count("Visit.") == 4

    def test_a_core_group_member_reads_it_other_agencies_do_not(
        self, as_user, front_door, entitled, other_agency, outsider, health_visitor, plan
    ):
        # The nurse was invited to the ICPC: in the child's team.
        assert as_user(health_visitor).get(self.url(plan)).status_code == 200
        assert "Record a visit" not in as_user(health_visitor).get(self.url(plan)).content.decode()
        assert as_user(entitled).get(self.url(plan)).status_code == 404
        assert as_user(other_agency).get(self.url(plan)).status_code == 403
        assert as_user(outsider).get(self.url(plan)).status_code == 403

    def test_the_chronology_links_lead_to_the_plan(self, as_user, front_door, plan):
        meeting = core_group_meeting_record(
            plan=plan, held_on=dt.date(2025, 3, 10), attendees="SW", summary="x", by=front_door
        )
        visit = statutory_visit_record(
            plan=plan, visited_on=dt.date(2025, 3, 10), child_seen=False, seen_alone=False, note="x", by=front_door
        )
        client = as_user(front_door)
        plan_url = self.url(plan)
        assert (
            client.get(reverse("protection:core-group-meeting", args=[plan.child_id, meeting.pk])).url
            == plan_url + "#core-group"
        )
        assert client.get(reverse("protection:visit", args=[plan.child_id, visit.pk])).url == plan_url + "#visits"
        assert client.get(reverse("protection:visit", args=[plan.child_id + 1000, visit.pk])).status_code == 404


class TestPlanForms:
    def test_core_group_member_form(self, as_user, front_door, entitled, other_agency, outsider, plan, child):
        url = reverse("protection:core-group-member-add", args=[plan.child_id, plan.pk])
        assert as_user(front_door).get(url).status_code == 200
        assert_refused(as_user, url, entitled=entitled, other_agency=other_agency, outsider=outsider)
        empty = as_user(front_door).post(url, {"discipline": "education"}).content.decode()
        assert "Enter the name of the core group member, or choose a user of this service" in empty
        response = as_user(front_door).post(url, {"practitioner": str(entitled.pk), "discipline": "education"})
        assert response.status_code == 302
        assert CoreGroupMember.objects.get().practitioner == entitled
        assert as_user(entitled).get(reverse("protection:plan", args=[plan.child_id, plan.pk])).status_code == 200

    def test_core_group_meeting_form(self, as_user, front_door, entitled, other_agency, outsider, plan):
        url = reverse("protection:core-group-meeting-new", args=[plan.child_id, plan.pk])
        assert as_user(front_door).get(url).status_code == 200
        assert_refused(as_user, url, entitled=entitled, other_agency=other_agency, outsider=outsider)
        early = (
            as_user(front_door)
            .post(url, {**date_post("held", dt.date(2025, 3, 6)), "attendees": "SW", "summary": "Typed summary."})
            .content.decode()
        )
        assert "must be on or after the date the plan started, 7 March 2025" in early
        assert "Typed summary." in early
        as_user(front_door).post(url, {**date_post("held", dt.date(2025, 3, 10)), "attendees": "SW", "summary": "x"})
        assert CoreGroupMeeting.objects.count() == 1

    def test_visit_form(self, as_user, front_door, entitled, other_agency, outsider, plan):
        url = reverse("protection:visit-new", args=[plan.child_id, plan.pk])
        assert as_user(front_door).get(url).status_code == 200
        assert_refused(as_user, url, entitled=entitled, other_agency=other_agency, outsider=outsider)
        html = (
            as_user(front_door)
            .post(
                url,
                {**date_post("visited", dt.date(2025, 3, 10)), "child_seen": "no", "seen_alone": "yes", "note": "x"},
            )
            .content.decode()
        )
        assert "A child who was not seen cannot have been seen alone" in html
        html = (
            as_user(front_door)
            .post(url, {**date_post("visited", dt.date(2025, 3, 10)), "child_seen": "yes", "note": "x"})
            .content.decode()
        )
        assert "Select whether the child was seen alone" in html
        as_user(front_door).post(
            url, {**date_post("visited", dt.date(2025, 3, 10)), "child_seen": "yes", "seen_alone": "yes", "note": "x"}
        )
        assert StatutoryVisit.objects.get().seen_alone is True

    def test_ending_a_plan_asks_for_confirmation_first(self, as_user, front_door, health_visitor, plan):
        url = reverse("protection:plan-end", args=[plan.child_id, plan.pk])
        page = as_user(front_door).get(url).content.decode()
        # No longer at risk is a review conference's decision, not offered here.
        assert 'value="no_longer_at_risk"' not in page
        data = {**date_post("ended", dt.date(2025, 3, 10)), "reason": "transferred", "note": "Moved to Leeds."}
        confirm = as_user(front_door).post(url, data)
        html = confirm.content.decode()
        assert "Are you sure you want to end the plan?" in html
        assert "a letter goes to each of the 2 people invited to the initial conference" in html
        assert not PlanEnd.objects.exists()
        done = as_user(front_door).post(url, {**data, "confirm": "yes"})
        assert done.status_code == 302
        assert PlanEnd.objects.get().reason == "transferred"
        plan_page = as_user(front_door).get(done.url).content.decode()
        assert "Ended" in plan_page and "Moved to Leeds." in plan_page
        # Where needs continue, a child in need plan is offered on the same referral.
        assert reverse("assessments:cin-plan-start", args=[plan.child_id, plan.referral_id]) in plan_page
        letter = Letter.objects.get(recipient_user=health_visitor)
        assert (
            as_user(health_visitor).get(reverse("sharing:letter", args=[plan.child_id, letter.pk])).status_code == 200
        )
        ended = reverse("protection:plan-ended", args=[plan.child_id, PlanEnd.objects.get().pk])
        assert as_user(front_door).get(ended).url.endswith("#end")

    def test_ending_a_plan_is_refused_to_others(self, as_user, entitled, other_agency, outsider, plan):
        url = reverse("protection:plan-end", args=[plan.child_id, plan.pk])
        assert_refused(as_user, url, entitled=entitled, other_agency=other_agency, outsider=outsider)
        data = {**date_post("ended", dt.date(2025, 3, 10)), "reason": "died", "confirm": "yes"}
        assert as_user(entitled).post(url, data).status_code == 403
        assert not PlanEnd.objects.exists()

    def test_a_date_before_the_plan_is_refused_on_the_form(self, as_user, front_door, plan):
        url = reverse("protection:plan-end", args=[plan.child_id, plan.pk])
        data = {**date_post("ended", dt.date(2025, 3, 1)), "reason": "died", "confirm": "yes"}
        html = as_user(front_door).post(url, data).content.decode()
        assert "The date the plan ended must be on or after the date the plan started, 7 March 2025" in html


class TestChronologyLinks:
    def test_the_links_of_completions_meetings_visits_and_ends_follow_the_same_rules(
        self, as_user, front_door, entitled, other_agency, outsider, plan
    ):
        enquiry = plan.initial_conference.section47
        completion = section47_complete(
            enquiry=enquiry, completed_on=dt.date(2025, 3, 7), findings="x", outcome="initial_conference", by=front_door
        )
        meeting = core_group_meeting_record(
            plan=plan, held_on=dt.date(2025, 3, 7), attendees="SW", summary="x", by=front_door
        )
        visit = statutory_visit_record(
            plan=plan, visited_on=dt.date(2025, 3, 8), child_seen=True, seen_alone=False, note="x", by=front_door
        )
        urls = [
            reverse("protection:section47-completion", args=[plan.child_id, completion.pk]),
            reverse("protection:core-group-meeting", args=[plan.child_id, meeting.pk]),
            reverse("protection:visit", args=[plan.child_id, visit.pk]),
        ]
        for url in urls:
            assert as_user(front_door).get(url).status_code == 302
            assert as_user(entitled).get(url).status_code == 404
            assert as_user(other_agency).get(url).status_code == 403
            assert as_user(outsider).get(url).status_code == 403
