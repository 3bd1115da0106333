"""Identity linkage in the demo (issue 4): the agencies' records of the demo's children, two
feeds imported the real way, a clerical review queue, and merges to undo.

- Each child on a GP list or a school roll gets that agency's record of them (`SourceRecord`,
  linked by the NHS number or UPN): what earlier imports would have left. Written in bulk, like
  the rest of the load, with one audit event. Everything after that goes through the services,
  each write audited as it would be for a person.
- Then two files arrive through `linkage.feeds` (`feed_import_create`, `feed_import_run`),
  exactly as an upload would: this term's roll of the smallest school other than the stories'
  own (its pupils on last year's roll come back unchanged, this year's starters link by UPN)
  and the hospital's A&E attendances of the last eight weeks (by NHS number, or by the model
  above the auto-link threshold). A few rows are rejected with their reasons, and every
  attendance imported lands on the child's chronology.
- Some rows are near-duplicates of children already in the index: a family that moved, a
  misspelt surname, an initial only, a date of birth a day out or with day and month swapped,
  and no identifier the index knows. `source_record_receive` cannot auto-link them, so it adds
  a child and queues the pair for review. One is a twin the index did not know about (a boy
  and a girl born the same day at the same address): a reviewer should record "Not the same
  child". Each near-duplicate is first scored with `match_person` (which only reads) and
  kept only if the active model puts it between the review and auto-link thresholds, so the
  queue has pairs whichever model is active.
- The front door (`frontdoor`, a reviewer: `linkage.permissions.may_review_links`) has merged
  two of the pairs (`linkage.merge.child_merge`), so that "Undo" can be tried.

Deterministic for a seed: one random stream, children taken in LA child ID order. Dates are
relative to the moment of loading, like the rest of the demo.
"""

from __future__ import annotations

import csv
import io
import random
import re
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from safeguarding.access.models import Agency, AgencyKind, ChildInvolvement, InvolvementBasis, User
from safeguarding.audit.models import Action
from safeguarding.audit.services import audit_record
from safeguarding.linkage.feeds import (
    RowRejected,
    feed_import_create,
    feed_import_run,
    preset_for,
    preset_mapping,
    row_read,
)
from safeguarding.linkage.merge import child_merge, pair_between
from safeguarding.linkage.models import (
    ChildMerge,
    FeedImport,
    FeedKind,
    FeedStatus,
    LinkMethod,
    RecordSource,
    ReviewPair,
    ReviewStatus,
    SourceRecord,
)
from safeguarding.linkage.permissions import may_review_links
from safeguarding.linkage.population import (
    AE_ATTENDANCE_HEADINGS,
    SCHOOL_ROLL_HEADINGS,
    abbreviate_address,
    near_miss,
    nickname_options,
    typo,
)
from safeguarding.linkage.services import MatchOutcome, match_person
from safeguarding.people.identifiers import nhs_number_valid, upn_check_letter, upn_valid
from safeguarding.people.models import Address, Child, ChildAddress, ChildName, NameKind, Relationship, SchoolEnrolment
from safeguarding.synthetic import reference as ref
from safeguarding.synthetic.plan import STORY_NAMES

REVIEWER = "frontdoor"
AE_UPLOADER = "aenurse"
# Near-duplicates, and the A&E rows that link by identifier or by the model. About 15 pairs
# to review at any size: a queue one person can work through in the demo.
SCHOOL_NEAR_DUPLICATES = 5
AE_NEAR_DUPLICATES = 10
AE_BY_NHS_NUMBER = 16
AE_BY_MODEL = 8
AE_SECOND_ATTENDANCES = 2
MERGES = 2
AE_WEEKS = 8
# The scripted stories' school (plan.STORY_SCHOOL): its roll is large, and its pupils' stories are told elsewhere.
STORY_SCHOOL_NAME = "Riverside Academy"

_COMPLAINTS = (
    ("Fever", False),
    ("Breathing difficulty", False),
    ("Asthma", False),
    ("Vomiting", False),
    ("Rash", False),
    ("Abdominal pain", False),
    ("Wrist injury", True),
    ("Head injury", True),
    ("Laceration", True),
    ("Fall", True),
)


