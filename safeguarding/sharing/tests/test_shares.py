"""The record of every share (issue 5, item 4): the services and selectors.

The rules, in plain words:
- A share is recorded with what, with whom (an agency on the platform, a named person, or
  both), when, how, why, the UK GDPR Article 6 lawful basis, a DPA 2018 Schedule 1
  condition for special category data, whether consent was sought (and why not, or why
  shared when refused), and whether the family was told (and, if not, why telling them
  would put the child at risk). Consent is the lawful basis only when it was given.
- A decision not to share is recorded with what was asked for, with whom, when and why;
  the questions about the law, consent and the family do not apply and are not stored.
- Only a practitioner with a working relationship records: not emergency (break-glass)
  access, not someone with no relationship, not someone of no agency.
- Each record is one chronology entry and one audit row. A share "through this platform"
  also shares the entry with the receiving agency, which can then open the record.
- A record is corrected by an amendment with a reason, by the agency that made it; the
  old and new answers are kept.
- Front door, social care, the child's team and emergency access read every record;
  another agency reads what it recorded and the shares made with it, not decisions not to
  share with it.
"""

import datetime as dt
from dataclasses import replace

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from safeguarding.access.models import AgencyKind, ChildInvolvement, InvolvementBasis
from safeguarding.access.permissions import Basis, basis_for, entries_visible_to
from safeguarding.access.services import break_glass_open, involvement_ensure, team_member_add
from safeguarding.audit.models import Action, AuditEvent
from safeguarding.concerns.models import ChronologyEntry, ChronologyShare
from safeguarding.concerns.sharing import entry_share
from safeguarding.core.calendar import day_moment
from safeguarding.core.errors import DomainError, NoRelationship
from safeguarding.sharing.models import InformationShare, InformationShareAmendment
from safeguarding.sharing.shares import (
    ShareInput,
    _clean,
    child_shares,
    information_share_amend,
    information_share_record,
    information_share_validate,
    may_amend_share,
    may_record_share,
    recent_child_shares,
    recipient_label,
    recording_refusal,
    share_summary,
    shares_visible_to,
)
from safeguarding.sharing.tests.share_helpers import (
    NOT_SHARED_WHAT,
    NOT_SHARED_WHY,
    NOT_SOUGHT,
    NOT_TOLD,
    WHAT,
    WHY,
    not_shared,
    phone_share,
    yesterday,
)
from tests.factories import AgencyFactory, ChildFactory, RoleFactory, UserFactory

pytestmark = pytest.mark.django_db


def entry_of(share: InformationShare) -> ChronologyEntry:
    return ChronologyEntry.objects.get(source_type="sharing.informationshare", source_id=share.pk)


def errors_of(data: ShareInput, agency_id: int | None) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as exc:
        information_share_validate(data, agency_id=agency_id)
    return exc.value.message_dict


@pytest.fixture
def police(db):
    return AgencyFactory(name="County Police", kind=AgencyKind.POLICE)


@pytest.fixture
def gp_involved(child, gp, other_agency):
    """The GP practice with Amelia registered: the GP may open her record (basis agency)."""
    involvement_ensure(child=child, agency=gp, basis=InvolvementBasis.REGISTERED)
    return other_agency


@pytest.fixture
def recorded(child, entitled, gp):
    return information_share_record(child=child, data=phone_share(gp), by=entitled)


# --- The rules -------------------------------------------------------------------------------


