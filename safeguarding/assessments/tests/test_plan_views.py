"""The child in need plan pages with the three personas, the plan's lead and social care."""

import datetime as dt

import pytest
from django.urls import reverse

from safeguarding.assessments.models import CINPlan, CINPlanEnd, CINPlanReview
from safeguarding.assessments.services import cin_plan_review, cin_plan_start
from safeguarding.assessments.tests.helpers import completed

pytestmark = pytest.mark.django_db


def date_post(prefix: str, d: dt.date) -> dict:
    return {f"{prefix}_day": str(d.day), f"{prefix}_month": str(d.month), f"{prefix}_year": str(d.year)}


@pytest.fixture
def plan(referral, social_worker, family_worker):
    return cin_plan_start(
        referral=referral,
        started_on=dt.date(2025, 4, 20),
        lead_practitioner=family_worker,
        plan="Weekly family support.",
        by=social_worker,
    )


def url(name, plan):
    return reverse(f"assessments:{name}", args=[plan.child_id, plan.pk])


@pytest.mark.parametrize("name", ["cin-plan", "cin-plan-review", "cin-plan-end"])
def test_other_agencies_and_outsiders_get_no_plan_page(name, plan, entitled, other_agency, outsider, as_user):
    for user in (entitled, other_agency, outsider):
        assert as_user(user).get(url(name, plan)).status_code == 403


def test_the_start_page_is_for_social_care(referral, entitled, other_agency, outsider, social_worker, as_user):
    page = reverse("assessments:cin-plan-start", args=[referral.child_id, referral.pk])
    for user in (entitled, other_agency, outsider):
        assert as_user(user).get(page).status_code == 403
    assert as_user(social_worker).get(page).status_code == 200


def test_a_plan_is_started_from_the_assessment_and_must_not_start_before_it_was_completed(
    referral, social_worker, as_user
):
    assessment = completed(referral, social_worker)  # completed 16 June 2025
    page = reverse("assessments:cin-plan-start", args=[referral.child_id, referral.pk]) + f"?assessment={assessment.pk}"
    client = as_user(social_worker)
    data = {"assessment": assessment.pk, "lead_practitioner": social_worker.pk, "plan": "Support"}
    response = client.post(page, {**data, **date_post("started", dt.date(2025, 6, 10))})
    assert "after the date the assessment was completed, 16 June 2025" in response.content.decode()
    response = client.post(page, {**data, **date_post("started", dt.date(2025, 6, 17))})
    plan = CINPlan.objects.get()
    assert response.status_code == 302 and response.url == url("cin-plan", plan)


def test_the_plan_page_shows_the_review_clock_and_each_review(plan, social_worker, family_worker, as_user):
    html = as_user(family_worker).get(url("cin-plan", plan)).content.decode()
    # 3 months from 20 April: due 20 July.
    assert 'govuk-tag--blue">In time' in html and "Due by 20 July 2025" in html
    cin_plan_review(plan=plan, held_on=dt.date(2025, 6, 1), summary="Going well", by=social_worker)
    html = as_user(family_worker).get(url("cin-plan", plan)).content.decode()
    assert "Going well" in html and 'govuk-tag--green">Held in time' in html
    assert "Due by 1 September 2025" in html


def test_the_plan_lead_records_a_review_on_the_page(plan, family_worker, as_user):
    client = as_user(family_worker)
    response = client.post(url("cin-plan-review", plan), {**date_post("held", dt.date(2025, 4, 19)), "summary": "x"})
    assert "after the date the plan started, 20 April 2025" in response.content.decode()
    response = client.post(url("cin-plan-review", plan), {**date_post("held", dt.date(2025, 5, 19)), "summary": "x"})
    assert response.status_code == 302 and CINPlanReview.objects.count() == 1


def test_ending_a_plan_asks_for_confirmation_then_ends_it(plan, social_worker, as_user):
    client = as_user(social_worker)
    html = client.get(url("cin-plan-end", plan)).content.decode()
    assert "Are you sure you want to end the child in need plan?" in html and "Yes, end the plan" in html
    response = client.post(url("cin-plan-end", plan), {**date_post("ended", dt.date(2025, 6, 1)), "reason": ""})
    assert "Enter why the plan is ending" in response.content.decode()
    response = client.post(
        url("cin-plan-end", plan), {**date_post("ended", dt.date(2025, 6, 1)), "reason": "Needs met"}
    )
    assert response.status_code == 302 and CINPlanEnd.objects.get().reason == "Needs met"
    html = client.get(url("cin-plan", plan)).content.decode()
    assert "Ended" in html and "Record a review" not in html
    # An ended plan takes no review: back to the plan.
    assert client.get(url("cin-plan-review", plan)).status_code == 302
