"""Strategy discussions and section 47 enquiries: the rules, in plain words."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from safeguarding.audit.models import Action, AuditEvent
from safeguarding.concerns.models import ChronologyEntry
from safeguarding.core.errors import DomainError
from safeguarding.frontdoor.models import ReferralClosure
from safeguarding.protection.models import (
    Discipline,
    Section47Completion,
    Section47Enquiry,
    Section47Outcome,
    StrategyAttendee,
    StrategyDiscussion,
    StrategyOutcome,
)
from safeguarding.protection.selectors import section47_clocks
from safeguarding.protection.services import AttendeeInput, section47_complete
from safeguarding.protection.tests.conftest import all_attendees, record_strategy, start_enquiry

pytestmark = pytest.mark.django_db


def message_of(exc: ValidationError, field: str) -> str:
    return exc.value.message_dict[field][0]  # type: ignore[attr-defined]


class TestStrategyDiscussion:
    def test_a_discussion_with_social_care_health_and_police_starts_a_section_47_enquiry(
        self, referral, front_door, health_visitor, detective
    ):
        discussion = record_strategy(
            referral, front_door, attendees=all_attendees(front_door, health_visitor, detective)
        )
        enquiry = discussion.section47
        assert enquiry.lead_social_worker == front_door
        assert enquiry.started_on == discussion.held_on == dt.date(2025, 3, 4)
        attendees = list(StrategyAttendee.objects.filter(discussion=discussion))
        assert [a.discipline for a in attendees] == ["social_care", "health", "police"]
        # A practitioner's name and agency are taken from their account.
        assert attendees[1].name == health_visitor.display_name
        assert attendees[1].agency == health_visitor.agency
        assert discussion.missing_agencies_reason == ""

    def test_it_writes_the_chronology_and_the_audit_for_both_rows(self, referral, front_door, child):
        discussion = record_strategy(referral, front_door)
        kinds = dict(ChronologyEntry.objects.filter(child=child).values_list("kind", "source_id"))
        assert kinds["strategy_discussion"] == discussion.pk
        assert kinds["section47_started"] == discussion.section47.pk
        entry = ChronologyEntry.objects.get(kind="strategy_discussion")
        assert entry.agency == front_door.agency
        assert "Social care, health and police took part" in entry.summary
        audited = AuditEvent.objects.filter(actor=front_door, action=Action.CREATE, child=child)
        types = set(audited.values_list("object_type", flat=True))
        assert {"protection.strategydiscussion", "protection.section47enquiry"} <= types

    def test_without_police_and_health_it_refuses_unless_a_reason_is_given(self, referral, front_door):
        only_social_care = [AttendeeInput(front_door, "", None, Discipline.SOCIAL_CARE)]
        with pytest.raises(ValidationError) as exc:
            record_strategy(referral, front_door, attendees=only_social_care)
        assert message_of(exc, "missing_agencies_reason") == (
            "Health and police did not take part: enter why the strategy discussion went ahead without them"
        )
        assert not StrategyDiscussion.objects.exists()

        discussion = record_strategy(
            referral,
            front_door,
            attendees=only_social_care,
            missing_agencies_reason="Police unavailable out of hours; they agreed the plan by phone next morning.",
        )
        assert discussion.missing_agencies_reason.startswith("Police unavailable")
        entry = ChronologyEntry.objects.get(kind="strategy_discussion")
        assert "Health and police did not take part" in entry.summary

    def test_without_police_alone_the_message_names_police(self, referral, front_door):
        attendees = [
            AttendeeInput(front_door, "", None, Discipline.SOCIAL_CARE),
            AttendeeInput(None, "Dr Patel", None, Discipline.HEALTH),
        ]
        with pytest.raises(ValidationError) as exc:
            record_strategy(referral, front_door, attendees=attendees)
        assert message_of(exc, "missing_agencies_reason").startswith("Police did not take part")

    def test_a_section_47_enquiry_must_be_led_by_a_social_worker(self, referral, front_door, business_support):
        with pytest.raises(ValidationError) as exc:
            record_strategy(referral, front_door, lead=business_support)
        assert message_of(exc, "lead_social_worker") == "The lead for a section 47 enquiry must be a social worker"
        assert not Section47Enquiry.objects.exists()

    def test_a_section_47_enquiry_needs_a_lead(self, referral, front_door):
        with pytest.raises(ValidationError) as exc:
            record_strategy(referral, front_door, lead_social_worker=None)
        assert "lead_social_worker" in exc.value.message_dict

    def test_no_section_47_means_no_enquiry_and_no_lead_needed(self, referral, front_door):
        discussion = record_strategy(referral, front_door, outcome=StrategyOutcome.ASSESSMENT, lead_social_worker=None)
        assert not Section47Enquiry.objects.filter(strategy_discussion=discussion).exists()

    def test_it_cannot_be_held_before_the_referral_or_in_the_future(self, referral, front_door):
        with pytest.raises(ValidationError) as exc:
            record_strategy(referral, front_door, held_on=dt.date(2025, 3, 2))
        assert message_of(exc, "held_on") == (
            "The date of the strategy discussion must be on or after the referral date, 3 March 2025"
        )
        with pytest.raises(ValidationError) as exc:
            record_strategy(referral, front_door, held_on=dt.date(2025, 3, 11))
        assert message_of(exc, "held_on") == "The date of the strategy discussion must be today or in the past"

    def test_a_closed_referral_cannot_have_a_strategy_discussion(self, referral, front_door):
        ReferralClosure.objects.create(
            referral=referral, closed_on=dt.date(2025, 3, 5), reason="RC8", closed_by=front_door
        )
        with pytest.raises(DomainError, match="This referral was closed on 5 March 2025"):
            record_strategy(referral, front_door)

    def test_only_children_s_social_care_records_it(self, referral, entitled):
        with pytest.raises(DomainError, match="Only children's social care"):
            record_strategy(referral, entitled, lead=entitled)

    def test_a_second_enquiry_cannot_start_while_one_is_open(self, referral, front_door):
        start_enquiry(referral, front_door)
        with pytest.raises(DomainError, match="is still open for this referral"):
            record_strategy(referral, front_door, held_on=dt.date(2025, 3, 5))

    def test_every_attendee_needs_a_name_and_a_discipline(self, referral, front_door):
        with pytest.raises(ValidationError) as exc:
            record_strategy(referral, front_door, attendees=[(None, "", None, Discipline.POLICE)])
        assert message_of(exc, "attendees") == "Enter the name of person 1"
        with pytest.raises(ValidationError) as exc:
            record_strategy(referral, front_door, attendees=[])
        assert message_of(exc, "attendees") == "Enter who took part in the strategy discussion"


class TestSection47Complete:
    def test_the_lead_completes_it_once(self, referral, front_door, child):
        enquiry = start_enquiry(referral, front_door)
        completion = section47_complete(
            enquiry=enquiry,
            completed_on=dt.date(2025, 3, 6),
            findings="Injuries consistent with the account.",
            outcome=Section47Outcome.INITIAL_CONFERENCE,
            by=front_door,
        )
        assert completion.completed_by == front_door
        assert ChronologyEntry.objects.filter(kind="section47_completed", source_id=completion.pk).exists()
        assert AuditEvent.objects.filter(object_type="protection.section47completion").exists()
        with pytest.raises(DomainError, match="already completed on 6 March 2025"):
            section47_complete(
                enquiry=enquiry, completed_on=dt.date(2025, 3, 7), findings="x", outcome="nfa", by=front_door
            )
        assert Section47Completion.objects.count() == 1

    def test_another_social_worker_may_complete_it_but_not_a_non_social_worker(
        self, referral, front_door, social_worker, business_support
    ):
        enquiry = start_enquiry(referral, front_door)
        with pytest.raises(DomainError, match="Only the social worker leading the enquiry"):
            section47_complete(
                enquiry=enquiry, completed_on=dt.date(2025, 3, 6), findings="x", outcome="nfa", by=business_support
            )
        section47_complete(
            enquiry=enquiry, completed_on=dt.date(2025, 3, 6), findings="x", outcome="nfa", by=social_worker
        )

    def test_it_cannot_be_completed_before_it_started(self, referral, front_door):
        enquiry = start_enquiry(referral, front_door)
        with pytest.raises(ValidationError) as exc:
            section47_complete(
                enquiry=enquiry, completed_on=dt.date(2025, 3, 3), findings="x", outcome="nfa", by=front_door
            )
        assert message_of(exc, "completed_on") == (
            "The date the enquiry was completed must be on or after the date the enquiry started, 4 March 2025"
        )

    def test_its_local_clock_runs_six_working_days_from_the_strategy_discussion(self, referral, front_door):
        enquiry = start_enquiry(referral, front_door)  # Tuesday 4 March 2025
        clocks = section47_clocks(enquiry, today=dt.date(2025, 3, 10))
        assert clocks.enquiry.due == dt.date(2025, 3, 12)
        assert clocks.enquiry.state == "due_soon"
        assert clocks.initial_conference is not None
        assert clocks.initial_conference.due == dt.date(2025, 3, 25)
        section47_complete(
            enquiry=enquiry, completed_on=dt.date(2025, 3, 7), findings="x", outcome="nfa", by=front_door
        )
        enquiry = Section47Enquiry.objects.select_related("completion", "strategy_discussion").get(pk=enquiry.pk)
        clocks = section47_clocks(enquiry)
        assert clocks.enquiry.state == "met"
        # No conference clock after an enquiry that ended with no further action.
        assert clocks.initial_conference is None
