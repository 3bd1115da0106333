"""Plan the synthetic local authority as plain data, without touching the database.

Determinism: everything is drawn from `random.Random` instances seeded from the seed (one
stream per part: world, families), so the same seed and size always give the same
agencies, practitioners, children, names, families, statuses and histories. Dates are
relative to `today` (the run date by default): a child aged 3 months is 3 months old on
whatever day the demo is loaded, and a concern "two weeks ago" is two weeks before that day.
Only one date is fixed: the scripted child Jaiden Smith is born on 2019-03-07 (linkage
tests look for him). Given the same seed, size *and* today, the plan is identical to the
byte, which is what `fingerprint` checks.

The plan streams: `families.Planner.chunks()` yields households about CHUNK_CHILDREN children at a
time, so 100,000 children never sit in memory at once.
"""

import hashlib
import random
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import accumulate
from typing import Generic, TypeVar
from zoneinfo import ZoneInfo

from faker import Faker

from safeguarding.synthetic import reference as ref
from safeguarding.synthetic.steps import ChildPathway

T = TypeVar("T")

# Realistic sizes (DfE: ~16,700 state primaries and ~3,400 secondaries for ~12m children;
# GP practices ~10,000 patients of whom ~21% are children).
CHILDREN_PER_PRIMARY = 700
CHILDREN_PER_SECONDARY = 3500
CHILDREN_PER_GP_PRACTICE = 2000

STORY_SCHOOL = "school:riverside"
STORY_GP = "gp:castle"
# The scripted stories' children (stories.py); random families never get these names.
STORY_NAMES = {
    ("Lily-Mae", "Turner"),
    ("Kai", "Turner"),
    ("Tyler", "Brooks"),
    ("Poppy", "Walsh"),
    ("Kayden", "Price"),
    ("Jaiden", "Smith"),
    # The demo users' caseload (caseload.py).
    ("Mason", "Reid"),
    ("Ruby", "Reid"),
    ("Leo", "Hart"),
    ("Isla", "Bennett"),
    ("Noah", "Fletcher"),
    ("Evie", "Marsh"),
    ("Ethan", "Cross"),
    ("Sophie", "Lane"),
    ("Harvey", "Parker"),
    ("Amelia", "Ward"),
    ("Zara", "Khan"),
    ("Riley", "Evans"),
    ("Maisie", "Dunn"),
}
STATUTORY_TIERS = ("looked_after", "cp_plan", "child_in_need")
TIERS = (*STATUTORY_TIERS, "early_help", "previously_known", "concern", "routine")


class Weighted(Generic[T]):
    """A fast weighted choice from fixed (value, weight) pairs."""

    def __init__(self, pairs: Sequence[tuple[T, float]]) -> None:
        self.values = [v for v, _ in pairs]
        self.cum = list(accumulate(w for _, w in pairs))

    def __call__(self, rng: random.Random) -> T:
        return rng.choices(self.values, cum_weights=self.cum)[0]


# --- Plan records -----------------------------------------------------------------------


@dataclass(slots=True)
class RolePlan:
    key: str
    name: str
    covers_whole_la: bool = False
    may_view_audit: bool = False
    may_break_glass: bool = True
    is_social_worker: bool = False
    may_decide_referrals: bool = False
    is_manager: bool = False

    def flags(self) -> dict[str, bool]:
        return {
            "covers_whole_la": self.covers_whole_la,
            "may_view_audit": self.may_view_audit,
            "may_break_glass": self.may_break_glass,
            "is_social_worker": self.is_social_worker,
            "may_decide_referrals": self.may_decide_referrals,
            "is_manager": self.is_manager,
        }


@dataclass(slots=True)
class AgencyPlan:
    key: str
    name: str
    kind: str
    code: str
    postcode: str
    phone: str
    secure_email: str
    teams: list[str]
    estab: str = ""  # DfE establishment number (schools), used in UPNs


@dataclass(slots=True, eq=False)
class PractitionerPlan:
    username: str
    first_name: str
    last_name: str
    agency: str
    team: str
    role: str
    job_title: str
    email: str
    demo: bool = False

    @property
    def full_name(self) -> str:
        # As User.get_full_name() would return it.
        return f"{self.first_name} {self.last_name}".strip()