@dataclass(frozen=True, slots=True)
class Kid:
    """A child of the index as a feed would describe them."""

    pk: int
    la_child_id: str
    first: str
    middle: str
    last: str
    former: str
    known_as: str
    dob: date
    sex: str
    line1: str
    postcode: str
    nhs: str
    upn: str


@dataclass(frozen=True, slots=True)
class Variant:
    """How one agency recorded a child: the fields a row carries."""

    first: str
    last: str
    dob: date
    sex: str
    line1: str
    postcode: str
    why: str  # what a reviewer would find out, for the merge's reason

    @classmethod
    def of(cls, kid: Kid) -> Variant:
        return cls(kid.first, kid.last, kid.dob, kid.sex, kid.line1, kid.postcode, "")


@dataclass
class NearDuplicate:
    kid: Kid
    variant: Variant
    source_key: str = ""


@dataclass
class LinkageSeed:
    """What was added, for the command's summary and the tests."""

    agency_records: int = 0
    imports: list[FeedImport] = field(default_factory=list)
    near_duplicates: list[NearDuplicate] = field(default_factory=list)
    twins: list[tuple[int, int]] = field(default_factory=list)  # (existing child, new child)
    merges: list[ChildMerge] = field(default_factory=list)

    def summary(self) -> str:
        rows = sum(f.total_rows for f in self.imports)
        rejected = sum(f.rows_rejected for f in self.imports)
        waiting = ReviewPair.objects.filter(status=ReviewStatus.OPEN).count()
        return (
            f"Identity linkage: {self.agency_records:,} agency records; {len(self.imports)} feeds imported "
            f"({rows:,} rows, {rejected} rejected); {waiting} pairs waiting for review; {len(self.merges)} merges."
        )


# --- The index as feeds see it --------------------------------------------------------------


def _kids() -> dict[int, Kid]:
    """Born children with a name and a current address, in LA child ID order."""
    legal: dict[int, tuple[str, str, str]] = {}
    former: dict[int, str] = {}
    known_as: dict[int, str] = {}
    for child_id, kind, first, middle, last in (
        ChildName.objects.filter(child__merged_into__isnull=True)
        .order_by("child_id", "id")
        .values_list("child_id", "kind", "first_name", "middle_names", "last_name")
    ):
        if kind == NameKind.LEGAL:
            legal.setdefault(child_id, (first, middle, last))
        elif kind == NameKind.FORMER:
            former.setdefault(child_id, last)
        elif kind == NameKind.PREFERRED:
            known_as.setdefault(child_id, first)
    homes: dict[int, tuple[str, str]] = {}
    for child_id, line1, postcode in (
        ChildAddress.objects.filter(moved_out__isnull=True)
        .order_by("child_id", "-moved_in", "-id")
        .values_list("child_id", "address__line1", "address__postcode")
    ):
        homes.setdefault(child_id, (line1, postcode))
    kids: dict[int, Kid] = {}
    for pk, la_child_id, dob, sex, nhs, upn in (
        Child.objects.filter(merged_into__isnull=True, date_of_birth__isnull=False)
        .order_by("la_child_id")
        .values_list("pk", "la_child_id", "date_of_birth", "sex", "nhs_number", "upn")
    ):
        if dob is None or pk not in legal or pk not in homes:
            continue
        first, middle, last = legal[pk]
        kids[pk] = Kid(
            pk=pk,
            la_child_id=la_child_id,
            first=first,
            middle=middle,
            last=last,
            former=former.get(pk, ""),
            known_as=known_as.get(pk, first),
            dob=dob,
            sex=sex if sex in ("M", "F") else "",
            line1=homes[pk][0],
            postcode=homes[pk][1],
            nhs=nhs or "",
            upn=upn or "",
        )
    return kids


