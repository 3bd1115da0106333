"""Identity linkage as the people who use it meet it (issue 4, "Evidence").

A school's designated safeguarding lead records a concern for "Jayden Smyth", born 03/07/2019,
and is offered the "Jaiden Smith" born 7 March 2019 at the same address whom the GP already
knows, with the reasons; they record against him, and the front door reads one chronology
holding both agencies' entries.

A police incident feed names "J Smith", with Jaiden's date of birth and address: nobody could
be sure, so a second record was made and the pair queued for review. A MASH manager compares
the two side by side, merges them through the confirmation page, reads one chronology, then
undoes the merge from "Recent merges": each record has its own entries again. Twins a school
roll brought in are recorded as different children and leave the queue.
"""

import datetime as dt
import re
from types import SimpleNamespace
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from safeguarding.access.models import AgencyKind
from safeguarding.audit.models import Action, AuditEvent
from safeguarding.concerns.models import AgencyEvent, ChronologyEntry, Concern
from safeguarding.concerns.services import ConcernInput, concern_record
from safeguarding.linkage.feeds import feed_import_create, feed_import_run
from safeguarding.linkage.merge import child_merge
from safeguarding.linkage.models import ChildMerge, FeedKind, ReviewPair, ReviewStatus, SourceRecord
from safeguarding.linkage.services import active_model
from safeguarding.people.codes import Sex
from safeguarding.people.identifiers import upn_check_letter
from safeguarding.people.models import Child
from safeguarding.people.services import NewChild, child_create
from tests.factories import AgencyFactory, RoleFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

GP_CONCERN = "Jaiden missed his two-year review and the health visitor could not get an answer at home"
SCHOOL_CONCERN = "Jayden came into class with a cut lip and would not say how it happened"
POLICE_SUMMARY = "Officers attended a loud argument between the adults; the child was upstairs"
MERGE_REASON = "The police confirmed J Smith is Jaiden: same date of birth and address, and J is his initial"
UNDO_REASON = "The police have since told us J Smith is Jaiden's cousin, who was staying that night"
TWINS_REASON = "They are twins: the school has both Ella and Ellie on its roll"


def _jaiden() -> Child:
    return child_create(
        data=NewChild(
            first_name="Jaiden",
            last_name="Smith",
            date_of_birth=dt.date(2019, 3, 7),
            sex=Sex.MALE,
            address_line1="12 Mill Lane",
            town="Brackenford",
            postcode="BK4 7QT",
        ),
        by=None,
    )


def _concern(child: Child, by: Any, what: str, days_ago: int) -> Concern:
    return concern_record(
        child=child,
        data=ConcernInput(
            occurred_at=timezone.now() - dt.timedelta(days=days_ago),
            what_happened=what,
            action_taken="Told our safeguarding lead",
            categories=["neglect"],
        ),
        by=by,
    )


def _import(agency: Any, kind: str, name: str, lines: list[str]) -> None:
    """An agency's extract, through the real import (as `manage.py feed_imports_run` would)."""
    feed_import_run(
        feed_import=feed_import_create(agency=agency, kind=kind, file_name=name, content="\r\n".join(lines), by=None)
    )


def _chronology_texts(page: Any) -> list[str]:
    return [" ".join(t.split()) for t in page.locator("#chronology-results tbody tr").all_inner_texts()]


# --- 1. Match on entry ----------------------------------------------------------------------


@pytest.fixture
def jaiden(other_agency: Any) -> Child:
    """Already in the index, with a concern from his GP's practice on his chronology."""
    jaiden = _jaiden()
    _concern(jaiden, other_agency, GP_CONCERN, days_ago=20)
    return jaiden