@dataclass(slots=True, eq=False)
class AddressPlan:
    line1: str
    line2: str
    postcode: str
    uprn: str
    pk: int | None = None


@dataclass(slots=True, eq=False)
class PersonPlan:
    first_name: str
    last_name: str
    date_of_birth: date | None
    phone: str = ""
    pk: int | None = None


@dataclass(slots=True, eq=False)
class NamePlan:
    kind: str
    first_name: str
    last_name: str
    middle_names: str = ""
    used_from: date | None = None
    used_to: date | None = None


@dataclass(slots=True, eq=False)
class RelPlan:
    relationship: str
    person: PersonPlan | None = None
    related_child: "ChildPlan | None" = None
    lives_with_child: bool = True
    parental_responsibility: bool = False
    started_on: date | None = None
    ended_on: date | None = None


@dataclass(slots=True, eq=False)
class EntryPlan:
    """A concern (source "concern") or an agency event (source "event") and its chronology entry."""

    source: str
    kind: str  # "concern" or an AgencyEventKind value
    agency: str
    author: PractitionerPlan | None
    occurred_at: datetime
    recorded_at: datetime
    text: str  # what_happened for a concern, summary for an event
    categories: list[str] = field(default_factory=list)
    injury: bool = False
    immediate_danger: bool = False
    action_taken: str = ""
    childs_words: str = ""
    injury_locations: list[str] = field(default_factory=list)
    injury_description: str = ""
    source_reference: str = ""


@dataclass(slots=True, eq=False)
class ChildPlan:
    la_child_id: str
    sex: str
    ethnicity: str
    names: list[NamePlan]
    date_of_birth: date | None
    expected_date_of_birth: date | None = None
    nhs_number: str | None = None
    upn: str | None = None
    disabilities: list[str] = field(default_factory=list)
    addresses: list[tuple[AddressPlan, date | None, date | None]] = field(default_factory=list)
    relationships: list[RelPlan] = field(default_factory=list)
    enrolments: list[tuple[str, date, date | None]] = field(default_factory=list)
    involvements: dict[tuple[str, str], tuple[date, date | None]] = field(default_factory=dict)
    statuses: list[tuple[str, date, date | None, str]] = field(default_factory=list)
    team: list[tuple[PractitionerPlan, str, date]] = field(default_factory=list)
    entries: list[EntryPlan] = field(default_factory=list)
    # The statutory pathway (contacts, referrals, plans, early help), planned by scenarios.py.
    pathway: ChildPathway = field(default_factory=ChildPathway)
    pk: int | None = None

    @property
    def legal(self) -> NamePlan:
        return self.names[0]

    @property
    def display_name(self) -> str:
        return f"{self.legal.first_name} {self.legal.last_name}"

    @property
    def known_as(self) -> str:
        preferred = [n for n in self.names if n.kind == "preferred"]
        return preferred[0].first_name if preferred else self.legal.first_name

    @property
    def current_postcode(self) -> str:
        current = [a for a, _, moved_out in self.addresses if moved_out is None]
        return current[0].postcode if current else ""

    def age_days(self, today: date) -> int:
        return (today - self.date_of_birth).days if self.date_of_birth else -1

    def school_on(self, day: date) -> str | None:
        for school, started, ended in self.enrolments:
            if started <= day and (ended is None or day <= ended):
                return school
        return None


@dataclass(slots=True, eq=False)
class Household:
    group: str
    ethnicity: str
    structure: str
    children: list[ChildPlan]
    mother: PersonPlan
    address: AddressPlan
    primary: str
    secondary: str
    gp: str
    tier: str = "none"
    cp_category: str = ""


@dataclass
class World:
    roles: list[RolePlan]
    agencies: dict[str, AgencyPlan]
    practitioners: list[PractitionerPlan]
    primaries: list[str]
    secondaries: list[str]
    gp_practices: list[str]

    def staff(self, agency: str) -> list[PractitionerPlan]:
        return [p for p in self.practitioners if p.agency == agency]


