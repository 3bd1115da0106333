"""Batch feeds (issue 4, item 2): the CSV extracts agencies really produce, imported into the
child index row by row through the one matching path (`services.source_record_receive`).

- A preset says where each of our fields is in an agency's own extract (a school roll, GP
  registrations, A&E attendances, police incident notifications); any other person file is
  mapped column by column by the person who uploads it. Headings are matched ignoring case
  and spaces.
- Idempotent twice over: the same file (by SHA-256, per agency and kind) is refused, and each
  row is received once by its source key (the UPN, the NHS number, the police person
  reference ...), so that a row already received comes back `unchanged`. An A&E attendance or
  a police incident adds its `AgencyEvent` (and so its chronology entry) once per reference
  and child.
- Resumable: rows are taken in chunks, each chunk in one transaction that also advances
  `rows_done` and the counters, so an import stopped by a crash or a restart resumes where
  it stopped without counting a row twice. Each row has its own savepoint: a rejected row
  never loses the chunk's good rows.
- A row with a problem (no name, no or an impossible date of birth, a date in the future, an
  NHS number or UPN that fails its check) is rejected, with every problem in plain words,
  and kept as `FeedRejection` with the row as it was. An invalid identifier rejects the row
  rather than being dropped: it is the agency's key for the person, a mistyped one is as
  likely to be the wrong child's as a typo, and the agency needs to correct it at source.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import logging
import re
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime, time
from itertools import islice
from time import monotonic
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connections, transaction
from django.utils import dateformat, timezone

from safeguarding.access.models import Agency, InvolvementBasis, User
from safeguarding.access.services import involvement_ensure
from safeguarding.audit.models import Action
from safeguarding.audit.services import audit_record
from safeguarding.concerns.models import AgencyEvent, AgencyEventKind, Category
from safeguarding.concerns.services import agency_event_record
from safeguarding.core.errors import DomainError
from safeguarding.linkage.features import PersonRecord, parse_date
from safeguarding.linkage.models import FeedImport, FeedKind, FeedRejection, FeedStatus, RecordSource
from safeguarding.linkage.services import source_record_receive
from safeguarding.people.identifiers import nhs_number_valid, normalise_nhs_number, normalise_upn, upn_valid

logger = logging.getLogger(__name__)

CHUNK = 200
CHUNK_SECONDS = 1.0
# The index holds children and young people: care leavers have a personal adviser up to 25
# (Children and Social Work Act 2017, s.3). An older date of birth is a keying error.
MAX_AGE = 25
MAX_FILE_BYTES = 50 * 1024 * 1024


# --- Presets --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """One of our fields and the headings an extract may give it (the first is the usual)."""

    field: str
    headings: tuple[str, ...]
    required: bool = False

    @property
    def heading(self) -> str:
        return self.headings[0]


@dataclass(frozen=True)
class Preset:
    kind: str
    source: str
    columns: tuple[Column, ...]
    # The agency event each row also records (A&E attendance, police incident), if any.
    event_kind: str = ""
    # What a row's presence on this extract says about the agency's relationship with the child.
    involvement: str = ""


# Our fields for a person, in the order the mapping page asks for them.
PERSON_FIELDS: tuple[tuple[str, str, bool], ...] = (
    ("key", "The file's own reference for the person", False),
    ("first_name", "First name", True),
    ("middle_names", "Middle names", False),
    ("last_name", "Surname", True),
    ("former_last_name", "Former surname", False),
    ("date_of_birth", "Date of birth", True),
    ("sex", "Sex", False),
    ("address", "Address (first line)", False),
    ("postcode", "Postcode", False),
    ("school", "School", False),
    ("nhs_number", "NHS number", False),
    ("upn", "Unique pupil number (UPN)", False),
)
FIELD_LABELS = {name: label for name, label, _ in PERSON_FIELDS} | {
    "reference": "Reference",
    "occurred_at": "Date",
    "summary": "Summary",
    "injury": "Injury",
    "role": "Role",
    "domestic_abuse": "Domestic abuse",
}

PRESETS: dict[str, Preset] = {
    FeedKind.SCHOOL_ROLL: Preset(
        kind=FeedKind.SCHOOL_ROLL,
        source=RecordSource.SCHOOL_ROLL,
        involvement=InvolvementBasis.ROLL,
        columns=(
            Column("upn", ("UPN", "Unique Pupil Number"), required=True),
            Column("last_name", ("Surname", "Legal Surname", "Last Name"), required=True),
            Column("first_name", ("Forename", "Legal Forename", "First Name"), required=True),
            Column("middle_names", ("Middle names", "Middle Name")),
            Column("date_of_birth", ("DOB", "Date of Birth"), required=True),
            Column("sex", ("Gender", "Sex")),
            Column("address", ("Address line 1", "Address")),
            Column("postcode", ("Postcode", "Post Code")),
            Column("former_last_name", ("Former surname", "Former Legal Surname")),
        ),
    ),
    FeedKind.GP_REGISTRATION: Preset(
        kind=FeedKind.GP_REGISTRATION,
        source=RecordSource.GP_REGISTRATION,
        involvement=InvolvementBasis.REGISTERED,
        columns=(
            Column("nhs_number", ("NHS Number", "NHS No"), required=True),
            Column("last_name", ("Family Name", "Surname"), required=True),
            Column("first_name", ("Given Name", "Forename"), required=True),
            Column("date_of_birth", ("Date of Birth", "DOB"), required=True),
            Column("sex", ("Sex", "Gender")),
            Column("address", ("Address Line 1", "Address")),
            Column("postcode", ("Postcode", "Post Code")),
        ),
    ),
    FeedKind.AE_ATTENDANCE: Preset(
        kind=FeedKind.AE_ATTENDANCE,
        source=RecordSource.AE_ATTENDANCE,
        event_kind=AgencyEventKind.AE_ATTENDANCE,
        columns=(
            Column("reference", ("Attendance ID", "Attendance Reference"), required=True),
            Column("occurred_at", ("Arrival Date/Time", "Arrival Date Time", "Arrival Date"), required=True),
            Column("nhs_number", ("NHS Number", "NHS No")),
            Column("last_name", ("Surname", "Family Name"), required=True),
            Column("first_name", ("Forename", "Given Name"), required=True),
            Column("date_of_birth", ("DOB", "Date of Birth"), required=True),
            Column("sex", ("Gender", "Sex")),
            Column("postcode", ("Postcode", "Post Code")),
            Column("address", ("Address", "Address Line 1")),
            Column("summary", ("Presenting Complaint", "Chief Complaint")),
            Column("injury", ("Injury Y/N", "Injury")),
        ),
    ),
    FeedKind.POLICE_INCIDENT: Preset(
        kind=FeedKind.POLICE_INCIDENT,
        source=RecordSource.POLICE_INCIDENT,
        event_kind=AgencyEventKind.POLICE_INCIDENT,
        columns=(
            Column("reference", ("Incident Reference", "Incident Ref"), required=True),
            Column("occurred_at", ("Incident Date", "Incident Date/Time"), required=True),
            Column("key", ("Person Reference", "Person Ref"), required=True),
            Column("last_name", ("Surname", "Family Name"), required=True),
            # "Jayden Lee": the first is the first name, the rest are middle names.
            Column("first_name", ("Forenames", "Forename"), required=True),
            Column("date_of_birth", ("Date of Birth", "DOB"), required=True),
            Column("address", ("Address", "Address Line 1")),
            Column("postcode", ("Postcode", "Post Code")),
            Column("role", ("Role", "Involvement")),
            Column("domestic_abuse", ("Domestic Abuse Y/N", "Domestic Abuse")),
            Column("summary", ("Summary", "Incident Summary")),
        ),
    ),
}
PERSON_FILE = Preset(
    kind=FeedKind.PERSON_FILE,
    source=RecordSource.PERSON_FILE,
    columns=tuple(Column(name, (label,), required=required) for name, label, required in PERSON_FIELDS),
)


EXTRACT_NAMES: dict[str, str] = {
    FeedKind.SCHOOL_ROLL: "a school roll",
    FeedKind.GP_REGISTRATION: "a GP registration extract",
    FeedKind.AE_ATTENDANCE: "an A&E attendance extract",
    FeedKind.POLICE_INCIDENT: "a police incident notification extract",
}


def preset_for(kind: str) -> Preset:
    if kind == FeedKind.PERSON_FILE:
        return PERSON_FILE
    try:
        return PRESETS[kind]
    except KeyError:
        raise ValueError(f"Unknown kind of feed: {kind!r}") from None


def heading_key(heading: str) -> str:
    """ "Arrival Date/Time " and "arrival date/time" are one heading."""
    return re.sub(r"\s+", "", (heading or "").replace("\ufeff", "")).lower()


# --- Reading a file ---------------------------------------------------------------------------


def decode(data: bytes) -> str:
    """UTF-8 (with or without Excel's byte order mark), else Windows-1252, which is what a
    spreadsheet saved "as CSV" on Windows writes."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _reader(content: str) -> Iterator[list[str]]:
    return csv.reader(io.StringIO(content.lstrip("\ufeff"), newline=""))


def _unique_headings(raw: list[str]) -> list[str]:
    """Headings as keys of a row: stripped, a repeated one numbered ("Address (2)")."""
    seen: dict[str, int] = {}
    headings = []
    for i, h in enumerate(raw):
        text = h.replace("\ufeff", "").strip() or f"Column {i + 1}"
        seen[text] = seen.get(text, 0) + 1
        headings.append(text if seen[text] == 1 else f"{text} ({seen[text]})")
    return headings


def file_headings(content: str) -> list[str]:
    for row in _reader(content):
        if any(cell.strip() for cell in row):
            return _unique_headings(row)
    return []


def file_rows(content: str, *, start: int = 0) -> Iterator[tuple[int, dict[str, str]]]:
    """(row number, {heading: value}) for each row after the headings, 1 being the first and
    blank rows not counted; from row `start + 1`."""
    reader = _reader(content)
    headings: list[str] | None = None
    number = 0
    for raw in reader:
        if not any(cell.strip() for cell in raw):
            continue
        if headings is None:
            headings = _unique_headings(raw)
            continue
        number += 1
        if number <= start:
            continue
        row = {h: (raw[i].strip() if i < len(raw) else "") for i, h in enumerate(headings)}
        for extra, value in enumerate(raw[len(headings) :], start=1):
            if value.strip():
                row[f"(extra value {extra})"] = value.strip()
        yield number, row


def preset_mapping(preset: Preset, headings: list[str]) -> tuple[dict[str, str], list[str]]:
    """Our field -> the file's heading, and the required headings the file lacks."""
    by_key: dict[str, str] = {}
    for h in headings:
        by_key.setdefault(heading_key(h), h)
    mapping: dict[str, str] = {}
    missing: list[str] = []
    for column in preset.columns:
        found = next((by_key[heading_key(h)] for h in column.headings if heading_key(h) in by_key), None)
        if found is not None:
            mapping[column.field] = found
        elif column.required:
            missing.append(column.heading)
    return mapping, missing


# Headings other files use for our fields: the mapping page's first guess.
_GUESSES: dict[str, tuple[str, ...]] = {
    "key": ("id", "record id", "reference", "person id", "client id", "person reference"),
    "first_name": ("first name", "forename", "forenames", "given name", "firstname"),
    "middle_names": ("middle names", "middle name"),
    "last_name": ("surname", "last name", "family name", "lastname"),
    "former_last_name": ("former surname", "previous surname", "former last name", "former_last_name"),
    "date_of_birth": ("date of birth", "dob", "birth date", "date_of_birth"),
    "sex": ("sex", "gender"),
    "address": ("address", "address line 1", "address1"),
    "postcode": ("postcode", "post code"),
    "school": ("school", "school name"),
    "nhs_number": ("nhs number", "nhs no", "nhs_number"),
    "upn": ("upn", "unique pupil number"),
}


def suggest_mapping(headings: list[str]) -> dict[str, str]:
    by_key: dict[str, str] = {}
    for h in headings:
        by_key.setdefault(heading_key(h), h)
    suggested = {}
    for name, guesses in _GUESSES.items():
        for guess in (name, *guesses):
            if heading_key(guess) in by_key:
                suggested[name] = by_key[heading_key(guess)]
                break
    return suggested


def mapping_errors(mapping: Mapping[str, str], headings: list[str]) -> dict[str, str]:
    """A person file's column mapping: our field -> an error, as the mapping page shows it."""
    errors: dict[str, str] = {}
    known = set(headings)
    for name, label, required in PERSON_FIELDS:
        heading = mapping.get(name, "")
        if not heading:
            if required:
                errors[name] = f"Select the column that holds the {label.lower()}"
        elif heading not in known:
            errors[name] = f"The file has no column called {heading}"
    unknown = set(mapping) - set(FIELD_LABELS)
    if unknown:
        errors["mapping"] = f"Not one of our fields: {', '.join(sorted(unknown))}"
    return errors


def _count_rows(content: str) -> int:
    return sum(1 for _ in file_rows(content))


def _long_date(moment: datetime) -> str:
    return dateformat.format(timezone.localtime(moment), "j F Y")


# --- Creating an import ---------------------------------------------------------------------


@transaction.atomic
def feed_import_create(
    *,
    agency: Agency,
    kind: str,
    file_name: str,
    content: str,
    mapping: Mapping[str, str] | None = None,
    by: User | None,
) -> FeedImport:
    """Keep an uploaded file to import. Refused: the same file again (nothing would change),
    an empty file, a preset file without the columns it needs, a person file whose mapping
    names columns it lacks. A person file without a mapping waits for one
    (`feed_import_columns_choose`)."""
    preset = preset_for(kind)
    content = content.lstrip("\ufeff")
    sha256 = hashlib.sha256(content.encode("utf-8")).hexdigest()
    earlier = FeedImport.objects.filter(agency=agency, kind=kind, sha256=sha256).only("uploaded_at", "status").first()
    if earlier is not None:
        on = _long_date(earlier.uploaded_at)
        if earlier.status == FeedStatus.FAILED:
            message = f"This file was uploaded on {on} and stopped with an error: try that import again"
        elif earlier.status == FeedStatus.DONE:
            message = f"This file was already imported on {on}: nothing has changed"
        else:
            message = f"This file was uploaded on {on} and is being imported: nothing has changed"
        raise ValidationError({"file": message})
    try:
        headings = file_headings(content)
        total = _count_rows(content)
    except csv.Error as error:
        raise ValidationError({"file": f"The selected file could not be read as a CSV file ({error})"}) from None
    if not headings:
        raise ValidationError({"file": "The selected file is empty"})
    if total == 0:
        raise ValidationError({"file": "The selected file has headings but no rows"})
    if kind == FeedKind.PERSON_FILE:
        chosen = dict(mapping or {})
        if chosen:
            errors = mapping_errors(chosen, headings)
            if errors:
                raise ValidationError(errors)
    else:
        chosen, missing = preset_mapping(preset, headings)
        if missing:
            raise ValidationError(
                {"file": f"The file has no {_and(missing)} column: check it is {EXTRACT_NAMES[kind]}"}
            )
    try:
        with transaction.atomic():
            feed_import = FeedImport.objects.create(
                agency=agency,
                kind=kind,
                file_name=file_name[:255],
                sha256=sha256,
                content=content,
                mapping=chosen,
                total_rows=total,
                uploaded_by=by,
            )
    except IntegrityError:
        # The same file uploaded twice at once: the other upload won.
        raise ValidationError({"file": "This file is already being imported: nothing has changed"}) from None
    audit_record(
        actor=by or "feed import",
        action=Action.CREATE,
        obj=feed_import,
        detail={"agency": agency.name, "kind": kind, "file_name": file_name, "rows": total, "sha256": sha256},
    )
    return feed_import


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} or {items[-1]}"