def test_jayden_smyth_is_offered_jaiden_smith_with_the_reasons_and_one_chronology_follows(
    sign_in, live_server, entitled, front_door, jaiden
):
    page = sign_in(entitled)
    # The index's search already finds Jaiden under the DSL's spelling (the entry check is the
    # second net, for a search not made or not believed): straight to the form, as from the
    # empty search's link or a bookmark.
    page.goto(f"{live_server.url}/concerns/new/")
    expect(page.get_by_role("heading", name="Record a concern about a child not in the index")).to_be_visible()

    page.get_by_label("First name").fill("Jayden")
    page.get_by_label("Last name").fill("Smyth")
    page.get_by_role("group", name="Has the child been born?").get_by_label("Yes", exact=True).check()
    dob = page.locator("#conditional-born-yes")
    dob.get_by_label("Day").fill("03")
    dob.get_by_label("Month").fill("07")
    dob.get_by_label("Year").fill("2019")
    page.get_by_role("radio", name="Male", exact=True).check()
    page.get_by_label("Address line 1 (optional)").fill("12 Mill Lane")
    page.get_by_label("Town or city (optional)").fill("Brackenford")
    page.get_by_label("Postcode (optional)").fill("bk4 7qt")
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    occurred = page.locator("#occurred")
    occurred.get_by_label("Day").fill(str(yesterday.day))
    occurred.get_by_label("Month").fill(str(yesterday.month))
    occurred.get_by_label("Year").fill(str(yesterday.year))
    page.get_by_label("Time it happened").fill("08:50")
    page.get_by_label("What did you see or hear?").fill(SCHOOL_CONCERN)
    page.get_by_role("checkbox", name="Physical abuse").check()
    page.get_by_role("group", name="Is the child in immediate danger?").get_by_label("No").check()
    page.get_by_label("What action have you taken?").fill("Cleaned the cut; logged it for the DSL")
    page.get_by_role("button", name="Continue").click()

    # Before anything is created: the child the GP knows, and why the model thinks so.
    expect(page.get_by_role("heading", name="Is this the same child?")).to_be_visible()
    expect(page.get_by_text("You described Jayden Smyth, born 3 July 2019, BK4 7QT.")).to_be_visible()
    expect(page.get_by_text("Nothing has been recorded yet.")).to_be_visible()
    cards = page.locator(".govuk-summary-card")
    expect(cards).to_have_count(1)
    card = cards.first
    expect(card.get_by_role("heading", name="Jaiden Smith")).to_be_visible()
    expect(card.get_by_text("7 March 2019")).to_be_visible()
    expect(card.get_by_text("BK4 7QT", exact=True)).to_be_visible()
    reasons = card.get_by_role("table", name="Why Jaiden Smith may or may not be the same child")
    for detail, how in (
        ("Date of birth", "Day and month transposed"),
        ("First name", "First names spelt almost the same"),
        ("Surname", "Surnames spelt almost the same"),
        ("Address and postcode", "Same address and postcode"),
    ):
        expect(reasons.get_by_role("row", name=re.compile(rf"^{detail} {how} "))).to_be_visible()
    assert Child.objects.count() == 1
    assert not Concern.objects.filter(author=entitled).exists()

    # The child's name is visually hidden in the button; the browser reads it as a separate run.
    page.get_by_role("button", name=re.compile(r"^Yes, record against this child\s*: Jaiden Smith$")).click()
    page.wait_for_url(f"{live_server.url}/children/{jaiden.pk}/concerns/new/")
    expect(page.get_by_label("What did you see or hear?")).to_have_value(SCHOOL_CONCERN)
    page.get_by_role("button", name="Record concern").click()
    page.wait_for_url(f"{live_server.url}/children/{jaiden.pk}/")
    expect(page.locator(".govuk-notification-banner").get_by_text("Concern recorded")).to_be_visible()

    assert Child.objects.count() == 1  # no second record of Jaiden
    assert set(ChronologyEntry.objects.filter(child=jaiden).values_list("agency__name", flat=True)) == {
        "Castle Street Surgery",
        "Riverside Primary School",
    }

    # The front door, who reads every agency's entries, finds one child with one chronology.
    desk = sign_in(front_door)
    desk.get_by_role("link", name="Find a child").first.click()
    desk.get_by_label("Name", exact=True).fill("Jaiden Smith")
    desk.get_by_role("button", name="Search").click()
    expect(desk.get_by_role("heading", name="1 child found")).to_be_visible()
    desk.get_by_role("link", name="Jaiden Smith").click()
    desk.wait_for_url(f"{live_server.url}/children/{jaiden.pk}/")
    chronology = desk.locator("#chronology-results")
    expect(chronology.locator("tbody tr")).to_have_count(2)
    expect(chronology.get_by_role("row", name=re.compile("Riverside Primary School"))).to_contain_text(SCHOOL_CONCERN)
    expect(chronology.get_by_role("row", name=re.compile("Castle Street Surgery"))).to_contain_text(GP_CONCERN)


