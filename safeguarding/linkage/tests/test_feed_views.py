"""Feed pages: import a feed, choose a person file's columns, watch its progress, read its
report and download its rejected rows. The agency's own people (and reviewers of identity
links, for any agency) see them; another agency's import is a 404; every page is audited."""

import csv
import datetime as dt
import io

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from safeguarding.audit.models import Action, AuditEvent
from safeguarding.linkage import population as pop
from safeguarding.linkage.feeds import feed_import_create, feed_import_run
from safeguarding.linkage.models import FeedImport, FeedKind, FeedRejection, FeedStatus, SourceRecord

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 26, 9, 30, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _inline_and_frozen(settings):  # type: ignore[no-untyped-def]
    settings.LINKAGE_FEEDS_INLINE = True
    with time_machine.travel(NOW, tick=False):
        yield


def _csv(headings, rows) -> str:  # type: ignore[no-untyped-def]
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows([headings, *rows])
    return out.getvalue()


def _upn(body: str) -> str:
    return pop.upn_check_letter(body) + body


GOOD = [_upn("999123456001"), "Smith", "Jayden", "", "07/03/2019", "M", "12 Mill Lane", "BK4 7QT", ""]
NO_DOB = [_upn("999123456002"), "Jones", "Amelia", "", "", "F", "4 Cherry Close", "BK1 1AB", ""]
FORMULA = [_upn("999123456003"), "=HYPERLINK(1)", "Ava", "", "31/02/2017", "F", "1 High Street", "BK9 1AA", ""]
ROLL = _csv(pop.SCHOOL_ROLL_HEADINGS, [GOOD, NO_DOB, FORMULA])