class TestValidate:
    def test_a_complete_share_and_a_complete_decision_not_to_share_pass(self, school, gp):
        information_share_validate(phone_share(gp), agency_id=school.pk)
        information_share_validate(not_shared(gp), agency_id=school.pk)
        information_share_validate(not_shared(None), agency_id=school.pk)  # a named person only

    def test_every_problem_with_an_empty_share_is_reported_at_once(self, school):
        empty = ShareInput(decision="shared", decided_on=timezone.localdate(), what=" ", why="")
        assert errors_of(empty, school.pk) == {
            "with_agency": ["Select the agency you shared with, or enter the name and role of the person"],
            "what": ["Enter what you shared"],
            "why": ["Enter why you shared it"],
            "channel": ["Select how you shared the information"],
            "lawful_basis": ["Select the lawful basis for sharing"],
            "consent": ["Select whether you sought consent"],
            "family_told": ["Select whether the family has been told"],
        }

    def test_a_decision_not_to_share_asks_only_what_with_whom_when_and_why(self, school):
        empty = ShareInput(decision="not_shared", decided_on=timezone.localdate(), what="", why="  ")
        assert errors_of(empty, school.pk) == {
            "with_agency": [
                "Select the agency, or enter the name and role of the person, you decided not to share with"
            ],
            "what": ["Enter what was asked for or considered for sharing"],
            "why": ["Enter why you decided not to share"],
        }

    def test_the_decision_must_be_one_of_the_two(self, school, gp):
        assert errors_of(phone_share(gp, decision="maybe"), school.pk) == {
            "decision": ["Select whether you shared information or decided not to share"]
        }

    def test_not_with_ones_own_agency(self, school):
        assert errors_of(phone_share(school), school.pk) == {
            "with_agency": ["Select another agency: Riverside Primary School is your own agency"]
        }

    def test_a_person_only_is_a_recipient(self, school):
        information_share_validate(phone_share(None), agency_id=school.pk)

    def test_the_persons_name_and_role_is_at_most_200_characters(self, school, gp):
        information_share_validate(phone_share(gp, with_person="x" * 200), agency_id=school.pk)
        assert errors_of(phone_share(gp, with_person="x" * 201), school.pk) == {
            "with_person": ["Name and role must be 200 characters or fewer"]
        }

    @pytest.mark.parametrize(
        ("data", "message"),
        [
            (phone_share, "The date you shared it must be today or in the past"),
            (not_shared, "The date you decided must be today or in the past"),
        ],
    )
    def test_the_date_is_today_or_in_the_past(self, school, gp, data, message):
        information_share_validate(data(gp, decided_on=timezone.localdate()), agency_id=school.pk)
        tomorrow = timezone.localdate() + dt.timedelta(days=1)
        assert errors_of(data(gp, decided_on=tomorrow), school.pk) == {"decided_on": [message]}

    def test_through_this_platform_needs_an_agency_on_the_platform(self, school, gp):
        information_share_validate(phone_share(gp, channel="platform"), agency_id=school.pk)
        assert errors_of(phone_share(None, channel="platform"), school.pk) == {
            "channel": ["To share through this platform, select an agency on the platform"]
        }

    def test_how_must_be_one_of_the_ways(self, school, gp):
        assert errors_of(phone_share(gp, channel="pigeon"), school.pk) == {
            "channel": ["Select how you shared the information"]
        }

    def test_the_lawful_basis_is_an_article_6_basis(self, school, gp):
        for basis in ("public_task", "legal_obligation", "vital_interests"):
            information_share_validate(phone_share(gp, lawful_basis=basis), agency_id=school.pk)
        assert errors_of(phone_share(gp, lawful_basis="legitimate_interests"), school.pk) == {
            "lawful_basis": ["Select the lawful basis for sharing"]
        }

    @pytest.mark.parametrize("consent", ["not_sought", "refused"])
    def test_consent_is_the_lawful_basis_only_if_it_was_sought_and_given(self, school, gp, consent):
        information_share_validate(phone_share(gp, lawful_basis="consent", consent="given"), agency_id=school.pk)
        assert errors_of(phone_share(gp, lawful_basis="consent", consent=consent, consent_reason="x"), school.pk) == {
            "lawful_basis": ["Consent can be the lawful basis only if consent was sought and given"]
        }

    def test_special_category_information_needs_a_schedule_1_condition(self, school, gp):
        assert errors_of(phone_share(gp, special_category=True), school.pk) == {
            "special_category_condition": ["Select the Schedule 1 condition for sharing special category information"]
        }
        assert errors_of(
            phone_share(gp, special_category=True, special_category_condition="sch1_para99"), school.pk
        ) == {
            "special_category_condition": ["Select the Schedule 1 condition for sharing special category information"]
        }
        for condition in ("sch1_para18", "sch1_para6", "sch1_para10"):
            information_share_validate(
                phone_share(gp, special_category=True, special_category_condition=condition), agency_id=school.pk
            )

    def test_consent_not_sought_needs_the_reason(self, school, gp):
        assert errors_of(phone_share(gp, consent_reason="  "), school.pk) == {
            "consent_reason": ["Enter why you did not seek consent"]
        }

    def test_consent_refused_needs_the_reason_for_sharing_without_it(self, school, gp):
        assert errors_of(phone_share(gp, consent="refused", consent_reason=""), school.pk) == {
            "consent_reason": ["Enter why you shared without consent, such as the risk of significant harm"]
        }
        information_share_validate(
            phone_share(gp, consent="refused", consent_reason="He would harm her"), agency_id=school.pk
        )

    def test_consent_given_needs_no_reason(self, school, gp):
        information_share_validate(phone_share(gp, consent="given", consent_reason=""), agency_id=school.pk)

    def test_consent_must_be_one_of_the_answers(self, school, gp):
        assert errors_of(phone_share(gp, consent="perhaps"), school.pk) == {
            "consent": ["Select whether you sought consent"]
        }

    def test_family_not_told_needs_why_telling_them_would_put_the_child_at_risk(self, school, gp):
        assert errors_of(phone_share(gp, family_not_told_reason=""), school.pk) == {
            "family_not_told_reason": ["Enter why telling the family would put the child at risk"]
        }
        for told in ("told", "will_tell"):
            information_share_validate(
                phone_share(gp, family_told=told, family_not_told_reason=""), agency_id=school.pk
            )

    def test_family_told_must_be_one_of_the_answers(self, school, gp):
        assert errors_of(phone_share(gp, family_told="unknown"), school.pk) == {
            "family_told": ["Select whether the family has been told"]
        }

    def test_a_decision_not_to_share_needs_no_lawful_basis_consent_or_family_answer(self, school, gp):
        # Even nonsense in answers that do not apply is dropped, not rejected.
        information_share_validate(
            not_shared(gp, channel="pigeon", lawful_basis="x", consent="perhaps", family_told="unknown"),
            agency_id=school.pk,
        )