def _ordinary(kids: dict[int, Kid]) -> list[Kid]:
    """Children a feed may make a near-duplicate of: not the scripted stories or the demo users'
    cases (docs/demo.md tells their stories), not a recorded twin (whose twin would be a second,
    equally good candidate), and one child a household, so that one family's move is one story."""
    twins = set(
        Relationship.objects.filter(
            related_child__isnull=False, related_child__date_of_birth=F("child__date_of_birth")
        ).values_list("child_id", flat=True)
    )
    homes: set[tuple[str, str]] = set()
    pool = []
    for kid in kids.values():
        if (kid.first, kid.last) in STORY_NAMES or kid.pk in twins or (kid.line1, kid.postcode) in homes:
            continue
        homes.add((kid.line1, kid.postcode))
        pool.append(kid)
    return pool


class _Addresses:
    """New homes for families that moved: a house on another street of the town."""

    def __init__(self) -> None:
        self.streets: list[tuple[int, str, str]] = []
        seen: set[str] = set()
        for line1, postcode in Address.objects.order_by("pk").values_list("line1", "postcode")[:5000]:
            found = re.fullmatch(r"(\d+) (.+)", line1)
            if found and found[2] not in seen and " " in postcode:
                seen.add(found[2])
                self.streets.append((int(found[1]), found[2], postcode))

    def _pick(self, rng: random.Random, options: list[tuple[int, str, str]]) -> tuple[str, str]:
        number, street, postcode = rng.choice(options or self.streets)
        return f"{number + rng.randint(20, 60)} {street}", postcode

    def elsewhere(self, rng: random.Random, postcode: str) -> tuple[str, str]:
        """In another postcode district."""
        district = postcode.split(" ")[0]
        return self._pick(rng, [s for s in self.streets if s[2].split(" ")[0] != district])

    def nearby(self, rng: random.Random, postcode: str) -> tuple[str, str]:
        """In the same postcode district, another postcode."""
        district = postcode.split(" ")[0]
        return self._pick(rng, [s for s in self.streets if s[2].split(" ")[0] == district and s[2] != postcode])


# --- How an agency may record a child it already has under another record ------------------


Recipe = Callable[[random.Random, Kid, _Addresses], Variant | None]


def _moved(rng: random.Random, kid: Kid, homes: _Addresses) -> Variant:
    line1, postcode = homes.elsewhere(rng, kid.postcode)
    why = f"the family has moved to {line1}, {postcode}"
    return replace(Variant.of(kid), line1=line1, postcode=postcode, why=why)


def _moved_misspelt(rng: random.Random, kid: Kid, homes: _Addresses) -> Variant | None:
    moved = _moved(rng, kid, homes)
    wrong = typo(rng, kid.last)
    if wrong == kid.last:
        return None
    return replace(moved, last=wrong, why=f"{moved.why}, and the surname was misspelt ({wrong} for {kid.last})")


def _moved_known_as(rng: random.Random, kid: Kid, homes: _Addresses) -> Variant | None:
    # The name the family uses, or a British diminutive ("Alfie" for Alfred).
    british, _package = nickname_options(kid.first)
    names = [n for n in (kid.known_as, *british) if n != kid.first]
    if not names:
        return None
    moved = _moved(rng, kid, homes)
    return replace(moved, first=names[0], why=f"{moved.why}, and {kid.first} is known as {names[0]}")


def _initial_only(rng: random.Random, kid: Kid, homes: _Addresses) -> Variant:
    why = f"the record gave only the initial {kid.first[0]} and no address"
    return replace(Variant.of(kid), first=kid.first[0], line1="", postcode="", why=why)


def _date_out(rng: random.Random, kid: Kid, homes: _Addresses) -> Variant | None:
    dob = near_miss(rng, kid.dob)
    if dob >= timezone.localdate():
        return None
    line1, postcode = homes.nearby(rng, kid.postcode)
    why = f"the family has moved to {line1}, {postcode}, and the date of birth was keyed as {dob:%d/%m/%Y}"
    return replace(Variant.of(kid), dob=dob, line1=line1, postcode=postcode, why=why)


def _swapped_date(rng: random.Random, kid: Kid, homes: _Addresses) -> Variant | None:
    d = kid.dob
    if d.day > 12 or d.day == d.month:
        return None
    swapped = date(d.year, d.day, d.month)
    if swapped >= timezone.localdate():
        return None
    wrong = typo(rng, kid.first)
    why = f"the date of birth was keyed month first ({swapped:%d/%m/%Y}), the first name as {wrong}, and no address"
    return replace(Variant.of(kid), first=wrong, dob=swapped, line1="", postcode="", why=why)