@transaction.atomic
def feed_import_columns_choose(*, feed_import: FeedImport, mapping: Mapping[str, str], by: User | None) -> FeedImport:
    """The uploader says which of the person file's columns holds each of our fields."""
    locked = FeedImport.objects.select_for_update(of=("self",)).get(pk=feed_import.pk)
    if locked.kind != FeedKind.PERSON_FILE:
        raise DomainError("Only a person file has its columns chosen")
    if locked.status != FeedStatus.QUEUED or locked.rows_done:
        raise DomainError("This import has started: its columns can no longer be changed")
    chosen = {k: v for k, v in mapping.items() if v}
    errors = mapping_errors(chosen, file_headings(locked.content))
    if errors:
        raise ValidationError(errors)
    old = locked.mapping
    locked.mapping = chosen
    locked.save(update_fields=["mapping"])
    audit_record(actor=by, action=Action.AMEND, obj=locked, detail={"mapping": {"old": old, "new": chosen}})
    return locked


@transaction.atomic
def feed_import_retry(*, feed_import: FeedImport, by: User | None) -> FeedImport:
    """Queue a stopped import again: it resumes at the row it stopped on."""
    locked = FeedImport.objects.select_for_update(of=("self",)).get(pk=feed_import.pk)
    if locked.status != FeedStatus.FAILED:
        raise DomainError("Only an import that stopped with an error can be tried again")
    error = locked.error
    locked.status = FeedStatus.QUEUED
    locked.error = ""
    locked.save(update_fields=["status", "error"])
    audit_record(
        actor=by,
        action=Action.AMEND,
        obj=locked,
        detail={"status": {"old": FeedStatus.FAILED, "new": FeedStatus.QUEUED}, "error": error},
    )
    return locked


