"""The child protection pages, each with the three personas: the person entitled (children's
social care to record; the child's team or social care to read), a practitioner of another
agency with no relationship (the GP), and an outsider of no agency. The school DSL is
involved with the child but records none of these steps, and reads them only while in the
child's team."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from safeguarding.audit.models import Action, AuditEvent
from safeguarding.protection.models import (
    Discipline,
    ProtectionPlan,
    Section47Completion,
    StrategyDiscussion,
)
from safeguarding.protection.services import (
    AttendeeInput,
    core_group_member_add,
    section47_complete,
)
from safeguarding.protection.tests.conftest import record_icpc, record_strategy
from safeguarding.protection.tests.page_helpers import assert_refused, date_post

pytestmark = pytest.mark.django_db


# --- Strategy discussion -------------------------------------------------------------------


def strategy_post(front_door, health_visitor, **overrides):  # type: ignore[no-untyped-def]
    data = {
        **date_post("held", dt.date(2025, 3, 4)),
        "chair": str(front_door.pk),
        "a0_practitioner": str(front_door.pk),
        "a1_practitioner": str(health_visitor.pk),
        "a2_name": "DC Smith",
        "reason": "Bruising; disclosure.",
        "decisions": "Joint visit.",
        "outcome": "section47",
        "lead_social_worker": str(front_door.pk),
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


class TestStrategyNew:
    def url(self, referral):  # type: ignore[no-untyped-def]
        return reverse("protection:strategy-new", args=[referral.child_id, referral.pk])

    def test_social_care_sees_the_form_with_rows_for_social_care_health_and_police(self, as_user, front_door, referral):
        response = as_user(front_door).get(self.url(referral))
        assert response.status_code == 200
        html = response.content.decode()
        assert "Record a strategy discussion" in html
        for label in ("Children&#x27;s social care", "Health", "Police", "Another person (1)"):
            assert f'<legend class="govuk-fieldset__legend govuk-fieldset__legend--s">{label}</legend>' in html
        assert re.search(rf'<option value="{front_door.pk}" selected>', html)  # the chair defaults to the user

    def test_others_are_refused_and_the_refusal_audited(self, as_user, entitled, other_agency, outsider, referral):
        assert_refused(as_user, self.url(referral), entitled=entitled, other_agency=other_agency, outsider=outsider)
        assert AuditEvent.objects.filter(actor=entitled, action=Action.DENIED).exists()
        assert not StrategyDiscussion.objects.exists()

    def test_posting_records_it_and_starts_the_enquiry(self, as_user, front_door, health_visitor, referral):
        response = as_user(front_door).post(self.url(referral), strategy_post(front_door, health_visitor))
        discussion = StrategyDiscussion.objects.get()
        assert response.status_code == 302
        assert response.url == reverse("protection:section47", args=[referral.child_id, discussion.section47.pk])
        names = list(discussion.attendees.values_list("name", "discipline"))
        assert names == [
            (front_door.display_name, "social_care"),
            (health_visitor.display_name, "health"),
            ("DC Smith", "police"),
        ]

    def test_without_police_and_no_reason_the_form_says_so_and_keeps_what_was_typed(
        self, as_user, front_door, health_visitor, referral
    ):
        response = as_user(front_door).post(
            self.url(referral), strategy_post(front_door, health_visitor, a2_name="", decisions="Joint visit typed.")
        )
        assert response.status_code == 200
        html = response.content.decode()
        assert "<title>Error: " in html
        assert "Police did not take part: enter why the strategy discussion went ahead without them" in html
        assert 'href="#id_missing_agencies_reason"' in html
        assert "Joint visit typed." in html
        assert not StrategyDiscussion.objects.exists()

    def test_only_social_workers_may_be_chosen_to_lead_the_enquiry(
        self, as_user, front_door, health_visitor, business_support, referral
    ):
        response = as_user(front_door).post(
            self.url(referral), strategy_post(front_door, health_visitor, lead_social_worker=str(business_support.pk))
        )
        html = response.content.decode()
        # Only social workers are offered; another choice is refused beside the question.
        assert "Select the social worker who will lead the section 47 enquiry" in html
        assert 'href="#id_lead_social_worker"' in html
        lead_select = html.split('name="lead_social_worker"')[1].split("</select>")[0]
        assert f'value="{front_door.pk}"' in lead_select
        assert f'value="{business_support.pk}"' not in lead_select
        assert not StrategyDiscussion.objects.exists()

    def test_a_half_filled_optional_row_asks_for_the_name(self, as_user, front_door, health_visitor, referral):
        response = as_user(front_door).post(
            self.url(referral), strategy_post(front_door, health_visitor, a3_discipline="education")
        )
        html = response.content.decode()
        assert "Enter the name of another person (1), or clear the row" in html
        assert '<details class="govuk-details" open>' in html


class TestStrategyPage:
    def url(self, discussion):  # type: ignore[no-untyped-def]
        return reverse("protection:strategy", args=[discussion.child_id, discussion.pk])

    def test_social_care_sees_who_took_part_and_a_warning_when_an_agency_was_absent(
        self, as_user, front_door, referral
    ):
        discussion = record_strategy(
            referral,
            front_door,
            attendees=[AttendeeInput(front_door, "", None, Discipline.SOCIAL_CARE), ("Dr Patel", "x")][:1]
            + [AttendeeInput(None, "Dr Patel", None, Discipline.HEALTH)],
            missing_agencies_reason="Police could not attend at short notice.",
        )
        html = as_user(front_door).get(self.url(discussion)).content.decode()
        assert "Police did not take part" in html
        assert "Why: Police could not attend at short notice." in html
        assert "Dr Patel" in html

    def test_the_school_reads_it_only_while_in_the_child_s_team(self, as_user, front_door, entitled, referral, enquiry):
        discussion = enquiry.strategy_discussion
        assert as_user(entitled).get(self.url(discussion)).status_code == 404
        plan = ProtectionPlan.objects.get(initial_conference=record_icpc(enquiry, front_door))
        core_group_member_add(
            plan=plan, practitioner=entitled, name="", agency=None, discipline="education", by=front_door
        )
        assert as_user(entitled).get(self.url(discussion)).status_code == 200

    def test_no_relationship_no_page(self, as_user, other_agency, outsider, enquiry):
        for person in (other_agency, outsider):
            assert as_user(person).get(self.url(enquiry.strategy_discussion)).status_code == 403


# --- Section 47 --------------------------------------------------------------------------------


class TestSection47Pages:
    def test_the_enquiry_page_shows_its_clocks_and_offers_completion(self, as_user, front_door, enquiry):
        html = (
            as_user(front_door)
            .get(reverse("protection:section47", args=[enquiry.child_id, enquiry.pk]))
            .content.decode()
        )
        assert "Due soon" in html  # 6 working days from 4 March: 12 March
        assert "Due by 12 March 2025" in html
        assert "Due by 25 March 2025" in html  # the ICPC
        assert reverse("protection:section47-complete", args=[enquiry.child_id, enquiry.pk]) in html
        assert reverse("protection:conference-new", args=[enquiry.child_id, enquiry.pk]) in html

    def test_completing_it_through_the_form(self, as_user, front_door, enquiry):
        url = reverse("protection:section47-complete", args=[enquiry.child_id, enquiry.pk])
        assert as_user(front_door).get(url).status_code == 200
        response = as_user(front_door).post(
            url, {**date_post("completed", dt.date(2025, 3, 6)), "findings": "Harm likely.", "outcome": "nfa"}
        )
        assert response.status_code == 302
        completion = Section47Completion.objects.get()
        html = as_user(front_door).get(response.url).content.decode()
        assert "Met" in html and "No further action" in html
        # No conference after no further action: the page does not offer one.
        assert reverse("protection:conference-new", args=[enquiry.child_id, enquiry.pk]) not in html
        redirect = as_user(front_door).get(
            reverse("protection:section47-completion", args=[enquiry.child_id, completion.pk])
        )
        assert redirect.url == reverse("protection:section47", args=[enquiry.child_id, enquiry.pk])

    def test_an_enquiry_ending_in_a_child_in_need_plan_offers_one(self, as_user, front_door, enquiry):
        section47_complete(
            enquiry=enquiry, completed_on=dt.date(2025, 3, 6), findings="x", outcome="cin_plan", by=front_door
        )
        html = (
            as_user(front_door)
            .get(reverse("protection:section47", args=[enquiry.child_id, enquiry.pk]))
            .content.decode()
        )
        referral_id = enquiry.strategy_discussion.referral_id
        assert reverse("assessments:cin-plan-start", args=[enquiry.child_id, referral_id]) in html
        # And the conference form is not offered: asking for it goes back to the enquiry.
        response = as_user(front_door).get(reverse("protection:conference-new", args=[enquiry.child_id, enquiry.pk]))
        assert response.url == reverse("protection:section47", args=[enquiry.child_id, enquiry.pk])

    def test_a_date_before_the_enquiry_is_shown_beside_the_date(self, as_user, front_door, enquiry):
        url = reverse("protection:section47-complete", args=[enquiry.child_id, enquiry.pk])
        html = (
            as_user(front_door)
            .post(url, {**date_post("completed", dt.date(2025, 3, 3)), "findings": "x", "outcome": "nfa"})
            .content.decode()
        )
        assert "must be on or after the date the enquiry started, 4 March 2025" in html
        assert 'href="#id_completed_day"' in html

    def test_a_non_social_worker_cannot_complete_it(self, as_user, business_support, enquiry):
        url = reverse("protection:section47-complete", args=[enquiry.child_id, enquiry.pk])
        assert as_user(business_support).get(url).status_code == 403

    def test_others_are_refused(self, as_user, entitled, other_agency, outsider, enquiry):
        url = reverse("protection:section47-complete", args=[enquiry.child_id, enquiry.pk])
        assert_refused(as_user, url, entitled=entitled, other_agency=other_agency, outsider=outsider)
        page = reverse("protection:section47", args=[enquiry.child_id, enquiry.pk])
        assert as_user(entitled).get(page).status_code == 404
        assert as_user(other_agency).get(page).status_code == 403
        assert as_user(outsider).get(page).status_code == 403