class TestClean:
    def test_text_is_stripped(self, gp):
        data = _clean(phone_share(gp, what="  What  ", why="\nWhy\n", with_person=" Dr Patel "))
        assert (data.what, data.why, data.with_person) == ("What", "Why", "Dr Patel")

    def test_a_decision_not_to_share_keeps_no_answer_about_the_law_consent_or_the_family(self, gp):
        data = _clean(
            replace(
                phone_share(gp, special_category=True, special_category_condition="sch1_para18"),
                decision="not_shared",
            )
        )
        assert data == ShareInput(
            decision="not_shared",
            decided_on=yesterday(),
            what=WHAT,
            why=WHY,
            with_agency=gp,
            with_person="Dr Amir Patel, GP partner",
        )

    def test_no_schedule_1_condition_without_special_category_information(self, gp):
        data = _clean(phone_share(gp, special_category=False, special_category_condition="sch1_para18"))
        assert data.special_category_condition == ""
        data = _clean(phone_share(gp, special_category=True, special_category_condition="sch1_para18"))
        assert data.special_category_condition == "sch1_para18"

    def test_no_reason_about_consent_when_consent_was_given(self, gp):
        assert _clean(phone_share(gp, consent="given")).consent_reason == ""
        assert _clean(phone_share(gp, consent="refused", consent_reason="Risk")).consent_reason == "Risk"
        assert _clean(phone_share(gp)).consent_reason == NOT_SOUGHT

    @pytest.mark.parametrize("told", ["told", "will_tell"])
    def test_no_reason_for_not_telling_the_family_when_they_were_or_will_be_told(self, gp, told):
        assert _clean(phone_share(gp, family_told=told)).family_not_told_reason == ""
        assert _clean(phone_share(gp)).family_not_told_reason == NOT_TOLD

    def test_the_service_stores_only_what_applies(self, child, entitled, gp):
        share = information_share_record(
            child=child,
            data=not_shared(gp, channel="phone", lawful_basis="public_task", consent="not_sought", consent_reason="x"),
            by=entitled,
        )
        share.refresh_from_db()
        assert (share.channel, share.lawful_basis, share.consent, share.consent_reason, share.family_told) == (
            "",
            "",
            "",
            "",
            "",
        )
        share = information_share_record(child=child, data=phone_share(gp, consent="given"), by=entitled)
        share.refresh_from_db()
        assert (share.consent, share.consent_reason) == ("given", "")


