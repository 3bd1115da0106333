"""A school's designated safeguarding lead imports the school roll (issue 4, item 2): the file's
good rows join the child index (one links to the child already there, one near miss goes to
the review queue), every rejected row is listed with its reason and can be downloaded, and
the same file again is refused, because nothing would change."""

import csv
import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from safeguarding.linkage.models import FeedImport, FeedStatus, ReviewPair, ReviewStatus, SourceRecord
from safeguarding.people.codes import Sex
from safeguarding.people.identifiers import upn_check_letter
from safeguarding.people.models import Child
from safeguarding.people.services import NewChild, child_create

pytestmark = pytest.mark.django_db(transaction=True)

HEADINGS = "UPN,Surname,Forename,Middle names,DOB,Gender,Address line 1,Postcode,Former surname"


def upn(serial: int) -> str:
    body = f"9991234560{serial:02d}"
    return upn_check_letter(body) + body


# As the school's management information system writes it: UK dates, a row per pupil.
ROWS = [
    f"{upn(1)},Smith,Jaiden,,07/03/2019,M,12 Mill Lane,BK4 7QT,",  # already in the index
    f"{upn(2)},Brown,Ellie,,12/05/2016,F,3 Oak Road,BK2 1AA,",  # Ella's twin, or Ella: a person decides
    f"{upn(3)},Khan,Amir,,14/09/2017,M,8 Elm Street,BK3 2CD,",
    f"{upn(4)},Okafor,Grace,Adaeze,30/11/2018,F,21 Station Road,BK1 4EF,",
    f"{upn(5)},Hill,Ava,,31/02/2017,F,1 High Street,BK9 1AA,",  # no 31 February
    f"{upn(6)},,Noah,,02/06/2018,M,5 Park Row,BK5 6GH,",  # no surname
]


def _child(first: str, last: str, born: dt.date, sex: str, line1: str, postcode: str) -> Child:
    return child_create(
        data=NewChild(
            first_name=first,
            last_name=last,
            date_of_birth=born,
            sex=sex,
            address_line1=line1,
            town="Brackenford",
            postcode=postcode,
        ),
        by=None,
    )


@pytest.fixture
def index(db: Any) -> dict[str, Child]:
    return {
        "jaiden": _child("Jaiden", "Smith", dt.date(2019, 3, 7), Sex.MALE, "12 Mill Lane", "BK4 7QT"),
        "ella": _child("Ella", "Brown", dt.date(2016, 5, 12), Sex.FEMALE, "3 Oak Road", "BK2 1AA"),
    }


@pytest.fixture
def roll(tmp_path: Path) -> Path:
    path = tmp_path / "riverside-roll-autumn.csv"
    path.write_text("\r\n".join([HEADINGS, *ROWS]) + "\r\n", encoding="utf-8")
    return path


@pytest.fixture(autouse=True)
def _import_in_the_request(settings: Any) -> None:
    """The import runs before the upload's response (`LINKAGE_FEEDS_INLINE`), not in a thread:
    the test database is SQLite in memory, shared with the live server's thread, where a
    third thread writing at once would meet table locks rather than wait."""
    settings.LINKAGE_FEEDS_INLINE = True


def _upload(page: Any, roll: Path) -> None:
    page.get_by_role("button", name="Import a feed").click()
    expect(page.get_by_role("heading", name="Import a feed")).to_be_visible()
    expect(page.get_by_text("Riverside Primary School", exact=True)).to_be_visible()  # the DSL's own agency
    page.get_by_role("radio", name="School roll").check()
    page.get_by_label("Upload a file").set_input_files(roll)
    page.get_by_role("button", name="Upload and import").click()


