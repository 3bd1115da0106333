"""The child protection pages, each with the three personas: the person entitled (children's
social care to record; the child's team or social care to read), a practitioner of another
agency with no relationship (the GP), and an outsider of no agency. The school DSL is
involved with the child but records none of these steps, and reads them only while in the
child's team."""

import datetime as dt

import pytest
from django.urls import reverse

from safeguarding.protection.models import (
    Conference,
    PlanEnd,
    ProtectionPlan,
)
from safeguarding.protection.services import (
    section47_complete,
)
from safeguarding.protection.tests.conftest import record_icpc
from safeguarding.protection.tests.page_helpers import assert_refused, date_post
from safeguarding.sharing.models import Letter

pytestmark = pytest.mark.django_db


# --- Conferences ------------------------------------------------------------------------------


def conference_post(front_door, health_visitor, **overrides):  # type: ignore[no-untyped-def]
    data = {
        **date_post("held", dt.date(2025, 3, 7)),
        "chair": str(front_door.pk),
        "i0_practitioner": str(front_door.pk),
        "i0_attended": "on",
        "i1_practitioner": str(health_visitor.pk),
        "i1_attended": "on",
        "i1_report_provided": "on",
        "i1_report_summary": "Bruises dated.",
        "i2_name": "DC Smith",
        "i4_name": "Jo Parent",
        "i4_discipline": "family",
        "childs_views": "Wants to feel safe.",
        "summary": "Likely significant harm.",
        "decision": "plan",
        "category": "NEG",
        "lead_social_worker": str(front_door.pk),
        "outline": "Weekly visits.",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


class TestConferencePages:
    def test_recording_the_icpc_makes_the_plan_and_the_conference_page_shows_it(
        self, as_user, front_door, health_visitor, enquiry
    ):
        url = reverse("protection:conference-new", args=[enquiry.child_id, enquiry.pk])
        assert as_user(front_door).get(url).status_code == 200
        response = as_user(front_door).post(url, conference_post(front_door, health_visitor))
        plan = ProtectionPlan.objects.get()
        assert response.url == reverse("protection:plan", args=[plan.child_id, plan.pk])
        conference = Conference.objects.get()
        invitees = list(conference.invitees.values_list("name", "attended", "report_provided"))
        assert invitees == [
            (front_door.display_name, True, False),
            (health_visitor.display_name, True, True),
            ("DC Smith", False, False),
            ("Jo Parent", False, False),
        ]
        html = (
            as_user(health_visitor)
            .get(reverse("protection:conference", args=[plan.child_id, conference.pk]))
            .content.decode()
        )
        assert "Wants to feel safe." in html
        assert "Bruises dated." in html
        assert "Neglect (NEG)" in html
        assert "4 invited, 2 attended, 1 report received." in html
        assert "Met" in html

    def test_a_plan_without_a_category_is_refused_on_the_form(self, as_user, front_door, health_visitor, enquiry):
        url = reverse("protection:conference-new", args=[enquiry.child_id, enquiry.pk])
        html = (
            as_user(front_door).post(url, conference_post(front_door, health_visitor, category=None)).content.decode()
        )
        assert "Select the category of abuse or neglect" in html
        assert not Conference.objects.exists()

    def test_after_an_enquiry_ended_nfa_the_form_says_why_not(self, as_user, front_door, health_visitor, enquiry):
        section47_complete(
            enquiry=enquiry, completed_on=dt.date(2025, 3, 6), findings="x", outcome="nfa", by=front_door
        )
        url = reverse("protection:conference-new", args=[enquiry.child_id, enquiry.pk])
        html = as_user(front_door).post(url, conference_post(front_door, health_visitor)).content.decode()
        assert "This enquiry ended with no further action; an initial conference needs a section 47 enquiry" in html

    def test_others_are_refused(self, as_user, entitled, other_agency, outsider, enquiry, front_door):
        url = reverse("protection:conference-new", args=[enquiry.child_id, enquiry.pk])
        assert_refused(as_user, url, entitled=entitled, other_agency=other_agency, outsider=outsider)
        conference = record_icpc(enquiry, front_door)
        page = reverse("protection:conference", args=[enquiry.child_id, conference.pk])
        assert as_user(entitled).get(page).status_code == 404
        assert as_user(other_agency).get(page).status_code == 403
        assert as_user(outsider).get(page).status_code == 403

    def test_a_review_that_ends_the_plan(
        self, as_user, front_door, health_visitor, plan, entitled, other_agency, outsider
    ):
        url = reverse("protection:review-new", args=[plan.child_id, plan.pk])
        assert as_user(front_door).get(url).status_code == 200
        assert_refused(as_user, url, entitled=entitled, other_agency=other_agency, outsider=outsider)
        response = as_user(front_door).post(
            url,
            conference_post(
                front_door, health_visitor, decision="end", category=None, **date_post("held", dt.date(2025, 3, 9))
            ),
        )
        assert response.status_code == 302
        assert PlanEnd.objects.get(plan=plan).reason == "no_longer_at_risk"
        assert Letter.objects.filter(kind="plan_end_notice").count() == 2

    def test_a_review_before_the_plan_is_refused_on_the_form(self, as_user, front_door, health_visitor, plan):
        url = reverse("protection:review-new", args=[plan.child_id, plan.pk])
        html = (
            as_user(front_door)
            .post(
                url,
                conference_post(
                    front_door, health_visitor, decision="continue", **date_post("held", dt.date(2025, 3, 6))
                ),
            )
            .content.decode()
        )
        assert "The date of the review conference must be after the initial conference, 7 March 2025" in html
        assert 'href="#id_held_day"' in html