# --- Words -----------------------------------------------------------------------------------


class TestWords:
    def test_the_recipient_is_the_person_the_agency_or_both(self, gp):
        assert recipient_label(phone_share(gp)) == "Dr Amir Patel, GP partner (Castle Street Surgery)"
        assert recipient_label(phone_share(gp, with_person="")) == "Castle Street Surgery"
        assert recipient_label(phone_share(None)) == "Dr Amir Patel, GP partner"

    def test_the_chronology_line_is_truncated_to_300_characters(self, child, entitled, gp):
        share = information_share_record(child=child, data=phone_share(gp, with_person="", what="x" * 400), by=entitled)
        summary = share_summary(share)
        assert len(summary) == 300
        assert summary.startswith("Shared with Castle Street Surgery: xxx")
        assert summary.endswith("xxx...")


# --- Recording -------------------------------------------------------------------------------


class TestRecord:
    def test_a_share_is_stored_with_every_answer(self, child, entitled, school, gp):
        share = information_share_record(child=child, data=phone_share(gp), by=entitled)
        share.refresh_from_db()
        assert share.child == child
        assert (share.decided_by, share.agency, share.decision) == (entitled, school, "shared")
        assert (share.with_agency, share.with_person, share.channel) == (gp, "Dr Amir Patel, GP partner", "phone")
        assert (share.decided_on, share.what, share.why) == (yesterday(), WHAT, WHY)
        assert (share.lawful_basis, share.special_category, share.special_category_condition) == (
            "public_task",
            False,
            "",
        )
        assert (share.consent, share.consent_reason) == ("not_sought", NOT_SOUGHT)
        assert (share.family_told, share.family_not_told_reason) == ("not_told", NOT_TOLD)

    def test_it_is_one_entry_on_the_chronology_at_midday_of_the_day_it_happened(self, child, entitled, school, gp):
        share = information_share_record(child=child, data=phone_share(gp), by=entitled)
        entry = entry_of(share)
        assert (entry.kind, entry.agency, entry.author, entry.child) == ("information_share", school, entitled, child)
        assert entry.summary == f"Shared with Dr Amir Patel, GP partner (Castle Street Surgery): {WHAT}"
        assert entry.occurred_at == day_moment(yesterday(), hour=12)
        assert entry.recorded_at == share.recorded_at
        assert not entry.amended

    def test_a_share_recorded_the_day_it_happened_sits_at_the_moment_of_recording(self, child, entitled, gp):
        before = timezone.now()
        share = information_share_record(
            child=child, data=phone_share(gp, decided_on=timezone.localdate()), by=entitled
        )
        assert before <= entry_of(share).occurred_at <= timezone.now()

    def test_a_decision_not_to_share_is_on_the_chronology_too(self, child, entitled, police):
        share = information_share_record(child=child, data=not_shared(police), by=entitled)
        assert share.decision == "not_shared"
        assert entry_of(share).summary == f"Decided not to share with County Police: {NOT_SHARED_WHAT}"
        assert share.why == NOT_SHARED_WHY

    def test_the_record_is_audited_with_its_answers_and_the_reason(self, child, entitled, gp):
        share = information_share_record(child=child, data=phone_share(gp), by=entitled)
        event = AuditEvent.objects.get(action=Action.CREATE, object_type="sharing.informationshare")
        assert (event.actor, event.child, event.object_id, event.reason) == (entitled, child, str(share.pk), WHY)
        assert event.detail == {
            "decision": "shared",
            "with_agency": gp.pk,
            "with": "Dr Amir Patel, GP partner (Castle Street Surgery)",
            "channel": "phone",
            "decided_on": yesterday().isoformat(),
            "lawful_basis": "public_task",
            "special_category": False,
            "special_category_condition": "",
            "consent": "not_sought",
            "family_told": "not_told",
            "basis": "agency",
        }

    def test_a_share_outside_the_platform_does_not_open_the_record_to_the_agency(self, child, entitled, gp):
        information_share_record(child=child, data=phone_share(gp), by=entitled)
        assert not ChronologyShare.objects.exists()
        assert not ChildInvolvement.objects.filter(agency=gp).exists()

    def test_a_share_through_the_platform_shares_the_entry_with_the_agency(self, child, entitled, other_agency, gp):
        assert basis_for(other_agency, child.pk) is Basis.NONE
        share = information_share_record(
            child=child, data=phone_share(gp, channel="platform", lawful_basis="vital_interests"), by=entitled
        )
        entry = entry_of(share)
        sent = ChronologyShare.objects.get()
        assert (sent.entry, sent.agency, sent.shared_by, sent.reason, sent.lawful_basis) == (
            entry,
            gp,
            entitled,
            WHY,
            "vital_interests",
        )
        involvement = ChildInvolvement.objects.get(agency=gp, child=child)
        assert involvement.basis == InvolvementBasis.CASELOAD
        # The GP can now open the record and sees this entry and this record.
        basis = basis_for(other_agency, child.pk)
        assert basis is Basis.AGENCY
        assert list(entries_visible_to(other_agency, child, basis)) == [entry]
        assert list(shares_visible_to(other_agency, child, basis)) == [share]
        event = AuditEvent.objects.get(action=Action.CREATE, object_type="sharing.informationshare")
        assert event.detail["platform"] == "entry shared"
        assert AuditEvent.objects.filter(action=Action.CREATE, object_type="concerns.chronologyshare").count() == 1

    def test_the_front_door_records_on_its_whole_la_basis(self, child, front_door, gp):
        share = information_share_record(child=child, data=phone_share(gp), by=front_door)
        assert share.agency == front_door.agency
        event = AuditEvent.objects.get(action=Action.CREATE, object_type="sharing.informationshare")
        assert event.detail["basis"] == "whole_la"

    def test_a_member_of_the_childs_team_records(self, child, gp):
        hv = UserFactory(username="hv", agency=AgencyFactory(name="Health visiting", kind=AgencyKind.HEALTH_VISITING))
        team_member_add(child=child, practitioner=hv, capacity="Core group member", by=None)
        share = information_share_record(child=child, data=phone_share(gp), by=hv)
        assert (
            AuditEvent.objects.get(object_type="sharing.informationshare", object_id=str(share.pk)).detail["basis"]
            == "childs_team"
        )

    def test_a_rejected_record_writes_nothing(self, child, entitled, gp):
        with pytest.raises(ValidationError) as exc:
            information_share_record(child=child, data=phone_share(gp, why=" "), by=entitled)
        assert exc.value.message_dict == {"why": ["Enter why you shared it"]}
        assert not InformationShare.objects.exists()
        assert not ChronologyEntry.objects.filter(kind="information_share").exists()
        assert not AuditEvent.objects.filter(action=Action.CREATE).exists()


