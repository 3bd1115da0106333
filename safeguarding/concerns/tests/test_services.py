"""The recording services: a concern and a new child both or neither, amendments that record
only real changes, and write-without-read for a practitioner with no relationship."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone

from safeguarding.access.models import ChildInvolvement, InvolvementBasis
from safeguarding.access.permissions import Basis
from safeguarding.access.services import recording_target
from safeguarding.audit.models import Action, AuditEvent
from safeguarding.concerns.models import ChronologyEntry, Concern, ConcernAmendment
from safeguarding.concerns.services import (
    concern_amend,
    concern_record_for_new_child,
    concern_validate,
)
from safeguarding.concerns.tests.recording_helpers import concern_input, record_concern
from safeguarding.core.errors import NoRelationship
from safeguarding.people.models import Child
from safeguarding.people.services import NewChild
from tests.factories import aware

pytestmark = pytest.mark.django_db


def new_child(**overrides):
    values = {"first_name": "Zebedee", "last_name": "Quartermaine", "date_of_birth": dt.date(2019, 9, 3)}
    values.update(overrides)
    return NewChild(**values)


class TestConcernValidate:
    def test_every_rule_is_reported_at_once(self):
        data = concern_input(
            occurred_at=timezone.now() + dt.timedelta(days=1),
            what_happened=" ",
            action_taken="",
            categories=[],
            injury_locations=["tail"],
        )
        with pytest.raises(ValidationError) as exc:
            concern_validate(data)
        assert exc.value.message_dict == {
            "occurred_at": ["The date it happened must be today or in the past"],
            "what_happened": ["Enter what you saw or heard"],
            "action_taken": ["Enter the action you have taken"],
            "categories": ["Select at least one category"],
            "injury_locations": ["Select injury locations from the body map"],
        }

    def test_naive_times_are_a_programming_error(self):
        with pytest.raises(ValueError):
            concern_validate(concern_input(occurred_at=dt.datetime(2025, 1, 1, 10, 0)))


class TestConcernRecordForNewChild:
    def test_creates_the_child_and_the_concern_together(self, other_agency):
        concern = concern_record_for_new_child(child_data=new_child(), data=concern_input(), by=other_agency)
        child = Child.objects.get()
        assert concern.child == child
        assert child.display_name == "Zebedee Quartermaine"
        assert ChildInvolvement.objects.filter(
            child=child, agency=other_agency.agency, basis=InvolvementBasis.RECORDED
        ).exists()
        assert ChronologyEntry.objects.filter(child=child, kind="concern").count() == 1
        actions = set(AuditEvent.objects.filter(child=child, actor=other_agency).values_list("action", "object_type"))
        assert actions == {(Action.CREATE, "people.child"), (Action.CREATE, "concerns.concern")}

    def test_an_invalid_concern_writes_no_child(self, other_agency):
        with pytest.raises(ValidationError) as exc:
            concern_record_for_new_child(child_data=new_child(), data=concern_input(what_happened=""), by=other_agency)
        assert exc.value.message_dict == {"what_happened": ["Enter what you saw or heard"]}
        assert not Child.objects.exists()
        assert not Concern.objects.exists()
        assert not AuditEvent.objects.filter(action=Action.CREATE).exists()

    def test_problems_with_both_parts_are_reported_together(self, other_agency):
        with pytest.raises(ValidationError) as exc:
            concern_record_for_new_child(
                child_data=new_child(first_name="", date_of_birth=None),
                data=concern_input(categories=[]),
                by=other_agency,
            )
        assert set(exc.value.message_dict) == {"first_name", "date_of_birth", "categories"}
        assert not Child.objects.exists()

    def test_someone_of_no_agency_cannot_record(self, outsider):
        with pytest.raises(ValidationError):
            concern_record_for_new_child(child_data=new_child(), data=concern_input(), by=outsider)
        assert not Child.objects.exists()


class TestConcernAmend:
    def test_reordered_categories_and_surrounding_spaces_are_not_changes(self, entitled, child):
        concern = record_concern(child, entitled, categories=["neglect", "physical_abuse"])
        with pytest.raises(ValidationError, match="Nothing has changed"):
            concern_amend(
                concern=concern,
                changes={"categories": ["physical_abuse", "neglect"], "what_happened": f" {concern.what_happened} "},
                reason="Tidy",
                by=entitled,
            )
        assert not ConcernAmendment.objects.exists()

    def test_only_real_changes_are_recorded_and_stored_as_new_ones_are(self, entitled, child):
        concern = record_concern(child, entitled, categories=["neglect"])
        amendment = concern_amend(
            concern=concern,
            changes={"categories": ["physical_abuse", "neglect", "neglect"], "action_taken": concern.action_taken},
            reason="Also physical",
            by=entitled,
        )
        assert amendment.changes == {"categories": {"old": ["neglect"], "new": ["neglect", "physical_abuse"]}}
        concern.refresh_from_db()
        assert concern.categories == ["neglect", "physical_abuse"]
        entry = ChronologyEntry.objects.get(source_type="concerns.concern", source_id=concern.pk)
        assert entry.amended is True
        assert entry.categories == ["neglect", "physical_abuse"]

    def test_the_original_values_stay_in_the_amendment(self, entitled, child):
        concern = record_concern(child, entitled, occurred_at=aware(2025, 5, 1, 9, 0))
        concern_amend(
            concern=concern, changes={"occurred_at": aware(2025, 5, 2, 9, 0)}, reason="Wrong day", by=entitled
        )
        amendment = ConcernAmendment.objects.get()
        assert dt.datetime.fromisoformat(amendment.changes["occurred_at"]["old"]) == aware(2025, 5, 1, 9, 0)

    def test_a_reason_is_required(self, entitled, child):
        concern = record_concern(child, entitled)
        with pytest.raises(ValidationError) as exc:
            concern_amend(concern=concern, changes={"what_happened": "New"}, reason="  ", by=entitled)
        assert exc.value.message_dict == {"reason": ["Enter the reason for the amendment"]}

    def test_only_the_recording_agency_may_amend(self, entitled, front_door, child):
        concern = record_concern(child, entitled)
        with pytest.raises(ValidationError, match="Only the agency that recorded"):
            concern_amend(concern=concern, changes={"what_happened": "New"}, reason="Mine", by=front_door)

    def test_a_naive_time_is_a_programming_error(self, entitled, child):
        concern = record_concern(child, entitled)
        with pytest.raises(ValueError):
            concern_amend(
                concern=concern, changes={"occurred_at": dt.datetime(2025, 1, 1, 9, 0)}, reason="x", by=entitled
            )


class TestRecordingTarget:
    def test_with_a_relationship_the_record_may_be_read(self, entitled, child):
        target = recording_target(user=entitled, child_id=child.pk)
        assert target.basis is Basis.AGENCY
        assert target.may_read

    def test_without_a_relationship_only_the_name_and_date_of_birth_are_given(self, other_agency, child):
        target = recording_target(user=other_agency, child_id=child.pk)
        assert target.basis is Basis.NONE
        assert not target.may_read
        assert (target.name, target.date_of_birth) == ("Amelia Jones", dt.date(2015, 6, 1))
        events = list(AuditEvent.objects.filter(actor=other_agency, child=child).order_by("id"))
        assert [e.action for e in events] == [Action.DENIED, Action.VIEW]
        assert events[1].detail == {"what": "record concern form", "basis": "none", "shown": "name and date of birth"}

    def test_someone_of_no_agency_may_not_record(self, outsider, child):
        with pytest.raises(NoRelationship):
            recording_target(user=outsider, child_id=child.pk)
        # The refusal is audited even though the exception ends the request.
        assert AuditEvent.objects.filter(actor=outsider, child=child, action=Action.DENIED).exists()

    def test_an_unknown_child(self, entitled):
        with pytest.raises(Http404):
            recording_target(user=entitled, child_id=987654)