# --- 2. Clerical review: merge, undo, and "not the same child" --------------------------------


@pytest.fixture
def reviewer(social_care: Any) -> Any:
    """A MASH manager: sees every child's record and decides at the front door."""
    role = RoleFactory(
        key="mash-manager",
        name="MASH team manager",
        covers_whole_la=True,
        may_decide_referrals=True,
        is_manager=True,
        is_social_worker=True,
    )
    return UserFactory(username="reviewer", agency=social_care, role=role)


@pytest.fixture
def queued(entitled: Any, school: Any) -> SimpleNamespace:
    """Two pairs waiting for review, each brought by a real feed.

    The police name "J Smith" with Jaiden's date of birth and address: an initial alone never
    links without a person, so a second record was made with the incident on it. The school
    roll has Ellie Brown at Ella Brown's address with her date of birth: nicknames of one name,
    or twins."""
    jaiden = _jaiden()
    _concern(jaiden, entitled, SCHOOL_CONCERN, days_ago=10)
    police = AgencyFactory(name="County Police", kind=AgencyKind.POLICE)
    _import(
        police,
        FeedKind.POLICE_INCIDENT,
        "incidents-week-20.csv",
        [
            "Incident Reference,Incident Date,Person Reference,Surname,Forenames,Date of Birth,Address,Postcode,"
            "Role,Domestic Abuse Y/N,Summary",
            f"INC-0419,{(timezone.localdate() - dt.timedelta(days=5)):%d/%m/%Y} 22:40,P-77812,Smith,J,07/03/2019,"
            f"12 Mill Lane,BK4 7QT,Child present,Y,{POLICE_SUMMARY}",
        ],
    )
    j_smith = Child.objects.get(display_name="J Smith")

    ella = child_create(
        data=NewChild(
            first_name="Ella",
            last_name="Brown",
            date_of_birth=dt.date(2016, 5, 12),
            sex=Sex.FEMALE,
            address_line1="3 Oak Road",
            town="Brackenford",
            postcode="BK2 1AA",
        ),
        by=None,
    )
    _import(
        school,
        FeedKind.SCHOOL_ROLL,
        "roll-autumn.csv",
        [
            "UPN,Surname,Forename,Middle names,DOB,Gender,Address line 1,Postcode,Former surname",
            f"{upn_check_letter('999123456001')}999123456001,Brown,Ellie,,12/05/2016,F,3 Oak Road,BK2 1AA,",
        ],
    )
    ellie = Child.objects.get(display_name="Ellie Brown")
    assert ReviewPair.objects.filter(status=ReviewStatus.OPEN).count() == 2
    return SimpleNamespace(jaiden=jaiden, j_smith=j_smith, ella=ella, ellie=ellie)


