"""Batch feeds: each agency's extract imported into the index, idempotent (the same file twice
changes nothing, a row already received is unchanged), resumable without counting a row
twice, every rejected row kept with its reason and the good rows kept; A&E attendances and
police incidents on the child's chronology once."""

import csv
import datetime as dt
import io
from collections.abc import Sequence
from pathlib import Path
from unittest import mock

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from safeguarding.access.models import AgencyKind, ChildInvolvement, InvolvementBasis
from safeguarding.audit.models import Action, AuditEvent
from safeguarding.concerns.models import AgencyEvent, ChronologyEntry
from safeguarding.linkage import feeds
from safeguarding.linkage import population as pop
from safeguarding.linkage.feeds import (
    feed_import_columns_choose,
    feed_import_create,
    feed_import_retry,
    feed_import_run,
)
from safeguarding.linkage.models import FeedImport, FeedKind, FeedRejection, FeedStatus, LinkMethod, SourceRecord
from safeguarding.people.models import Child
from safeguarding.people.services import NewChild, child_create
from tests.factories import AgencyFactory, UserFactory

pytestmark = pytest.mark.django_db

# After the synthetic population's reference date (25 November 2026), so that none of its
# attendances or incidents is in the future.
NOW = dt.datetime(2026, 11, 26, 9, 30, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _inline_and_frozen(settings):  # type: ignore[no-untyped-def]
    settings.LINKAGE_FEEDS_INLINE = True
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def hospital(db):  # type: ignore[no-untyped-def]
    return AgencyFactory(name="Riverside Hospital Emergency Department", kind=AgencyKind.HOSPITAL)


@pytest.fixture
def police(db):  # type: ignore[no-untyped-def]
    return AgencyFactory(name="Riverside Police", kind=AgencyKind.POLICE)


@pytest.fixture
def uploader(db, school):  # type: ignore[no-untyped-def]
    return UserFactory(username="data-officer", agency=school)


def _csv(headings: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(headings)
    writer.writerows(rows)
    return out.getvalue()


def _import(agency, kind, content, by=None, name="extract.csv", mapping=None, chunk=200):  # type: ignore[no-untyped-def]
    feed_import = feed_import_create(agency=agency, kind=kind, file_name=name, content=content, mapping=mapping, by=by)
    return feed_import_run(feed_import=feed_import, chunk=chunk)


def _reasons(feed_import: FeedImport) -> dict[int, str]:
    return dict(FeedRejection.objects.filter(feed_import=feed_import).values_list("row_number", "reason"))


def _counted(feed_import: FeedImport) -> int:
    return sum(feeds.counts_of(feed_import).values())


# Valid identifiers (NHS England's 999 test range; DfE UPN check letters).
NHS_1, NHS_2, NHS_3 = "9990000018", "9990000026", "9990000034"
BAD_NHS = "9990000019"  # the check digit of 999000001 is 8


def _upn(body: str) -> str:
    return pop.upn_check_letter(body) + body


UPN_1, UPN_2 = _upn("999123456001"), _upn("999123456002")
BAD_UPN = ("A" if UPN_1[0] != "A" else "B") + UPN_1[1:]


def test_identifiers_used_here_are_valid_and_the_bad_ones_are_not() -> None:
    from safeguarding.people.identifiers import nhs_number_valid, upn_valid

    assert all(nhs_number_valid(n) for n in (NHS_1, NHS_2, NHS_3))
    assert not nhs_number_valid(BAD_NHS)
    assert upn_valid(UPN_1) and upn_valid(UPN_2) and not upn_valid(BAD_UPN)


# --- Each preset end to end -------------------------------------------------------------------


def test_school_roll_keeps_the_good_rows_and_reports_each_bad_row(school, uploader) -> None:
    content = _csv(
        pop.SCHOOL_ROLL_HEADINGS,
        [
            [UPN_1, "Smith", "Jayden", "Lee", "07/03/2019", "M", "12 Mill Lane", "BK4 7QT", ""],
            [UPN_2, "Okafor-Jones", "Adaeze", "", "15/10/2016", "F", "3 Well Road", "BK4 7QU", "Okafor"],
            [_upn("999123456003"), "Brown", "Olivia", "", "31/02/2017", "F", "1 High Street", "BK9 1AA", ""],
            [_upn("999123456004"), "", "", "", "01/09/2015", "M", "2 High Street", "BK9 1AA", ""],
            [BAD_UPN, "Patel", "Priya", "", "02/02/2014", "F", "5 Park Road", "BK2 2WJ", ""],
        ],
    )
    done = _import(school, FeedKind.SCHOOL_ROLL, content, by=uploader, name="roll-autumn.csv")

    assert done.status == FeedStatus.DONE and done.finished_at is not None
    assert (done.total_rows, done.rows_done, done.rows_new, done.rows_rejected) == (5, 5, 2, 3)
    assert _counted(done) == 5
    assert _reasons(done) == {
        3: "Date of birth \u201831/02/2017\u2019 is not a real date",
        4: "No name: Surname and Forename are blank",
        5: f"UPN \u2018{BAD_UPN}\u2019 is not valid: a UPN is 13 characters and starts with its check letter",
    }
    # The rejected row is kept as it was, under the file's own headings.
    assert FeedRejection.objects.get(feed_import=done, row_number=5).row["Forename"] == "Priya"

    jayden = SourceRecord.objects.get(agency=school, source="school_roll", source_key=UPN_1)
    assert (jayden.first_name, jayden.middle_names, jayden.last_name) == ("Jayden", "Lee", "Smith")
    assert jayden.date_of_birth == dt.date(2019, 3, 7) and jayden.feed_import == done
    assert jayden.school == school.name
    assert jayden.child.upn == UPN_1 and jayden.child.date_of_birth == dt.date(2019, 3, 7)
    adaeze = SourceRecord.objects.get(source_key=UPN_2)
    assert adaeze.child.names.filter(last_name="Okafor-Jones").exists()
    # A school's roll is its relationship with the child.
    assert ChildInvolvement.objects.filter(agency=school, basis=InvolvementBasis.ROLL).count() == 2
    assert Child.objects.count() == 2


def test_gp_registrations_link_by_nhs_number_and_report_an_invalid_one(gp) -> None:
    known = child_create(
        data=NewChild(first_name="Amelia", last_name="Jones", date_of_birth=dt.date(2015, 6, 1), nhs_number=NHS_1),
        by=None,
    )
    content = _csv(
        pop.GP_REGISTRATION_HEADINGS,
        [
            ["999 000 0018", "Jones", "Millie", "2015-06-01", "Female", "4 Cherry Close", "BK1 1AB"],
            ["999 000 0026", "Walker", "Jack", "2018-05-20", "Male", "9 Elm Road", "BK1 2CD"],
            ["", "Walker", "Oliver", "2018-05-20", "Male", "9 Elm Road", "BK1 2CD"],
            ["999 000 0019", "Evans", "Harry", "2012-01-30", "Male", "1 Ash Way", "BK1 3EF"],
            ["999 000 0034", "Khan", "Zara", "2031-01-01", "Female", "7 Oak Street", "BK1 4GH"],
            ["", "Ahmed", "", "2014-04-04", "Unknown", "8 Oak Street", "BK1 4GH"],
        ],
    )
    done = _import(gp, FeedKind.GP_REGISTRATION, content)

    assert done.status == FeedStatus.DONE
    assert (done.rows_linked, done.rows_new + done.rows_review, done.rows_rejected) == (1, 2, 3)
    assert _reasons(done) == {
        4: "NHS number \u2018999 000 0019\u2019 is not valid: its check digit is wrong",
        5: "Date of birth \u20182031-01-01\u2019 is in the future",
        6: "No first name: Given Name is blank",
    }
    linked = SourceRecord.objects.get(agency=gp, source_key=NHS_1)
    assert linked.child == known and linked.link_method == LinkMethod.IDENTIFIER
    # No NHS number: the row's key is its row of this file.
    oliver = SourceRecord.objects.get(agency=gp, first_name="Oliver")
    assert oliver.source_key == f"{done.sha256[:16]} row 3"
    assert ChildInvolvement.objects.filter(agency=gp, basis=InvolvementBasis.REGISTERED).count() == 3


def test_ae_attendances_each_land_on_the_chronology_with_their_complaint_and_injury(hospital) -> None:
    content = _csv(
        ["Attendance ID", "Arrival Date/Time", "NHS Number", "Surname", "Forename", "DOB", "Gender", "Postcode",
         "Address", "Presenting Complaint", "Injury Y/N"],
        [
            ["AE260000001", "02/11/2026 14:05", NHS_1, "Smith", "Jayden", "07/03/2019", "Male", "BK4 7QT",
             "12 Mill Lane", "Head injury", "Y"],
            ["AE260000002", "20/11/2026 02:40", NHS_1, "Smyth", "Jaiden", "07/03/2019", "Male", "BK4 7QT",
             "12 Mill Lane", "Fever", "N"],
            ["AE260000003", "31/11/2026 10:00", "", "Brown", "Olivia", "01/02/2017", "Female", "BK9 1AA",
             "1 High Street", "Rash", "N"],
            ["AE260000004", "21/11/2026 10:00", "", "", "", "01/02/2017", "Female", "BK9 1AA",
             "1 High Street", "Rash", "N"],
            ["AE260000005", "21/11/2026 11:00", "1234", "Green", "Tom", "01/02/2016", "Male", "BK9 1AA",
             "1 High Street", "Fall", "Y"],
            ["AE260000006", "26/11/2026 18:00", "", "Green", "Sam", "01/02/2016", "Male", "BK9 1AA",
             "1 High Street", "Fall", "Y"],
        ],
    )  # fmt: skip
    done = _import(hospital, FeedKind.AE_ATTENDANCE, content)

    assert done.status == FeedStatus.DONE
    # The second attendance is the same hospital record of Jayden (by NHS number), and a
    # second event on his chronology.
    assert (done.rows_new, done.rows_linked, done.rows_rejected) == (1, 1, 4)
    assert _reasons(done) == {
        3: "Arrival Date/Time \u201831/11/2026 10:00\u2019 is not a real date",
        4: "No name: Surname and Forename are blank",
        5: "NHS number \u20181234\u2019 is not valid: it must have 10 digits",
        6: "Arrival Date/Time \u201826/11/2026 18:00\u2019 is in the future",
    }
    child = SourceRecord.objects.get(agency=hospital, source_key=NHS_1).child
    entries = list(child.chronology.order_by("occurred_at"))
    assert [(e.kind, e.summary, e.injury) for e in entries] == [
        ("ae_attendance", "A&E attendance: Head injury", True),
        ("ae_attendance", "A&E attendance: Fever", False),
    ]
    assert entries[0].occurred_at == dt.datetime(2026, 11, 2, 14, 5, tzinfo=dt.UTC)  # GMT in November
    assert entries[0].author is None and entries[0].author_label == f"{hospital} system"
    events = AgencyEvent.objects.filter(child=child).order_by("occurred_at")
    assert [e.source_reference for e in events] == ["AE260000001", "AE260000002"]


def test_police_incidents_name_each_child_once_per_incident(police) -> None:
    content = _csv(
        pop.POLICE_INCIDENT_HEADINGS,
        [
            ["INC-20261101-000001", "01/11/2026", "P10000001", "Walker", "Jack Thomas", "20/05/2018",
             "9 Elm Road", "BK1 2CD", "Normally resides", "Y", "Verbal argument between adults; child present."],
            ["INC-20261101-000001", "01/11/2026", "P10000002", "Walker", "Ruby", "02/09/2015",
             "9 Elm Road", "BK1 2CD", "Normally resides", "Y", "Verbal argument between adults; child present."],
            ["INC-20261115-000002", "15/11/2026", "P10000001", "Walker", "J", "20/05/2018",
             "9 Elm Road", "BK1 2CD", "Present", "N", "Child reported missing; found the next day."],
            ["INC-20261116-000003", "16/11/2026", "P10000003", "Stone", "Mia", "",
             "1 Ash Way", "BK1 3EF", "Present", "N", "Concern for welfare."],
            ["INC-20261117-000004", "", "P10000004", "", "Leo", "01/01/2016",
             "1 Ash Way", "BK1 3EF", "Present", "N", "Concern for welfare."],
        ],
    )  # fmt: skip
    done = _import(police, FeedKind.POLICE_INCIDENT, content)

    assert (done.rows_new, done.rows_linked, done.rows_rejected) == (2, 1, 2)
    assert _reasons(done) == {
        4: "No date of birth: Date of Birth is blank",
        5: "No surname: Surname is blank; No incident date: Incident Date is blank",
    }
    jack = SourceRecord.objects.get(agency=police, source_key="P10000001")
    assert (jack.first_name, jack.middle_names) == ("Jack", "Thomas")
    ruby = SourceRecord.objects.get(agency=police, source_key="P10000002")
    jack_entries = list(jack.child.chronology.order_by("occurred_at"))
    assert [e.summary for e in jack_entries] == [
        "Incident INC-20261101-000001. Verbal argument between adults; child present. "
        "Child's involvement: Normally resides.",
        "Incident INC-20261115-000002. Child reported missing; found the next day. Child's involvement: Present.",
    ]
    assert jack_entries[0].categories == ["domestic_abuse"] and jack_entries[1].categories == []
    # The same incident, on each child's own chronology.
    assert ruby.child.chronology.get().summary.startswith("Incident INC-20261101-000001.")


def test_a_person_file_waits_for_its_columns_then_imports_through_them(social_care) -> None:
    content = _csv(
        ["Client ID", "Given", "Family", "Born", "NHS", "Post code"],
        [
            ["YJ-001", "Tyrese", "Campbell", "2010-04-12", NHS_3, "BK3 3AA"],
            ["", "Nia", "Campbell", "12/06/2012", "", "BK3 3AA"],
            ["YJ-003", "Kemar", "Grant", "12/13/2011", "", "BK3 3AB"],
            ["YJ-004", "Josiah", "Reid", "01/01/1990", BAD_NHS, "BK3 3AC"],
        ],
    )
    feed_import = feed_import_create(
        agency=social_care, kind=FeedKind.PERSON_FILE, file_name="yj.csv", content=content, by=None
    )
    assert feeds.waiting_for_columns(feed_import)
    assert feed_import_run(feed_import=feed_import).status == FeedStatus.QUEUED  # nothing to do yet
    assert feed_import.pk not in [f.pk for f in feeds.feed_imports_pending()]

    with pytest.raises(ValidationError) as refused:
        feed_import_columns_choose(feed_import=feed_import, mapping={"first_name": "Given", "upn": "UPN"}, by=None)
    assert refused.value.message_dict == {
        "last_name": ["Select the column that holds the surname"],
        "date_of_birth": ["Select the column that holds the date of birth"],
        "upn": ["The file has no column called UPN"],
    }
    mapping = {
        "key": "Client ID",
        "first_name": "Given",
        "last_name": "Family",
        "date_of_birth": "Born",
        "nhs_number": "NHS",
        "postcode": "Post code",
    }
    feed_import_columns_choose(feed_import=feed_import, mapping=mapping, by=None)
    done = feed_import_run(feed_import=feed_import)

    assert done.status == FeedStatus.DONE and done.mapping == mapping
    assert done.rows_rejected == 2 and _counted(done) == 4
    assert _reasons(done) == {
        3: "Date of birth \u201812/13/2011\u2019 is not a real date",
        4: "Date of birth \u201801/01/1990\u2019 is more than 25 years ago: not a child or young person; "
        f"NHS number \u2018{BAD_NHS}\u2019 is not valid: its check digit is wrong",
    }
    keys = set(SourceRecord.objects.filter(agency=social_care).values_list("source_key", flat=True))
    assert "YJ-001" in keys
    # No reference for Nia: the row's own content is her key.
    assert len(keys) == 2 and any(k.startswith("row:") for k in keys)
    assert SourceRecord.objects.get(source_key="YJ-001").child.nhs_number == NHS_3


def test_a_person_file_can_be_given_its_mapping_when_it_is_created(social_care) -> None:
    content = _csv(["First", "Last", "DOB"], [["Ava", "Hill", "03/04/2015"]])
    done = _import(
        social_care,
        FeedKind.PERSON_FILE,
        content,
        mapping={"first_name": "First", "last_name": "Last", "date_of_birth": "DOB"},
    )
    assert done.status == FeedStatus.DONE and done.rows_new == 1


# --- Headings -----------------------------------------------------------------------------------


def test_headings_are_matched_ignoring_case_and_spaces(gp) -> None:
    content = _csv(
        ["nhs number", "FAMILY NAME", " Given  Name ", "dateofbirth", "sex"],
        [[NHS_2, "Walker", "Jack", "20/05/2018", "M"]],
    )
    done = _import(gp, FeedKind.GP_REGISTRATION, content)
    assert done.rows_new == 1
    assert done.mapping == {
        "nhs_number": "nhs number",
        "last_name": "FAMILY NAME",
        "first_name": "Given  Name",
        "date_of_birth": "dateofbirth",
        "sex": "sex",
    }
    assert SourceRecord.objects.get(source_key=NHS_2).sex == "M"


def test_a_file_without_the_columns_its_kind_needs_is_refused_saying_which(school) -> None:
    content = _csv(["Surname", "Forename", "Gender"], [["Smith", "Jayden", "M"]])
    with pytest.raises(ValidationError) as refused:
        feed_import_create(agency=school, kind=FeedKind.SCHOOL_ROLL, file_name="x.csv", content=content, by=None)
    assert refused.value.message_dict == {"file": ["The file has no UPN or DOB column: check it is a school roll"]}
    assert not FeedImport.objects.exists()


def test_an_empty_file_and_a_file_of_headings_only_are_refused(school) -> None:
    for content, message in (("", "The selected file is empty"), ("UPN,Surname\r\n", "has headings but no rows")):
        with pytest.raises(ValidationError, match=message):
            feed_import_create(agency=school, kind=FeedKind.SCHOOL_ROLL, file_name="x.csv", content=content, by=None)


def test_a_byte_order_mark_and_blank_lines_do_not_count_as_rows(gp) -> None:
    content = "\ufeff" + _csv(pop.GP_REGISTRATION_HEADINGS, [[NHS_1, "Jones", "Amelia", "2015-06-01"]]) + "\r\n,,\r\n"
    feed_import = feed_import_create(
        agency=gp, kind=FeedKind.GP_REGISTRATION, file_name="x.csv", content=content, by=None
    )
    assert feed_import.total_rows == 1 and feed_import.mapping["nhs_number"] == "NHS Number"


# --- Idempotent ---------------------------------------------------------------------------------


def _snapshot() -> tuple[int, ...]:
    return (
        Child.objects.count(),
        SourceRecord.objects.count(),
        AgencyEvent.objects.count(),
        ChronologyEntry.objects.count(),
        FeedImport.objects.count(),
        FeedRejection.objects.count(),
    )


def test_the_same_file_twice_is_refused_and_changes_nothing(hospital) -> None:
    headings, rows = pop.ae_attendance_rows(pop.generate_population(120, seed=11))
    content = _csv(headings, rows)
    first = _import(hospital, FeedKind.AE_ATTENDANCE, content)
    assert first.status == FeedStatus.DONE and first.total_rows == len(rows) > 0
    before = _snapshot()
    audit_before = AuditEvent.objects.count()

    with pytest.raises(ValidationError) as refused:
        feed_import_create(
            agency=hospital, kind=FeedKind.AE_ATTENDANCE, file_name="again.csv", content=content, by=None
        )
    assert refused.value.message_dict == {
        "file": ["This file was already imported on 26 November 2026: nothing has changed"]
    }
    assert _snapshot() == before
    assert AuditEvent.objects.count() == audit_before


def test_a_later_file_with_the_same_rows_leaves_them_unchanged_and_adds_only_the_new(school) -> None:
    rows = [
        [UPN_1, "Smith", "Jayden", "", "07/03/2019", "M", "12 Mill Lane", "BK4 7QT", ""],
        [UPN_2, "Jones", "Amelia", "", "01/06/2015", "F", "4 Cherry Close", "BK1 1AB", ""],
    ]
    _import(school, FeedKind.SCHOOL_ROLL, _csv(pop.SCHOOL_ROLL_HEADINGS, rows), name="september.csv")
    newcomer = [_upn("999123456009"), "Nowak", "Zofia", "", "10/10/2016", "F", "7 Bridge Grove", "BK14 7FR", ""]
    later = _import(school, FeedKind.SCHOOL_ROLL, _csv(pop.SCHOOL_ROLL_HEADINGS, [*rows, newcomer]), name="october.csv")
    assert (later.rows_unchanged, later.rows_new, later.rows_rejected) == (2, 1, 0)
    assert Child.objects.count() == 3 and SourceRecord.objects.count() == 3


# --- Resumable ----------------------------------------------------------------------------------


def _roll(n: int) -> str:
    rows = [
        [_upn(f"999100000{i:03d}"), f"Surname{chr(65 + i)}", f"Child{chr(65 + i)}", "", f"{i + 1:02d}/01/2015",
         "F", f"{i + 1} Mill Lane", "BK4 7QT", ""]
        for i in range(n)
    ]  # fmt: skip
    return _csv(pop.SCHOOL_ROLL_HEADINGS, rows)


def test_an_unexpected_error_stops_the_import_keeps_the_rows_before_it_and_a_retry_finishes_each_row_once(
    school,
) -> None:
    feed_import = feed_import_create(
        agency=school, kind=FeedKind.SCHOOL_ROLL, file_name="r.csv", content=_roll(7), by=None
    )
    real = feeds._row_receive

    def flaky(**kwargs):  # type: ignore[no-untyped-def]
        if kwargs["number"] == 4:
            raise RuntimeError("database went away")
        return real(**kwargs)

    with mock.patch.object(feeds, "_row_receive", side_effect=flaky):
        stopped = feed_import_run(feed_import=feed_import, chunk=2)
    assert stopped.status == FeedStatus.FAILED
    assert stopped.error == "Row 4: RuntimeError: database went away"
    # Rows 1-2 (the first chunk) and row 3 (the good row of the second chunk) are kept.
    assert (stopped.rows_done, stopped.rows_new) == (3, 3)
    assert SourceRecord.objects.count() == 3
    assert feed_import_run(feed_import=stopped).status == FeedStatus.FAILED  # not until it is tried again

    done = feed_import_run(feed_import=feed_import_retry(feed_import=stopped, by=None), chunk=2)
    assert done.status == FeedStatus.DONE and done.error == ""
    assert (done.rows_done, done.rows_new, _counted(done)) == (7, 7, 7)
    assert SourceRecord.objects.count() == 7 and Child.objects.count() == 7
    assert AuditEvent.objects.filter(object_type="linkage.feedimport", action=Action.AMEND).count() == 3


def test_an_import_a_crash_stopped_resumes_with_feed_imports_run_and_counts_each_row_once(school) -> None:
    feed_import = feed_import_create(
        agency=school, kind=FeedKind.SCHOOL_ROLL, file_name="r.csv", content=_roll(5), by=None
    )

    def crash(current: FeedImport) -> None:
        raise KeyboardInterrupt  # the process dies after the first chunk committed

    with pytest.raises(KeyboardInterrupt):
        feed_import_run(feed_import=feed_import, chunk=2, on_progress=crash)
    feed_import.refresh_from_db()
    assert (feed_import.status, feed_import.rows_done, feed_import.rows_new) == (FeedStatus.RUNNING, 2, 2)

    out = io.StringIO()
    call_command("feed_imports_run", "--no-progress", stdout=out)
    feed_import.refresh_from_db()
    assert feed_import.status == FeedStatus.DONE
    assert (feed_import.rows_done, feed_import.rows_new, _counted(feed_import)) == (5, 5, 5)
    assert SourceRecord.objects.count() == 5
    assert "5 of 5 rows" in out.getvalue()
    call_command("feed_imports_run", "--no-progress", stdout=out)
    assert "No feed imports to run." in out.getvalue()


def test_rows_received_before_a_restart_come_back_unchanged(hospital, police) -> None:
    """rows_done set back (as if a chunk's rows were received but not counted): each row is
    found again by its key and each event by its reference, so nothing is added twice."""
    population = pop.generate_population(400, seed=5)
    ae = _import(hospital, FeedKind.AE_ATTENDANCE, _csv(*pop.ae_attendance_rows(population)))
    incidents = _import(police, FeedKind.POLICE_INCIDENT, _csv(*pop.police_incident_rows(population)))
    assert ae.rows_done == ae.total_rows > 0 and incidents.rows_done == incidents.total_rows > 0
    before = _snapshot()
    accepted = {fi.pk: fi.total_rows - fi.rows_rejected for fi in (ae, incidents)}
    # Every accepted attendance and incident is on a chronology once.
    assert AgencyEvent.objects.filter(agency=hospital).count() == accepted[ae.pk]
    assert ChronologyEntry.objects.filter(kind="police_incident").count() == accepted[incidents.pk]

    for fi in (ae, incidents):
        FeedImport.objects.filter(pk=fi.pk).update(
            status=FeedStatus.RUNNING, rows_done=0, rows_linked=0, rows_new=0, rows_review=0, rows_rejected=0
        )
        again = feed_import_run(feed_import=fi, chunk=50)
        assert again.status == FeedStatus.DONE
        assert again.rows_unchanged == accepted[fi.pk]
        assert again.rows_linked == again.rows_new == again.rows_review == 0
    assert _snapshot() == before


def test_population_extracts_import_with_only_real_problems_rejected(school, gp) -> None:
    population = pop.generate_population(300, seed=3)
    for agency, kind, writer in (
        (school, FeedKind.SCHOOL_ROLL, pop.school_roll_rows),
        (gp, FeedKind.GP_REGISTRATION, pop.gp_registration_rows),
    ):
        done = _import(agency, kind, _csv(*writer(population)), chunk=40)
        assert done.status == FeedStatus.DONE and _counted(done) == done.total_rows
        for reason in _reasons(done).values():
            assert reason.startswith("No date of birth"), reason  # the generator leaves some dates out
    # The GP's children were mostly on the school roll already, or their siblings were.
    assert SourceRecord.objects.filter(source="gp_registration").exclude(link_method=LinkMethod.NEW).exists()


# --- The command ---------------------------------------------------------------------------------


def test_feed_import_command_imports_a_file_and_refuses_it_twice(tmp_path: Path, school) -> None:
    path = tmp_path / "roll.csv"
    path.write_bytes(_roll(3).encode("cp1252"))
    out = io.StringIO()
    call_command(
        "feed_import", str(path), "--agency", school.name, "--kind", "school_roll", "--no-progress", stdout=out
    )
    assert "roll.csv: 3 of 3 rows" in out.getvalue() and "new children: 3" in out.getvalue()
    with pytest.raises(CommandError, match="already imported on 26 November 2026: nothing has changed"):
        call_command("feed_import", str(path), "--agency", school.name, "--kind", "school_roll", "--no-progress")
    with pytest.raises(CommandError, match="No agency is called"):
        call_command("feed_import", str(path), "--agency", "Nowhere", "--kind", "school_roll")


def test_feed_import_command_takes_a_person_file_mapping(tmp_path: Path, social_care) -> None:
    path = tmp_path / "people.csv"
    path.write_text(_csv(["Given", "Family", "Born"], [["Ava", "Hill", "03/04/2015"]]), encoding="utf-8")
    mapping = '{"first_name": "Given", "last_name": "Family", "date_of_birth": "Born"}'
    call_command(
        "feed_import", str(path), "--agency", social_care.name, "--kind", "person_file", "--mapping", mapping,
        "--no-progress", stdout=io.StringIO(),
    )  # fmt: skip
    assert SourceRecord.objects.get(source="person_file").first_name == "Ava"
    with pytest.raises(CommandError, match="needs --mapping"):
        call_command("feed_import", str(path), "--agency", social_care.name, "--kind", "person_file")


def test_creating_an_import_is_audited(school, uploader) -> None:
    feed_import = feed_import_create(
        agency=school, kind=FeedKind.SCHOOL_ROLL, file_name="r.csv", content=_roll(2), by=uploader
    )
    event = AuditEvent.objects.get(object_type="linkage.feedimport", action=Action.CREATE)
    assert event.actor == uploader and event.object_id == str(feed_import.pk)
    assert event.detail["rows"] == 2 and event.detail["sha256"] == feed_import.sha256


def test_a_chunk_is_cut_short_when_its_time_runs_out_and_every_row_still_counts_once(school) -> None:
    feed_import = feed_import_create(
        agency=school, kind=FeedKind.SCHOOL_ROLL, file_name="r.csv", content=_roll(4), by=None
    )
    seen: list[int] = []
    with mock.patch.object(feeds, "CHUNK_SECONDS", 0.0):
        done = feed_import_run(feed_import=feed_import, chunk=200, on_progress=lambda fi: seen.append(fi.rows_done))
    assert seen == [1, 2, 3, 4]  # one row to a transaction
    assert done.status == FeedStatus.DONE and (done.rows_new, _counted(done)) == (4, 4)


# serialized_rollback: the flush after a transactional test would take the reference model
# (installed by a migration) with it.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_without_inline_the_import_runs_in_a_thread_after_the_upload_commits(settings, school) -> None:
    import threading

    from django.db import transaction

    settings.LINKAGE_FEEDS_INLINE = False
    before = set(threading.enumerate())
    with transaction.atomic():
        feed_import = feed_import_create(
            agency=school, kind=FeedKind.SCHOOL_ROLL, file_name="r.csv", content=_roll(3), by=None
        )
        feeds.feed_import_start(feed_import)
        assert set(threading.enumerate()) == before  # not before the commit
    for thread in set(threading.enumerate()) - before:
        thread.join(timeout=60)
    feed_import.refresh_from_db()
    assert feed_import.status == FeedStatus.DONE and feed_import.rows_new == 3


def test_a_row_another_import_received_at_the_same_moment_is_tried_once_more_and_found(school) -> None:
    from django.db import IntegrityError

    from safeguarding.linkage.services import source_record_receive

    content = _roll(2)
    feed_import = feed_import_create(
        agency=school, kind=FeedKind.SCHOOL_ROLL, file_name="r.csv", content=content, by=None
    )
    # The other import got row 2's pupil in first ...
    second = next(row for number, row in feeds.file_rows(content) if number == 2)
    data = feeds.row_read(
        preset=feeds.PRESETS[FeedKind.SCHOOL_ROLL],
        mapping=feed_import.mapping,
        number=2,
        row=second,
        sha256=feed_import.sha256,
        agency=school,
    )
    source_record_receive(agency=school, source="school_roll", source_key=data.source_key, person=data.person, by=None)
    real = feeds._row_receive
    calls: list[int] = []

    def racing(**kwargs):  # type: ignore[no-untyped-def]
        calls.append(kwargs["number"])
        if calls == [1, 2]:  # ... while this one was between its look and its insert
            raise IntegrityError("UNIQUE constraint failed: source_record_once")
        return real(**kwargs)

    with mock.patch.object(feeds, "_row_receive", side_effect=racing):
        done = feed_import_run(feed_import=feed_import)
    assert calls == [1, 2, 2]
    assert done.status == FeedStatus.DONE and (done.rows_new, done.rows_unchanged) == (1, 1)
    assert SourceRecord.objects.count() == 2
