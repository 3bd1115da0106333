"""Merging two records of one child and undoing it (issue 4, item 4: "merge and unmerge are
reversible services, fully audited, and an unmerge restores every entry to the right
child"), and the review queue's decisions."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from safeguarding.access.models import BreakGlassAccess, ChildInvolvement, InvolvementBasis
from safeguarding.access.services import involvement_ensure
from safeguarding.audit.models import Action, AuditEvent
from safeguarding.concerns.models import ChronologyEntry, Concern
from safeguarding.concerns.tests.recording_helpers import record_concern
from safeguarding.core.errors import DomainError
from safeguarding.frontdoor.models import ReferralClosure
from safeguarding.linkage.merge import (
    MergeRefused,
    child_merge,
    child_merge_plan,
    child_unmerge,
    review_pair_decide_distinct,
    review_pair_queue,
    unmerge_counts,
)
from safeguarding.linkage.models import ChildMerge, ReviewPair, ReviewStatus, SourceRecord
from safeguarding.pathway.models import ClockRow
from safeguarding.pathway.projection import clock_rows_refresh
from safeguarding.pathway.tests.factories import CINPlanFactory, EpisodeFactory, PlanFactory
from safeguarding.people.identifiers import nhs_number_check_digit, upn_check_letter
from safeguarding.people.models import (
    Address,
    Child,
    ChildAddress,
    ChildName,
    NameKind,
    Person,
    Relationship,
    SchoolEnrolment,
    StatusPeriod,
)
from tests.factories import (
    ChildFactory,
    ContactFactory,
    LinkageModelFactory,
    ReferralFactory,
    ReviewPairFactory,
    SourceRecordFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

REASON = "The school confirmed the date of birth; Jaiden is the name on the GP record."


def nhs(stem: str) -> str:
    """A valid NHS number from nine digits."""
    for nine in (stem, stem[:-1] + "1", stem[:-1] + "2", stem[:-1] + "3"):
        check = nhs_number_check_digit(nine)
        if check is not None:
            return nine + str(check)
    raise AssertionError("no valid NHS number near " + stem)


def upn(stem: str) -> str:
    return upn_check_letter(stem) + stem


def jayden(**kwargs):  # type: ignore[no-untyped-def]
    return ChildFactory(first_name="Jayden", last_name="Smyth", date_of_birth=dt.date(2019, 7, 3), **kwargs)


def jaiden(**kwargs):  # type: ignore[no-untyped-def]
    return ChildFactory(first_name="Jaiden", last_name="Smith", date_of_birth=dt.date(2019, 3, 7), **kwargs)


def closed(referral, by):  # type: ignore[no-untyped-def]
    ReferralClosure.objects.create(referral=referral, closed_on=referral.referral_date, reason="RC8", closed_by=by)
    return referral


def child_of(obj) -> int:  # type: ignore[no-untyped-def]
    return type(obj)._base_manager.filter(pk=obj.pk).values_list("child_id", flat=True).get()


# --- The round trip -----------------------------------------------------------------------------


class TestMergeAndUnmerge:
    def test_an_unmerge_restores_every_entry_to_the_right_child(self, reviewer, entitled, other_agency, school, gp):
        survivor, merged = jayden(), jaiden()
        # Each side: a concern (with its chronology entry), an agency record, a referral.
        s_concern = record_concern(survivor, entitled)
        m_concern = record_concern(merged, other_agency)
        s_entry = ChronologyEntry.objects.get(child=survivor, kind="concern")
        m_entry = ChronologyEntry.objects.get(child=merged, kind="concern")
        s_source = SourceRecordFactory(child=survivor, agency=school, source_key="S1")
        m_source = SourceRecordFactory(
            child=merged, agency=gp, source="gp_registration", source_key="G1", first_name="Jaiden"
        )
        s_referral = ReferralFactory(contact__child=survivor)
        m_referral = closed(ReferralFactory(contact__child=merged), reviewer)
        m_legal = ChildName.objects.get(child=merged, kind=NameKind.LEGAL)
        s_legal = ChildName.objects.get(child=survivor, kind=NameKind.LEGAL)
        merged.nhs_number = nhs("943476591")
        merged.save(update_fields=["nhs_number"])

        merge = child_merge(survivor=survivor, merged=merged, reason=REASON, by=reviewer)

        survivor.refresh_from_db()
        merged.refresh_from_db()
        # Everything about the merged record is now on the survivor.
        for row in (m_concern, m_entry, m_source, m_referral, m_referral.contact, m_legal):
            assert child_of(row) == survivor.pk, row
        assert merged.merged_into_id == survivor.pk
        assert set(Concern.objects.filter(child=survivor)) == {s_concern, m_concern}
        # One current legal name: the merged child's becomes an alias; the survivor keeps its own.
        m_legal.refresh_from_db()
        assert m_legal.kind == NameKind.ALIAS
        assert list(ChildName.objects.filter(child=survivor, kind=NameKind.LEGAL)) == [s_legal]
        assert survivor.display_name == "Jayden Smyth"
        # The survivor lacked an NHS number: it moved (the merged record gave it up first).
        assert survivor.nhs_number == nhs("943476591") and merged.nhs_number is None
        assert merge.identifiers_moved == {"nhs_number": nhs("943476591")}
        # `moved` lists exactly what moved, and the changed name kind.
        assert merge.moved["concerns.Concern"] == [m_concern.pk]
        assert merge.moved["linkage.SourceRecord"] == [m_source.pk]
        assert merge.moved["frontdoor.Referral"] == [m_referral.pk]
        assert m_entry.pk in merge.moved["concerns.ChronologyEntry"]
        assert merge.moved["changed"] == [
            {"model": "people.ChildName", "pk": m_legal.pk, "field": "kind", "old": "legal", "new": "alias"}
        ]
        # A chronology entry on the survivor says so.
        note = ChronologyEntry.objects.get(child=survivor, kind="child_merge")
        assert merged.la_child_id in note.summary and "1 concern" in note.summary

        # Something recorded on the survivor after the merge belongs to the survivor.
        later = record_concern(survivor, entitled)

        child_unmerge(merge=merge, reason="Two children: the GP confirmed different mothers.", by=reviewer)

        survivor.refresh_from_db()
        merged.refresh_from_db()
        for row in (m_concern, m_entry, m_source, m_referral, m_referral.contact, m_legal):
            assert child_of(row) == merged.pk, row
        for row in (s_concern, s_entry, s_source, s_referral, s_legal, later):
            assert child_of(row) == survivor.pk, row
        m_legal.refresh_from_db()
        assert m_legal.kind == NameKind.LEGAL
        assert merged.merged_into_id is None
        assert merged.nhs_number == nhs("943476591") and survivor.nhs_number is None
        assert set(ChronologyEntry.objects.filter(child=merged, kind="concern")) == {m_entry}
        assert ChronologyEntry.objects.filter(child=survivor, kind="concern").count() == 2
        merge.refresh_from_db()
        assert merge.undone_by == reviewer and merge.undone_at is not None
        assert merge.undo_reason == "Two children: the GP confirmed different mothers."
        # Both chronologies say what happened.
        assert ChronologyEntry.objects.filter(child=survivor, kind="child_unmerge").exists()
        assert ChronologyEntry.objects.filter(child=merged, kind="child_unmerge").exists()

    def test_merge_and_unmerge_are_audited_on_both_children(self, reviewer, entitled):
        survivor, merged = jayden(), jaiden()
        record_concern(merged, entitled)
        merge = child_merge(survivor=survivor, merged=merged, reason=REASON, by=reviewer)
        events = AuditEvent.objects.filter(action=Action.AMEND, object_type="linkage.childmerge", actor=reviewer)
        on = {e.child_id: e for e in events}
        assert set(on) == {survivor.pk, merged.pk}
        assert on[survivor.pk].detail["moved"]["concerns.Concern"] == 1
        assert on[survivor.pk].detail["role"] == "survivor" and on[merged.pk].detail["role"] == "merged"
        assert on[merged.pk].reason == REASON
        # The audit log never moves: the merged child's events stay on the merged child.
        assert AuditEvent.objects.filter(child=merged, action=Action.CREATE, object_type="concerns.concern").exists()

        child_unmerge(merge=merge, reason="Different children", by=reviewer)
        undo = AuditEvent.objects.filter(
            action=Action.AMEND, object_type="linkage.childmerge", detail__event="child_unmerge"
        )
        assert {e.child_id for e in undo} == {survivor.pk, merged.pk}
        assert {e.detail["returned"]["concerns.Concern"] for e in undo} == {1}

    def test_every_relation_moves_including_family_from_both_sides_and_access_rows(self, reviewer, gp, school):
        survivor, merged, brother = jayden(), jaiden(), ChildFactory(first_name="Kai", last_name="Smith")
        mother = Person.objects.create(first_name="Dana", last_name="Smith")
        as_child = Relationship.objects.create(child=merged, person=mother, relationship="mother")
        as_relative = Relationship.objects.create(child=brother, related_child=merged, relationship="sibling")
        status = StatusPeriod.objects.create(child=merged, status="looked_after", started_on=dt.date(2024, 1, 1))
        grant = BreakGlassAccess.objects.create(
            practitioner=UserFactory(), child=merged, reason="x" * 20, expires_at=timezone.now()
        )
        involvement = involvement_ensure(child=merged, agency=gp, basis=InvolvementBasis.REGISTERED)
        plan = child_merge_plan(survivor=survivor, merged=merged)
        assert plan.moving["people.Relationship"] == 2

        merge = child_merge(survivor=survivor, merged=merged, reason=REASON, by=reviewer)

        for obj in (as_child, status, grant, involvement):
            assert child_of(obj) == survivor.pk
        as_relative.refresh_from_db()
        assert as_relative.related_child_id == survivor.pk and as_relative.child_id == brother.pk
        assert sorted(merge.moved["people.Relationship"]) == sorted([as_child.pk, as_relative.pk])

        child_unmerge(merge=merge, reason="Different children", by=reviewer)

        for obj in (as_child, status, grant, involvement):
            assert child_of(obj) == merged.pk
        as_relative.refresh_from_db()
        assert as_relative.related_child_id == merged.pk and as_relative.child_id == brother.pk

    def test_a_row_that_would_break_a_unique_constraint_stays_where_it_is(self, reviewer, school, gp):
        survivor, merged = jayden(), jaiden()
        involvement_ensure(child=survivor, agency=school, basis=InvolvementBasis.ROLL)
        same = involvement_ensure(child=merged, agency=school, basis=InvolvementBasis.ROLL)
        other = involvement_ensure(child=merged, agency=gp, basis=InvolvementBasis.REGISTERED)

        merge = child_merge(survivor=survivor, merged=merged, reason=REASON, by=reviewer)

        assert child_of(same) == merged.pk
        assert child_of(other) == survivor.pk
        assert merge.moved["access.ChildInvolvement"] == [other.pk]
        assert ChildInvolvement.objects.filter(child=survivor, agency=school).count() == 1

    def test_what_the_survivor_already_has_does_not_show_twice(self, reviewer, school):
        survivor, merged = jayden(), jaiden()
        same_name = ChildName.objects.create(
            child=merged, kind=NameKind.ALIAS, first_name="Jayden", last_name="Smyth", first_key="j", last_key="s"
        )
        home = Address.objects.create(line1="12 Mill Lane", town="Riverside", postcode="RV1 2AB")
        ChildAddress.objects.create(child=survivor, address=home, moved_in=dt.date(2020, 1, 1))
        again = Address.objects.create(line1="12  mill lane", town="Riverside", postcode="rv12ab")
        same_home = ChildAddress.objects.create(child=merged, address=again, moved_in=dt.date(2021, 1, 1))
        earlier = ChildAddress.objects.create(
            child=merged, address=again, moved_in=dt.date(2019, 1, 1), moved_out=dt.date(2019, 6, 1)
        )
        SchoolEnrolment.objects.create(child=survivor, school=school, started_on=dt.date(2023, 9, 1))
        same_school = SchoolEnrolment.objects.create(child=merged, school=school, started_on=dt.date(2023, 9, 4))

        plan = child_merge_plan(survivor=survivor, merged=merged)
        assert plan.staying == {"people.ChildName": 1, "people.ChildAddress": 1, "people.SchoolEnrolment": 1}
        child_merge(survivor=survivor, merged=merged, reason=REASON, by=reviewer)

        assert child_of(same_name) == merged.pk
        assert child_of(same_home) == merged.pk
        assert child_of(same_school) == merged.pk
        assert child_of(earlier) == survivor.pk  # a past address is history: it moves
        assert ChildAddress.objects.filter(child=survivor, moved_out__isnull=True).count() == 1

    def test_the_survivor_without_a_postcode_takes_the_merged_childs_address(self, reviewer):
        survivor, merged = jayden(), jaiden()
        home = Address.objects.create(line1="3 Dock Road", town="Riverside", postcode="RV3 9ZZ")
        ChildAddress.objects.create(child=merged, address=home, moved_in=dt.date(2022, 1, 1))
        Child.objects.filter(pk=merged.pk).update(current_postcode="RV3 9ZZ")
        merge = child_merge(survivor=survivor, merged=merged, reason=REASON, by=reviewer)
        survivor.refresh_from_db()
        assert survivor.current_postcode == "RV3 9ZZ"
        child_unmerge(merge=merge, reason="Different children", by=reviewer)
        survivor.refresh_from_db()
        assert survivor.current_postcode == ""

    def test_clocks_are_rebuilt_for_both_children(self, reviewer):
        survivor, merged = jayden(), jaiden()
        contact = ContactFactory(child=merged)  # waiting for a front door decision: a running clock
        clock_rows_refresh(child_id=merged.pk)
        assert ClockRow.objects.get(source_type="frontdoor.contact", source_id=contact.pk).child_id == merged.pk

        merge = child_merge(survivor=survivor, merged=merged, reason=REASON, by=reviewer)
        assert ClockRow.objects.get(source_type="frontdoor.contact", source_id=contact.pk).child_id == survivor.pk

        child_unmerge(merge=merge, reason="Different children", by=reviewer)
        assert ClockRow.objects.get(source_type="frontdoor.contact", source_id=contact.pk).child_id == merged.pk

    def test_the_review_pair_records_the_decision_both_ways(self, reviewer):
        pair = ReviewPairFactory(child_a=jayden(), child_b=jaiden())
        merge = child_merge(survivor=pair.child_b, merged=pair.child_a, reason=REASON, by=reviewer, review_pair=pair)
        pair.refresh_from_db()
        assert (pair.status, pair.decided_by, pair.decision_reason) == (ReviewStatus.MERGED, reviewer, REASON)
        assert merge.review_pair == pair

        child_unmerge(merge=merge, reason="Twins after all", by=reviewer)
        pair.refresh_from_db()
        assert (pair.status, pair.decision_reason) == (ReviewStatus.DISTINCT, "Twins after all")
        # ... so they cannot be merged again by mistake.
        with pytest.raises(MergeRefused, match="not the same child"):
            child_merge(survivor=pair.child_b, merged=pair.child_a, reason=REASON, by=reviewer)

    def test_an_open_pair_of_the_two_children_is_decided_by_a_merge_made_without_it(self, reviewer):
        pair = ReviewPairFactory(child_a=jayden(), child_b=jaiden())
        merge = child_merge(survivor=pair.child_a, merged=pair.child_b, reason=REASON, by=reviewer)
        pair.refresh_from_db()
        assert pair.status == ReviewStatus.MERGED and merge.review_pair_id == pair.pk


# --- Refusals -------------------------------------------------------------------------------------


class TestMergeRefusals:
    def test_only_reviewers_merge(self, entitled, front_door):
        for user in (entitled, front_door):
            with pytest.raises(DomainError, match="Only reviewers"):
                child_merge(survivor=jayden(), merged=jaiden(), reason=REASON, by=user)
        assert not ChildMerge.objects.exists()

    def test_a_reason_is_required(self, reviewer):
        with pytest.raises(ValidationError) as exc:
            child_merge(survivor=jayden(), merged=jaiden(), reason="  ", by=reviewer)
        assert exc.value.message_dict == {"reason": ["Enter why these records are the same child"]}

    def test_not_with_itself(self, reviewer):
        child = jayden()
        with pytest.raises(DomainError, match="cannot be merged with itself"):
            child_merge(survivor=child, merged=child, reason=REASON, by=reviewer)

    def test_not_a_record_already_merged(self, reviewer):
        a, b, c = jayden(), jaiden(), jaiden()
        child_merge(survivor=a, merged=b, reason=REASON, by=reviewer)
        b.refresh_from_db()
        with pytest.raises(DomainError, match="already been merged into another record"):
            child_merge(survivor=c, merged=b, reason=REASON, by=reviewer)
        with pytest.raises(DomainError, match="already been merged into another record"):
            child_merge(survivor=b, merged=c, reason=REASON, by=reviewer)

    def test_not_a_pair_decided_not_the_same_child(self, reviewer):
        pair = ReviewPairFactory(child_a=jayden(), child_b=jaiden())
        review_pair_decide_distinct(pair=pair, reason="Twins", by=reviewer)
        with pytest.raises(DomainError, match="these are not the same child"):
            child_merge(survivor=pair.child_a, merged=pair.child_b, reason=REASON, by=reviewer)

    def test_not_two_different_nhs_numbers_or_upns(self, reviewer):
        a = jayden(nhs_number=nhs("943476591"))
        b = jaiden(nhs_number=nhs("401023213"))
        with pytest.raises(DomainError, match="They have different NHS numbers: they are different children"):
            child_merge(survivor=a, merged=b, reason=REASON, by=reviewer)
        c, d = jayden(upn=upn("801200001001")), jaiden(upn=upn("801200001002"))
        with pytest.raises(DomainError, match="They have different UPNs: they are different children"):
            child_merge(survivor=c, merged=d, reason=REASON, by=reviewer)

    def test_not_twins_or_siblings_recorded_as_related(self, reviewer):
        twin_a, twin_b = jayden(), jayden()
        Relationship.objects.create(child=twin_b, related_child=twin_a, relationship="sibling")
        with pytest.raises(DomainError, match=r"recorded as related to each other \(sibling\)"):
            child_merge(survivor=twin_a, merged=twin_b, reason=REASON, by=reviewer)

    @pytest.mark.parametrize(
        ("kind", "make"),
        [
            ("referral to children's social care", lambda child: ReferralFactory(contact__child=child)),
            ("early help episode", lambda child: EpisodeFactory(child=child)),
            (
                "child protection plan",
                lambda child: PlanFactory(
                    initial_conference__section47__strategy_discussion__referral__contact__child=child
                ),
            ),
            ("child in need plan", lambda child: CINPlanFactory(referral__contact__child=child)),
        ],
    )
    def test_not_two_open_items_a_child_has_only_one_of(self, reviewer, kind, make):
        a, b = jayden(), jaiden()
        make(a)
        make(b)
        with pytest.raises(MergeRefused) as exc:
            child_merge(survivor=a, merged=b, reason=REASON, by=reviewer)
        assert f"Both have an open {kind}" in str(exc.value)
        assert not ChildMerge.objects.exists()

    def test_one_open_referral_and_one_closed_is_fine(self, reviewer):
        a, b = jayden(), jaiden()
        ReferralFactory(contact__child=a)
        closed(ReferralFactory(contact__child=b), reviewer)
        child_merge(survivor=a, merged=b, reason=REASON, by=reviewer)

    def test_every_reason_is_given_at_once(self, reviewer):
        a = jayden(nhs_number=nhs("943476591"), upn=upn("801200001001"))
        b = jaiden(nhs_number=nhs("401023213"), upn=upn("801200001002"))
        with pytest.raises(MergeRefused) as exc:
            child_merge(survivor=a, merged=b, reason=REASON, by=reviewer)
        assert len(exc.value.reasons) == 2


class TestUnmergeRefusals:
    def test_not_twice_not_without_a_reason_and_only_by_reviewers(self, reviewer, entitled):
        merge = child_merge(survivor=jayden(), merged=jaiden(), reason=REASON, by=reviewer)
        with pytest.raises(DomainError, match="Only reviewers"):
            child_unmerge(merge=merge, reason="Different", by=entitled)
        with pytest.raises(ValidationError) as exc:
            child_unmerge(merge=merge, reason="", by=reviewer)
        assert exc.value.message_dict == {"reason": ["Enter why this merge should be undone"]}
        child_unmerge(merge=merge, reason="Different", by=reviewer)
        with pytest.raises(DomainError, match="already been undone"):
            child_unmerge(merge=merge, reason="Different", by=reviewer)

    def test_a_later_merge_of_the_survivor_is_undone_first(self, reviewer, entitled):
        x, m, s = jaiden(), jayden(), jayden()
        concern = record_concern(x, entitled)
        first = child_merge(survivor=m, merged=x, reason=REASON, by=reviewer)
        m.refresh_from_db()
        second = child_merge(survivor=s, merged=m, reason=REASON, by=reviewer)
        x.refresh_from_db()
        # The record merged earlier now points at the newest survivor.
        assert x.merged_into_id == s.pk and child_of(concern) == s.pk
        assert second.moved["people.Child"] == [x.pk]
        with pytest.raises(DomainError, match="Undo that later merge first"):
            child_unmerge(merge=first, reason="Different", by=reviewer)

        child_unmerge(merge=second, reason="Different", by=reviewer)
        x.refresh_from_db()
        assert x.merged_into_id == m.pk and child_of(concern) == m.pk
        child_unmerge(merge=first, reason="Different", by=reviewer)
        x.refresh_from_db()
        assert x.merged_into_id is None and child_of(concern) == x.pk

    def test_unmerge_counts_only_rows_still_on_the_survivor(self, reviewer, entitled, other_agency):
        survivor, merged = jayden(), jaiden()
        record_concern(merged, entitled)
        record_concern(merged, other_agency)
        merge = child_merge(survivor=survivor, merged=merged, reason=REASON, by=reviewer)
        assert unmerge_counts(merge)["concerns.Concern"] == 2


# --- The queue ------------------------------------------------------------------------------------


class TestReviewQueue:
    def args(self, a, b, **kw):  # type: ignore[no-untyped-def]
        values = {
            "child_a": a,
            "child_b": b,
            "match_weight": 6.5,
            "match_probability": 0.989,
            "comparison": [{"comparison": "Surname", "level": "Similar", "weight": 2.0}],
            "model": LinkageModelFactory(),
            "found_by": "school roll, 3 March 2025",
        }
        values.update(kw)
        return values

    def test_queues_the_pair_in_order_once(self):
        a, b = jayden(), jaiden()
        pair = review_pair_queue(**self.args(b, a))
        assert pair is not None
        assert (pair.child_a_id, pair.child_b_id, pair.status) == (a.pk, b.pk, ReviewStatus.OPEN)
        assert pair.comparison == [{"comparison": "Surname", "level": "Similar", "weight": 2.0}]
        assert review_pair_queue(**self.args(a, b)) is None
        assert ReviewPair.objects.count() == 1

    def test_a_decided_pair_is_never_queued_again(self, reviewer):
        a, b = jayden(), jaiden()
        pair = review_pair_queue(**self.args(a, b))
        assert pair is not None
        review_pair_decide_distinct(pair=pair, reason="Twins", by=reviewer)
        assert review_pair_queue(**self.args(b, a, match_weight=9.0)) is None
        pair.refresh_from_db()
        assert pair.status == ReviewStatus.DISTINCT

    def test_not_a_merged_record_nor_a_child_with_itself(self, reviewer):
        a, b, c = jayden(), jaiden(), jaiden()
        child_merge(survivor=a, merged=b, reason=REASON, by=reviewer)
        b.refresh_from_db()
        assert review_pair_queue(**self.args(b, c)) is None
        assert review_pair_queue(**self.args(c, c)) is None
        assert not ReviewPair.objects.exists()

    def test_not_the_same_child_is_recorded_audited_and_only_once(self, reviewer, entitled):
        pair = ReviewPairFactory()
        with pytest.raises(DomainError, match="Only reviewers"):
            review_pair_decide_distinct(pair=pair, reason="Twins", by=entitled)
        with pytest.raises(ValidationError):
            review_pair_decide_distinct(pair=pair, reason="", by=reviewer)
        review_pair_decide_distinct(pair=pair, reason="Twins: both on the school roll", by=reviewer)
        pair.refresh_from_db()
        assert pair.status == ReviewStatus.DISTINCT and pair.decided_by == reviewer and pair.decided_at
        events = AuditEvent.objects.filter(object_type="linkage.reviewpair", action=Action.AMEND)
        assert {e.child_id for e in events} == {pair.child_a_id, pair.child_b_id}
        with pytest.raises(DomainError, match="already been decided"):
            review_pair_decide_distinct(pair=pair, reason="Again", by=reviewer)


def test_a_merge_leaves_the_source_records_unique_per_agency(reviewer, school):
    """Source records carry their own unique key (agency, source, key): moving never clashes."""
    survivor, merged = jayden(), jaiden()
    SourceRecordFactory(child=survivor, agency=school, source_key="A")
    SourceRecordFactory(child=merged, agency=school, source_key="B")
    child_merge(survivor=survivor, merged=merged, reason=REASON, by=reviewer)
    assert SourceRecord.objects.filter(child=survivor).count() == 2


# --- After a merge, everywhere ------------------------------------------------------------------


class TestAfterAMerge:
    def test_opening_the_merged_record_anywhere_reaches_the_survivor_access_checked(self, reviewer, entitled, outsider):
        from safeguarding.access.services import child_for
        from safeguarding.core.errors import NoRelationship

        survivor, merged = jayden(), jaiden()
        child_merge(survivor=survivor, merged=merged, reason=REASON, by=reviewer)
        child, _ = child_for(reviewer, merged.pk)
        assert child == survivor
        event = AuditEvent.objects.filter(actor=reviewer, action=Action.VIEW).latest("id")
        assert event.child_id == survivor.pk and event.detail["opened_merged_record"] == merged.pk
        with pytest.raises(NoRelationship):
            child_for(outsider, merged.pk)

    def test_children_recorded_as_family_of_each_other_are_never_queued(self):
        first, second = jayden(), jaiden()
        Relationship.objects.create(child=first, related_child=second, relationship="sibling")
        pair = review_pair_queue(
            child_a=first,
            child_b=second,
            match_weight=9.0,
            match_probability=0.998,
            comparison=[],
            model=LinkageModelFactory(),
            found_by="test",
        )
        assert pair is None and not ReviewPair.objects.exists()

    def test_the_details_history_shows_the_merge(self, reviewer):
        from safeguarding.people.details import describe, details_changes

        survivor, merged = jayden(), jaiden()
        child_merge(survivor=survivor, merged=merged, reason=REASON, by=reviewer)
        headings = [describe(e).heading for e in details_changes(merged)]
        assert "Records merged: found to be the same child" in headings