def test_merge_then_undo_the_merge_in_the_review_queue(sign_in, live_server, reviewer, queued):
    jaiden, j_smith = queued.jaiden, queued.j_smith
    page = sign_in(reviewer)
    page.get_by_role("link", name="Identity review").click()
    expect(page.get_by_role("heading", name="Records that may be the same child")).to_be_visible()
    expect(page.get_by_text("2 pairs waiting for review.")).to_be_visible()
    row = page.get_by_role("row", name=re.compile(r"Jaiden Smith Born 7 March 2019 J Smith Born 7 March 2019"))
    row.get_by_role("link", name=re.compile("^Compare")).click()

    # Side by side, with the model's reasons.
    expect(page.get_by_role("heading", name="Are these the same child?")).to_be_visible()
    expect(page.get_by_text(re.compile(r"found by County Police: Police incident notifications"))).to_be_visible()
    records = page.get_by_role("table", name="The two records side by side")
    expect(records.get_by_role("columnheader", name="First record: Jaiden Smith")).to_be_visible()
    expect(records.get_by_role("columnheader", name="Second record: J Smith")).to_be_visible()
    expect(records.get_by_role("row", name="Date of birth 7 March 2019 7 March 2019")).to_be_visible()
    expect(
        records.get_by_role("row", name=re.compile(r"^Agency records None County Police: Police incident"))
    ).to_be_visible()
    expect(records.get_by_role("row", name="Chronology entries 1 1")).to_be_visible()
    why = page.get_by_role("table", name="Each comparison, its level and its match weight")
    expect(
        why.get_by_role("row", name=re.compile(r"^First name Same initial \(one is an initial only\)"))
    ).to_contain_text("Agrees: same child")
    expect(why.get_by_role("row", name=re.compile(r"^Date of birth Same date of birth"))).to_be_visible()
    expect(why.get_by_role("row", name=re.compile(r"^Address and postcode Same address and postcode"))).to_be_visible()

    # Merge, keeping Jaiden's record (the older one, chosen already), through the confirmation.
    expect(page.get_by_role("radio", name="Jaiden Smith")).to_be_checked()
    page.get_by_label("Why are these the same child?").fill(MERGE_REASON)
    page.get_by_role("button", name="Merge: these are the same child").click()
    expect(page.get_by_role("heading", name="Are you sure you want to merge these records?")).to_be_visible()
    summary = page.locator(".govuk-summary-list")
    expect(summary.get_by_text(f"Jaiden Smith, born 7 March 2019 (LA child ID {jaiden.la_child_id})")).to_be_visible()
    expect(summary.get_by_text(f"J Smith, born 7 March 2019 (LA child ID {j_smith.la_child_id})")).to_be_visible()
    expect(summary.get_by_text(MERGE_REASON)).to_be_visible()
    moving = page.locator("#moving")
    for line in ("1 agency event", "1 chronology entry", "1 agency record"):
        expect(moving.get_by_text(line, exact=True)).to_be_visible()
    assert not ChildMerge.objects.exists()  # nothing has moved yet
    page.get_by_role("button", name="Merge the records").click()

    page.wait_for_url(f"{live_server.url}/linkage/review/")
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        f"The records were merged. Jaiden Smith (LA child ID {jaiden.la_child_id}) is the record kept"
    )
    expect(page.get_by_text("1 pair waiting for review.")).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("J Smith"))).to_have_count(0)

    # One chronology: the school's concern and the police incident, on Jaiden's record.
    page.get_by_role("link", name="Recent merges").click()
    page.get_by_role("link", name="Jaiden Smith", exact=True).click()
    page.wait_for_url(f"{live_server.url}/children/{jaiden.pk}/")
    texts = _chronology_texts(page)
    assert any(SCHOOL_CONCERN in t for t in texts), texts
    assert any(POLICE_SUMMARY in t for t in texts), texts
    assert AgencyEvent.objects.get().child_id == jaiden.pk
    # J Smith's address (an old link, a bookmark) takes the reader to the record kept, saying why.
    page.goto(f"{live_server.url}/children/{j_smith.pk}/")
    page.wait_for_url(f"{live_server.url}/children/{jaiden.pk}/")
    expect(
        page.get_by_text(f"The record with LA child ID {j_smith.la_child_id} was found to be the same child")
    ).to_be_visible()
    expect(page.get_by_role("heading", name="Jaiden Smith", level=1)).to_be_visible()

    # The police now say J Smith was a cousin staying that night: undo the merge.
    page.get_by_role("link", name="Identity review").click()
    page.get_by_role("link", name="Recent merges").click()
    expect(page.get_by_role("heading", name="Recent merges")).to_be_visible()
    merged_row = page.get_by_role("row", name=re.compile(r"^Jaiden Smith .* J Smith "))
    expect(merged_row).to_contain_text(MERGE_REASON)
    merged_row.get_by_role("link", name="Undo this merge of J Smith into Jaiden Smith").click()
    expect(page.get_by_role("heading", name="Undo this merge")).to_be_visible()
    # (Which record the page names: see test_the_undo_page_names_the_record_that_goes_back.)
    expect(page.locator("#returning").get_by_text("1 agency event", exact=True)).to_be_visible()
    page.get_by_role("button", name="Undo this merge").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(page.get_by_role("link", name="Enter why this merge should be undone")).to_be_visible()
    page.get_by_label("Why should this merge be undone?").fill(UNDO_REASON)
    page.get_by_role("button", name="Undo this merge").click()

    page.wait_for_url(f"{live_server.url}/linkage/merges/")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("The merge was undone.")
    expect(page.get_by_role("row", name=re.compile("Jaiden Smith"))).to_contain_text("Undone")

    # Each child has their own entries again.
    page.goto(f"{live_server.url}/children/{jaiden.pk}/")
    texts = _chronology_texts(page)
    assert any(SCHOOL_CONCERN in t for t in texts) and not any(POLICE_SUMMARY in t for t in texts), texts
    page.goto(f"{live_server.url}/children/{j_smith.pk}/")
    expect(page.get_by_role("heading", name="J Smith", level=1)).to_be_visible()
    texts = _chronology_texts(page)
    assert any(POLICE_SUMMARY in t for t in texts) and not any(SCHOOL_CONCERN in t for t in texts), texts

    assert Concern.objects.get().child_id == jaiden.pk
    assert AgencyEvent.objects.get().child_id == j_smith.pk
    assert SourceRecord.objects.get(source_key="P-77812").child_id == j_smith.pk
    j_smith.refresh_from_db()
    assert j_smith.merged_into_id is None


