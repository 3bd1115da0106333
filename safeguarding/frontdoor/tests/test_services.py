"""The front door's rules, in plain words: checks, the decision, re-referrals, the feedback
letter, and closing the CIN episode."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from safeguarding.audit.models import Action, AuditEvent
from safeguarding.concerns.models import ChronologyEntry
from safeguarding.core.errors import DomainError
from safeguarding.frontdoor.models import AgencyCheckReturn, ContactDecision, Referral, ReferralClosure
from safeguarding.frontdoor.services import (
    check_request,
    check_return,
    contact_decide,
    contact_record,
    referral_close,
    referral_open,
)
from safeguarding.frontdoor.tests import steps
from safeguarding.frontdoor.tests.conftest import at, contact_input, frozen, refer
from safeguarding.people.models import ChildStatus, StatusPeriod
from safeguarding.protection.models import Section47Completion
from safeguarding.sharing.models import Letter, LetterKind
from tests.factories import ReferralFactory

pytestmark = pytest.mark.django_db

D = dt.date


def decide(contact, by, decision="assessment", **kw):  # type: ignore[no-untyped-def]
    return contact_decide(contact=contact, decision=decision, reason=kw.pop("reason", "Needs assessing."), by=by, **kw)


# --- Contacts ---------------------------------------------------------------------------


class TestContactRecord:
    def test_the_referral_source_follows_from_the_referrers_agency(self, child, entitled, other_agency):
        assert refer(child, entitled).source == "2A"  # school
        assert refer(child, other_agency).source == "3A"  # GP

    def test_a_contact_from_the_public_needs_the_callers_name_unless_anonymous(self, child, decider):
        with pytest.raises(ValidationError) as exc:
            contact_record(child=child, data=contact_input(public_source="1B"), by=decider, from_public=True)
        assert "referrer_name" in exc.value.message_dict
        contact = contact_record(child=child, data=contact_input(public_source="9"), by=decider, from_public=True)
        assert contact.referrer is None and contact.source == "9"


# --- Agency checks ----------------------------------------------------------------------


class TestChecks:
    def test_the_front_door_asks_an_agency_and_the_request_is_audited(self, child, entitled, decider, gp):
        contact = refer(child, entitled)
        check = check_request(contact=contact, agency=gp, question="Is the child registered? Any injuries?", by=decider)
        assert check.agency == gp
        assert AuditEvent.objects.filter(action=Action.CREATE, object_id=str(check.pk), actor=decider).exists()

    def test_only_the_front_door_asks_for_checks(self, child, entitled, front_door, gp):
        contact = refer(child, entitled)
        with pytest.raises(DomainError, match="Only the front door"):
            check_request(contact=contact, agency=gp, question="Anything?", by=front_door)

    def test_checks_are_asked_before_the_decision_not_after(self, child, entitled, decider, gp):
        contact = refer(child, entitled)
        decide(contact, decider, "nfa")
        with pytest.raises(DomainError, match="checks are asked before the decision"):
            check_request(contact=contact, agency=gp, question="Anything?", by=decider)

    def test_the_front_door_does_not_ask_its_own_agency_and_must_ask_something(self, child, entitled, decider, gp):
        contact = refer(child, entitled)
        with pytest.raises(ValidationError) as exc:
            check_request(contact=contact, agency=decider.agency, question="Anything?", by=decider)
        assert "agency" in exc.value.message_dict
        with pytest.raises(ValidationError) as exc:
            check_request(contact=contact, agency=gp, question="  ", by=decider)
        assert "question" in exc.value.message_dict

    def test_the_asked_agency_answers_once(self, child, entitled, decider, gp, other_agency):
        check = check_request(contact=refer(child, entitled), agency=gp, question="Anything?", by=decider)
        returned = check_return(check=check, information="Seen in January with a chest infection.", by=other_agency)
        assert returned.returned_by == other_agency
        with pytest.raises(DomainError, match="already been answered"):
            check_return(check=check, information="More.", by=other_agency)
        assert AgencyCheckReturn.objects.count() == 1

    def test_no_one_else_answers_a_check(self, child, entitled, decider, gp):
        check = check_request(contact=refer(child, entitled), agency=gp, question="Anything?", by=decider)
        with pytest.raises(DomainError, match="Only the agency that was asked"):
            check_return(check=check, information="We know things.", by=entitled)

    def test_an_answer_says_something(self, child, entitled, decider, gp, other_agency):
        check = check_request(contact=refer(child, entitled), agency=gp, question="Anything?", by=decider)
        with pytest.raises(ValidationError) as exc:
            check_return(check=check, information=" ", by=other_agency)
        assert "information" in exc.value.message_dict


# --- The decision -----------------------------------------------------------------------


class TestDecision:
    def test_no_further_action_opens_no_referral_and_is_recorded_in_the_chronology(self, child, entitled, decider):
        contact = refer(child, entitled)
        decision = decide(contact, decider, "nfa", reason="Family already supported by school.")
        assert not Referral.objects.exists()
        entry = ChronologyEntry.objects.get(kind="contact_decision")
        assert entry.source_id == decision.pk and "No further action" in entry.summary
        assert "already supported" not in entry.summary  # the reasons stay on the decision
        assert AuditEvent.objects.filter(action=Action.CREATE, object_id=str(decision.pk)).exists()

    def test_an_assessment_opens_a_referral_dated_the_local_day_the_contact_was_received(
        self, child, entitled, decider
    ):
        # 00:30 on 1 April in London is still 31 March in UTC: the referral date is 1 April.
        contact = refer(child, entitled, when=at(2025, 4, 1, 0, 30))
        with frozen(2025, 4, 1, 11):
            decide(contact, decider, "assessment")
        referral = Referral.objects.get(contact=contact)
        assert referral.referral_date == D(2025, 4, 1)
        assert referral.source == "2A"
        status = StatusPeriod.objects.get(child=child, status=ChildStatus.CHILD_IN_NEED)
        assert status.started_on == D(2025, 4, 1) and status.ended_on is None
        assert referral_open(referral)

    @pytest.mark.parametrize("decision", ["strategy_discussion", "immediate_protection"])
    def test_a_strategy_discussion_or_immediate_protection_also_opens_a_referral(
        self, child, entitled, decider, decision
    ):
        contact = refer(child, entitled)
        kw = {"immediate_protection": "police_protection", "immediate_protection_on": timezone.localdate()}
        decide(contact, decider, decision, **(kw if decision == "immediate_protection" else {}))
        assert Referral.objects.filter(contact=contact).exists()

    def test_a_contact_is_decided_once(self, child, entitled, decider):
        contact = refer(child, entitled)
        decide(contact, decider, "nfa")
        with pytest.raises(DomainError, match="already been decided"):
            decide(contact, decider, "assessment")
        assert ContactDecision.objects.count() == 1 and not Referral.objects.exists()

    def test_only_the_front_door_decides(self, child, entitled, front_door):
        with pytest.raises(DomainError, match="Only the front door"):
            decide(refer(child, entitled), front_door, "nfa")
        with pytest.raises(DomainError):
            decide(refer(child, entitled), entitled, "nfa")

    def test_a_decision_needs_a_known_choice_and_its_reasons(self, child, entitled, decider):
        with pytest.raises(ValidationError) as exc:
            contact_decide(contact=refer(child, entitled), decision="maybe", reason=" ", by=decider)
        assert set(exc.value.message_dict) == {"decision", "reason"}

    def test_immediate_protection_needs_how_and_when(self, child, entitled, decider):
        contact = refer(child, entitled)
        with pytest.raises(ValidationError) as exc:
            decide(contact, decider, "immediate_protection")
        assert set(exc.value.message_dict) == {"immediate_protection", "immediate_protection_on"}

    def test_immediate_protection_is_dated_between_the_contact_and_today(self, child, entitled, decider):
        contact = refer(child, entitled, when=at(2025, 3, 3))
        with frozen(2025, 3, 4):
            for day, message in ((D(2025, 3, 5), "today or in the past"), (D(2025, 3, 2), "on or after")):
                with pytest.raises(ValidationError) as exc:
                    decide(
                        contact,
                        decider,
                        "immediate_protection",
                        immediate_protection="epo",
                        immediate_protection_on=day,
                    )
                assert message in exc.value.message_dict["immediate_protection_on"][0]
            decision = decide(
                contact,
                decider,
                "immediate_protection",
                immediate_protection="epo",
                immediate_protection_on=D(2025, 3, 3),
            )
        assert decision.immediate_protection == "epo" and decision.immediate_protection_on == D(2025, 3, 3)

    def test_protection_details_given_with_another_decision_are_not_kept(self, child, entitled, decider):
        decision = decide(
            refer(child, entitled),
            decider,
            "nfa",
            immediate_protection="epo",
            immediate_protection_on=timezone.localdate(),
        )
        assert decision.immediate_protection == "" and decision.immediate_protection_on is None

    def test_a_referral_within_12_months_of_an_earlier_one_is_a_re_referral(self, child, entitled, decider):
        first = refer(child, entitled, when=at(2024, 6, 10))
        with frozen(2024, 6, 10, 15):
            decide(first, decider, "assessment")
        earlier = Referral.objects.get(contact=first)
        referral_close(referral=earlier, closed_on=D(2024, 8, 1), reason="RC7", note="", by=decider)
        second = refer(child, entitled, when=at(2025, 6, 9))
        with frozen(2025, 6, 9, 15):
            decision = decide(second, decider, "assessment")
        assert decision.re_referral and decision.previous_referral == earlier

    def test_a_referral_more_than_12_months_after_the_last_is_not_a_re_referral(self, child, entitled, decider):
        ReferralFactory(contact__child=child, referral_date=D(2024, 6, 9))
        ReferralClosure.objects.create(
            referral=Referral.objects.get(), closed_on=D(2024, 8, 1), reason="RC7", closed_by=decider
        )
        contact = refer(child, entitled, when=at(2025, 6, 10))
        with frozen(2025, 6, 10, 15):
            decision = decide(contact, decider, "assessment")
        assert not decision.re_referral and decision.previous_referral is None

    def test_a_child_with_an_open_referral_is_not_referred_twice(self, child, entitled, decider):
        decide(refer(child, entitled), decider, "assessment")
        with pytest.raises(DomainError, match="already has an open referral"):
            decide(refer(child, entitled), decider, "strategy_discussion")
        # Advice on a child already open to social care is still recorded.
        decide(refer(child, entitled), decider, "information_advice")
        assert Referral.objects.count() == 1


class TestFeedbackLetter:
    def test_the_referrer_is_told_the_decision_and_what_happens_next_but_not_the_reasons(
        self, child, entitled, decider
    ):
        contact = refer(child, entitled)
        decision = decide(contact, decider, "strategy_discussion", reason="Stepfather known to police for violence.")
        letter = Letter.objects.get(kind=LetterKind.REFERRAL_FEEDBACK)
        assert letter.recipient_user == entitled and letter.recipient_agency == entitled.agency
        assert letter.source_type == "frontdoor.contactdecision" and letter.source_id == decision.pk
        assert "Strategy discussion (section 47)" in letter.body
        assert "strategy discussion with the police and health" in letter.body
        assert "known to police" not in letter.body
        assert letter.body.startswith(f"Dear {entitled.display_name},")

    def test_a_member_of_the_public_is_told_only_that_their_call_was_acted_on(self, child, decider):
        data = contact_input(public_source="1B", referrer_name="Sam Neighbour", referrer_relationship="Neighbour")
        contact = contact_record(child=child, data=data, by=decider, from_public=True)
        decide(contact, decider, "strategy_discussion")
        letter = Letter.objects.get()
        assert letter.recipient_user is None and letter.recipient_agency is None
        assert letter.recipient_name == "Sam Neighbour"
        assert "cannot tell you what we decided" in letter.body
        assert "strategy" not in letter.body.lower()

    def test_an_anonymous_caller_gets_no_letter(self, child, decider):
        contact = contact_record(child=child, data=contact_input(public_source="9"), by=decider, from_public=True)
        decide(contact, decider, "nfa")
        assert not Letter.objects.exists()


# --- Closure ----------------------------------------------------------------------------


@pytest.fixture
def referral(child, entitled, decider):  # type: ignore[no-untyped-def]
    contact = refer(child, entitled, when=at(2025, 3, 3))
    with frozen(2025, 3, 3, 15):
        decide(contact, decider, "assessment")
    return Referral.objects.get(contact=contact)


class TestClosure:
    def test_closing_ends_the_episode_and_the_child_in_need_status(self, referral, decider, child):
        steps.assessment(referral, decider, started_on=D(2025, 3, 4), completed_on=D(2025, 4, 1), outcome="nfa")
        with frozen(2025, 4, 2):
            closure = referral_close(referral=referral, closed_on=D(2025, 4, 2), reason="RC8", note="", by=decider)
        assert closure.reason == "RC8" and not referral_open(referral)
        status = StatusPeriod.objects.get(child=child, status=ChildStatus.CHILD_IN_NEED)
        assert status.ended_on == D(2025, 4, 2)
        assert ChronologyEntry.objects.filter(kind="referral_closure", source_id=closure.pk).exists()
        assert AuditEvent.objects.filter(action=Action.CREATE, object_id=str(closure.pk)).exists()

    def test_a_referral_is_closed_once(self, referral, decider):
        with frozen(2025, 4, 2):
            referral_close(referral=referral, closed_on=D(2025, 4, 1), reason="RC7", note="", by=decider)
            with pytest.raises(DomainError, match="was closed on 1 April 2025"):
                referral_close(referral=referral, closed_on=D(2025, 4, 2), reason="RC7", note="", by=decider)

    def test_an_open_assessment_keeps_the_referral_open(self, referral, decider):
        steps.assessment(referral, decider, started_on=D(2025, 3, 4))
        with frozen(2025, 4, 2), pytest.raises(DomainError, match="assessment started 4 March 2025"):
            referral_close(referral=referral, closed_on=D(2025, 4, 2), reason="RC7", note="", by=decider)

    def test_an_open_enquiry_plan_or_child_in_need_plan_keeps_the_referral_open_and_each_is_named(
        self, referral, decider
    ):
        discussion = steps.strategy_discussion(referral, decider, held_on=D(2025, 3, 4))
        enquiry = steps.section47(discussion, decider, started_on=D(2025, 3, 4))
        steps.cin_plan(referral, decider, started_on=D(2025, 3, 10))
        with frozen(2025, 4, 2), pytest.raises(DomainError) as exc:
            referral_close(referral=referral, closed_on=D(2025, 4, 2), reason="RC7", note="", by=decider)
        assert "section 47 enquiry started 4 March 2025" in str(exc.value)
        assert "child in need plan started 10 March 2025" in str(exc.value)
        Section47Completion.objects.create(
            enquiry=enquiry,
            completed_on=D(2025, 3, 12),
            findings="x",
            outcome="initial_conference",
            completed_by=decider,
        )
        conference = steps.initial_conference(enquiry, decider, held_on=D(2025, 3, 20))
        steps.protection_plan(referral, conference, decider, started_on=D(2025, 3, 20))
        with frozen(2025, 4, 2), pytest.raises(DomainError) as exc:
            referral_close(referral=referral, closed_on=D(2025, 4, 2), reason="RC7", note="", by=decider)
        assert "child protection plan started 20 March 2025" in str(exc.value)
        assert "section 47" not in str(exc.value)

    def test_the_closure_date_is_between_the_last_step_and_today(self, referral, decider):
        steps.assessment(referral, decider, started_on=D(2025, 3, 4), completed_on=D(2025, 3, 20), outcome="nfa")
        with frozen(2025, 4, 2):
            for day, message in (
                (D(2025, 3, 1), "on or after the referral date, 3 March 2025"),
                (D(2025, 3, 10), "on or after its last step, on 20 March 2025"),
                (D(2025, 4, 3), "today or in the past"),
            ):
                with pytest.raises(ValidationError) as exc:
                    referral_close(referral=referral, closed_on=day, reason="RC8", note="", by=decider)
                assert message in exc.value.message_dict["closed_on"][0]

    def test_closed_after_assessment_needs_a_completed_assessment(self, referral, decider):
        with frozen(2025, 4, 2), pytest.raises(ValidationError) as exc:
            referral_close(referral=referral, closed_on=D(2025, 4, 2), reason="RC9", note="", by=decider)
        assert "complete the assessment first" in exc.value.message_dict["reason"][0]

    def test_only_social_care_closes_a_referral(self, referral, entitled, manager):
        with frozen(2025, 4, 2), pytest.raises(DomainError, match="Only children's social care"):
            referral_close(referral=referral, closed_on=D(2025, 4, 2), reason="RC7", note="", by=entitled)
        with frozen(2025, 4, 2):
            assert referral_close(referral=referral, closed_on=D(2025, 4, 2), reason="RC7", note="", by=manager)

    def test_a_closed_referral_lets_a_new_one_open(self, referral, decider, child, entitled):
        with frozen(2025, 4, 2):
            referral_close(referral=referral, closed_on=D(2025, 4, 2), reason="RC7", note="", by=decider)
            decision = decide(refer(child, entitled), decider, "assessment")
        assert decision.re_referral and Referral.objects.count() == 2