RECIPES: tuple[Recipe, ...] = (_moved, _moved_misspelt, _initial_only, _date_out, _moved_known_as, _swapped_date)
# A school roll has the legal name and the address the school holds.
SCHOOL_RECIPES: tuple[Recipe, ...] = (_moved, _moved_misspelt, _date_out, _moved_known_as)


def _twin_of(rng: random.Random, kid: Kid, taken: set[str]) -> Variant | None:
    """The twin of the other sex, on the same day at the same address: a different child."""
    if not kid.sex:
        return None
    names = ref.GIRLS if kid.sex == "M" else ref.BOYS
    options = [n for n in names if n[0] != kid.first[0] and n not in taken]
    first = rng.choice(options)
    return replace(Variant.of(kid), first=first, sex="F" if kid.sex == "M" else "M", why="twins")


# --- Files ----------------------------------------------------------------------------------


def _csv(headings: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(headings)
    writer.writerows(rows)
    return out.getvalue()


def _school_row(kid: Kid, variant: Variant, upn: str) -> list[str]:
    return [
        upn,
        variant.last,
        variant.first,
        kid.middle,
        f"{variant.dob:%d/%m/%Y}",
        variant.sex,
        variant.line1,
        variant.postcode,
        kid.former,
    ]


_AE_SEX = {"M": "Male", "F": "Female", "": "Not Known"}


@dataclass
class _Attendance:
    arrival: datetime
    kid: Kid
    variant: Variant
    nhs: str
    complaint: tuple[str, bool]

    def row(self, reference: str) -> list[str]:
        v = self.variant
        return [
            reference,
            f"{timezone.localtime(self.arrival):%d/%m/%Y %H:%M}",
            f"{self.nhs[:3]} {self.nhs[3:6]} {self.nhs[6:]}" if len(self.nhs) == 10 else self.nhs,
            v.last,
            v.first,
            f"{v.dob:%d/%m/%Y}",
            _AE_SEX.get(v.sex, "Not Known"),
            v.postcode,
            v.line1,
            self.complaint[0],
            "Y" if self.complaint[1] else "N",
        ]


class _Preview:
    """What the feed will do with a row, before it is written into the file: the same reading
    (`row_read`) and the same matching (`match_person`), which only reads."""

    def __init__(self, agency: Agency, kind: str, headings: Sequence[str]) -> None:
        self.agency = agency
        self.preset = preset_for(kind)
        self.mapping, _missing = preset_mapping(self.preset, list(headings))
        self.headings = list(headings)

    def _outcome(self, cells: list[str]) -> MatchOutcome | None:
        row = dict(zip(self.headings, cells, strict=True))
        try:
            data = row_read(preset=self.preset, mapping=self.mapping, number=0, row=row, sha256="", agency=self.agency)
        except RowRejected:
            return None
        return match_person(data.person)

    def queued_for_review(self, cells: list[str], kid: Kid) -> bool:
        """Scored between the thresholds against `kid` (and any other candidate): a new child,
        and pairs to review."""
        outcome = self._outcome(cells)
        if outcome is None or outcome.identifier_match is not None or outcome.auto_link is not None:
            return False
        model = outcome.model
        between = all(model.review_weight <= c.match_weight < model.auto_link_weight for c in outcome.review)
        return between and any(c.child.pk == kid.pk for c in outcome.review)

    def auto_links(self, cells: list[str], kid: Kid) -> bool:
        outcome = self._outcome(cells)
        return outcome is not None and outcome.auto_link is not None and outcome.auto_link.child.pk == kid.pk


def _near_duplicates(
    rng: random.Random,
    pool: list[Kid],
    wanted: int,
    recipes: Sequence[Recipe],
    homes: _Addresses,
    cells: Callable[[Kid, Variant], list[str]],
    preview: _Preview,
) -> list[NearDuplicate]:
    found: list[NearDuplicate] = []
    for kid in pool:
        if len(found) >= wanted:
            break
        # Each recipe in turn from a different start, so that the queue shows every kind.
        start = len(found) % len(recipes)
        for recipe in (*recipes[start:], *recipes[:start]):
            variant = recipe(rng, kid, homes)
            if variant is not None and preview.queued_for_review(cells(kid, variant), kid):
                found.append(NearDuplicate(kid, variant))
                break
    return found


# --- The pieces -------------------------------------------------------------------------------


def _moment(day: date) -> datetime:
    return datetime.combine(day, time(9, 0), tzinfo=timezone.get_current_timezone())


def _agency_records(kids: dict[int, Kid], *, feed_school: Agency | None, school_year: date) -> int:
    """Every GP registration and school roll place as the agency's record of the child; of the
    school whose roll arrives as a feed, its pupils before this school year (last year's roll)."""
    today = timezone.localdate()
    records: list[SourceRecord] = []

    def record(kid: Kid, agency_id: int, source: str, key: str, since: date, school: str = "") -> SourceRecord:
        return SourceRecord(
            agency_id=agency_id,
            source=source,
            source_key=key,
            first_name=kid.first,
            middle_names=kid.middle,
            last_name=kid.last,
            date_of_birth=kid.dob,
            sex=kid.sex,
            postcode=kid.postcode,
            address=kid.line1,
            school=school,
            nhs_number=kid.nhs if source == RecordSource.GP_REGISTRATION else "",
            upn=kid.upn if source == RecordSource.SCHOOL_ROLL else "",
            child_id=kid.pk,
            link_method=LinkMethod.IDENTIFIER,
            received_at=_moment(min(max(since, kid.dob), today)),
        )

    registered = ChildInvolvement.objects.filter(
        basis=InvolvementBasis.REGISTERED, ended_on__isnull=True, agency__kind=AgencyKind.GP_PRACTICE
    ).order_by("child_id", "agency_id")
    for child_id, agency_id, started_on in registered.values_list("child_id", "agency_id", "started_on"):
        kid = kids.get(child_id)
        if kid is not None and kid.nhs:
            records.append(record(kid, agency_id, RecordSource.GP_REGISTRATION, kid.nhs, started_on))
    on_roll = SchoolEnrolment.objects.filter(ended_on__isnull=True).order_by("child_id", "school_id")
    if feed_school is not None:
        on_roll = on_roll.exclude(school=feed_school, started_on__gte=school_year)
    for child_id, school_id, school, started_on in on_roll.values_list(
        "child_id", "school_id", "school__name", "started_on"
    ):
        kid = kids.get(child_id)
        if kid is not None and kid.upn:
            records.append(record(kid, school_id, RecordSource.SCHOOL_ROLL, kid.upn, started_on, school))
    SourceRecord.objects.bulk_create(records, batch_size=2000)
    counts = Counter(r.source for r in records)
    audit_record(
        actor="seed_demo",
        action=Action.CREATE,
        reason="Synthetic agency records loaded",
        detail={"event": "system: synthetic agency records loaded", **counts},
    )
    return len(records)


def _user(username: str, agency: Agency | None = None) -> User | None:
    user = User.objects.filter(username=username, is_active=True).select_related("role", "agency").first()
    if user is not None and (agency is None or user.agency_id == agency.pk):
        return user
    if agency is None:
        return None
    return User.objects.filter(agency=agency, is_active=True).select_related("role").order_by("username").first()


def _reviewer() -> User | None:
    """The demo's front door worker; any reviewer of identity links if the demo has none."""
    user = _user(REVIEWER)
    if user is not None and may_review_links(user):
        return user
    candidates = User.objects.filter(is_active=True, role__covers_whole_la=True).select_related("role")
    return next((u for u in candidates.order_by("username") if may_review_links(u)), None)


def _import(agency: Agency, kind: str, file_name: str, content: str, by: User | None) -> FeedImport:
    feed_import = feed_import_run(
        feed_import=feed_import_create(agency=agency, kind=kind, file_name=file_name, content=content, by=by)
    )
    if feed_import.status != FeedStatus.DONE:
        raise RuntimeError(f"The demo's {file_name} did not import: {feed_import.error}")
    return feed_import


def _term(day: date) -> str:
    return "autumn" if day.month >= 9 else "spring" if day.month <= 4 else "summer"


def _new_upns(pupils: list[Kid]) -> Iterator[str]:
    """UPNs this school would allocate now (LA number, its establishment number, the year),
    from the top of the year's block."""
    estabs = Counter(k.upn[4:8] for k in pupils if k.upn)
    estab = estabs.most_common(1)[0][0] if estabs else "2999"
    year = timezone.localdate().year % 100
    taken = set(Child.objects.filter(upn__isnull=False).values_list("upn", flat=True))
    for serial in range(999, 0, -1):
        body = f"{ref.LA_NUMBER}{estab}{year:02d}{serial:03d}"
        upn = upn_check_letter(body) + body
        if upn not in taken:
            yield upn


def _wrong_check(upn: str) -> str:
    letter = next(c for c in "ABCDEFGHJKLMNPQRTUVWXYZ" if c != upn[0])
    assert not upn_valid(letter + upn[1:])
    return letter + upn[1:]


def _school_roll(
    rng: random.Random, school: Agency, kids: dict[int, Kid], pool: list[Kid], homes: _Addresses, by: User | None
) -> tuple[FeedImport, list[NearDuplicate]]:
    """The school's roll this term: its pupils by UPN (those on last year's roll come back
    unchanged; this year's starters link by UPN), nursery children the index holds without a
    UPN and the school recorded differently, and three rows the school must correct."""
    pupil_ids = set(
        SchoolEnrolment.objects.filter(school=school, ended_on__isnull=True).values_list("child_id", flat=True)
    )
    pupils = sorted((kids[pk] for pk in pupil_ids if pk in kids and kids[pk].upn), key=lambda k: k.la_child_id)
    today = timezone.localdate()
    nursery = [
        k
        for k in pool
        if not k.upn and timedelta(days=3 * 365) <= today - k.dob < timedelta(days=5 * 365) and k.pk not in pupil_ids
    ]
    preview = _Preview(school, FeedKind.SCHOOL_ROLL, SCHOOL_ROLL_HEADINGS)
    upns = _new_upns(pupils)
    new_upn: dict[int, str] = {}

    def cells(kid: Kid, variant: Variant) -> list[str]:
        if kid.pk not in new_upn:
            new_upn[kid.pk] = next(upns, "")
        return _school_row(kid, variant, new_upn[kid.pk])

    near = _near_duplicates(rng, nursery, SCHOOL_NEAR_DUPLICATES, SCHOOL_RECIPES, homes, cells, preview)
    rows = [_school_row(k, Variant.of(k), k.upn) for k in pupils]
    for dup in near:
        dup.source_key = new_upn[dup.kid.pk]
        rows.append(_school_row(dup.kid, dup.variant, dup.source_key))
    # Three pupils keyed wrongly: a UPN's check letter, a date of birth and a forename left out.
    if len(pupils) > 6:
        for i, fault in zip(rng.sample(range(len(pupils)), 3), ("upn", "dob", "first"), strict=True):
            if fault == "upn":
                rows[i][0] = _wrong_check(rows[i][0])
            else:
                rows[i][4 if fault == "dob" else 2] = ""
    rows.sort(key=lambda r: (r[1].lower(), r[2].lower(), r[0]))
    slug = re.sub(r"[^a-z0-9]+", "-", school.name.lower()).strip("-")
    file_name = f"{slug}-roll-{_term(today)}-{today.year}.csv"
    return _import(school, FeedKind.SCHOOL_ROLL, file_name, _csv(SCHOOL_ROLL_HEADINGS, rows), by), near


def _ae_attendances(
    rng: random.Random, hospital: Agency, pool: list[Kid], homes: _Addresses, by: User | None
) -> tuple[FeedImport, list[NearDuplicate], list[NearDuplicate]]:
    """The emergency department's attendances of the last eight weeks (each at least a day ago),
    including a twin the index does not know, and four rows the hospital must correct."""
    today = timezone.localdate()
    first_day = today - timedelta(weeks=AE_WEEKS)
    # Born well before the window opened: every attendance falls after the birth.
    pool = [k for k in pool if k.dob < first_day - timedelta(days=30)]
    rng.shuffle(pool)
    preview = _Preview(hospital, FeedKind.AE_ATTENDANCE, AE_ATTENDANCE_HEADINGS)

    def arrival() -> datetime:
        day = today - timedelta(days=rng.randint(1, AE_WEEKS * 7))
        clock = time(rng.randrange(24), rng.randrange(60))
        return datetime.combine(day, clock, tzinfo=timezone.get_current_timezone())

    def attendance(kid: Kid, variant: Variant, nhs: str) -> _Attendance:
        return _Attendance(arrival(), kid, variant, nhs, rng.choice(_COMPLAINTS))

    def cells(kid: Kid, variant: Variant) -> list[str]:
        return attendance(kid, variant, "").row("AE-PREVIEW")

    near = _near_duplicates(rng, pool, AE_NEAR_DUPLICATES, RECIPES, homes, cells, preview)
    used = {d.kid.pk for d in near}
    rest = [k for k in pool if k.pk not in used]

    twins: list[NearDuplicate] = []
    for kid in rest:
        variant = _twin_of(rng, kid, {kid.first, kid.known_as})
        if variant is not None and preview.queued_for_review(cells(kid, variant), kid):
            twins.append(NearDuplicate(kid, variant))
            break
    used |= {t.kid.pk for t in twins}
    rest = [k for k in rest if k.pk not in used]

    visits: list[_Attendance] = []
    by_nhs = [k for k in rest if k.nhs][:AE_BY_NHS_NUMBER]
    for kid in by_nhs:
        # The name the child is known by, as reception asks it; the NHS number decides.
        visits.append(attendance(kid, replace(Variant.of(kid), first=kid.known_as), kid.nhs))
    for kid in by_nhs[:AE_SECOND_ATTENDANCES]:
        visits.append(attendance(kid, Variant.of(kid), kid.nhs))
    used |= {k.pk for k in by_nhs}
    by_model = 0
    for kid in [k for k in rest if k.pk not in used]:
        if by_model >= AE_BY_MODEL:
            break
        # No NHS number: the model links the child above the auto-link threshold, through a
        # misspelt first name and an abbreviated street if it can.
        exact = Variant.of(kid)
        slight = replace(exact, first=typo(rng, kid.first), line1=abbreviate_address(kid.line1))
        variant = next((v for v in (slight, exact) if preview.auto_links(cells(kid, v), kid)), None)
        if variant is not None:
            visits.append(attendance(kid, variant, ""))
            used.add(kid.pk)
            by_model += 1
    for dup in (*near, *twins):
        visits.append(attendance(dup.kid, dup.variant, ""))

    # Four rows the hospital must correct.
    faulty = [k for k in rest if k.pk not in used and k.nhs][:4]
    faults: list[tuple[_Attendance, str]] = []
    for kid, fault in zip(faulty, ("arrival", "dob", "nhs", "surname"), strict=False):
        visit = attendance(kid, Variant.of(kid), kid.nhs)
        if fault == "nhs":
            visit.nhs = kid.nhs[:9] + str((int(kid.nhs[9]) + 1) % 10)
            assert not nhs_number_valid(visit.nhs)
        elif fault == "surname":
            visit.variant = replace(visit.variant, last="")
        faults.append((visit, fault))
        visits.append(visit)

    visits.sort(key=lambda v: v.arrival)
    rows = [v.row(f"AE{v.arrival:%y}{i:07d}") for i, v in enumerate(visits, start=1)]
    for visit, fault in faults:
        row = rows[visits.index(visit)]
        if fault == "arrival":  # the year mistyped: in the future
            row[1] = f"{timezone.localtime(visit.arrival):%d/%m}/{today.year + 1} {row[1][-5:]}"
        elif fault == "dob":
            row[5] = f"31/02/{visit.variant.dob.year}"
    file_name = f"ed-attendances-{first_day:%Y%m%d}-{today:%Y%m%d}.csv"
    feed = _import(hospital, FeedKind.AE_ATTENDANCE, file_name, _csv(AE_ATTENDANCE_HEADINGS, rows), by)
    # The hospital's key for a patient without an NHS number (feeds.row_read).
    for dup in (*near, *twins):
        dup.source_key = f"name:{dup.variant.last.lower()}|{dup.variant.first.lower()}|{dup.variant.dob.isoformat()}"
    return feed, near, twins


def _received(hospital: Agency, dup: NearDuplicate) -> SourceRecord:
    return SourceRecord.objects.get(agency=hospital, source=RecordSource.AE_ATTENDANCE, source_key=dup.source_key)


def _merge(reviewer: User, hospital: Agency, near: list[NearDuplicate]) -> list[ChildMerge]:
    """The reviewer has already merged the clearest pairs (the strongest of the families that
    moved), after a phone call."""
    found: list[tuple[ReviewPair, NearDuplicate, int]] = []
    for dup in near:
        if dup.variant.why.startswith("the family has moved"):
            new_child = _received(hospital, dup).child_id
            pair = pair_between(dup.kid.pk, new_child)
            if pair is not None and pair.status == ReviewStatus.OPEN:
                found.append((pair, dup, new_child))
    found.sort(key=lambda f: (-f[0].match_weight, f[0].pk))
    merges: list[ChildMerge] = []
    for pair, dup, new_child in found[:MERGES]:
        reason = (
            f"Same child: {dup.variant.why}. The mother confirmed the date of birth and the new address by "
            "phone, and that the A&E attendance was this child's."
        )
        survivor, merged = Child.objects.get(pk=dup.kid.pk), Child.objects.get(pk=new_child)
        merges.append(child_merge(survivor=survivor, merged=merged, reason=reason, by=reviewer, review_pair=pair))
    return merges


# --- The whole -----------------------------------------------------------------------------


@transaction.atomic
def seed_linkage(*, seed: int) -> LinkageSeed:
    """Add the identity linkage demo to a loaded synthetic authority. Does nothing where any
    agency record, feed import or review pair already exists."""
    result = LinkageSeed()
    if SourceRecord.objects.exists() or FeedImport.objects.exists() or ReviewPair.objects.exists():
        return result
    rng = random.Random(f"{seed}:linkage")  # noqa: S311 (reproducible, not secret)
    kids = _kids()
    pool = _ordinary(kids)
    homes = _Addresses()
    # The smallest school other than the stories' own: its roll arrives as a feed.
    schools = (
        Agency.objects.filter(kind=AgencyKind.SCHOOL)
        .exclude(name=STORY_SCHOOL_NAME)
        .order_by("name")
        .values_list("pk", flat=True)
    )
    sizes = Counter(
        SchoolEnrolment.objects.filter(ended_on__isnull=True, school_id__in=list(schools)).values_list(
            "school_id", flat=True
        )
    )
    school = Agency.objects.get(pk=min(sizes, key=lambda pk: (sizes[pk], pk))) if sizes else None
    hospital = Agency.objects.filter(kind=AgencyKind.HOSPITAL).order_by("pk").first()
    reviewer = _reviewer()

    today = timezone.localdate()
    school_year = date(today.year if today.month >= 9 else today.year - 1, 9, 1)
    result.agency_records = _agency_records(kids, feed_school=school, school_year=school_year)
    if school is not None:
        uploader = (
            User.objects.filter(agency=school, role__key="dsl", is_active=True).order_by("username").first() or reviewer
        )
        feed, near = _school_roll(rng, school, kids, pool, homes, uploader)
        result.imports.append(feed)
        result.near_duplicates.extend(near)
        used = {d.kid.pk for d in near}
        pool = [k for k in pool if k.pk not in used]
    if hospital is not None:
        feed, near, twins = _ae_attendances(rng, hospital, pool, homes, _user(AE_UPLOADER, hospital) or reviewer)
        result.imports.append(feed)
        result.near_duplicates.extend(near)
        for twin in twins:
            record = _received(hospital, twin)
            result.twins.append((twin.kid.pk, record.child_id))
        if reviewer is not None:
            result.merges = _merge(reviewer, hospital, near)
    return result