class TestWhoMayRecord:
    def test_emergency_access_reads_but_does_not_record(self, child, other_agency, gp, school):
        break_glass_open(user=other_agency, child_id=child.pk, reason="Amelia is in A&E with a head injury")
        assert basis_for(other_agency, child.pk) is Basis.BREAK_GLASS
        with pytest.raises(DomainError) as exc:
            information_share_record(child=child, data=phone_share(school), by=other_agency)
        assert not isinstance(exc.value, NoRelationship)
        assert str(exc.value).startswith("Emergency access lets you read this child's record, not record")
        assert not InformationShare.objects.exists()

    def test_no_relationship_no_record(self, child, other_agency, school):
        with pytest.raises(NoRelationship):
            information_share_record(child=child, data=phone_share(school), by=other_agency)
        assert not InformationShare.objects.exists()
        assert not ChronologyEntry.objects.exists()

    def test_someone_of_no_agency_does_not_record(self, child, outsider, gp):
        with pytest.raises(NoRelationship):
            information_share_record(child=child, data=phone_share(gp), by=outsider)
        assert not InformationShare.objects.exists()

    def test_an_ended_involvement_is_no_relationship(self, child, entitled, school, gp):
        ChildInvolvement.objects.filter(child=child, agency=school).update(ended_on=yesterday())
        with pytest.raises(NoRelationship):
            information_share_record(child=child, data=phone_share(gp), by=entitled)

    def test_the_refusal_in_words(self):
        assert recording_refusal(Basis.WHOLE_LA) == ""
        assert recording_refusal(Basis.CHILDS_TEAM) == ""
        assert recording_refusal(Basis.AGENCY) == ""
        assert "Emergency access" in recording_refusal(Basis.BREAK_GLASS)
        assert recording_refusal(Basis.NONE) == "You do not have a working relationship with this child."

    def test_may_record_and_may_amend(self, entitled, outsider, front_door, recorded):
        assert may_record_share(entitled, Basis.AGENCY)
        assert not may_record_share(entitled, Basis.BREAK_GLASS)
        assert not may_record_share(entitled, Basis.NONE)
        assert not may_record_share(outsider, Basis.WHOLE_LA)
        assert may_amend_share(entitled, recorded, Basis.AGENCY)
        assert not may_amend_share(entitled, recorded, Basis.BREAK_GLASS)
        assert not may_amend_share(front_door, recorded, Basis.WHOLE_LA)  # another agency