def test_a_school_imports_its_roll_reads_the_report_and_cannot_import_it_twice(
    sign_in, live_server, entitled, index, roll
):
    page = sign_in(entitled)
    page.get_by_role("link", name="Feeds").click()
    expect(page.get_by_role("heading", name="Feeds")).to_be_visible()
    expect(page.get_by_text("No feeds have been imported yet.")).to_be_visible()
    _upload(page, roll)

    feed_import = FeedImport.objects.get()
    page.wait_for_url(f"{live_server.url}/linkage/feeds/{feed_import.pk}/")
    expect(page.get_by_role("heading", name="riverside-roll-autumn.csv")).to_be_visible()
    progress = page.locator("#feed-progress")
    expect(progress.get_by_text("Finished")).to_be_visible()
    bar = page.get_by_role("progressbar", name="Rows imported")
    expect(bar).to_have_attribute("max", "6")
    expect(bar).to_have_attribute("value", "6")
    expect(progress.get_by_role("paragraph").filter(has_text=re.compile(r"^6 of 6 rows$"))).to_be_visible()

    # What happened to each row.
    expect(page.get_by_role("heading", name="What happened to each row")).to_be_visible()
    for label, count in (
        ("Linked to a child already on the index", "1"),
        ("New children", "2"),
        ("New children with a possible match queued for review", "1"),
        ("Unchanged: already imported", "0"),
        ("Rejected", "2"),
    ):
        row = page.locator(".govuk-summary-list__row").filter(
            has=page.get_by_role("term").get_by_text(label, exact=True)
        )
        expect(row.get_by_role("definition")).to_have_text(count)
    expect(page.get_by_role("link", name="identity review queue")).to_be_visible()

    # Each rejected row, its reason, and the row as the school sent it.
    expect(page.get_by_role("heading", name="Rejected rows")).to_be_visible()
    rejected = page.get_by_role("table", name="Rejected rows, with the reason and the row's values")
    expect(rejected.locator("tbody tr")).to_have_count(2)
    ava = rejected.get_by_role("row").filter(has_text="Hill")
    expect(ava.get_by_role("cell").first).to_have_text("5")
    expect(ava).to_contain_text("Date of birth \u201831/02/2017\u2019 is not a real date")
    noah = rejected.get_by_role("row").filter(has_text="Noah")
    expect(noah.get_by_role("cell").first).to_have_text("6")
    expect(noah).to_contain_text("No surname: Surname is blank")
    expect(noah).to_contain_text("(blank)")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the rejected rows (CSV)").click()
    download = download_info.value
    assert download.suggested_filename == "riverside-roll-autumn-rejected-rows.csv"
    with open(download.path(), encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0][:4] == ["Row", "Reason", "UPN", "Surname"]
    assert [(r[0], r[1]) for r in rows[1:]] == [
        ("5", "Date of birth \u201831/02/2017\u2019 is not a real date"),
        ("6", "No surname: Surname is blank"),
    ]

    # The good rows are in the index: Jaiden linked by the model, Ellie new and queued with Ella.
    assert SourceRecord.objects.get(upn=upn(1)).child == index["jaiden"]
    ellie = Child.objects.get(display_name="Ellie Brown")
    pair = ReviewPair.objects.get()
    assert {pair.child_a, pair.child_b} == {index["ella"], ellie} and pair.status == ReviewStatus.OPEN
    assert Child.objects.filter(display_name__in=["Amir Khan", "Grace Okafor"]).count() == 2
    assert not Child.objects.filter(display_name__in=["Ava Hill", "Noah"]).exists()

    # Back to the list: the import, finished, with its counts.
    page.get_by_role("link", name="Back to feeds").click()
    listed = page.get_by_role("row", name=re.compile("riverside-roll-autumn.csv"))
    expect(listed).to_contain_text("School roll")
    expect(listed).to_contain_text("Finished")
    expect(listed).to_contain_text("6 of 6 rows")
    expect(listed.get_by_role("cell").last).to_have_text("2")

    # The same file again: refused, and nothing changes.
    children = Child.objects.count()
    _upload(page, roll)
    expect(page).to_have_title(re.compile(r"^Error: Import a feed"))
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    refusal = re.compile(r"^This file was already imported on \d{1,2} \w+ \d{4}: nothing has changed$")
    expect(summary.get_by_role("link", name=refusal)).to_be_visible()
    summary.get_by_role("link", name=refusal).click()
    expect(page.get_by_label("Upload a file")).to_be_focused()
    expect(page.get_by_text("Select the file again: a browser does not keep it after a problem")).to_be_visible()
    assert FeedImport.objects.count() == 1 and FeedImport.objects.get().status == FeedStatus.DONE
    assert Child.objects.count() == children
