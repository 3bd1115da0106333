"""The rules of child in need plans: start, reviews in order, one end."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from safeguarding.access.models import ChildTeamMembership
from safeguarding.assessments.models import CINPlan, CINPlanReview
from safeguarding.assessments.services import cin_plan_end, cin_plan_review, cin_plan_start
from safeguarding.assessments.tests.helpers import completed, start
from safeguarding.audit.models import AuditEvent
from safeguarding.concerns.models import ChronologyEntry
from safeguarding.core.errors import DomainError
from safeguarding.frontdoor.models import ReferralClosure
from tests.factories import ReferralFactory, aware

pytestmark = pytest.mark.django_db


def new_plan(referral, by, *, lead=None, on=dt.date(2025, 4, 20), assessment=None):
    return cin_plan_start(
        referral=referral,
        started_on=on,
        lead_practitioner=lead or by,
        plan="Family support twice a week; school to monitor attendance.",
        by=by,
        assessment=assessment,
    )


def review(plan, by, on, summary="Progress made"):
    return cin_plan_review(plan=plan, held_on=on, summary=summary, by=by)


def test_a_plan_starts_on_an_open_referral_with_chronology_and_audit(referral, social_worker):
    plan = new_plan(referral, social_worker)
    entry = ChronologyEntry.objects.get(kind="cin_plan_started")
    assert entry.source_id == plan.pk and entry.source_type == "assessments.cinplan"
    assert AuditEvent.objects.filter(object_type="assessments.cinplan", object_id=str(plan.pk)).exists()


def test_only_children_social_care_starts_a_plan(referral, entitled):
    with pytest.raises(PermissionDenied):
        new_plan(referral, entitled)


def test_a_plan_cannot_start_before_the_referral_nor_in_the_future(referral, social_worker):
    with pytest.raises(ValidationError) as before:
        new_plan(referral, social_worker, on=dt.date(2025, 4, 13))
    assert "after the referral date, 14 April 2025" in before.value.message_dict["started_on"][0]
    with pytest.raises(ValidationError):
        new_plan(referral, social_worker, on=dt.date(2025, 6, 26))


def test_a_plan_after_an_assessment_starts_on_or_after_its_completion(referral, social_worker):
    assessment = completed(referral, social_worker)  # completed 16 June 2025
    with pytest.raises(ValidationError) as exc:
        new_plan(referral, social_worker, on=dt.date(2025, 6, 15), assessment=assessment)
    assert "after the date the assessment was completed, 16 June 2025" in exc.value.message_dict["started_on"][0]
    assert new_plan(referral, social_worker, on=dt.date(2025, 6, 16), assessment=assessment)


def test_a_plan_cannot_follow_an_assessment_not_yet_completed_or_of_another_referral(referral, social_worker, child):
    assessment = start(referral, social_worker)
    with pytest.raises(DomainError, match="not been completed"):
        new_plan(referral, social_worker, assessment=assessment)
    other = ReferralFactory(
        contact__child=child, contact__received_at=aware(2025, 5, 1, 9), referral_date=dt.date(2025, 5, 1)
    )
    with pytest.raises(DomainError, match="another referral"):
        new_plan(other, social_worker, on=dt.date(2025, 5, 2), assessment=assessment)


def test_one_open_plan_per_referral(referral, social_worker):
    plan = new_plan(referral, social_worker)
    with pytest.raises(DomainError, match="already has a child in need plan"):
        new_plan(referral, social_worker)
    cin_plan_end(plan=plan, ended_on=dt.date(2025, 5, 1), reason="Needs met", by=social_worker)
    assert new_plan(referral, social_worker, on=dt.date(2025, 5, 2))


def test_a_closed_referral_takes_no_plan(referral, social_worker):
    ReferralClosure.objects.create(
        referral=referral, closed_on=dt.date(2025, 4, 30), reason="RC8", closed_by=social_worker
    )
    with pytest.raises(DomainError, match="closed"):
        new_plan(referral, social_worker)


def test_reviews_follow_the_start_and_each_other_and_are_not_in_the_future(referral, social_worker):
    plan = new_plan(referral, social_worker)
    with pytest.raises(ValidationError) as early:
        review(plan, social_worker, dt.date(2025, 4, 19))
    assert "after the date the plan started, 20 April 2025" in early.value.message_dict["held_on"][0]
    review(plan, social_worker, dt.date(2025, 5, 20))
    with pytest.raises(ValidationError) as same:
        review(plan, social_worker, dt.date(2025, 5, 20))
    assert same.value.message_dict["held_on"] == [
        "The date of the review must be after the last review, held on 20 May 2025"
    ]
    with pytest.raises(ValidationError):
        review(plan, social_worker, dt.date(2025, 6, 26))
    review(plan, social_worker, dt.date(2025, 6, 20))
    assert CINPlanReview.objects.filter(plan=plan).count() == 2
    assert ChronologyEntry.objects.filter(kind="cin_plan_review", source_id=plan.pk).count() == 2


def test_a_review_later_than_three_months_after_the_last_says_so(child, social_worker):
    referral = ReferralFactory(
        contact__child=child, contact__received_at=aware(2025, 1, 6, 9), referral_date=dt.date(2025, 1, 6)
    )
    plan = new_plan(referral, social_worker, on=dt.date(2025, 1, 6))
    review(plan, social_worker, dt.date(2025, 4, 6))  # 3 months to the day: in time
    review(plan, social_worker, dt.date(2025, 7, 7) - dt.timedelta(days=13))  # 24 June: in time
    assert not ChronologyEntry.objects.filter(kind="cin_plan_review", summary__contains="later than").exists()
    late_plan = new_plan(
        ReferralFactory(
            contact__child=child, contact__received_at=aware(2025, 1, 6, 9), referral_date=dt.date(2025, 1, 6)
        ),
        social_worker,
        on=dt.date(2025, 1, 6),
    )
    review(late_plan, social_worker, dt.date(2025, 4, 7))  # a day past 3 months
    assert ChronologyEntry.objects.get(kind="cin_plan_review", source_id=late_plan.pk).summary == (
        "Child in need plan reviewed (later than the review interval)."
    )


def test_the_plan_lead_or_social_care_reviews_others_do_not(referral, social_worker, family_worker, entitled):
    plan = new_plan(referral, social_worker, lead=family_worker)
    review(plan, family_worker, dt.date(2025, 5, 1))
    with pytest.raises(PermissionDenied):
        review(plan, entitled, dt.date(2025, 5, 2))


def test_a_plan_ends_once_on_or_after_its_last_review(referral, social_worker, family_worker, child):
    plan = new_plan(referral, social_worker, lead=family_worker)
    assert ChildTeamMembership.objects.get(practitioner=family_worker).ended_at is None
    review(plan, social_worker, dt.date(2025, 5, 20))
    with pytest.raises(ValidationError) as exc:
        cin_plan_end(plan=plan, ended_on=dt.date(2025, 5, 19), reason="Needs met", by=social_worker)
    assert "after the last review, 20 May 2025" in exc.value.message_dict["ended_on"][0]
    with pytest.raises(ValidationError) as blank:
        cin_plan_end(plan=plan, ended_on=dt.date(2025, 5, 20), reason=" ", by=social_worker)
    assert blank.value.message_dict["reason"] == ["Enter why the plan is ending"]
    end = cin_plan_end(plan=plan, ended_on=dt.date(2025, 5, 20), reason="Needs met", by=social_worker)
    assert end.plan == plan
    assert ChronologyEntry.objects.filter(kind="cin_plan_ended", source_id=plan.pk).exists()
    assert AuditEvent.objects.filter(object_type="assessments.cinplanend").exists()
    # The plan's lead leaves the child's team in that capacity.
    assert ChildTeamMembership.objects.get(practitioner=family_worker).ended_at is not None
    with pytest.raises(DomainError, match="ended on 20 May 2025"):
        cin_plan_end(plan=plan, ended_on=dt.date(2025, 5, 21), reason="Again", by=social_worker)
    with pytest.raises(DomainError, match="ended on 20 May 2025"):
        review(plan, social_worker, dt.date(2025, 5, 22))
    assert CINPlan.objects.count() == 1
