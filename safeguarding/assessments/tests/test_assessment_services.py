"""The rules of the child and family assessment, each stated as the test's name."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from safeguarding.access.models import ChildTeamMembership, InvolvementBasis
from safeguarding.access.services import involvement_ensure
from safeguarding.assessments.models import Assessment, AssessmentAuthorisation, AssessmentCompletion, ChildSeen
from safeguarding.assessments.tests.conftest import DUE, REFERRAL_DATE
from safeguarding.assessments.tests.helpers import authorise, complete, completed, see, start
from safeguarding.audit.models import Action, AuditEvent
from safeguarding.concerns.models import ChronologyEntry
from safeguarding.core.errors import DomainError
from safeguarding.frontdoor.models import ReferralClosure
from safeguarding.people.models import Person, Relationship
from safeguarding.sharing.models import Letter, LetterKind
from tests.factories import ChildFactory, ReferralFactory, aware

pytestmark = pytest.mark.django_db


def errors_of(exc: pytest.ExceptionInfo) -> dict:
    return exc.value.message_dict


# --- Starting --------------------------------------------------------------------------------


def test_a_social_worker_starts_an_assessment_with_chronology_and_audit(referral, social_worker, child):
    assessment = start(referral, social_worker)
    assert assessment.child == child and assessment.lead_practitioner == social_worker
    entry = ChronologyEntry.objects.get(kind="assessment_started")
    assert entry.source_id == assessment.pk and entry.agency == social_worker.agency
    assert entry.occurred_at.date() == dt.date(2025, 4, 15)
    assert AuditEvent.objects.filter(action=Action.CREATE, object_type="assessments.assessment").exists()


def test_only_children_social_care_may_start_an_assessment(referral, entitled):
    with pytest.raises(PermissionDenied):
        start(referral, entitled)
    assert not Assessment.objects.exists()


def test_an_assessment_cannot_start_before_the_referral_or_in_the_future(referral, social_worker):
    with pytest.raises(ValidationError) as before:
        start(referral, social_worker, on=REFERRAL_DATE - dt.timedelta(days=1))
    assert "after the referral date, 14 April 2025" in errors_of(before)["started_on"][0]
    with pytest.raises(ValidationError) as future:
        start(referral, social_worker, on=dt.date(2025, 6, 26))
    assert errors_of(future)["started_on"] == ["The date the assessment started must be today or in the past"]


def test_a_closed_referral_cannot_be_assessed(referral, social_worker):
    ReferralClosure.objects.create(
        referral=referral, closed_on=dt.date(2025, 4, 20), reason="RC8", closed_by=social_worker
    )
    with pytest.raises(DomainError, match="closed on 20 April 2025"):
        start(referral, social_worker)


def test_a_second_assessment_waits_until_the_first_is_completed(referral, social_worker):
    first = start(referral, social_worker)
    with pytest.raises(DomainError, match="already in progress"):
        start(referral, social_worker)
    see(first, social_worker)
    complete(first, social_worker)
    assert start(referral, social_worker, on=dt.date(2025, 6, 17)).pk != first.pk


def test_a_lead_who_is_not_a_social_worker_needs_a_social_work_qualified_supervisor(
    referral, social_worker, family_worker, entitled
):
    with pytest.raises(ValidationError) as none:
        start(referral, social_worker, lead=family_worker)
    assert "Fran Lee is not a social worker" in errors_of(none)["supervisor"][0]
    with pytest.raises(ValidationError) as unqualified:
        start(referral, social_worker, lead=family_worker, supervisor=entitled)
    assert errors_of(unqualified)["supervisor"] == ["The supervisor must be a qualified social worker"]
    assessment = start(referral, social_worker, lead=family_worker, supervisor=social_worker)
    assert assessment.supervisor == social_worker


def test_a_social_worker_lead_may_have_a_supervisor_too(referral, social_worker, manager):
    assert start(referral, social_worker, supervisor=manager).supervisor == manager


def test_the_lead_cannot_supervise_themselves(referral, social_worker):
    with pytest.raises(ValidationError) as exc:
        start(referral, social_worker, supervisor=social_worker)
    assert "someone other than the lead" in errors_of(exc)["supervisor"][0]


def test_a_lead_from_outside_social_care_joins_the_childs_team(referral, social_worker, family_worker, child):
    start(referral, social_worker, lead=family_worker, supervisor=social_worker)
    membership = ChildTeamMembership.objects.get(child=child, practitioner=family_worker)
    assert membership.capacity == "assessment lead practitioner" and membership.ended_at is None
    # Social care covers the whole local authority already: no team row for the supervisor.
    assert not ChildTeamMembership.objects.filter(practitioner=social_worker).exists()


# --- The child seen --------------------------------------------------------------------------


def test_dates_the_child_was_seen_are_recorded_within_the_assessment(referral, social_worker):
    assessment = start(referral, social_worker)
    seen = see(assessment, social_worker, on=dt.date(2025, 4, 15))
    assert seen.seen_alone and ChildSeen.objects.count() == 1
    assert ChronologyEntry.objects.filter(kind="child_seen", source_id=assessment.pk).exists()
    assert AuditEvent.objects.filter(object_type="assessments.childseen", object_id=str(seen.pk)).exists()
    for bad in (dt.date(2025, 4, 14), dt.date(2025, 6, 26)):
        with pytest.raises(ValidationError):
            see(assessment, social_worker, on=bad)


def test_the_child_cannot_be_recorded_as_seen_after_the_assessment_was_completed(referral, social_worker):
    assessment = completed(referral, social_worker)
    with pytest.raises(ValidationError) as exc:
        see(assessment, social_worker, on=dt.date(2025, 6, 17))
    assert "on or before the day the assessment was completed, 16 June 2025" in errors_of(exc)["seen_on"][0]
    see(assessment, social_worker, on=dt.date(2025, 6, 10))  # a visit recorded late, but before completion


def test_only_social_care_or_the_lead_records_the_child_seen(referral, social_worker, family_worker, entitled):
    assessment = start(referral, social_worker, lead=family_worker, supervisor=social_worker)
    see(assessment, family_worker)
    with pytest.raises(PermissionDenied):
        see(assessment, entitled)


# --- Completing ------------------------------------------------------------------------------


def test_completing_within_45_working_days_counting_bank_holidays_needs_no_reason(referral, social_worker):
    assessment = start(referral, social_worker)
    see(assessment, social_worker)
    # 20 June is 45 working days after 14 April only because of four bank holidays.
    completion = complete(assessment, social_worker, on=DUE)
    assert completion.late_reason == ""
    assert "after the 45 working days" not in ChronologyEntry.objects.get(kind="assessment_completed").summary


def test_completing_after_45_working_days_needs_a_reason(referral, social_worker):
    assessment = start(referral, social_worker)
    see(assessment, social_worker)
    with pytest.raises(ValidationError) as exc:
        complete(assessment, social_worker, on=DUE + dt.timedelta(days=3))
    assert errors_of(exc)["late_reason"] == ["Enter why the assessment was completed late"]
    completion = complete(assessment, social_worker, on=DUE + dt.timedelta(days=3), late_reason="Father unavailable")
    assert completion.late_reason == "Father unavailable"
    assert "after the 45 working days" in ChronologyEntry.objects.get(kind="assessment_completed").summary


def test_a_reason_given_for_an_assessment_in_time_is_not_kept(referral, social_worker):
    assessment = start(referral, social_worker)
    see(assessment, social_worker)
    assert complete(assessment, social_worker, late_reason="Not late").late_reason == ""


def test_an_assessment_is_completed_once(referral, social_worker):
    assessment = completed(referral, social_worker)
    with pytest.raises(DomainError, match="completed on 16 June 2025"):
        complete(assessment, social_worker)
    assert AssessmentCompletion.objects.count() == 1


def test_completion_dates_run_from_the_start_to_today(referral, social_worker):
    assessment = start(referral, social_worker, on=dt.date(2025, 4, 22))
    see(assessment, social_worker, on=dt.date(2025, 4, 22))
    for bad, message in (
        (dt.date(2025, 4, 21), "after the date it started, 22 April 2025"),
        (dt.date(2025, 6, 26), "must be today or in the past"),
    ):
        with pytest.raises(ValidationError) as exc:
            complete(assessment, social_worker, on=bad)
        assert message in errors_of(exc)["completed_on"][0]


@pytest.mark.parametrize(
    ("factors", "outcome", "message"),
    [
        ([], "cin_plan", "Select the factors identified at the end of the assessment"),
        (["99Z"], "cin_plan", "Select factors from the list"),
        (["18A"], "cin_plan", "Select factors from the list"),  # replaced by 18B and 18C
        (["21", "3B"], "nfa", "'No factors identified' cannot be selected with other factors"),
        (["21"], "cin_plan", "only be used when social care is taking no further action"),
    ],
)
def test_factors_are_census_codes_and_no_factors_stands_alone(referral, social_worker, factors, outcome, message):
    assessment = start(referral, social_worker)
    see(assessment, social_worker)
    with pytest.raises(ValidationError) as exc:
        complete(assessment, social_worker, factors=factors, outcome=outcome)
    assert message in errors_of(exc)["factors"][0]


def test_no_factors_identified_with_no_further_action_is_accepted(referral, social_worker):
    assessment = start(referral, social_worker)
    see(assessment, social_worker)
    assert complete(assessment, social_worker, factors=["21"], outcome="nfa").factors == ["21"]


def test_factors_are_kept_once_in_census_order(referral, social_worker):
    assessment = start(referral, social_worker)
    see(assessment, social_worker)
    assert complete(assessment, social_worker, factors=["24A", "3B", "10A", "3B"]).factors == ["3B", "10A", "24A"]


def test_the_child_must_have_been_seen_before_the_assessment_is_completed(referral, social_worker):
    assessment = start(referral, social_worker)
    with pytest.raises(ValidationError, match="Record a date the child was seen"):
        complete(assessment, social_worker)
    see(assessment, social_worker, on=dt.date(2025, 6, 18))
    with pytest.raises(ValidationError, match="Record a date the child was seen"):
        complete(assessment, social_worker, on=dt.date(2025, 6, 16))  # seen only after that day


def test_an_unborn_child_cannot_be_seen_and_need_not_be(social_worker):
    unborn = ChildFactory(date_of_birth=None, expected_date_of_birth=dt.date(2025, 8, 1))
    referral = ReferralFactory(
        contact__child=unborn, contact__received_at=aware(2025, 4, 14, 10), referral_date=dt.date(2025, 4, 14)
    )
    assessment = start(referral, social_worker)
    assert complete(assessment, social_worker).assessment == assessment


def test_continuing_a_protection_plan_needs_a_protection_plan(referral, social_worker):
    assessment = start(referral, social_worker)
    see(assessment, social_worker)
    with pytest.raises(ValidationError) as exc:
        complete(assessment, social_worker, outcome="continue_cp_plan")
    assert "not on a child protection plan" in errors_of(exc)["outcome"][0]


def test_only_the_lead_or_a_social_worker_of_social_care_completes(
    referral, social_worker, family_worker, entitled, other_social_worker
):
    assessment = start(referral, social_worker, lead=family_worker, supervisor=social_worker)
    see(assessment, family_worker)
    with pytest.raises(PermissionDenied):
        complete(assessment, entitled)
    assert complete(assessment, other_social_worker).completed_by == other_social_worker


def test_completion_writes_letters_to_the_family_and_each_agency_involved(
    referral, social_worker, child, gp, social_care, school
):
    mother = Person.objects.create(first_name="Sarah", last_name="Jones")
    father = Person.objects.create(first_name="Mark", last_name="Jones")
    grandmother = Person.objects.create(first_name="Ann", last_name="Jones")
    Relationship.objects.create(child=child, person=mother, relationship="mother", parental_responsibility=True)
    Relationship.objects.create(child=child, person=father, relationship="father", parental_responsibility=True)
    # Parental responsibility but lives elsewhere; lives there but no parental responsibility.
    Relationship.objects.create(
        child=child, person=grandmother, relationship="grandparent", parental_responsibility=False
    )
    away = Person.objects.create(first_name="Away", last_name="Parent")
    Relationship.objects.create(
        child=child, person=away, relationship="father", parental_responsibility=True, lives_with_child=False
    )
    involvement_ensure(child=child, agency=gp, basis=InvolvementBasis.REGISTERED)
    involvement_ensure(child=child, agency=social_care, basis=InvolvementBasis.RECORDED)
    assessment = completed(referral, social_worker, outcome="cin_plan")

    family = Letter.objects.get(kind=LetterKind.ASSESSMENT_OUTCOME_FAMILY)
    assert family.recipient_name == "Sarah Jones and Mark Jones"
    assert family.body.startswith("Dear Sarah Jones and Mark Jones,")
    assert "We have decided that Amelia Jones is a child in need" in family.body
    assert "child in need plan" in family.body
    assert "domestic abuse" not in family.body  # the analysis is not sent
    assert "&#x27;" not in family.body  # plain text, not HTML-escaped
    agencies = Letter.objects.filter(kind=LetterKind.ASSESSMENT_OUTCOME_AGENCY)
    assert {letter.recipient_agency for letter in agencies} == {school, gp}  # not social care itself
    assert all(letter.source_id == assessment.completion.pk for letter in Letter.objects.all())
    assert AuditEvent.objects.filter(action=Action.EXPORT, object_type="sharing.letter").count() == 3


def test_with_no_parents_recorded_the_family_letter_goes_to_the_parents_or_carers(referral, social_worker):
    completed(referral, social_worker, outcome="early_help")
    family = Letter.objects.get(kind=LetterKind.ASSESSMENT_OUTCOME_FAMILY)
    assert family.recipient_name == "The parents or carers of Amelia Jones"
    assert family.body.startswith("Dear parent or carer,")
    assert "early help worker will contact you" in family.body


def test_an_agency_no_longer_involved_is_not_written_to(referral, social_worker, child, gp):
    involvement = involvement_ensure(child=child, agency=gp, basis=InvolvementBasis.REGISTERED)
    involvement.ended_on = dt.date(2025, 5, 1)
    involvement.save(update_fields=["ended_on"])
    completed(referral, social_worker, outcome="nfa", factors=["21"])
    assert not Letter.objects.filter(recipient_agency=gp).exists()


# --- Authorising -----------------------------------------------------------------------------


def test_the_named_supervisor_authorises_once_after_completion(referral, social_worker, family_worker, manager):
    assessment = start(referral, social_worker, lead=family_worker, supervisor=manager)
    see(assessment, family_worker)
    with pytest.raises(DomainError, match="before it is completed"):
        authorise(assessment, manager)
    complete(assessment, family_worker)
    authorisation = authorise(assessment, manager)
    assert authorisation.authorised_by == manager
    assert ChronologyEntry.objects.filter(kind="assessment_authorised", source_id=assessment.pk).exists()
    assert AuditEvent.objects.filter(object_type="assessments.assessmentauthorisation").exists()
    with pytest.raises(DomainError, match="authorised on 25 June 2025"):
        authorise(assessment, manager)


def test_the_lead_practitioner_never_authorises_their_own_assessment(referral, manager):
    assessment = completed(referral, manager)  # a manager who led the assessment
    with pytest.raises(PermissionDenied, match="cannot authorise their own"):
        authorise(assessment, manager)
    assert not AssessmentAuthorisation.objects.exists()


def test_a_social_work_manager_may_authorise_without_being_named(referral, social_worker, manager, other_social_worker):
    assessment = completed(referral, social_worker)
    with pytest.raises(PermissionDenied):
        authorise(assessment, other_social_worker)  # a social worker, but not a manager nor the supervisor
    assert authorise(assessment, manager).authorised_by == manager