# --- Amending --------------------------------------------------------------------------------


REASON = "I wrote the wrong way: it was a meeting at the surgery, not a phone call"


class TestAmend:
    def test_an_amendment_keeps_the_old_and_new_answers_and_the_reason(self, entitled, recorded, gp):
        entry = entry_of(recorded)
        occurred_at = entry.occurred_at
        amendment = information_share_amend(
            share=recorded, data=phone_share(gp, channel="meeting", what="Attendance only"), reason=REASON, by=entitled
        )
        assert amendment.amended_by == entitled
        assert amendment.reason == REASON
        assert amendment.changes == {
            "channel": {"old": "phone", "new": "meeting"},
            "what": {"old": WHAT, "new": "Attendance only"},
        }
        recorded.refresh_from_db()
        assert (recorded.channel, recorded.what, recorded.why) == ("meeting", "Attendance only", WHY)
        entry.refresh_from_db()
        assert entry.amended
        assert entry.summary == "Shared with Dr Amir Patel, GP partner (Castle Street Surgery): Attendance only"
        assert entry.occurred_at == occurred_at  # the date was not corrected
        event = AuditEvent.objects.get(action=Action.AMEND, object_type="sharing.informationshare")
        assert (event.actor, event.child, event.reason) == (entitled, recorded.child, REASON)
        assert event.detail == {"changes": amendment.changes}

    def test_correcting_the_date_moves_the_entry(self, entitled, recorded, gp):
        earlier = yesterday() - dt.timedelta(days=6)
        amendment = information_share_amend(
            share=recorded, data=phone_share(gp, decided_on=earlier), reason="It was last week", by=entitled
        )
        assert amendment.changes == {"decided_on": {"old": yesterday().isoformat(), "new": earlier.isoformat()}}
        assert entry_of(recorded).occurred_at == day_moment(earlier, hour=12)

    def test_correcting_the_agency_keeps_both_names(self, entitled, recorded, gp, police):
        amendment = information_share_amend(
            share=recorded, data=phone_share(police, with_person=""), reason="It was the police", by=entitled
        )
        assert amendment.changes == {
            "with_agency": {
                "old": gp.pk,
                "new": police.pk,
                "old_name": "Castle Street Surgery",
                "new_name": "County Police",
            },
            "with_person": {"old": "Dr Amir Patel, GP partner", "new": ""},
        }
        assert entry_of(recorded).summary == f"Shared with County Police: {WHAT}"

    def test_answers_that_no_longer_apply_are_dropped_and_shown_as_changed(self, entitled, recorded, gp):
        amendment = information_share_amend(
            share=recorded, data=phone_share(gp, consent="given"), reason="Her mother agreed", by=entitled
        )
        assert amendment.changes == {
            "consent": {"old": "not_sought", "new": "given"},
            "consent_reason": {"old": NOT_SOUGHT, "new": ""},
        }
        recorded.refresh_from_db()
        assert recorded.consent_reason == ""

    def test_amending_to_through_this_platform_shares_the_entry_once(self, entitled, recorded, gp):
        information_share_amend(
            share=recorded, data=phone_share(gp, channel="platform"), reason="Sent here", by=entitled
        )
        sent = ChronologyShare.objects.get()
        assert (sent.entry, sent.agency) == (entry_of(recorded), gp)
        assert AuditEvent.objects.filter(action=Action.AMEND).latest("id").detail["platform"] == "entry shared"
        information_share_amend(
            share=recorded, data=phone_share(gp, channel="platform", what="Attendance"), reason="Less", by=entitled
        )
        assert ChronologyShare.objects.count() == 1
        assert AuditEvent.objects.filter(action=Action.AMEND).latest("id").detail["platform"] == "entry already shared"

    def test_a_colleague_of_the_same_agency_may_amend(self, school, recorded, gp):
        colleague = UserFactory(username="teacher", agency=school)
        amendment = information_share_amend(
            share=recorded, data=phone_share(gp, why="Better"), reason="R", by=colleague
        )
        assert amendment.amended_by == colleague

    def test_another_agency_may_not_amend(self, child, front_door, recorded, gp, gp_involved):
        for someone in (front_door, gp_involved):
            with pytest.raises(DomainError, match="Only the agency that recorded this can amend it"):
                information_share_amend(share=recorded, data=phone_share(gp, why="Mine"), reason="R", by=someone)
        assert not InformationShareAmendment.objects.exists()

    @pytest.mark.parametrize("reason", ["", "   "])
    def test_an_amendment_needs_a_reason(self, entitled, recorded, gp, reason):
        with pytest.raises(ValidationError) as exc:
            information_share_amend(share=recorded, data=phone_share(gp, why="New"), reason=reason, by=entitled)
        assert exc.value.message_dict == {"reason": ["Enter the reason for the amendment"]}
        assert not InformationShareAmendment.objects.exists()

    def test_an_amendment_must_change_something(self, entitled, recorded, gp):
        for same in (phone_share(gp), phone_share(gp, what=f"  {WHAT} ", consent_reason=NOT_SOUGHT + " ")):
            with pytest.raises(ValidationError) as exc:
                information_share_amend(share=recorded, data=same, reason=REASON, by=entitled)
            assert exc.value.messages == ["Nothing has changed: change at least one answer, or cancel"]
        assert not InformationShareAmendment.objects.exists()
        assert not AuditEvent.objects.filter(action=Action.AMEND).exists()

    def test_an_amendment_meets_the_same_rules(self, entitled, recorded, gp):
        with pytest.raises(ValidationError) as exc:
            information_share_amend(share=recorded, data=phone_share(gp, why=""), reason=REASON, by=entitled)
        assert exc.value.message_dict == {"why": ["Enter why you shared it"]}
        recorded.refresh_from_db()
        assert recorded.why == WHY

    def test_the_decision_itself_is_not_amended(self, entitled, recorded, gp):
        with pytest.raises(ValueError, match="record a new decision"):
            information_share_amend(share=recorded, data=not_shared(gp), reason=REASON, by=entitled)

    def test_emergency_access_does_not_amend(self, child, entitled, school, recorded, gp):
        ChildInvolvement.objects.filter(child=child, agency=school).update(ended_on=yesterday())
        break_glass_open(user=entitled, child_id=child.pk, reason="Amelia has left the school; disclosure today")
        with pytest.raises(DomainError, match="Emergency access"):
            information_share_amend(share=recorded, data=phone_share(gp, why="New"), reason=REASON, by=entitled)
        assert not InformationShareAmendment.objects.exists()

    def test_no_relationship_does_not_amend(self, child, entitled, school, recorded, gp):
        ChildInvolvement.objects.filter(child=child, agency=school).update(ended_on=yesterday())
        with pytest.raises(NoRelationship):
            information_share_amend(share=recorded, data=phone_share(gp, why="New"), reason=REASON, by=entitled)