@dataclass(frozen=True)
class Config:
    size: int
    seed: int
    today: date
    now: datetime

    @classmethod
    def for_run(cls, *, size: int, seed: int, now: datetime, tz: str = "Europe/London") -> "Config":
        local = now.astimezone(ZoneInfo(tz))
        return cls(size=size, seed=seed, today=local.date(), now=local)


# --- Roles and agencies ------------------------------------------------------------------

ROLES = [
    RolePlan(
        "front-door", "Front door social worker", covers_whole_la=True, is_social_worker=True, may_decide_referrals=True
    ),
    RolePlan("social-worker", "Social worker", covers_whole_la=True, is_social_worker=True),
    RolePlan(
        "team-manager",
        "Team manager",
        covers_whole_la=True,
        may_view_audit=True,
        is_social_worker=True,
        is_manager=True,
    ),
    RolePlan("dsl", "Designated safeguarding lead"),
    RolePlan("teacher", "Teacher"),
    RolePlan("gp", "GP"),
    RolePlan("health-visitor", "Health visitor"),
    RolePlan("school-nurse", "School nurse"),
    RolePlan("ae-nurse", "A&E nurse"),
    RolePlan("midwife", "Midwife"),
    RolePlan("police-officer", "Police officer"),
    RolePlan("probation-officer", "Probation officer"),
    RolePlan("housing-officer", "Housing officer"),
    RolePlan("youth-justice-worker", "Youth justice worker"),
    RolePlan("early-help-worker", "Early help worker"),
    RolePlan("youth-worker", "Youth worker"),
    RolePlan("dpo", "Data protection officer", may_view_audit=True, may_break_glass=False),
]


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str
    agency: str
    team: str
    role: str
    job_title: str


CSC_TEAMS = ["Front door (MASH)", "Assessment team", "Child protection team", "Children in care team"]
DEMO_USERS = [
    DemoUser("frontdoor", "Priya", "Shah", "csc", "Front door (MASH)", "front-door", "Social worker, front door"),
    DemoUser("socialworker", "Tom", "Hughes", "csc", "Child protection team", "social-worker", "Social worker"),
    DemoUser("manager", "Grace", "Adeyemi", "csc", "Child protection team", "team-manager", "Team manager"),
    DemoUser("dsl", "Helen", "Carter", STORY_SCHOOL, "Safeguarding team", "dsl", "Designated safeguarding lead"),
    DemoUser("teacher", "Mark", "Ellis", STORY_SCHOOL, "Teaching staff", "teacher", "Class teacher"),
    DemoUser("gp", "Anika", "Rahman", STORY_GP, "Clinicians", "gp", "GP partner, safeguarding lead"),
    DemoUser("healthvisitor", "Claire", "Doyle", "hv", "Health visiting team", "health-visitor", "Health visitor"),
    DemoUser("aenurse", "Ben", "Morris", "hospital", "Emergency department", "ae-nurse", "Emergency nurse"),
    DemoUser("police", "Dan", "Whitfield", "police", "Public protection unit", "police-officer", "Detective constable"),
    DemoUser("dpo", "Ruth", "Kaplan", "csc", "Information governance", "dpo", "Data protection officer"),
]


def _slug(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "", folded)


def _phone(rng: random.Random) -> str:
    # Ofcom's drama range: 01632 960000-960999 is never allocated to a real line.
    return f"01632 960{rng.randrange(1000):03d}"


def mobile(rng: random.Random) -> str:
    return f"07700 900{rng.randrange(1000):03d}"  # Ofcom drama range for mobiles


def _postcode(rng: random.Random) -> str:
    district = rng.randint(1, ref.POSTCODE_DISTRICTS)
    unit = "".join(rng.choices(ref.INWARD_LETTERS, k=2))
    return f"{ref.POSTCODE_AREA}{district} {rng.randint(1, 9)}{unit}"