def test_not_the_same_child_takes_the_pair_off_the_queue(sign_in, live_server, reviewer, queued):
    page = sign_in(reviewer)
    page.get_by_role("link", name="Identity review").click()
    page.get_by_role("link", name="Compare Ella Brown and Ellie Brown").click()
    expect(page.get_by_role("heading", name="Are these the same child?")).to_be_visible()
    records = page.get_by_role("table", name="The two records side by side")
    expect(
        records.get_by_role("row", name="Current address 3 Oak Road, Brackenford, BK2 1AA 3 Oak Road, BK2 1AA")
    ).to_be_visible()
    why = page.get_by_role("table", name="Each comparison, its level and its match weight")
    expect(why.get_by_role("row", name=re.compile(r"^First name Nicknames of the same name"))).to_be_visible()

    page.get_by_role("button", name="Not the same child").click()
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(page.get_by_role("link", name="Enter why these are different children")).to_be_visible()
    page.get_by_label("Why are these different children?").fill(TWINS_REASON)
    page.get_by_role("button", name="Not the same child").click()

    page.wait_for_url(f"{live_server.url}/linkage/review/")
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Recorded: these are different children. The pair will not be queued again"
    )
    expect(page.get_by_text("1 pair waiting for review.")).to_be_visible()
    expect(page.get_by_role("link", name="Compare Ella Brown and Ellie Brown")).to_have_count(0)
    expect(page.get_by_role("link", name="Compare Jaiden Smith and J Smith")).to_be_visible()

    pair = ReviewPair.objects.get(child_a__in=[queued.ella, queued.ellie], child_b__in=[queued.ella, queued.ellie])
    assert (pair.status, pair.decision_reason, pair.decided_by) == (ReviewStatus.DISTINCT, TWINS_REASON, reviewer)
    assert Child.objects.filter(merged_into__isnull=False).count() == 0


def test_the_undo_page_names_the_record_that_goes_back(sign_in, live_server, reviewer, queued):
    jaiden, j_smith = queued.jaiden, queued.j_smith
    pair = ReviewPair.objects.get(child_a__in=[jaiden, j_smith], child_b__in=[jaiden, j_smith])
    merge = child_merge(survivor=jaiden, merged=j_smith, reason=MERGE_REASON, by=reviewer, review_pair=pair)
    page = sign_in(reviewer)
    page.goto(f"{live_server.url}/linkage/merges/{merge.pk}/undo/")
    summary = page.locator(".govuk-summary-list")
    expect(summary.get_by_role("definition").nth(1)).to_have_text(
        f"J Smith, born 7 March 2019 (LA child ID {j_smith.la_child_id})", timeout=2_000
    )
    expect(page.get_by_role("heading", name="What will go back to J Smith")).to_be_visible(timeout=2_000)
    page.get_by_label("Why should this merge be undone?").fill(UNDO_REASON)
    page.get_by_role("button", name="Undo this merge").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        f"The merge was undone. J Smith (LA child ID {j_smith.la_child_id}) has their own record again",
        timeout=2_000,
    )


# --- 4. The linkage model: its weights, and its thresholds -----------------------------------


THRESHOLDS_REASON = "The review queue found two wrong auto-links at a weight of 11.5"