def waiting_for_columns(feed_import: FeedImport) -> bool:
    return feed_import.kind == FeedKind.PERSON_FILE and not feed_import.mapping


# --- Rows -----------------------------------------------------------------------------------


class RowRejected(Exception):
    def __init__(self, reasons: list[str]) -> None:
        super().__init__("; ".join(reasons))
        self.reasons = reasons


@dataclass(frozen=True)
class RowData:
    """A row read through its mapping and checked: what `source_record_receive` needs and,
    for an event, what `agency_event_record` needs."""

    source_key: str
    person: PersonRecord
    middle_names: str
    reference: str = ""
    occurred_at: datetime | None = None
    summary: str = ""
    injury: bool = False
    categories: tuple[str, ...] = ()


_TIME = re.compile(r"[T\s](\d{1,2}):(\d{2})(?::(\d{2}))?")
_YES = {"y", "yes", "true", "1"}


def _quoted(value: str) -> str:
    return f"\u2018{value}\u2019"


def _age_on(dob: date, day: date) -> int:
    return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))


def _moment(text: str) -> datetime | None:
    day = parse_date(text)
    if day is None:
        return None
    found = _TIME.search(text)
    clock = time(0, 0)
    if found:
        try:
            clock = time(int(found[1]), int(found[2]), int(found[3] or 0))
        except ValueError:
            return None
    return timezone.make_aware(datetime.combine(day, clock), timezone.get_current_timezone())


