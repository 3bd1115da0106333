"""The demo's identity linkage (synthetic/linkage.py): agency records of the loaded children,
two feeds imported through the real services, near-duplicates queued for review between the
thresholds, an unknown twin queued but never merged, and merges the reviewer can undo."""

import csv
import io
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.db.models import Q
from django.urls import reverse

from safeguarding.access.models import User
from safeguarding.audit.models import AuditEvent
from safeguarding.concerns.models import AgencyEvent, AgencyEventKind, ChronologyEntry
from safeguarding.linkage.merge import child_unmerge, pair_between, unmerge_refusals
from safeguarding.linkage.models import (
    ChildMerge,
    FeedImport,
    FeedKind,
    FeedRejection,
    FeedStatus,
    LinkageModel,
    LinkMethod,
    RecordSource,
    ReviewPair,
    ReviewStatus,
    SourceRecord,
)
from safeguarding.linkage.permissions import may_review_links
from safeguarding.people.models import Child, ChildAddress, Relationship
from safeguarding.synthetic.linkage import LinkageSeed, seed_linkage
from safeguarding.synthetic.tests.conftest import LOAD_MOMENT

SIZE = 150


@pytest.fixture
def linked(db) -> LinkageSeed:  # type: ignore[no-untyped-def]
    # Dates are relative to the moment of loading, and which near-misses the model leaves
    # between its thresholds depends on them (ages, school years): load at a fixed moment.
    with time_machine.travel(LOAD_MOMENT, tick=True):
        call_command(
            "seed_demo", size=SIZE, seed=1, skip_signals=True, skip_linkage=True, skip_sharing=True, no_progress=True
        )
        return seed_linkage(seed=1)


def _new_child_record(child_id: int) -> SourceRecord | None:
    return SourceRecord.objects.filter(child_id=child_id, link_method=LinkMethod.NEW).first()


def test_the_review_queue_holds_near_duplicates_scored_between_the_thresholds(linked):
    model = LinkageModel.objects.get(is_active=True)
    waiting = list(ReviewPair.objects.filter(status=ReviewStatus.OPEN))

    assert 10 <= len(waiting) <= 20
    for pair in waiting:
        assert model.review_weight <= pair.match_weight < model.auto_link_weight, pair.comparison
        assert pair.model == model and pair.comparison
        # One of the two arrived on a feed row that could not be auto-linked: the row made a
        # new child, the other child was already in the index.
        records = [_new_child_record(pair.child_a_id), _new_child_record(pair.child_b_id)]
        new = [r for r in records if r is not None]
        assert len(new) == 1 and new[0].feed_import is not None
        assert new[0].model == model and new[0].match_weight is None
        assert pair.found_by.startswith(new[0].feed_import.agency.name)
    # The near-misses are of several kinds, not one.
    reasons = {d.variant.why.split(" ")[1] for d in linked.near_duplicates}
    assert len(reasons) >= 3


def test_the_feeds_finished_with_rejections_links_and_attendances_on_the_chronology(linked):
    imports = {f.kind: f for f in FeedImport.objects.all()}

    assert set(imports) == {FeedKind.SCHOOL_ROLL, FeedKind.AE_ATTENDANCE}
    for feed in imports.values():
        assert feed.status == FeedStatus.DONE and feed.finished_at is not None
        assert feed.rows_done == feed.total_rows
        counted = feed.rows_linked + feed.rows_new + feed.rows_review + feed.rows_unchanged + feed.rows_rejected
        assert counted == feed.total_rows
        rejections = list(FeedRejection.objects.filter(feed_import=feed))
        assert len(rejections) == feed.rows_rejected >= 3
        assert all(r.reason and r.row for r in rejections)
        # Most rows are children the index already had.
        assert feed.rows_linked + feed.rows_unchanged > feed.total_rows / 2
        assert feed.rows_review >= 1

    roll = imports[FeedKind.SCHOOL_ROLL]
    assert roll.rows_linked >= 1  # this year's starters, by UPN
    by_upn = SourceRecord.objects.filter(feed_import=roll, link_method=LinkMethod.IDENTIFIER)
    assert by_upn.exists() and all(r.child.upn == r.upn for r in by_upn)

    ae = imports[FeedKind.AE_ATTENDANCE]
    methods = set(SourceRecord.objects.filter(feed_import=ae).values_list("link_method", flat=True))
    assert {LinkMethod.IDENTIFIER, LinkMethod.AUTO, LinkMethod.NEW} <= methods
    rejected = set(FeedRejection.objects.filter(feed_import=ae).values_list("row_number", flat=True))
    rows = list(csv.DictReader(io.StringIO(ae.content)))
    references = {row["Attendance ID"] for n, row in enumerate(rows, start=1) if n not in rejected}
    events = AgencyEvent.objects.filter(
        agency=ae.agency, kind=AgencyEventKind.AE_ATTENDANCE, source_reference__in=references
    )
    assert events.count() == len(references)
    for event in events:
        entry = ChronologyEntry.objects.get(source_type="concerns.agencyevent", source_id=event.pk)
        assert entry.child_id == event.child_id