# --- Who reads which records -----------------------------------------------------------------


class TestVisibility:
    @pytest.fixture
    def records(self, child, entitled, gp, police, gp_involved):
        officer = UserFactory(username="pc", agency=police, role=RoleFactory(key="police"))
        involvement_ensure(child=child, agency=police, basis=InvolvementBasis.CASELOAD)
        return {
            "school shared with gp": information_share_record(child=child, data=phone_share(gp), by=entitled),
            "school not shared with gp": information_share_record(child=child, data=not_shared(gp), by=entitled),
            "school shared with police": information_share_record(child=child, data=phone_share(police), by=entitled),
            "police shared with gp": information_share_record(child=child, data=phone_share(gp), by=officer),
            "police not shared with school": information_share_record(
                child=child, data=not_shared(entitled.agency), by=officer
            ),
            "gp": gp_involved,
            "police": officer,
        }

    @staticmethod
    def visible(user, child, records) -> set[str]:
        names = {share.pk: name for name, share in records.items() if isinstance(share, InformationShare)}
        return {names[s.pk] for s in shares_visible_to(user, child, basis_for(user, child.pk))}

    def test_the_front_door_reads_every_record(self, child, front_door, records):
        assert len(self.visible(front_door, child, records)) == 5

    def test_the_childs_team_reads_every_record(self, child, records):
        sw = UserFactory(
            username="sw", agency=AgencyFactory(name="Youth justice service", kind=AgencyKind.YOUTH_JUSTICE)
        )
        team_member_add(child=child, practitioner=sw, capacity="Core group member", by=None)
        assert len(self.visible(sw, child, records)) == 5

    def test_emergency_access_reads_every_record(self, child, records):
        nurse = UserFactory(username="nurse", agency=AgencyFactory(name="County Hospital", kind=AgencyKind.HOSPITAL))
        break_glass_open(user=nurse, child_id=child.pk, reason="Amelia is in A&E with a head injury")
        assert len(self.visible(nurse, child, records)) == 5

    def test_an_agency_reads_its_own_records_and_the_shares_made_with_it(self, child, entitled, records):
        assert self.visible(entitled, child, records) == {
            "school shared with gp",
            "school not shared with gp",
            "school shared with police",
        }
        assert self.visible(records["gp"], child, records) == {"school shared with gp", "police shared with gp"}
        assert self.visible(records["police"], child, records) == {
            "school shared with police",
            "police shared with gp",
            "police not shared with school",
        }

    def test_a_record_whose_entry_was_shared_with_an_agency_is_readable_by_it(self, child, entitled, records, police):
        # The school shares the chronology entry of its decision not to share with the GP,
        # with the police: the police see the entry, so they may open the record it points to.
        record = records["school not shared with gp"]
        entry_share(entry=entry_of(record), agency=police, reason="The police asked why", by=entitled)
        assert "school not shared with gp" in self.visible(records["police"], child, records)

    def test_no_relationship_reads_nothing(self, child, other_agency, outsider, records):
        assert not shares_visible_to(other_agency, child, Basis.NONE).exists()
        assert not shares_visible_to(outsider, child, Basis.AGENCY).exists()

    def test_only_the_childs_own_records(self, child, entitled, front_door, records, gp):
        other = ChildFactory(display_name="Ben Smith")
        involvement_ensure(child=other, agency=entitled.agency, basis=InvolvementBasis.ROLL)
        information_share_record(child=other, data=phone_share(gp), by=entitled)
        assert len(self.visible(front_door, child, records)) == 5
        assert shares_visible_to(front_door, other, Basis.WHOLE_LA).count() == 1