def test_a_reviewer_reads_the_match_weights_and_changes_the_thresholds(sign_in, live_server, reviewer):
    model, compiled = active_model()
    page = sign_in(reviewer)
    page.get_by_role("link", name="Identity review").click()
    page.get_by_role("link", name="The linkage model").click()
    expect(page.get_by_role("heading", name="The active linkage model")).to_be_visible()
    expect(page.get_by_role("heading", name=f"Version {model.version} Active")).to_be_visible()
    summary = page.locator("#model-summary")
    expect(summary.get_by_role("definition").filter(has_text="Match weight 11.0")).to_have_count(1)
    expect(summary.get_by_role("definition").filter(has_text="Match weight 6.0")).to_have_count(1)

    # The chart: every comparison the model makes, with each level's weight in words and numbers.
    chart = page.locator("#weights-chart")
    expect(page.get_by_role("heading", name="Match weights")).to_be_visible()
    comparisons = compiled.level_weights()
    expect(chart.get_by_role("heading", level=3)).to_have_count(len(comparisons))
    for description, levels in comparisons:
        expect(chart.get_by_role("heading", name=description, exact=True)).to_be_visible()
        shown = [(label, weight) for label, weight in levels if not label.endswith("missing")]
        bars = chart.get_by_role("list", name=description, exact=True).get_by_role("listitem")
        expect(bars).to_have_count(len(shown))
    transposed = dict(dict(comparisons)["Date of birth"])["Day and month transposed"]
    expect(
        chart.get_by_role("list", name="Date of birth", exact=True)
        .get_by_role("listitem")
        .filter(has_text="Day and month transposed")
    ).to_contain_text(f"{transposed:+.1f}: strong evidence for a match")
    page.get_by_text("Show the match weights as a table").click()
    expect(page.get_by_role("table", name=re.compile("^Match weights of every level"))).to_be_visible()

    # Thresholds: a review threshold above auto-link is refused, and what was typed stays.
    page.get_by_role("link", name="Change the thresholds").first.click()
    expect(page.get_by_role("heading", name="Change the thresholds")).to_be_visible()
    expect(page.get_by_label("Auto-link threshold (match weight)")).to_have_value("11.0")
    page.get_by_label("Auto-link threshold (match weight)").fill("11")
    page.get_by_label("Review threshold (match weight)").fill("12")
    page.get_by_label("Why are the thresholds changing?").fill(THRESHOLDS_REASON)
    page.get_by_role("button", name="Change the thresholds").click()
    expect(page).to_have_title(re.compile(r"^Error: "))
    errors = page.locator(".govuk-error-summary")
    expect(
        errors.get_by_role("link", name="The review threshold must be below the auto-link threshold")
    ).to_be_visible()
    expect(page.get_by_label("Auto-link threshold (match weight)")).to_have_value("11")
    expect(page.get_by_label("Review threshold (match weight)")).to_have_value("12")
    expect(page.get_by_label("Why are the thresholds changing?")).to_have_value(THRESHOLDS_REASON)
    errors.get_by_role("link", name="The review threshold must be below the auto-link threshold").click()
    expect(page.get_by_label("Review threshold (match weight)")).to_be_focused()
    model.refresh_from_db()
    assert (model.auto_link_weight, model.review_weight) == (11.0, 6.0)

    page.get_by_label("Auto-link threshold (match weight)").fill("12")
    page.get_by_label("Review threshold (match weight)").fill("6.5")
    page.get_by_role("button", name="Change the thresholds").click()
    page.wait_for_url(f"{live_server.url}/linkage/model/")
    expect(page.locator(".govuk-notification-banner")).to_contain_text(f"Thresholds of version {model.version} changed")
    expect(summary.get_by_role("definition").filter(has_text="Match weight 12.0")).to_have_count(1)
    expect(summary.get_by_role("definition").filter(has_text="Match weight 6.5")).to_have_count(1)
    model.refresh_from_db()
    assert (model.auto_link_weight, model.review_weight) == (12.0, 6.5)
    event = AuditEvent.objects.get(actor=reviewer, action=Action.AMEND, reason=THRESHOLDS_REASON)
    assert event.detail["old"] == {"auto_link_weight": 11.0, "review_weight": 6.0}