def plan_world(cfg: Config) -> World:
    rng = random.Random(f"{cfg.seed}:world")  # noqa: S311 (reproducible, not secret)
    fake = Faker("en_GB")
    fake.seed_instance(cfg.seed)
    agencies: dict[str, AgencyPlan] = {}

    def add(key: str, name: str, kind: str, code: str, teams: list[str], estab: str = "") -> None:
        domain = _slug(name)[:40]
        agencies[key] = AgencyPlan(
            key=key,
            name=name,
            kind=kind,
            code=code,
            postcode=_postcode(rng),
            phone=_phone(rng),
            secure_email=f"safeguarding@{domain}.example.org",
            teams=teams,
            estab=estab,
        )

    add("csc", f"{ref.TOWN} Children's Social Care", "la_social_care", "LA999", [*CSC_TEAMS, "Information governance"])
    add("early_help", f"{ref.TOWN} Early Help and Family Hubs", "la_early_help", "LA999-EH", ["Family hub team"])
    add("hv", f"{ref.TOWN} Health Visiting Service", "health_visiting", "RBK01", ["Health visiting team"])
    add("school_nursing", f"{ref.TOWN} School Nursing Service", "school_nursing", "RBK02", ["School nursing team"])
    add("midwifery", f"{ref.TOWN} Maternity Unit", "midwifery", "RBK03", ["Community midwives"])
    add("hospital", f"{ref.TOWN} General Hospital Emergency Department", "hospital", "RBK", ["Emergency department"])
    add("police", f"{ref.TOWN}shire Police", "police", "BK", ["Public protection unit"])
    add("probation", f"Probation Service, {ref.TOWN}", "probation", "PBK", ["Offender management"])
    add("housing", f"{ref.TOWN} Housing Services", "housing", "LA999-HO", ["Housing options"])
    add("yjs", f"{ref.TOWN} Youth Justice Service", "youth_justice", "YJS999", ["Youth justice team"])
    add("vol:1", f"{ref.TOWN} Youth Project", "voluntary", "CH1099001", ["Youth work team"])
    add("vol:2", f"{ref.TOWN} Women's Aid", "voluntary", "CH1099002", ["Outreach team"])

    # Schools: names from stems and kinds, no two alike; the scripted stories' school is an
    # all-through academy (Reception to Year 11) that also takes ordinary pupils.
    n_primary = max(2, round(cfg.size / CHILDREN_PER_PRIMARY))
    n_secondary = max(1, round(cfg.size / CHILDREN_PER_SECONDARY))
    stems = [s for s in ref.SCHOOL_STEMS]
    rng.shuffle(stems)
    school_teams = ["Safeguarding team", "Teaching staff"]
    add(STORY_SCHOOL, "Riverside Academy", "school", "999001", school_teams, estab="4999")
    primaries, secondaries = [STORY_SCHOOL], [STORY_SCHOOL]
    used: set[str] = {"Riverside Academy"}
    for i in range(n_primary - 1 + n_secondary - 1):
        is_primary = i < n_primary - 1
        kinds = ref.PRIMARY_KINDS if is_primary else ref.SECONDARY_KINDS
        stem = stems[i % len(stems)]
        name = f"{stem} {rng.choice(kinds)}"
        suffix = 2
        while name in used:
            name = f"{stem} {['North', 'South', 'East', 'West', 'Park', 'Hill'][suffix % 6]} {rng.choice(kinds)}"
            suffix += 1
            if suffix > 12:
                name = f"{stem} {rng.choice(kinds)} {suffix}"
        used.add(name)
        key = f"school:{i + 1}"
        estab = f"{2001 + i:04d}" if is_primary else f"{4001 + i:04d}"
        add(key, name, "school", f"9{10000 + i:05d}", school_teams, estab=estab)
        (primaries if is_primary else secondaries).append(key)

    n_gp = max(2, round(cfg.size / CHILDREN_PER_GP_PRACTICE))
    add(STORY_GP, "Castle Street Surgery", "gp_practice", "Y99000", ["Clinicians"])
    gps = [STORY_GP]
    used = {"Castle Street Surgery"}
    for i in range(n_gp - 1):
        stem = ref.GP_STEMS[i % len(ref.GP_STEMS)]
        name = f"{stem} {ref.GP_KINDS[(i // len(ref.GP_STEMS)) % len(ref.GP_KINDS)]}"
        if name in used:
            name = f"{name} ({i + 1})"
        used.add(name)
        add(f"gp:{i + 1}", name, "gp_practice", f"Y99{i + 1:03d}", ["Clinicians"])
        gps.append(f"gp:{i + 1}")

    practitioners: list[PractitionerPlan] = []
    usernames: set[str] = set()
    for d in DEMO_USERS:
        domain = agencies[d.agency].secure_email.split("@")[1]
        practitioners.append(
            PractitionerPlan(
                d.username,
                d.first_name,
                d.last_name,
                d.agency,
                d.team,
                d.role,
                d.job_title,
                f"{d.username}@{domain}",
                True,
            )
        )
        usernames.add(d.username)

    def staff(agency: str, team: str, role: str, title: str, count: int) -> None:
        for _ in range(count):
            female = rng.random() < 0.7
            first = fake.first_name_female() if female else fake.first_name_male()
            last = fake.last_name()
            base = f"{_slug(first)}.{_slug(last)}"
            username, n = base, 2
            while username in usernames:
                username, n = f"{base}{n}", n + 1
            usernames.add(username)
            domain = agencies[agency].secure_email.split("@")[1]
            practitioners.append(
                PractitionerPlan(username, first, last, agency, team, role, title, f"{username}@{domain}")
            )

    per = max(1, cfg.size // 4000)
    staff("csc", "Front door (MASH)", "front-door", "Social worker, front door", 2 + per)
    staff("csc", "Assessment team", "social-worker", "Social worker", 2 + per)
    staff("csc", "Child protection team", "social-worker", "Social worker", 2 + per)
    staff("csc", "Children in care team", "social-worker", "Social worker", 2 + per)
    for team in CSC_TEAMS[1:]:
        staff("csc", team, "team-manager", "Team manager", 1)
    staff("early_help", "Family hub team", "early-help-worker", "Early help practitioner", 2 + per)
    staff("hv", "Health visiting team", "health-visitor", "Health visitor", 1 + per)
    staff("school_nursing", "School nursing team", "school-nurse", "School nurse", 1 + per // 2)
    staff("midwifery", "Community midwives", "midwife", "Community midwife", 2)
    staff("hospital", "Emergency department", "ae-nurse", "Emergency nurse", 2)
    staff("police", "Public protection unit", "police-officer", "Police constable", 2 + per // 2)
    staff("probation", "Offender management", "probation-officer", "Probation officer", 2)
    staff("housing", "Housing options", "housing-officer", "Housing officer", 2)
    staff("yjs", "Youth justice team", "youth-justice-worker", "Youth justice worker", 2)
    staff("vol:1", "Youth work team", "youth-worker", "Youth worker", 2)
    staff("vol:2", "Outreach team", "youth-worker", "Outreach worker", 2)
    for key in primaries + secondaries[1:]:
        if key != STORY_SCHOOL:
            staff(key, "Safeguarding team", "dsl", "Designated safeguarding lead", 1)
            staff(key, "Teaching staff", "teacher", "Teacher", 1)
    staff(STORY_SCHOOL, "Teaching staff", "teacher", "Teacher", 1)
    for key in gps:
        staff(key, "Clinicians", "gp", "GP", 1 if key == STORY_GP else 2)
    return World(list(ROLES), agencies, practitioners, primaries, secondaries, gps)


def fingerprint_lines(children: Sequence[ChildPlan]) -> list[str]:
    return [
        "|".join(
            (
                c.la_child_id,
                ";".join(f"{n.kind}:{n.first_name}:{n.middle_names}:{n.last_name}" for n in c.names),
                str(c.date_of_birth or c.expected_date_of_birth),
                c.sex,
                c.nhs_number or "",
                c.upn or "",
            )
        )
        for c in children
    ]


def fingerprint(lines: list[str]) -> str:
    return hashlib.sha256("\n".join(sorted(lines)).encode()).hexdigest()