def _upload(content: str, name: str = "roll.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content.encode("utf-8"), content_type="text/csv")


def _imported(agency, content: str = ROLL, kind: str = FeedKind.SCHOOL_ROLL, name: str = "roll.csv") -> FeedImport:  # type: ignore[no-untyped-def]
    return feed_import_run(
        feed_import=feed_import_create(agency=agency, kind=kind, file_name=name, content=content, by=None)
    )


def _audited(user, what: str) -> bool:  # type: ignore[no-untyped-def]
    return AuditEvent.objects.filter(actor=user, action=Action.VIEW, detail__what=what).exists()


# --- Who sees what --------------------------------------------------------------------------------


def test_an_import_is_seen_by_its_agency_and_reviewers_and_is_404_to_anyone_else(
    as_user, entitled, other_agency, outsider, reviewer, school
) -> None:
    feed_import = _imported(school)
    pages = [
        ("get", reverse("linkage:feed", args=[feed_import.pk])),
        ("get", reverse("linkage:feed-progress", args=[feed_import.pk])),
        ("get", reverse("linkage:feed-rejections-csv", args=[feed_import.pk])),
        ("post", reverse("linkage:feed-retry", args=[feed_import.pk])),
        ("get", reverse("linkage:feed-columns", args=[feed_import.pk])),
    ]
    for user in (other_agency, outsider):
        client = as_user(user)
        for method, url in pages:
            assert getattr(client, method)(url).status_code == 404, (user, url)
    for user in (entitled, reviewer):
        client = as_user(user)
        assert client.get(pages[0][1]).status_code == 200
        assert client.get(pages[2][1]).status_code == 200


def test_the_feed_list_shows_the_agencys_own_imports_and_a_reviewer_sees_every_agencys(
    as_user, entitled, other_agency, outsider, reviewer, school, gp
) -> None:
    ours = _imported(school)
    theirs = _imported(
        gp, _csv(pop.GP_REGISTRATION_HEADINGS, [["", "Hill", "Ava", "2015-04-03"]]), kind="gp_registration"
    )
    url = reverse("linkage:feeds")

    page = as_user(entitled).get(url).content.decode()
    assert ours.file_name in page and "3 of 3 rows" in page
    assert f'href="{reverse("linkage:feed", args=[theirs.pk])}"' not in page
    assert _audited(entitled, "feed imports")

    page = as_user(other_agency).get(url).content.decode()
    assert f'href="{reverse("linkage:feed", args=[theirs.pk])}"' in page
    assert f'href="{reverse("linkage:feed", args=[ours.pk])}"' not in page

    page = as_user(reviewer).get(url).content.decode()
    assert school.name in page and gp.name in page

    assert as_user(outsider).get(url).status_code == 403
    assert as_user(outsider).get(reverse("linkage:feed-new")).status_code == 403


def test_the_feed_list_query_count_does_not_grow_with_the_imports(as_user, entitled, school) -> None:
    client = as_user(entitled)
    url = reverse("linkage:feeds")
    _imported(school, name="one.csv")
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    for i in range(5):
        _imported(school, ROLL + f"{_upn(f'99912345{i:04d}')},Extra,Row,,01/01/2015,F,,,\r\n", name=f"{i}.csv")
    with CaptureQueriesContext(connection) as six:
        assert client.get(url).status_code == 200
    assert len(six) == len(one)


# --- Import a feed --------------------------------------------------------------------------------


def test_a_practitioner_imports_their_schools_roll_and_reads_the_report(as_user, entitled, school) -> None:
    client = as_user(entitled)
    page = client.get(reverse("linkage:feed-new")).content.decode()
    assert school.name in page and 'class="govuk-select"' not in page  # only their own agency
    assert _audited(entitled, "import a feed")

    response = client.post(
        reverse("linkage:feed-new"), {"agency": school.pk, "kind": "school_roll", "file": _upload(ROLL)}
    )
    feed_import = FeedImport.objects.get()
    assert response.status_code == 302 and response.url == reverse("linkage:feed", args=[feed_import.pk])
    assert feed_import.status == FeedStatus.DONE and feed_import.uploaded_by == entitled
    assert SourceRecord.objects.get().first_name == "Jayden"

    page = client.get(response.url).content.decode()
    assert '<progress id="feed-progress-bar" class="app-progress" max="3" value="3">' in page
    assert "3 of 3 rows" in page and "hx-trigger" not in page  # finished: no polling
    assert "New children</dt>" in page
    assert "No date of birth: DOB is blank" in page
    assert "Date of birth \u201831/02/2017\u2019 is not a real date" in page
    assert "Amelia" in page  # the rejected row's values
    assert AuditEvent.objects.filter(actor=entitled, action=Action.VIEW, object_id=str(feed_import.pk)).exists()


def test_a_reviewer_chooses_any_agency_and_a_problem_keeps_what_was_chosen(as_user, reviewer, gp) -> None:
    client = as_user(reviewer)
    page = client.get(reverse("linkage:feed-new")).content.decode()
    assert 'class="govuk-select"' in page and gp.name in page

    wrong = _csv(["Surname", "Forename"], [["Hill", "Ava"]])
    page = client.post(
        reverse("linkage:feed-new"), {"agency": gp.pk, "kind": "gp_registration", "file": _upload(wrong)}
    ).content.decode()
    assert "There is a problem" in page
    assert "The file has no NHS Number or Date of Birth column: check it is a GP registration extract" in page
    assert f'<option value="{gp.pk}" selected>' in page
    assert 'value="gp_registration" checked' in page
    assert not FeedImport.objects.exists()

    page = client.post(reverse("linkage:feed-new"), {"agency": gp.pk, "kind": "gp_registration"}).content.decode()
    assert "Select a CSV file" in page and 'value="gp_registration" checked' in page

    page = client.post(reverse("linkage:feed-new"), {"agency": gp.pk, "file": _upload(wrong)}).content.decode()
    assert "Select what kind of file it is" in page and f'<option value="{gp.pk}" selected>' in page


def test_a_practitioner_cannot_import_for_another_agency(as_user, entitled, gp) -> None:
    page = as_user(entitled).post(
        reverse("linkage:feed-new"), {"agency": gp.pk, "kind": "school_roll", "file": _upload(ROLL)}
    )
    assert "Select the agency that sent the file" in page.content.decode()
    assert not FeedImport.objects.exists()


def test_the_same_file_twice_is_refused_on_the_page(as_user, entitled, school) -> None:
    client = as_user(entitled)
    data = {"agency": school.pk, "kind": "school_roll"}
    client.post(reverse("linkage:feed-new"), {**data, "file": _upload(ROLL)})
    page = client.post(reverse("linkage:feed-new"), {**data, "file": _upload(ROLL, "again.csv")}).content.decode()
    assert "This file was already imported on 26 November 2026: nothing has changed" in page
    assert FeedImport.objects.count() == 1 and SourceRecord.objects.count() == 1


def test_a_file_that_is_not_a_csv_is_refused(as_user, entitled, school) -> None:
    page = as_user(entitled).post(
        reverse("linkage:feed-new"), {"agency": school.pk, "kind": "school_roll", "file": _upload(ROLL, "roll.xlsx")}
    )
    assert "The selected file must be a CSV" in page.content.decode()


# --- Progress ---------------------------------------------------------------------------------------


def test_a_running_import_shows_its_progress_and_polls_until_it_is_done(as_user, entitled, school) -> None:
    feed_import = feed_import_create(agency=school, kind="school_roll", file_name="big.csv", content=ROLL, by=None)
    FeedImport.objects.filter(pk=feed_import.pk).update(status=FeedStatus.RUNNING, total_rows=5000, rows_done=1200)
    client = as_user(entitled)
    progress_url = reverse("linkage:feed-progress", args=[feed_import.pk])

    page = client.get(reverse("linkage:feed", args=[feed_import.pk])).content.decode()
    assert '<progress id="feed-progress-bar" class="app-progress" max="5000" value="1200">' in page
    assert "1,200 of 5,000 rows" in page
    assert f'hx-get="{progress_url}" hx-trigger="every 1s"' in page
    assert "What happened to each row" not in page

    fragment = client.get(progress_url, headers={"HX-Request": "true"})
    assert "1,200 of 5,000 rows" in fragment.content.decode() and "HX-Refresh" not in fragment
    assert "<html" not in fragment.content.decode()

    FeedImport.objects.filter(pk=feed_import.pk).update(status=FeedStatus.DONE, rows_done=5000)
    fragment = client.get(progress_url, headers={"HX-Request": "true"})
    assert fragment["HX-Refresh"] == "true"  # the page reloads with the report
    assert "hx-trigger" not in fragment.content.decode()


# --- The report -------------------------------------------------------------------------------------


def test_rejected_rows_are_paginated_fifty_a_page_and_downloadable(as_user, entitled, school) -> None:
    rows = [[_upn(f"9991000{i:05d}"), f"Surname{i}", "Child", "", "", "F", "", "", ""] for i in range(60)]
    feed_import = _imported(school, _csv(pop.SCHOOL_ROLL_HEADINGS, [*rows, FORMULA]))
    assert feed_import.rows_rejected == 61
    client = as_user(entitled)
    url = reverse("linkage:feed", args=[feed_import.pk])

    first = client.get(url).content.decode()
    assert first.count('<td class="govuk-table__cell govuk-table__cell--numeric">') == 50
    assert "Surname49" in first and "Surname50" not in first
    second = client.get(url, {"page": 2}).content.decode()
    assert second.count('<td class="govuk-table__cell govuk-table__cell--numeric">') == 11
    assert "Surname50" in second

    response = client.get(reverse("linkage:feed-rejections-csv", args=[feed_import.pk]))
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="roll-rejected-rows.csv"' in response["Content-Disposition"]
    table = list(csv.reader(io.StringIO(response.content.decode())))
    assert table[0] == ["Row", "Reason", *pop.SCHOOL_ROLL_HEADINGS]
    assert len(table) == 62
    assert table[1][:4] == ["1", "No date of birth: DOB is blank", rows[0][0], "Surname0"]
    assert table[61][3] == "'=HYPERLINK(1)"  # a spreadsheet shows it, never runs it
    assert AuditEvent.objects.filter(actor=entitled, action=Action.EXPORT, object_id=str(feed_import.pk)).exists()


def test_a_failed_import_says_why_and_can_be_tried_again(as_user, entitled, school) -> None:
    feed_import = feed_import_create(agency=school, kind="school_roll", file_name="r.csv", content=ROLL, by=None)
    FeedImport.objects.filter(pk=feed_import.pk).update(status=FeedStatus.FAILED, error="Row 1: OperationalError")
    client = as_user(entitled)
    page = client.get(reverse("linkage:feed", args=[feed_import.pk])).content.decode()
    assert "The import stopped with an error after 0 of 3 rows: Row 1: OperationalError" in page
    assert "Try again" in page

    response = client.post(reverse("linkage:feed-retry", args=[feed_import.pk]))
    assert response.status_code == 302
    feed_import.refresh_from_db()
    assert feed_import.status == FeedStatus.DONE and feed_import.rows_done == 3


# --- A person file ----------------------------------------------------------------------------------


def test_a_person_file_is_uploaded_then_its_columns_chosen_from_the_files_headings(as_user, entitled, school) -> None:
    content = _csv(
        ["Ref", "Forename", "Family", "Born on", "Post code"], [["S-1", "Ava", "Hill", "03/04/2015", "BK1 1AA"]]
    )
    client = as_user(entitled)
    response = client.post(
        reverse("linkage:feed-new"), {"agency": school.pk, "kind": "person_file", "file": _upload(content, "p.csv")}
    )
    feed_import = FeedImport.objects.get()
    columns_url = reverse("linkage:feed-columns", args=[feed_import.pk])
    assert response.url == columns_url and feed_import.status == FeedStatus.QUEUED

    page = client.get(reverse("linkage:feed", args=[feed_import.pk])).content.decode()
    assert "Choose the columns" in page and "hx-trigger" not in page

    page = client.get(columns_url).content.decode()
    # The file's headings are the choices; the obvious ones are chosen already.
    assert '<option value="Forename" selected>' in page and '<option value="Post code" selected>' in page
    assert '<option value="Born on">' in page
    assert "Ava" in page  # the first row, to help choose
    assert _audited(entitled, "feed import columns")

    page = client.post(columns_url, {"first_name": "Forename", "last_name": "Family"}).content.decode()
    assert "Select the column that holds the date of birth" in page
    assert '<option value="Family" selected>' in page

    response = client.post(
        columns_url,
        {
            "key": "Ref",
            "first_name": "Forename",
            "last_name": "Family",
            "date_of_birth": "Born on",
            "postcode": "Post code",
        },
    )
    assert response.url == reverse("linkage:feed", args=[feed_import.pk])
    feed_import.refresh_from_db()
    assert feed_import.status == FeedStatus.DONE and feed_import.rows_new == 1
    assert SourceRecord.objects.get(source_key="S-1").postcode == "BK1 1AA"
    # Chosen once: the page now goes to the import.
    assert client.get(columns_url).url == reverse("linkage:feed", args=[feed_import.pk])
    assert FeedRejection.objects.count() == 0


def test_the_report_query_count_does_not_grow_with_the_rejected_rows(as_user, entitled, school) -> None:
    def bad(n: int) -> str:
        rows = [[_upn(f"9992000{i:05d}"), f"Surname{i}", "Child", "", "", "F", "", "", ""] for i in range(n)]
        return _csv(pop.SCHOOL_ROLL_HEADINGS, rows)

    client = as_user(entitled)
    counts = []
    for n in (1, 40):
        feed_import = _imported(school, bad(n), name=f"{n}.csv")
        url = reverse("linkage:feed", args=[feed_import.pk])
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).content.decode().count("No date of birth: DOB is blank") == n
        counts.append(len(queries))
    assert counts[0] == counts[1]
