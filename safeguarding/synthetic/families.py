"""Households: children, adults, addresses, schools, statuses and histories.

See plan.py for determinism. Each household draws from its own random stream (seed, part,
household number), and its history from another, so what happened on which weekday never
shifts the names and families planned after it.
"""

import random
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from itertools import accumulate

from faker.providers.person.en_GB import Provider as EnGbNames

from safeguarding.people.identifiers import nhs_number_check_digit, upn_check_letter
from safeguarding.synthetic import reference as ref
from safeguarding.synthetic.finalize import finalize
from safeguarding.synthetic.plan import (
    STATUTORY_TIERS,
    STORY_NAMES,
    TIERS,
    AddressPlan,
    ChildPlan,
    Config,
    EntryPlan,
    Household,
    NamePlan,
    PersonPlan,
    PractitionerPlan,
    RelPlan,
    Weighted,
    World,
    fingerprint,
    fingerprint_lines,
    mobile,
    plan_world,
)
from safeguarding.synthetic.scenarios import Dates, Scenarios

HISTORY_DAYS = 3 * 365
CHUNK_CHILDREN = 2000
UNBORN_PER_HOUSEHOLD = 0.0012

# --- Families ----------------------------------------------------------------------------

_WHITE = (
    ref.BOYS,
    ref.GIRLS,
    tuple(EnGbNames.last_names.keys()),
    EnGbNames.first_names_male,
    EnGbNames.first_names_female,
)
_POOLS = {"white": _WHITE, "south_asian": ref.SOUTH_ASIAN, "black": ref.BLACK, "eastern": ref.EASTERN_EUROPEAN}
_POOLS["chinese"] = ref.CHINESE
_SURNAME_WEIGHTS = list(accumulate(EnGbNames.last_names.values()))

_ETHNICITY = Weighted([((code, group), w) for code, w, group in ref.ETHNICITIES])
_CHILDREN_IN_HOUSEHOLD = Weighted([(1, 45), (2, 35), (3, 14), (4, 6)])
_STRUCTURE = Weighted(
    [
        ("both_parents", 52),
        ("single_mother", 22),
        ("mother_partner", 8),
        ("step_family", 12),
        ("single_father", 3),
        ("kinship", 3),
    ]
)
_MOTHER_AGE_AT_FIRST = Weighted([((16, 19), 8), ((20, 24), 22), ((25, 29), 30), ((30, 34), 26), ((35, 41), 14)])
_DISABILITY = Weighted(list(ref.DISABILITIES))
_CP_CATEGORY = Weighted(list(ref.CP_CATEGORIES))
_CP_DAYS = Weighted([((lo, hi), w) for w, lo, hi in ref.CP_LENGTH_BANDS])
_CONCERN_CATEGORY = Weighted(list(ref.CONCERN_CATEGORIES))
_YOUNG_CONCERN_CATEGORY = Weighted([c for c in ref.CONCERN_CATEGORIES if c[0] not in ref.TEEN_ONLY_CATEGORIES])
_CONCERN_AGENCY_UNDER_5 = Weighted(
    [("hv", 30), ("gp", 25), ("hospital", 15), ("police", 10), ("housing", 5), ("vol:2", 5), ("probation", 3)]
)
_CONCERN_AGENCY_SCHOOL = Weighted(
    [
        ("school", 50),
        ("gp", 10),
        ("police", 10),
        ("school_nursing", 8),
        ("hospital", 6),
        ("housing", 4),
        ("vol:1", 6),
        ("probation", 3),
    ]
)
_CONCERN_AGENCY_OLDER = Weighted(
    [("police", 25), ("gp", 15), ("hospital", 15), ("vol:1", 15), ("school", 20), ("housing", 5), ("yjs", 5)]
)


def _age_on(dob: date, day: date) -> int:
    return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))


def _pronouns(sex: str) -> dict[str, str]:
    if sex == "M":
        return {"pronoun": "he", "objpronoun": "him", "posspronoun": "his"}
    if sex == "F":
        return {"pronoun": "she", "objpronoun": "her", "posspronoun": "her"}
    return {"pronoun": "they", "objpronoun": "them", "posspronoun": "their"}


@dataclass(slots=True, eq=False)
class _Street:
    name: str
    district: int
    sector: int
    units: list[str]
    block: str
    next_number: int = 1
    next_flat: int = 1