class TestLists:
    def test_newest_first_and_marked_when_amended(self, child, entitled, gp):
        old = information_share_record(
            child=child, data=phone_share(gp, decided_on=yesterday() - dt.timedelta(5)), by=entitled
        )
        new = information_share_record(child=child, data=not_shared(gp), by=entitled)
        information_share_amend(
            share=old, data=phone_share(gp, decided_on=old.decided_on, why="W"), reason="R", by=entitled
        )
        rows = list(child_shares(entitled, child, Basis.AGENCY))
        assert [r.pk for r in rows] == [new.pk, old.pk]
        assert [r.is_amended for r in rows] == [False, True]

    def test_the_record_page_shows_the_latest_five_in_one_query(self, child, entitled, gp, django_assert_num_queries):
        for days in range(7):
            information_share_record(
                child=child, data=phone_share(gp, decided_on=yesterday() - dt.timedelta(days)), by=entitled
            )
        with django_assert_num_queries(1):
            rows = recent_child_shares(entitled, child, Basis.AGENCY)
            headings = [row.heading for row in rows]
        assert len(rows) == 5
        assert headings == ["Shared with Dr Amir Patel, GP partner (Castle Street Surgery)"] * 5
        assert rows[0].share.decided_on == yesterday()
        assert all(row.shared for row in rows)