def _check_dob(value: str, heading: str, problems: list[str]) -> date | None:
    if not value:
        problems.append(f"No date of birth: {heading} is blank")
        return None
    dob = parse_date(value)
    if dob is None:
        problems.append(f"Date of birth {_quoted(value)} is not a real date")
        return None
    today = timezone.localdate()
    if dob > today:
        problems.append(f"Date of birth {_quoted(value)} is in the future")
        return None
    if _age_on(dob, today) > MAX_AGE:
        problems.append(f"Date of birth {_quoted(value)} is more than {MAX_AGE} years ago: not a child or young person")
        return None
    return dob


def _check_nhs(value: str, problems: list[str]) -> str:
    if not value:
        return ""
    digits = normalise_nhs_number(value)
    if not re.fullmatch(r"[0-9]{10}", digits):
        problems.append(f"NHS number {_quoted(value)} is not valid: it must have 10 digits")
        return ""
    if not nhs_number_valid(digits):
        problems.append(f"NHS number {_quoted(value)} is not valid: its check digit is wrong")
        return ""
    return digits


def _check_upn(value: str, problems: list[str]) -> str:
    if not value:
        return ""
    upn = normalise_upn(value)
    if not upn_valid(upn):
        problems.append(f"UPN {_quoted(value)} is not valid: a UPN is 13 characters and starts with its check letter")
        return ""
    return upn