def test_children_on_a_gp_list_or_a_school_roll_have_that_agencys_record(linked):
    registered = SourceRecord.objects.filter(source=RecordSource.GP_REGISTRATION)
    on_roll = SourceRecord.objects.filter(source=RecordSource.SCHOOL_ROLL, feed_import__isnull=True)

    assert registered.count() > SIZE / 2 and on_roll.exists()
    for record in [*registered.select_related("child"), *on_roll.select_related("child")]:
        assert record.link_method == LinkMethod.IDENTIFIER
        assert record.source_key in (record.child.nhs_number, record.child.upn)
    assert linked.agency_records == registered.count() + on_roll.count()


def test_the_reviewer_merged_two_pairs_and_can_undo_a_merge(linked):
    frontdoor = User.objects.get(username="frontdoor")
    merges = list(ChildMerge.objects.select_related("review_pair", "merged_by"))

    assert may_review_links(frontdoor)
    assert len(merges) == len(linked.merges) == 2
    for merge in merges:
        assert merge.merged_by == frontdoor and merge.undone_at is None
        assert merge.review_pair is not None and merge.review_pair.status == ReviewStatus.MERGED
        assert unmerge_refusals(merge) == []
        # The survivor was in the index; the merged record came from the hospital's file.
        assert merge.survivor.created_at < merge.merged.created_at

    merge = merges[0]
    assert merge.review_pair is not None
    attendances = list(AgencyEvent.objects.filter(pk__in=merge.moved["concerns.AgencyEvent"]))
    assert attendances and all(e.child_id == merge.survivor_id for e in attendances)

    child_unmerge(merge=merge, reason="Trying undo in the demo", by=frontdoor)

    assert Child.objects.get(pk=merge.merged_id).merged_into_id is None
    assert all(e.child_id == merge.merged_id for e in AgencyEvent.objects.filter(pk__in=[a.pk for a in attendances]))
    assert ReviewPair.objects.get(pk=merge.review_pair.pk).status == ReviewStatus.DISTINCT


def test_the_unknown_twin_waits_for_review_and_no_twins_were_merged(linked):
    assert len(linked.twins) == 1
    existing, twin = linked.twins[0]
    pair = pair_between(existing, twin)

    assert pair is not None and pair.status == ReviewStatus.OPEN
    a, b = Child.objects.get(pk=existing), Child.objects.get(pk=twin)
    assert a.date_of_birth == b.date_of_birth and a.sex != b.sex
    assert a.display_name.split()[-1] == b.display_name.split()[-1]
    assert a.display_name.split()[0] != b.display_name.split()[0]
    home = ChildAddress.objects.filter(moved_out__isnull=True).values_list("address__line1", "address__postcode")
    assert set(home.filter(child=a)) & set(home.filter(child=b))
    assert not ChildMerge.objects.filter(Q(survivor_id__in=linked.twins[0]) | Q(merged_id__in=linked.twins[0])).exists()
    # Nor any recorded twins.
    for merge in ChildMerge.objects.select_related("survivor", "merged"):
        assert (
            merge.survivor.date_of_birth != merge.merged.date_of_birth
            or not Relationship.objects.filter(child=merge.survivor, related_child=merge.merged).exists()
        )


def test_seed_demo_adds_it_and_does_nothing_the_second_time(db):
    out = StringIO()
    call_command("seed_demo", size=SIZE, seed=1, skip_signals=True, no_progress=True, stdout=out)

    assert "Identity linkage:" in out.getvalue()
    counts = [
        m.objects.count() for m in (Child, SourceRecord, FeedImport, ReviewPair, ChildMerge, AgencyEvent, AuditEvent)
    ]
    assert all(counts)

    call_command("seed_demo", size=SIZE, seed=1, if_empty=True, no_progress=True, stdout=StringIO())
    again = seed_linkage(seed=1)

    assert not again.imports and not again.merges and again.agency_records == 0
    assert [
        m.objects.count() for m in (Child, SourceRecord, FeedImport, ReviewPair, ChildMerge, AgencyEvent, AuditEvent)
    ] == counts


def test_the_front_door_finds_it_all_on_the_pages(linked, as_user):
    frontdoor = as_user(User.objects.get(username="frontdoor"))
    pair = ReviewPair.objects.filter(status=ReviewStatus.OPEN).order_by("-match_weight", "id").first()
    merge = ChildMerge.objects.order_by("pk").first()
    assert pair is not None and merge is not None

    queue = frontdoor.get(reverse("linkage:review"))
    assert queue.status_code == 200
    waiting = ReviewPair.objects.filter(status=ReviewStatus.OPEN).count()
    assert f"{waiting} pairs waiting for review" in queue.content.decode()
    for url in (
        reverse("linkage:review-pair", args=[pair.pk]),
        reverse("linkage:merges"),
        reverse("linkage:merge-undo", args=[merge.pk]),
        reverse("linkage:model"),
    ):
        assert frontdoor.get(url).status_code == 200, url
    feeds = frontdoor.get(reverse("linkage:feeds")).content.decode()
    for feed in FeedImport.objects.all():
        assert feed.file_name in feeds
        report = frontdoor.get(reverse("linkage:feed", args=[feed.pk])).content.decode()
        rejected = FeedRejection.objects.filter(feed_import=feed).first()
        assert rejected is not None and rejected.reason.split(":")[0] in report

    # The A&E nurse sees the hospital's own import, and not the review queue.
    nurse = as_user(User.objects.get(username="aenurse"))
    assert "ed-attendances-" in nurse.get(reverse("linkage:feeds")).content.decode()
    assert nurse.get(reverse("linkage:review")).status_code == 403
