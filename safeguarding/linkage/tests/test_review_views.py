"""The clerical review pages: the queue, the side-by-side comparison, merging through a
confirmation page, "not the same child", recent merges and undoing one; and how a merged
record shows elsewhere (search, the record page, the navigation)."""

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from safeguarding.access.models import InvolvementBasis
from safeguarding.access.services import involvement_ensure
from safeguarding.audit.models import Action, AuditEvent
from safeguarding.concerns.tests.recording_helpers import record_concern
from safeguarding.linkage.merge import child_merge
from safeguarding.linkage.models import ChildMerge, ReviewStatus
from safeguarding.people.models import ChildName, NameKind
from tests.factories import ChildFactory, ReviewPairFactory, SourceRecordFactory

pytestmark = pytest.mark.django_db

QUEUE = reverse("linkage:review")
MERGES = reverse("linkage:merges")
REASON = "Same date of birth once transposed; the school knows Jaiden as Jayden."


def jayden(**kwargs):  # type: ignore[no-untyped-def]
    return ChildFactory(first_name="Jayden", last_name="Smyth", date_of_birth=dt.date(2019, 7, 3), **kwargs)


def jaiden(**kwargs):  # type: ignore[no-untyped-def]
    return ChildFactory(first_name="Jaiden", last_name="Smith", date_of_birth=dt.date(2019, 3, 7), **kwargs)


@pytest.fixture
def pair(db):  # type: ignore[no-untyped-def]
    return ReviewPairFactory(child_a=jayden(), child_b=jaiden(), match_weight=9.5)


def rows_of(html: str) -> list[str]:
    body = html.split('<tbody class="govuk-table__body">', 1)[1].split("</tbody>", 1)[0]
    return body.split('<tr class="govuk-table__row">')[1:]


def page_urls(pair_pk: int, merge_pk: int) -> list[str]:
    return [
        QUEUE,
        reverse("linkage:review-pair", args=[pair_pk]),
        MERGES,
        reverse("linkage:merge-undo", args=[merge_pk]),
    ]


# --- Who may see the pages -------------------------------------------------------------------------


class TestPersonas:
    @pytest.fixture
    def urls(self, reviewer):  # type: ignore[no-untyped-def]
        p = ReviewPairFactory()
        merge = child_merge(survivor=jayden(), merged=jaiden(), reason=REASON, by=reviewer)
        return page_urls(p.pk, merge.pk)

    def test_the_reviewer_sees_every_page(self, as_user, reviewer, urls):
        client = as_user(reviewer)
        for url in urls:
            assert client.get(url).status_code == 200, url

    @pytest.mark.parametrize("persona", ["entitled", "other_agency", "outsider", "front_door"])
    def test_everyone_else_is_refused(self, as_user, request, persona, urls):
        client = as_user(request.getfixturevalue(persona))
        for url in urls:
            assert client.get(url).status_code == 403, url

    @pytest.mark.parametrize("persona", ["other_agency", "outsider"])
    def test_nobody_else_can_decide(self, as_user, request, persona, pair):
        client = as_user(request.getfixturevalue(persona))
        merge_url = reverse("linkage:review-merge", args=[pair.pk])
        post = {"merge-survivor": pair.child_a_id, "merge-reason": REASON, "confirm": "yes"}
        assert client.post(merge_url, post).status_code == 403
        distinct_url = reverse("linkage:review-distinct", args=[pair.pk])
        assert client.post(distinct_url, {"distinct-reason": "Twins"}).status_code == 403
        pair.refresh_from_db()
        assert pair.status == ReviewStatus.OPEN and not ChildMerge.objects.exists()

    def test_an_anonymous_visitor_is_sent_to_sign_in(self, urls):
        for url in urls:
            response = Client().get(url)
            assert response.status_code == 302 and response["Location"].startswith(reverse("web:sign-in")), url

    def test_the_navigation_shows_identity_review_to_reviewers_only(self, as_user, reviewer, entitled, front_door):
        home = reverse("web:home")
        assert "Identity review" in as_user(reviewer).get(home).content.decode()
        for user in (entitled, front_door):
            assert "Identity review" not in as_user(user).get(home).content.decode()


# --- The queue -------------------------------------------------------------------------------------