def _row_hash(row: Mapping[str, str]) -> str:
    return hashlib.sha256(json.dumps(row, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()


def row_read(
    *, preset: Preset, mapping: Mapping[str, str], number: int, row: Mapping[str, str], sha256: str, agency: Agency
) -> RowData:
    """Read one row through its mapping; every problem with it at once (RowRejected)."""

    def value(name: str) -> str:
        heading = mapping.get(name)
        return (row.get(heading) or "").strip() if heading else ""

    def heading(name: str) -> str:
        return mapping.get(name) or FIELD_LABELS.get(name, name)

    problems: list[str] = []
    first, last = value("first_name"), value("last_name")
    middle = value("middle_names")
    if preset.kind == FeedKind.POLICE_INCIDENT and first:
        first, _, rest = first.partition(" ")
        middle = " ".join((rest.strip(), middle)).strip()
    if not first and not last:
        problems.append(f"No name: {heading('last_name')} and {heading('first_name')} are blank")
    elif not first:
        problems.append(f"No first name: {heading('first_name')} is blank")
    elif not last:
        problems.append(f"No surname: {heading('last_name')} is blank")
    dob = _check_dob(value("date_of_birth"), heading("date_of_birth"), problems)
    nhs = _check_nhs(value("nhs_number"), problems)
    upn = _check_upn(value("upn"), problems)

    occurred_at = None
    reference = value("reference")
    if preset.event_kind:
        label = "attendance" if preset.kind == FeedKind.AE_ATTENDANCE else "incident"
        if not reference:
            problems.append(f"No {label} reference: {heading('reference')} is blank")
        when = value("occurred_at")
        if not when:
            problems.append(f"No {label} date: {heading('occurred_at')} is blank")
        else:
            occurred_at = _moment(when)
            if occurred_at is None:
                problems.append(f"{heading('occurred_at')} {_quoted(when)} is not a real date")
            elif occurred_at > timezone.now():
                problems.append(f"{heading('occurred_at')} {_quoted(when)} is in the future")
            elif dob is not None and timezone.localtime(occurred_at).date() < dob:
                problems.append(f"{heading('occurred_at')} {_quoted(when)} is before the date of birth")
    if problems:
        raise RowRejected(problems)

    lasts = tuple(n for n in (last, value("former_last_name")) if n)
    person = PersonRecord(
        first_names=(first,),
        last_names=lasts,
        date_of_birth=dob,
        sex=value("sex"),
        postcode=value("postcode"),
        address=value("address"),
        # A school's own roll says which school the child attends.
        school=value("school") or (agency.name if preset.kind == FeedKind.SCHOOL_ROLL else ""),
        nhs_number=nhs,
        upn=upn,
    )
    # Rows without the agency's key fall back to a key for this row of this file: the same
    # file resumed finds it again, and another file's row with that number is another record.
    row_of_file = f"{sha256[:16]} row {number}"
    if preset.kind == FeedKind.SCHOOL_ROLL:
        key = upn or row_of_file
    elif preset.kind == FeedKind.GP_REGISTRATION:
        key = nhs or row_of_file
    elif preset.kind == FeedKind.AE_ATTENDANCE:
        # The hospital's record of the person, not of the attendance: a child's second
        # attendance is the same record again, and another event on the chronology.
        key = nhs or "name:" + "|".join((last.lower(), first.lower(), dob.isoformat() if dob else ""))
    elif preset.kind == FeedKind.POLICE_INCIDENT:
        key = value("key") or row_of_file
    else:
        key = value("key") or f"row:{_row_hash(row)}"

    data = RowData(source_key=key, person=person, middle_names=middle)
    if preset.kind == FeedKind.AE_ATTENDANCE:
        complaint = value("summary")
        return replace(
            data,
            reference=reference,
            occurred_at=occurred_at,
            summary=f"A&E attendance: {complaint}" if complaint else "A&E attendance",
            injury=value("injury").lower() in _YES,
        )
    if preset.kind == FeedKind.POLICE_INCIDENT:
        parts = [f"Incident {reference}.", value("summary") or "Police incident notification."]
        if value("role"):
            parts.append(f"Child's involvement: {value('role')}.")
        domestic = value("domestic_abuse").lower() in _YES
        return replace(
            data,
            reference=reference,
            occurred_at=occurred_at,
            summary=" ".join(parts),
            categories=(Category.DOMESTIC_ABUSE,) if domestic else (),
        )
    return data


# The outcome of a row, and the counter it adds to.
LINKED, NEW, REVIEW, UNCHANGED, REJECTED = "linked", "new", "review", "unchanged", "rejected"
COUNTERS = {
    LINKED: "rows_linked",
    NEW: "rows_new",
    REVIEW: "rows_review",
    UNCHANGED: "rows_unchanged",
    REJECTED: "rows_rejected",
}


def _row_receive(*, feed_import: FeedImport, preset: Preset, number: int, row: Mapping[str, str]) -> str:
    """One row into the index (and the chronology). Raises RowRejected, or ValidationError
    when the index refuses the new child (an NHS number a merged record already holds)."""
    data = row_read(
        preset=preset,
        mapping=feed_import.mapping,
        number=number,
        row=row,
        sha256=feed_import.sha256,
        agency=feed_import.agency,
    )
    received = source_record_receive(
        agency=feed_import.agency,
        source=preset.source,
        source_key=data.source_key,
        person=data.person,
        by=feed_import.uploaded_by,
        middle_names=data.middle_names,
        feed_import=feed_import,
        found_by=f"{feed_import.agency.name}: {feed_import.get_kind_display()} {feed_import.file_name}"[:200],
    )
    child = received.record.child
    if preset.involvement:
        involvement_ensure(child=child, agency=feed_import.agency, basis=InvolvementBasis(preset.involvement))
    event_added = False
    if preset.event_kind and data.occurred_at is not None:
        # Once per reference and child: an incident names each child present on its own row.
        already = AgencyEvent.objects.filter(
            agency=feed_import.agency, kind=preset.event_kind, source_reference=data.reference[:100], child=child
        ).exists()
        if not already:
            agency_event_record(
                child=child,
                agency=feed_import.agency,
                kind=preset.event_kind,
                occurred_at=data.occurred_at,
                summary=data.summary,
                by=None,  # the agency's system, not the person who uploaded the file
                injury=data.injury,
                categories=list(data.categories),
                source_reference=data.reference[:100],
            )
            event_added = True
    if received.unchanged:
        return LINKED if event_added else UNCHANGED
    if received.created_child:
        return REVIEW if received.queued_for_review else NEW
    return LINKED


def _messages(error: ValidationError) -> list[str]:
    if hasattr(error, "error_dict"):
        return [m for messages in error.message_dict.values() for m in messages]
    return list(error.messages)


# --- Running an import ----------------------------------------------------------------------


def feed_import_run(
    *,
    feed_import: FeedImport,
    chunk: int = CHUNK,
    on_progress: Callable[[FeedImport], None] | None = None,
) -> FeedImport:
    """Import the file's rows from `rows_done` on. Not one transaction: each chunk of rows
    commits with the counters and `rows_done` it advanced, so that a stopped import resumes
    where it stopped and counts each row once. An unexpected error stops the import (FAILED,
    with the error): the rows before it are kept, and a retry starts at the row that failed.

    A chunk is at most `chunk` rows and about `CHUNK_SECONDS` long: its transaction holds the
    audit chain's lock (each row is audited), which every audited page waits for."""
    pk = feed_import.pk
    with transaction.atomic():
        current = FeedImport.objects.select_for_update(of=("self",)).get(pk=pk)
        if current.status not in (FeedStatus.QUEUED, FeedStatus.RUNNING) or waiting_for_columns(current):
            return current
        if current.status == FeedStatus.QUEUED:
            current.status = FeedStatus.RUNNING
            current.save(update_fields=["status"])
    preset = preset_for(current.kind)
    rows = file_rows(current.content, start=current.rows_done)
    del current  # the file's text is read once, here
    pending: list[tuple[int, dict[str, str]]] = []
    failure = ""
    try:
        while not failure:
            pending.extend(islice(rows, max(1, chunk) - len(pending)))
            if not pending:
                break
            taken, failure = _chunk_import(pk=pk, preset=preset, batch=pending)
            del pending[:taken]
            if on_progress is not None:
                on_progress(FeedImport.objects.defer("content").get(pk=pk))
    except Exception as error:  # anything at all: the import is marked stopped, never left running
        logger.exception("Feed import %s stopped", pk)
        failure = f"{type(error).__name__}: {error}"
    return _finish(pk=pk, failure=failure)


def _locked(pk: int) -> FeedImport:
    return (
        FeedImport.objects.select_for_update(of=("self",))
        .select_related("agency", "uploaded_by")
        .defer("content")
        .get(pk=pk)
    )


def _chunk_import(*, pk: int, preset: Preset, batch: list[tuple[int, dict[str, str]]]) -> tuple[int, str]:
    """Rows of the batch in one transaction, until the batch or the time runs out. Returns
    how many of the batch it took, and the error that stopped it ("" if none)."""
    failure = ""
    taken = 0
    deadline = monotonic() + CHUNK_SECONDS
    with transaction.atomic():
        locked = _locked(pk)
        if locked.status != FeedStatus.RUNNING:
            return len(batch), ""  # finished or stopped by another runner
        counts = dict.fromkeys(COUNTERS, 0)
        done = locked.rows_done
        for number, row in batch:
            if taken and monotonic() > deadline:
                break
            taken += 1
            if number <= done:
                continue  # another runner took these rows while this one read the file
            try:
                outcome = _row_attempt(feed_import=locked, preset=preset, number=number, row=row)
            except RowRejected as rejected:
                outcome = _reject(locked, number, row, rejected.reasons)
            except (ValidationError, DomainError) as refused:
                reasons = _messages(refused) if isinstance(refused, ValidationError) else [str(refused)]
                outcome = _reject(locked, number, row, reasons)
            except Exception as error:
                logger.exception("Feed import %s: row %s", pk, number)
                failure = f"Row {number}: {type(error).__name__}: {error}"
                break
            counts[outcome] += 1
            done = number
        locked.rows_done = done
        for outcome, count in counts.items():
            setattr(locked, COUNTERS[outcome], getattr(locked, COUNTERS[outcome]) + count)
        locked.save(update_fields=["rows_done", *COUNTERS.values()])
    return taken, failure


def _row_attempt(*, feed_import: FeedImport, preset: Preset, number: int, row: Mapping[str, str]) -> str:
    """The row in its own savepoint, so that its failure loses none of the chunk's other rows.
    Another import received the same record at the same moment (the unique constraint says
    so): once more, and it is found."""
    for attempt in (1, 2):
        try:
            with transaction.atomic():
                return _row_receive(feed_import=feed_import, preset=preset, number=number, row=row)
        except IntegrityError:
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def _reject(feed_import: FeedImport, number: int, row: Mapping[str, str], reasons: list[str]) -> str:
    FeedRejection.objects.update_or_create(
        feed_import=feed_import, row_number=number, defaults={"reason": "; ".join(reasons), "row": dict(row)}
    )
    return REJECTED


def _finish(*, pk: int, failure: str) -> FeedImport:
    with transaction.atomic():
        locked = _locked(pk)
        if locked.status != FeedStatus.RUNNING:
            return locked
        if failure:
            locked.status, locked.error = FeedStatus.FAILED, failure[:2000]
        elif locked.rows_done >= locked.total_rows:
            locked.status, locked.finished_at = FeedStatus.DONE, timezone.now()
        else:
            return locked  # another runner is still on it
        locked.save(update_fields=["status", "error", "finished_at"])
        audit_record(
            actor=locked.uploaded_by or "feed import",
            action=Action.AMEND,
            obj=locked,
            detail={
                "status": locked.status,
                "error": locked.error,
                "rows": locked.total_rows,
                **{field: getattr(locked, field) for field in COUNTERS.values()},
            },
        )
    return locked


def feed_import_start(feed_import: FeedImport) -> None:
    """Run the import after the caller's transaction commits, in a thread of this process;
    or now, in this thread, when `LINKAGE_FEEDS_INLINE` is set (tests, small installs). An
    import a restart interrupts is resumed by `manage.py feed_imports_run`."""
    if getattr(settings, "LINKAGE_FEEDS_INLINE", False):
        feed_import_run(feed_import=feed_import)
        return
    pk = feed_import.pk
    transaction.on_commit(lambda: threading.Thread(target=_run_in_thread, args=(pk,), daemon=True).start())


def _run_in_thread(pk: int) -> None:
    try:
        feed_import = FeedImport.objects.get(pk=pk)
        feed_import_run(feed_import=feed_import)
    except Exception:
        logger.exception("Feed import %s could not run", pk)
    finally:
        connections.close_all()


def feed_imports_pending() -> list[FeedImport]:
    """Imports to resume: queued or running (a restart stopped them), columns chosen."""
    pending = FeedImport.objects.filter(status__in=(FeedStatus.QUEUED, FeedStatus.RUNNING)).defer("content")
    return [f for f in pending.order_by("uploaded_at", "pk") if not waiting_for_columns(f)]


def progress_text(feed_import: FeedImport) -> str:
    return f"{feed_import.rows_done:,} of {feed_import.total_rows:,} rows"


def cell_safe(value: Any) -> str:
    """A value for a CSV a spreadsheet will open: a leading = + - @ would run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def counts_of(feed_import: FeedImport) -> dict[str, Any]:
    return {outcome: getattr(feed_import, field) for outcome, field in COUNTERS.items()}