class Planner:
    """Plans households chunk by chunk. One instance plans one local authority."""

    def __init__(self, cfg: Config, world: World | None = None) -> None:
        self.cfg = cfg
        self.today = cfg.today
        self.tz = cfg.now.tzinfo
        self.world = world or plan_world(cfg)
        self.rng = self._stream("families", 0)
        self._households = 0
        self._staff = {key: self.world.staff(key) for key in self.world.agencies}
        self._nhs_used: set[str] = set()
        self._upn_serial: dict[tuple[str, int], int] = {}
        self._uprn = 0
        self._la_id = 0
        self._carry = dict.fromkeys(TIERS, 0.0)
        self._streets = self._plan_streets()
        self.pathway = Scenarios(cfg, self.world)
        self.children_planned = 0
        start = date(self.today.year if (self.today.month, self.today.day) >= (9, 1) else self.today.year - 1, 9, 1)
        self.academic_year_start = start

    def _stream(self, part: str, n: int) -> random.Random:
        """A random stream of its own for each part and household (string seeds hash with
        SHA-512, the same on every platform and Python run)."""
        return random.Random(f"{self.cfg.seed}:{part}:{n}")  # noqa: S311 (reproducible, not secret)

    # --- identifiers and places ----------------------------------------------------------

    def _plan_streets(self) -> list[_Street]:
        rng = random.Random(f"{self.cfg.seed}:streets")  # noqa: S311 (reproducible, not secret)
        combos = [f"{stem} {kind}" for stem in ref.STREET_STEMS for kind in ref.STREET_KINDS]
        rng.shuffle(combos)
        count = min(len(combos), max(40, self.cfg.size // 90))
        streets = []
        for i, name in enumerate(combos[:count]):
            units = [f"{rng.choice(ref.INWARD_LETTERS)}{rng.choice(ref.INWARD_LETTERS)}" for _ in range(16)]
            streets.append(
                _Street(
                    name,
                    1 + i % ref.POSTCODE_DISTRICTS,
                    rng.randint(1, 9),
                    units,
                    ref.BLOCK_NAMES[i % len(ref.BLOCK_NAMES)],
                )
            )
        return streets

    def address(self) -> AddressPlan:
        street = self.rng.choice(self._streets)
        self._uprn += 1
        uprn = str(990_000_000_000 + self._uprn)
        if self.rng.random() < 0.15:
            flat = street.next_flat
            street.next_flat += 1
            postcode = f"{ref.POSTCODE_AREA}{street.district} {street.sector}{street.units[0]}"
            return AddressPlan(f"Flat {flat}, {street.block}", street.name, postcode, uprn)
        number = street.next_number
        street.next_number += 1
        unit = street.units[((number - 1) // 15) % len(street.units)]
        return AddressPlan(
            f"{number} {street.name}", "", f"{ref.POSTCODE_AREA}{street.district} {street.sector}{unit}", uprn
        )

    def fixed_address(self, line1: str, postcode: str) -> AddressPlan:
        self._uprn += 1
        return AddressPlan(line1, "", postcode, str(990_000_000_000 + self._uprn))

    def nhs_number(self) -> str:
        while True:
            first_nine = f"{ref.NHS_TEST_PREFIX}{self.rng.randrange(1_000_000):06d}"
            check = nhs_number_check_digit(first_nine)
            if check is None:
                continue
            number = f"{first_nine}{check}"
            if number not in self._nhs_used:
                self._nhs_used.add(number)
                return number

    def reserve_nhs_number(self, first_nine: str) -> str:
        check = nhs_number_check_digit(first_nine)
        assert check is not None, first_nine
        number = f"{first_nine}{check}"
        self._nhs_used.add(number)
        return number

    def upn(self, school: str, started: date) -> str:
        estab = self.world.agencies[school].estab
        year = started.year % 100
        serial = self._upn_serial.get((estab, year), 0) + 1
        self._upn_serial[(estab, year)] = serial
        # LA number, establishment number, year of allocation, serial (DfE UPN structure).
        body = f"{ref.LA_NUMBER}{estab}{year:02d}{serial % 1000:03d}"
        if serial >= 1000:  # a very large intake: use the next year's block, still unique
            body = f"{ref.LA_NUMBER}{estab}{(year + serial // 1000) % 100:02d}{serial % 1000:03d}"
        return upn_check_letter(body) + body

    def la_child_id(self) -> str:
        self._la_id += 1
        return f"C{self._la_id:07d}"

    def at(self, days_ago: int, hours: tuple[int, int]) -> datetime:
        day = self.today - timedelta(days=days_ago)
        moment = datetime.combine(day, time(self.rng.randint(*hours), self.rng.randrange(0, 60, 5)), tzinfo=self.tz)
        return min(moment, self.cfg.now - timedelta(minutes=30))

    def recorded(self, occurred: datetime, lo_minutes: int, hi_minutes: int) -> datetime:
        return min(occurred + timedelta(minutes=self.rng.randint(lo_minutes, hi_minutes)), self.cfg.now)

    def author(self, agency: str) -> PractitionerPlan:
        return self.rng.choice(self._staff[agency])

    # --- names -------------------------------------------------------------------------------

    def surname(self, group: str) -> str:
        if group == "white":
            return self.rng.choices(_WHITE[2], cum_weights=_SURNAME_WEIGHTS)[0]
        return self.rng.choice(_POOLS[group][2])

    def adult_first(self, group: str, female: bool) -> str:
        pool = _POOLS[group]
        if group != "white" and self.rng.random() < 0.2:
            pool = _WHITE
        return self.rng.choice(pool[4] if female else pool[3])

    def child_first(self, group: str, sex: str) -> str:
        pool = _POOLS[group] if group != "white" and self.rng.random() < 0.7 else _WHITE
        return self.rng.choice(pool[1] if sex == "F" else pool[0])

    def person(self, group: str, female: bool, last: str, age_years: int) -> PersonPlan:
        dob = self.today - timedelta(days=age_years * 365 + self.rng.randrange(365))
        phone = mobile(self.rng) if self.rng.random() < 0.6 else ""
        return PersonPlan(self.adult_first(group, female), last, dob, phone)

    def new_child(
        self, *, first: str, last: str, sex: str, dob: date | None, ethnicity: str, middle: str = ""
    ) -> ChildPlan:
        child = ChildPlan(
            la_child_id=self.la_child_id(),
            sex=sex,
            ethnicity=ethnicity,
            names=[NamePlan("legal", first, last, middle)],
            date_of_birth=dob,
            nhs_number=self.nhs_number() if dob is not None else None,
        )
        if self.rng.random() < ref.DISABILITY_RATE and dob is not None:
            first_code = _DISABILITY(self.rng)
            codes = {first_code}
            if self.rng.random() < 0.25:
                codes.add(_DISABILITY(self.rng))
            child.disabilities = sorted(codes)
        if first in ref.KNOWN_AS and self.rng.random() < 0.5:
            child.names.append(NamePlan("preferred", ref.KNOWN_AS[first], last))
        if first in ref.OTHER_SPELLINGS and self.rng.random() < 0.3:
            child.names.append(NamePlan("alias", ref.OTHER_SPELLINGS[first], last))
        return child

    # --- households ----------------------------------------------------------------------------

    def household(self) -> Household:
        rng, today = self.rng, self.today
        ethnicity, group = _ETHNICITY(rng)
        n = _CHILDREN_IN_HOUSEHOLD(rng)
        # Ages in days, eldest first. Siblings are spaced 11 months to 4 years either side of
        # the first, so that ages across the authority stay roughly even from 0 to 17.
        ages = [rng.randrange(0, 18 * 365 - 1)]
        for _ in range(n - 1):
            if rng.random() < 0.02:
                ages.append(ages[-1])  # twins
                continue
            gap = rng.randint(330, 1600)
            older, younger = max(ages) + gap, min(ages) - gap
            if rng.random() < 0.5 and older < 18 * 365 - 1:
                ages.append(older)
            elif younger >= 0:
                ages.append(younger)
            elif older < 18 * 365 - 1:
                ages.append(older)
        ages.sort(reverse=True)
        structure = _STRUCTURE(rng)
        lo, hi = _MOTHER_AGE_AT_FIRST(rng)
        mother_age = ages[0] // 365 + rng.randint(lo, hi)
        family_name = self.surname(group)
        married = structure == "both_parents" and rng.random() < 0.7
        mother = self.person(group, True, family_name if married else self.surname(group), mother_age)
        father = self.person(group, False, family_name, mother_age + rng.randint(-2, 8))
        address = self.address()
        since = today - timedelta(days=rng.randint(200, 6000))
        moved = rng.random() < 0.15
        move_day = today - timedelta(days=rng.randint(30, HISTORY_DAYS))
        previous = self.address() if moved else None
        hh = Household(
            group,
            ethnicity,
            structure,
            [],
            mother,
            address,
            rng.choice(self.world.primaries),
            rng.choice(self.world.secondaries),
            rng.choice(self.world.gp_practices),
        )

        # Step family: the older children are a former partner's; the mother's new partner is
        # the younger ones' father, and some older children took his surname on marriage.
        split = n
        partner: PersonPlan | None = None
        partner_since: date | None = None
        renamed = False
        if structure in ("step_family", "mother_partner"):
            split = rng.randint(1, len(ages)) if structure == "step_family" else len(ages)
            partner = self.person(group, False, self.surname(group), mother_age + rng.randint(-3, 6))
            if split < len(ages):
                partner_since = today - timedelta(days=ages[split] + rng.randint(300, 1200))
            else:
                partner_since = today - timedelta(days=rng.randint(60, max(61, min(ages[-1], 2500))))
            renamed = structure == "step_family" and rng.random() < 0.5
        grandmother = self.person(group, True, mother.last_name, mother_age + rng.randint(18, 28))

        for i, age in enumerate(ages):
            sex = "F" if rng.random() < 0.488 else "M"
            dob = today - timedelta(days=age)
            from_partner = partner is not None and i >= split
            last = partner.last_name if (from_partner and partner) else family_name
            if structure in ("single_mother", "mother_partner") and rng.random() < 0.3:
                last = mother.last_name
            first = self.child_first(group, sex)
            middle = ""
            if rng.random() < 0.45:
                middle = rng.choice(ref.MIDDLE_GIRLS if sex == "F" else ref.MIDDLE_BOYS)
            while (first, last) in STORY_NAMES or (hh.children and first == hh.children[-1].legal.first_name):
                first = self.child_first(group, sex)
            child = self.new_child(first=first, last=last, sex=sex, dob=dob, ethnicity=ethnicity, middle=middle)
            if renamed and partner is not None and partner_since is not None and not from_partner:
                renamed_on = partner_since + timedelta(days=rng.randint(180, 700))
                if renamed_on < today - timedelta(days=14):
                    child.names[0].last_name = partner.last_name
                    for name in child.names[1:]:
                        name.last_name = partner.last_name
                    child.names.append(NamePlan("former", first, last, middle, used_from=dob, used_to=renamed_on))
            # Addresses: the current one, and the one before a recent move.
            if previous is not None and dob < move_day:
                child.addresses.append((previous, max(dob, since), move_day))
                child.addresses.append((address, move_day, None))
            else:
                child.addresses.append((address, max(dob, move_day if previous else since), None))
            # Family.
            child.relationships.append(
                RelPlan("mother", mother, None, structure not in ("single_father", "kinship"), True, dob)
            )
            if structure == "both_parents" or structure == "single_father":
                child.relationships.append(RelPlan("father", father, None, True, True, dob))
            elif structure == "kinship":
                child.relationships.append(RelPlan("grandparent", grandmother, None, True, True, dob))
            elif from_partner and partner is not None:
                child.relationships.append(RelPlan("father", partner, None, True, True, dob))
            else:
                if rng.random() < 0.6:
                    child.relationships.append(RelPlan("father", father, None, False, rng.random() < 0.7, dob))
                if partner is not None and partner_since is not None:
                    kind = "step_parent" if structure == "step_family" else "parents_partner"
                    child.relationships.append(RelPlan(kind, partner, None, True, False, max(dob, partner_since)))
            # Known at school or the surgery by the mother's surname.
            if last != mother.last_name and rng.random() < 0.12:
                child.names.append(NamePlan("alias", first, mother.last_name))
            self._school(child, hh)
            hh.children.append(child)

        # Siblings, both directions (each child's record lists all its siblings).
        for a_i, a in enumerate(hh.children):
            for b_i, b in enumerate(hh.children):
                if a is b:
                    continue
                half = (a_i >= split) != (b_i >= split) and structure == "step_family"
                started = max(a.date_of_birth or today, b.date_of_birth or today)
                a.relationships.append(RelPlan("half_sibling" if half else "sibling", None, b, True, False, started))

        if self.rng.random() < UNBORN_PER_HOUSEHOLD and mother_age < 42:
            self.add_unborn(hh, days_to_birth=rng.randint(20, 150))
        for child in hh.children:
            self._registrations(child, hh)
        return hh

    def add_unborn(self, hh: Household, *, days_to_birth: int) -> ChildPlan:
        last = hh.mother.last_name
        unborn = ChildPlan(
            la_child_id=self.la_child_id(),
            sex="U",
            ethnicity=hh.ethnicity,
            names=[NamePlan("legal", "Unborn", last)],
            date_of_birth=None,
            expected_date_of_birth=self.today + timedelta(days=days_to_birth),
        )
        unborn.addresses.append((hh.address, None, None))
        unborn.relationships.append(RelPlan("mother", hh.mother, None, True, True, None))
        for sibling in hh.children:
            unborn.relationships.append(RelPlan("sibling", None, sibling, True, False, None))
            sibling.relationships.append(RelPlan("sibling", None, unborn, True, False, None))
        unborn.involvements[("midwifery", "caseload")] = (self.today - timedelta(days=200 - days_to_birth), None)
        hh.children.append(unborn)
        return unborn

    def _school(self, child: ChildPlan, hh: Household) -> None:
        assert child.date_of_birth is not None
        start = self.academic_year_start
        age = _age_on(child.date_of_birth, start - timedelta(days=1))
        left_at_16 = self.rng.random() < 0.5  # drawn always, so later draws do not depend on the date
        if age < 4 or age > 17 or (age >= 16 and left_at_16):
            return
        reception = date(start.year - (age - 4), 9, 1)
        if age <= 10:
            child.enrolments.append((hh.primary, reception, None))
        else:
            year7 = date(start.year - (age - 11), 9, 1)
            if hh.secondary != hh.primary:
                child.enrolments.append((hh.primary, reception, date(year7.year, 7, 21)))
            child.enrolments.append((hh.secondary, year7 if hh.secondary != hh.primary else reception, None))
        first_school, first_start, _ = child.enrolments[0]
        child.upn = self.upn(first_school, first_start)

    def _registrations(self, child: ChildPlan, hh: Household) -> None:
        """Involvements that follow from registration: the school roll, the GP list,
        the health visitor's caseload of under-5s."""
        if child.date_of_birth is None:
            return
        for school, started, ended in child.enrolments:
            child.involvements[(school, "roll")] = (started, ended)
        child.involvements[(hh.gp, "registered")] = (child.date_of_birth, None)
        if child.age_days(self.today) < 5 * 365:
            child.involvements[("hv", "caseload")] = (child.date_of_birth + timedelta(days=12), None)

    # --- tiers and statuses ----------------------------------------------------------------------

    def allocate_tiers(self, households: list[Household]) -> None:
        """Give each household a tier so that, across the whole authority, children per
        10,000 in each tier match reference.PER_10K (the shortfall carries to the next chunk)."""
        order = list(range(len(households)))
        self.rng.shuffle(order)
        chunk_children = sum(len(h.children) for h in households)
        pos = 0
        for tier in TIERS:
            target = ref.PER_10K[tier] / 10_000 * chunk_children + self._carry[tier]
            got = 0
            while pos < len(order):
                hh = households[order[pos]]
                if got + len(hh.children) / 2 > target:
                    break
                hh.tier = tier
                got += len(hh.children)
                pos += 1
            self._carry[tier] = target - got

    def statuses(self, hh: Household) -> None:
        rng, today = self.rng, self.today
        tier = hh.tier
        social_workers = [p for p in self._staff["csc"] if p.role == "social-worker"]
        lead = rng.choice(social_workers)
        self.author("early_help")  # drawn as before, so that the histories after it stay the same

        def day(days_ago: int) -> date:
            return today - timedelta(days=max(1, days_ago))

        plan_start = cin_start = lac_start = eh_start = episode_start = episode_end = today
        had_plan = past_plan = closed_cin = False

        if tier == "cp_plan":
            hh.cp_category = _CP_CATEGORY(rng)
            lo, hi = _CP_DAYS(rng)
            plan_start = day(rng.randint(lo, hi))
            cin_start = plan_start - timedelta(days=rng.randint(15, 60))
        elif tier == "looked_after":
            lac_start = day(rng.randint(30, 5 * 365))
            cin_start = lac_start - timedelta(days=rng.randint(30, 240))
            had_plan = rng.random() < 0.6
            hh.cp_category = _CP_CATEGORY(rng) if had_plan else "NEG"
        elif tier == "child_in_need":
            cin_start = day(rng.randint(14, 700))
            past_plan = rng.random() < 0.1
        elif tier == "early_help":
            eh_start = day(rng.randint(14, 540))
        elif tier == "previously_known":
            closed_cin = rng.random() < 0.6
            episode_start = day(rng.randint(200, HISTORY_DAYS))
            episode_end = min(episode_start + timedelta(days=rng.randint(60, 400)), day(14))

        for child in hh.children:
            if child.date_of_birth is None:
                if tier == "cp_plan":
                    child.statuses.append(("unborn_plan", day(rng.randint(7, 40)), None, ""))
                continue
            if tier == "looked_after":
                # Care itself is outside the pathway's rows: the status and the child's social worker.
                started = max(lac_start, child.date_of_birth)
                child.statuses.append(("looked_after", started, None, ""))
                child.team.append((lead, "Child's social worker", started))
        dates = Dates(
            plan_start, cin_start, lac_start, eh_start, episode_start, episode_end, had_plan, past_plan, closed_cin
        )
        # The pathway behind the statuses: its own stream, so that the histories stay as drawn.
        self.pathway.household(hh, dates)
        for child in hh.children:
            finalize(child)
        if tier == "looked_after":
            self._into_care(hh, lac_start)

    def _into_care(self, hh: Household, lac_start: date) -> None:
        """Looked-after children live with foster carers; their parents no longer live with them."""
        carer_address = self.address()
        carer = self.person("white", True, self.surname("white"), self.rng.randint(40, 62))
        for child in hh.children:
            if child.date_of_birth is None:
                continue
            start = max(lac_start, child.date_of_birth)
            child.addresses = [(a, moved_in, moved_out or start) for a, moved_in, moved_out in child.addresses]
            child.addresses.append((carer_address, start, None))
            for rel in child.relationships:
                if rel.person is not None:
                    rel.lives_with_child = False
            child.relationships.append(RelPlan("carer", carer, None, True, False, start))

    # --- histories ---------------------------------------------------------------------------

    def history(self, hh: Household) -> None:
        rng = self.rng
        tier = hh.tier
        if tier == "none":
            return
        born = [c for c in hh.children if c.date_of_birth is not None]
        # Household-level police incidents: each child present gets its own notification.
        da_incidents = 0
        if tier in ("cp_plan", "looked_after") and hh.cp_category in ("EMO", "MUL"):
            da_incidents = rng.randint(2, 4)
        elif (tier in STATUTORY_TIERS and rng.random() < 0.4) or (
            tier in ("previously_known", "early_help") and rng.random() < 0.25
        ):
            da_incidents = rng.randint(1, 2)
        for _ in range(da_incidents):
            days_ago = rng.randint(1, HISTORY_DAYS)
            when = self.at(days_ago, (18, 23))
            text = rng.choice(ref.POLICE_DA_TEXT)
            ref_no = f"BKP-{rng.randrange(10**6):06d}"
            for child in born:
                if child.age_days(self.today) > days_ago:
                    self._event(
                        child,
                        "police_incident",
                        "police",
                        when,
                        text.format(child=child.known_as, carer="mother"),
                        categories=["domestic_abuse"],
                        reference=ref_no,
                    )
        counts = {
            # tier: (concerns lo, hi), (events lo, hi)
            "routine": ((0, 0), (1, 3)),
            "concern": ((1, 2), (0, 3)),
            "previously_known": ((1, 3), (1, 4)),
            "early_help": ((1, 3), (2, 5)),
            "child_in_need": ((2, 5), (3, 7)),
            "cp_plan": ((3, 8), (3, 8)),
            "looked_after": ((3, 7), (3, 8)),
        }[tier]
        for child in born:
            age_days = child.age_days(self.today)
            window = min(HISTORY_DAYS, age_days - 1)
            if window < 1:
                continue
            for _ in range(rng.randint(*counts[0])):
                self._concern(child, hh, rng.randint(1, window))
            for _ in range(rng.randint(*counts[1])):
                self._routine(child, hh, rng.randint(1, window))
            if hh.cp_category in ("PHY", "MUL") and tier in ("cp_plan", "looked_after"):
                self._ae(child, rng.randint(1, window), injury=True)
            known = tier in (*STATUTORY_TIERS, "early_help", "previously_known")
            if known and age_days > 12 * 365 and rng.random() < 0.22:
                self._exploitation(child, hh, window)

    def _event(
        self,
        child: ChildPlan,
        kind: str,
        agency: str,
        when: datetime,
        text: str,
        *,
        author: PractitionerPlan | None = None,
        categories: list[str] | None = None,
        injury: bool = False,
        reference: str = "",
    ) -> EntryPlan:
        recorded = self.recorded(when, 30, 36 * 60) if author is None else self.recorded(when, 5, 8 * 60)
        entry = EntryPlan(
            "event",
            kind,
            agency,
            author,
            when,
            recorded,
            text,
            sorted(set(categories or [])),
            injury,
            source_reference=reference,
        )
        child.entries.append(entry)
        return entry

    def concern(
        self,
        child: ChildPlan,
        agency: str,
        author: PractitionerPlan,
        when: datetime,
        text: str,
        categories: list[str],
        *,
        action: str,
        childs_words: str = "",
        injury_locations: Sequence[str] = (),
        injury_description: str = "",
        immediate_danger: bool = False,
    ) -> EntryPlan:
        entry = EntryPlan(
            "concern",
            "concern",
            agency,
            author,
            when,
            self.recorded(when, 10, 26 * 60),
            text,
            sorted(set(categories)),
            bool(injury_locations),
            immediate_danger,
            action,
            childs_words,
            sorted(set(injury_locations)),
            injury_description,
        )
        child.entries.append(entry)
        return entry

    def _concern(self, child: ChildPlan, hh: Household, days_ago: int) -> None:
        rng = self.rng
        assert child.date_of_birth is not None
        day = self.today - timedelta(days=days_ago)
        age = _age_on(child.date_of_birth, day)
        if hh.cp_category and hh.tier in ("cp_plan", "looked_after"):
            category = rng.choice(ref.CP_CATEGORY_CONCERNS[hh.cp_category])
        else:
            category = (_CONCERN_CATEGORY if age >= 10 else _YOUNG_CONCERN_CATEGORY)(rng)
        school = child.school_on(day)
        if age < 5:
            agency = _CONCERN_AGENCY_UNDER_5(rng)
        elif school is not None and age < 16:
            agency = _CONCERN_AGENCY_SCHOOL(rng)
        else:
            agency = _CONCERN_AGENCY_OLDER(rng)
        if agency == "school":
            agency = school or "police"
        elif agency == "gp":
            agency = hh.gp
        if hh.tier == "early_help" and rng.random() < 0.25:
            agency = "early_help"
        hours = (9, 15) if agency.startswith("school") else (8, 21)
        when = self.at(days_ago, hours)
        text = rng.choice(ref.CONCERN_TEXT[category]).format(name=child.known_as, **_pronouns(child.sex))
        categories = [category]
        if category == "domestic_abuse" and rng.random() < 0.3:
            categories.append("emotional_abuse")
        injury: list[str] = []
        description = ""
        if category == "physical_abuse":
            injury = rng.sample(ref.INJURY_REGIONS, rng.randint(1, 2))
            description = f"Bruising about {rng.randint(1, 5)} cm, {rng.choice(['yellowing', 'fresh', 'purple'])}"
        serious = hh.tier in ("cp_plan", "looked_after")
        self.concern(
            child,
            agency,
            self.author(agency),
            when,
            text,
            categories,
            action=rng.choice(ref.ACTIONS_TAKEN),
            childs_words=rng.choice(ref.CHILDS_WORDS) if age >= 5 and rng.random() < 0.3 else "",
            injury_locations=injury,
            injury_description=description,
            immediate_danger=rng.random() < (0.1 if serious else 0.02),
        )

    def _routine(self, child: ChildPlan, hh: Household, days_ago: int) -> None:
        rng = self.rng
        assert child.date_of_birth is not None
        day = self.today - timedelta(days=days_ago)
        age = _age_on(child.date_of_birth, day)
        school = child.school_on(day)
        roll = rng.random()
        if age < 5:
            kind = "health_visit" if roll < 0.35 else "gp_appointment" if roll < 0.8 else "ae_attendance"
        elif school is not None and day.weekday() < 5 and day.month != 8:  # term time
            kind = "school_absence" if roll < 0.45 else "gp_appointment" if roll < 0.8 else "ae_attendance"
        else:
            kind = "gp_appointment" if roll < 0.6 else "ae_attendance"
        carer = "mother" if rng.random() < 0.75 else "father"
        if kind == "health_visit":
            self._event(
                child,
                kind,
                "hv",
                self.at(days_ago, (9, 16)),
                rng.choice(ref.HV_TEXT).format(carer=carer),
                author=self.author("hv"),
            )
        elif kind == "gp_appointment":
            texts = ref.GP_BABY_TEXT if age < 1 else ref.GP_TEXT
            self._event(
                child,
                kind,
                hh.gp,
                self.at(days_ago, (8, 17)),
                rng.choice(texts).format(carer=carer),
                author=self.author(hh.gp),
            )
        elif kind == "school_absence" and school is not None:
            self._event(
                child,
                kind,
                school,
                self.at(days_ago, (9, 9)),
                rng.choice(ref.ABSENCE_TEXT).format(pct=rng.randint(78, 97)),
            )
        else:
            self._ae(child, days_ago, injury=rng.random() < 0.08)

    def _ae(self, child: ChildPlan, days_ago: int, *, injury: bool) -> None:
        rng = self.rng
        carer = "mother" if rng.random() < 0.75 else "father"
        if child.age_days(self.today) - days_ago > 13 * 365 and rng.random() < 0.3:
            text, injury = rng.choice(ref.AE_TEEN_TEXT), False
        else:
            text = rng.choice(ref.AE_INJURY_TEXT if injury else ref.AE_TEXT).format(carer=carer)
        self._event(
            child,
            "ae_attendance",
            "hospital",
            self.at(days_ago, (0, 23)),
            text,
            injury=injury,
            reference=f"ED{rng.randrange(10**7):07d}",
        )

    def _exploitation(self, child: ChildPlan, hh: Household, window: int) -> None:
        """Harm outside the home: missing episodes, police contact and a youth worker's concern."""
        rng = self.rng
        pron = _pronouns(child.sex)
        for _ in range(rng.randint(1, 3)):
            days_ago = rng.randint(1, min(window, 400))
            when = self.at(days_ago, (20, 23))
            text = rng.choice(ref.MISSING_TEXT).format(carer="mother", time=when.strftime("%H:%M"), **pron)
            self._event(
                child, "missing_episode", "police", when, text, categories=["missing"], reference=f"MISS-{days_ago}"
            )
        days_ago = rng.randint(1, min(window, 400))
        text = rng.choice(ref.POLICE_TEEN_TEXT).format(child=child.known_as)
        self._event(child, "police_incident", "police", self.at(days_ago, (15, 23)), text)
        category = "criminal_exploitation" if child.sex == "M" or rng.random() < 0.5 else "sexual_exploitation"
        days_ago = rng.randint(1, min(window, 400))
        self.concern(
            child,
            "vol:1",
            self.author("vol:1"),
            self.at(days_ago, (16, 21)),
            rng.choice(ref.CONCERN_TEXT[category]).format(name=child.known_as, **pron),
            [category, "harm_outside_home"],
            action="Shared with the front door (MASH) and the youth justice service.",
        )
        if rng.random() < 0.4:
            child.involvements[("yjs", "caseload")] = (self.today - timedelta(days=days_ago), None)

    # --- finishing -----------------------------------------------------------------------------

    def finish(self, child: ChildPlan) -> None:
        """Recording agencies become involved from their first record (as involvement_ensure
        would have made them on the day)."""
        child.entries.sort(key=lambda e: (e.occurred_at, e.kind, e.text))
        firsts = [(e.occurred_at, e.agency) for e in child.entries]
        firsts += [(e.occurred_at, e.agency) for e in child.pathway.entries]
        for occurred_at, agency in sorted(firsts):
            key = (agency, "recorded")
            if key not in child.involvements:
                child.involvements[key] = (occurred_at.date(), None)

    def chunks(self) -> Iterator[list[Household]]:
        """The whole authority: the scripted stories first, then ordinary households."""
        from safeguarding.synthetic.stories import plan_stories

        self.rng = self._stream("stories", 0)
        stories = plan_stories(self)
        for hh in stories:
            for child in hh.children:
                self.finish(child)
        self.children_planned += sum(len(h.children) for h in stories)
        yield stories
        while self.children_planned < self.cfg.size:
            households: list[Household] = []
            chunk_children = 0
            while chunk_children < CHUNK_CHILDREN and self.children_planned + chunk_children < self.cfg.size:
                self._households += 1
                self.rng = self._stream("household", self._households)
                hh = self.household()
                room = self.cfg.size - self.children_planned - chunk_children
                if len(hh.children) > room:
                    hh.children = hh.children[:room]
                    kept = set(map(id, hh.children))
                    for child in hh.children:
                        child.relationships = [
                            r for r in child.relationships if r.related_child is None or id(r.related_child) in kept
                        ]
                households.append(hh)
                chunk_children += len(hh.children)
            self.rng = self._stream("tiers", self._households)
            self.allocate_tiers(households)
            for n, hh in enumerate(households):
                # Histories draw from their own stream: what happened on which weekday never
                # shifts the names and families planned after it.
                number = self._households - len(households) + n + 1
                self.rng = self._stream("history", number)
                self.pathway.rng = self._stream("pathway", number)
                self.statuses(hh)
                self.history(hh)
                for child in hh.children:
                    self.finish(child)
            self.children_planned += chunk_children
            yield households


def plan_fingerprint(cfg: Config, on_chunk: Callable[[list[Household]], None] | None = None) -> tuple[str, int]:
    """The fingerprint of a whole plan, without a database (and its number of children)."""
    planner = Planner(cfg)
    lines: list[str] = []
    for households in planner.chunks():
        if on_chunk:
            on_chunk(households)
        lines.extend(fingerprint_lines([c for h in households for c in h.children]))
    return fingerprint(lines), len(lines)