class TestQueue:
    def test_open_pairs_strongest_first_with_names_dates_and_weights(self, as_user, reviewer):
        weak = ReviewPairFactory(child_a=ChildFactory(first_name="Ava", last_name="Weak"), match_weight=4.2)
        strong = ReviewPairFactory(
            child_a=ChildFactory(first_name="Bo", last_name="Strong", date_of_birth=dt.date(2018, 2, 1)),
            match_weight=11.3,
        )
        decided = ReviewPairFactory(child_a=ChildFactory(first_name="Cy", last_name="Decided"))
        decided.status = ReviewStatus.DISTINCT
        decided.save()
        html = as_user(reviewer).get(QUEUE).content.decode()
        rows = rows_of(html)
        assert len(rows) == 2
        assert "Bo Strong" in rows[0] and "Born 1 February 2018" in rows[0] and "+11.3" in rows[0]
        assert reverse("linkage:review-pair", args=[strong.pk]) in rows[0]
        assert "Ava Weak" in rows[1] and "+4.2" in rows[1]
        assert reverse("linkage:review-pair", args=[weak.pk]) in rows[1]
        assert "Cy Decided" not in html

    def test_a_pair_whose_child_was_merged_elsewhere_leaves_the_queue(self, as_user, reviewer, pair):
        child_merge(survivor=ChildFactory(), merged=pair.child_b, reason=REASON, by=reviewer)
        assert "No pairs are waiting for review" in as_user(reviewer).get(QUEUE).content.decode()

    def test_empty(self, as_user, reviewer):
        assert "No pairs are waiting for review" in as_user(reviewer).get(QUEUE).content.decode()

    def test_the_queue_is_audited_with_the_children_shown(self, as_user, reviewer, pair):
        as_user(reviewer).get(QUEUE)
        event = AuditEvent.objects.filter(actor=reviewer, action=Action.VIEW).latest("id")
        assert event.detail["what"] == "identity review queue"
        assert event.detail["children"] == sorted([pair.child_a_id, pair.child_b_id])

    def test_fifty_a_page_in_a_constant_number_of_queries(self, as_user, reviewer):
        client = as_user(reviewer)
        ReviewPairFactory(match_weight=20.0)

        def queries() -> int:
            client.get(QUEUE)
            with CaptureQueriesContext(connection) as captured:
                assert client.get(QUEUE).status_code == 200
            return len(captured.captured_queries)

        one = queries()
        for i in range(50):
            ReviewPairFactory(match_weight=10.0 - i / 10)
        assert queries() == one
        html = client.get(QUEUE).content.decode()
        assert len(rows_of(html)) == 50 and "govuk-pagination" in html
        assert len(rows_of(client.get(QUEUE + "?page=2").content.decode())) == 1


# --- The comparison --------------------------------------------------------------------------------


class TestComparison:
    def test_side_by_side_with_the_reasons(self, as_user, reviewer, entitled, school, gp, pair):
        a, b = pair.child_a, pair.child_b
        a.nhs_number = "9434765919"
        a.save()
        ChildName.objects.create(
            child=b, kind=NameKind.PREFERRED, first_name="Jay", last_name="Smith", first_key="j", last_key="s"
        )
        SourceRecordFactory(child=a, agency=school, source_key="UPN-ROLL-1", first_name="Jayden", last_name="Smyth")
        SourceRecordFactory(child=b, agency=gp, source="gp_registration", source_key="GP-77")
        record_concern(b, entitled)
        html = as_user(reviewer).get(reverse("linkage:review-pair", args=[pair.pk])).content.decode()
        assert "Jayden Smyth" in html and "Jaiden Smith" in html
        assert "3 July 2019" in html and "7 March 2019" in html
        assert "943 476 5919" in html
        assert "Jay Smith (known as)" in html
        assert "Riverside Primary School" in html and "UPN-ROLL-1" in html
        assert "Castle Street Surgery" in html and "GP-77" in html
        # Chronology entries: none for the first, one for the second.
        row = html.split("Chronology entries</th>", 1)[1].split("</tr>", 1)[0]
        assert ">0<" in row and ">1<" in row
        # Each comparison with its level and weight, agreeing or disagreeing in words too.
        assert "Nickname or variant" in html and "+3.1" in html
        assert "govuk-tag--green" in html and "Agrees: same child" in html
        assert "govuk-tag--red" in html and "Disagrees: different children" in html and "\u22121.5" in html
        # Both actions, the older record chosen to be kept.
        assert "Merge: these are the same child" in html and "Not the same child" in html
        assert f'value="{a.pk}" checked' in html

    def test_opening_the_comparison_audits_both_children(self, as_user, reviewer, pair):
        as_user(reviewer).get(reverse("linkage:review-pair", args=[pair.pk]))
        seen = AuditEvent.objects.filter(actor=reviewer, action=Action.VIEW, detail__what="identity review comparison")
        assert {e.child_id for e in seen} == {pair.child_a_id, pair.child_b_id}

    def test_records_that_cannot_be_merged_say_why(self, as_user, reviewer):
        p = ReviewPairFactory(child_a=jayden(nhs_number="9434765919"), child_b=jaiden(nhs_number="4010232137"))
        html = as_user(reviewer).get(reverse("linkage:review-pair", args=[p.pk])).content.decode()
        assert "These records cannot be merged" in html
        assert "They have different NHS numbers: they are different children" in html
        assert "merge-reason" not in html and "distinct-reason" in html

    def test_unknown_pair(self, as_user, reviewer):
        assert as_user(reviewer).get(reverse("linkage:review-pair", args=[999999])).status_code == 404


# --- Merging ---------------------------------------------------------------------------------------


class TestMerge:
    def test_merge_through_a_confirmation_page(self, as_user, reviewer, entitled, pair):
        a, b = pair.child_a, pair.child_b
        record_concern(b, entitled)
        SourceRecordFactory(child=b)
        client = as_user(reviewer)
        url = reverse("linkage:review-merge", args=[pair.pk])
        post = {"merge-survivor": str(a.pk), "merge-reason": REASON}

        confirm = client.post(url, post)
        html = confirm.content.decode()
        assert confirm.status_code == 200 and "Are you sure you want to merge these records?" in html
        moving = html.split('id="moving">', 1)[1].split("</ul>", 1)[0]
        assert "1 concern" in moving and "1 chronology entry" in moving and "1 agency record" in moving
        assert "becomes an alias of the record kept: Jaiden Smith" in html
        assert not ChildMerge.objects.exists()  # nothing happens before confirming

        done = client.post(url, {**post, "confirm": "yes"})
        assert done.status_code == 302 and done["Location"] == QUEUE
        merge = ChildMerge.objects.get()
        assert (merge.survivor_id, merge.merged_id, merge.reason, merge.merged_by) == (a.pk, b.pk, REASON, reviewer)
        pair.refresh_from_db()
        assert pair.status == ReviewStatus.MERGED
        assert "The records were merged" in client.get(QUEUE).content.decode()

    def test_the_other_record_may_be_kept(self, as_user, reviewer, pair):
        url = reverse("linkage:review-merge", args=[pair.pk])
        post = {"merge-survivor": str(pair.child_b_id), "merge-reason": REASON, "confirm": "yes"}
        as_user(reviewer).post(url, post)
        merge = ChildMerge.objects.get()
        assert (merge.survivor_id, merge.merged_id) == (pair.child_b_id, pair.child_a_id)

    def test_without_a_reason_the_page_says_so_and_keeps_the_choice(self, as_user, reviewer, pair):
        url = reverse("linkage:review-merge", args=[pair.pk])
        response = as_user(reviewer).post(url, {"merge-survivor": str(pair.child_b_id), "merge-reason": ""})
        html = response.content.decode()
        assert response.status_code == 200 and "There is a problem" in html
        assert "Enter why these records are the same child" in html
        assert f'value="{pair.child_b_id}" checked' in html
        assert not ChildMerge.objects.exists()

    def test_a_decision_made_meanwhile_refuses_the_merge(self, as_user, reviewer, pair):
        url = reverse("linkage:review-merge", args=[pair.pk])
        client = as_user(reviewer)
        # Another reviewer records they are different children while this one is typing.
        pair.status = ReviewStatus.DISTINCT
        pair.save()
        response = client.post(url, {"merge-survivor": str(pair.child_a_id), "merge-reason": REASON, "confirm": "yes"})
        html = response.content.decode()
        assert response.status_code == 200 and "There is a problem" in html
        assert "these are not the same child" in html
        assert not ChildMerge.objects.exists()

    def test_typed_reason_is_kept_when_the_choice_is_missing(self, as_user, reviewer, pair):
        url = reverse("linkage:review-merge", args=[pair.pk])
        html = as_user(reviewer).post(url, {"merge-reason": REASON}).content.decode()
        assert "Select which record to keep" in html
        assert "Same date of birth once transposed" in html


class TestNotTheSameChild:
    def test_recorded_with_a_reason(self, as_user, reviewer, pair):
        client = as_user(reviewer)
        url = reverse("linkage:review-distinct", args=[pair.pk])
        response = client.post(url, {"distinct-reason": "Twins: both on the school roll"})
        assert response.status_code == 302 and response["Location"] == QUEUE
        pair.refresh_from_db()
        assert (pair.status, pair.decided_by, pair.decision_reason) == (
            ReviewStatus.DISTINCT,
            reviewer,
            "Twins: both on the school roll",
        )
        html = client.get(reverse("linkage:review-pair", args=[pair.pk])).content.decode()
        assert "that these are different children: Twins: both on the school roll" in html
        assert "merge-reason" not in html

    def test_a_reason_is_required(self, as_user, reviewer, pair):
        url = reverse("linkage:review-distinct", args=[pair.pk])
        html = as_user(reviewer).post(url, {"distinct-reason": " "}).content.decode()
        assert "Enter why these are different children" in html
        pair.refresh_from_db()
        assert pair.status == ReviewStatus.OPEN


# --- Recent merges and undoing one -----------------------------------------------------------------


class TestUndo:
    def test_recent_merges_with_undo_then_undone(self, as_user, reviewer, entitled, pair):
        a, b = pair.child_a, pair.child_b
        concern = record_concern(b, entitled)
        merge = child_merge(survivor=a, merged=b, reason=REASON, by=reviewer, review_pair=pair)
        client = as_user(reviewer)
        rows = rows_of(client.get(MERGES).content.decode())
        undo_url = reverse("linkage:merge-undo", args=[merge.pk])
        assert len(rows) == 1 and "Jayden Smyth" in rows[0] and "Jaiden Smith" in rows[0] and undo_url in rows[0]

        page = client.get(undo_url).content.decode()
        returning = page.split('id="returning">', 1)[1].split("</ul>", 1)[0]
        assert "1 concern" in returning

        refused = client.post(undo_url, {"reason": ""}).content.decode()
        assert "Enter why this merge should be undone" in refused

        done = client.post(undo_url, {"reason": "The GP says these are twins"})
        assert done.status_code == 302 and done["Location"] == MERGES
        concern.refresh_from_db()
        assert concern.child_id == b.pk
        merge.refresh_from_db()
        assert merge.undone_by == reviewer and merge.undo_reason == "The GP says these are twins"
        rows = rows_of(client.get(MERGES).content.decode())
        assert "Undone" in rows[0] and undo_url not in rows[0]
        assert "has already been undone" in client.get(undo_url).content.decode()

    def test_a_later_merge_is_undone_first(self, as_user, reviewer):
        x, m, s = jaiden(), jayden(), jayden()
        first = child_merge(survivor=m, merged=x, reason=REASON, by=reviewer)
        m.refresh_from_db()
        child_merge(survivor=s, merged=m, reason=REASON, by=reviewer)
        client = as_user(reviewer)
        url = reverse("linkage:merge-undo", args=[first.pk])
        assert "Undo that later merge first" in client.get(url).content.decode()
        client.post(url, {"reason": "Different"})
        first.refresh_from_db()
        assert first.undone_at is None

    def test_the_list_runs_a_constant_number_of_queries(self, as_user, reviewer):
        client = as_user(reviewer)
        child_merge(survivor=jayden(), merged=jaiden(), reason=REASON, by=reviewer)

        def queries() -> int:
            client.get(MERGES)
            with CaptureQueriesContext(connection) as captured:
                client.get(MERGES)
            return len(captured.captured_queries)

        one = queries()
        for _ in range(5):
            child_merge(survivor=jayden(), merged=jaiden(), reason=REASON, by=reviewer)
        assert queries() == one


# --- A merged record elsewhere ---------------------------------------------------------------------


class TestMergedRecordElsewhere:
    def test_the_merged_record_page_leads_to_the_survivor_with_a_notice(self, as_user, reviewer, entitled, school):
        survivor, merged = jayden(), jaiden()
        involvement_ensure(child=survivor, agency=school, basis=InvolvementBasis.ROLL)
        child_merge(survivor=survivor, merged=merged, reason=REASON, by=reviewer)
        client = as_user(entitled)
        response = client.get(reverse("people:record", args=[merged.pk]))
        assert response.status_code == 302 and response["Location"] == reverse("people:record", args=[survivor.pk])
        page = client.get(response["Location"]).content.decode()
        assert f"The record with LA child ID {merged.la_child_id} was found to be the same child" in page

    def test_access_is_checked_on_the_survivor(self, as_user, reviewer, other_agency):
        survivor, merged = jayden(), jaiden()
        child_merge(survivor=survivor, merged=merged, reason=REASON, by=reviewer)
        response = as_user(other_agency).get(reverse("people:record", args=[merged.pk]))
        assert response.status_code == 403
        assert AuditEvent.objects.filter(actor=other_agency, action=Action.DENIED, child=survivor).exists()

    def test_search_finds_only_the_survivor(self, as_user, reviewer, entitled):
        survivor, merged = jayden(), jaiden()
        child_merge(survivor=survivor, merged=merged, reason=REASON, by=reviewer)
        client = as_user(entitled)
        search = reverse("people:search")
        by_name = client.get(search, {"name": "Jaiden Smith"}).content.decode()
        assert reverse("people:record", args=[survivor.pk]) in by_name
        assert reverse("people:record", args=[merged.pk]) not in by_name
        # The merged record's LA child ID finds the record it was merged into.
        by_id = client.get(search, {"identifier": merged.la_child_id}).content.decode()
        assert reverse("people:record", args=[survivor.pk]) in by_id
        assert reverse("people:record", args=[merged.pk]) not in by_id
