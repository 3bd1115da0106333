"""The synthetic population for linkage: deterministic, the size asked for, twins and siblings,
valid identifiers, each corruption at about its documented rate, and agency extracts in the
shapes agencies send."""

import csv
import itertools
import math
import random
import re
from collections import Counter, defaultdict
from datetime import date

import jellyfish
import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from safeguarding.linkage import population as pop
from safeguarding.linkage.population import (
    RECORD_FIELDS,
    Person,
    Population,
    ae_attendance_rows,
    generate_population,
    gp_registration_rows,
    nickname_options,
    police_incident_rows,
    school_roll_rows,
    write_csv,
    write_rows,
)
from safeguarding.people.identifiers import nhs_number_valid, upn_valid

POSTCODE = re.compile(r"^[A-Z]{2}[0-9]{1,2} [0-9][A-Z]{2}$")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
UK_DATE = re.compile(r"^\d{2}/\d{2}/\d{4}$")


@pytest.fixture(scope="module")
def population() -> Population:
    return generate_population(20_000, seed=7)


def person_of(population: Population, record: dict[str, str]) -> Person:
    return population.people[population.truth[record["record_id"]]]


def assert_rate(hits: int, eligible: int, expected: float, *, slack: float = 0.15) -> None:
    """Within four binomial standard deviations, plus a relative slack for the corruptions
    that overlap (a typo on a nickname, a swapped name that is also misspelt)."""
    assert eligible > 50, "too few records to measure the rate"
    observed = hits / eligible
    spread = 4 * math.sqrt(expected * (1 - expected) / eligible) + slack * expected
    assert abs(observed - expected) <= spread, f"observed {observed:.4f}, expected {expected:.4f} +- {spread:.4f}"


# --- Shape ------------------------------------------------------------------------------


def test_the_same_seed_gives_the_same_population_and_another_seed_another():
    first = generate_population(3_000, seed=11)
    again = generate_population(3_000, seed=11)
    other = generate_population(3_000, seed=12)
    assert first.records == again.records
    assert first.truth == again.truth
    assert first.twin_pairs == again.twin_pairs
    assert first.records != other.records


def test_the_global_random_state_is_neither_used_nor_disturbed():
    random.seed(1)
    expected_next = random.random()
    random.seed(1)
    generate_population(500, seed=3)
    assert random.random() == expected_next


@pytest.mark.parametrize("n", [0, 1, 17, 2_500])
def test_exactly_the_number_of_records_asked_for(n):
    population = generate_population(n, seed=5)
    assert len(population.records) == n
    ids = [r["record_id"] for r in population.records]
    assert len(set(ids)) == n
    assert set(population.truth) == set(ids)
    assert population.entities == len(set(population.truth.values())) == len(population.people)


def test_each_record_has_exactly_the_fields_as_strings(population):
    for record in population.records:
        assert tuple(record) == RECORD_FIELDS
        assert all(isinstance(v, str) for v in record.values())
        assert record["source"] in pop.SOURCES
        assert record["sex"] in ("M", "F", "")
        assert record["date_of_birth"] == "" or ISO_DATE.match(record["date_of_birth"])
        assert record["postcode"] == "" or POSTCODE.match(record["postcode"])


def test_record_ids_say_nothing_about_the_child(population):
    # Records of one child are scattered through the list, not next to each other.
    neighbours = sum(
        1
        for a, b in itertools.pairwise(population.records)
        if population.truth[a["record_id"]] == population.truth[b["record_id"]]
    )
    assert neighbours < 0.01 * len(population.records)


def test_two_to_two_and_a_half_records_per_child_from_every_source(population):
    assert 2.0 <= len(population.records) / population.entities <= 2.5
    sources = Counter(r["source"] for r in population.records)
    assert set(sources) == set(pop.SOURCES)
    per_child = Counter(population.truth.values())
    assert min(per_child.values()) >= 1


def test_children_are_0_to_17_and_only_school_age_children_have_a_school(population):
    for person in population.people.values():
        assert date(2008, 11, 26) <= person.date_of_birth <= pop.REFERENCE_DATE
        group = pop.school_year_group(person.date_of_birth)
        if group < 0:
            assert person.school == "" and person.upn == ""
        elif group <= 11:
            assert person.school and person.upn
        if person.school:
            assert ("Primary" in person.school) == (group <= 6)
    ages = Counter((pop.REFERENCE_DATE - p.date_of_birth).days // 366 for p in population.people.values())
    assert set(ages) == set(range(18))


def test_postcodes_spread_over_the_districts_asked_for():
    assert pop.default_districts(20_000) == 20
    assert pop.default_districts(1_000_000) == 500
    population = generate_population(6_000, seed=2, districts=37)
    outward = {r["postcode"].split()[0] for r in population.records if r["postcode"]}
    assert 30 <= len(outward) <= 37
    sectors = {r["postcode"][:-2] for r in population.records if r["postcode"]}
    assert len(sectors) >= 4 * 30


def test_names_come_from_many_communities(population):
    surnames = Counter(p.last_name for p in population.people.values())
    assert len(surnames) > 400
    # English, Polish, Somali, Nigerian, South Asian families all live in the city.
    for name in ("Khan", "Nowak", "Mohamed", "Okafor", "Patel"):
        assert any(s == name or s.startswith(name + "-") for s in surnames), name


# --- Families ------------------------------------------------------------------------------


def test_twins_share_surname_birth_date_address_and_school_but_not_first_name(population):
    assert population.twin_pairs
    for pair in population.twin_pairs:
        a, b = (population.people[e] for e in pair)
        assert a.twin_of == b.entity_id and b.twin_of == a.entity_id
        assert a.household == b.household
        assert (a.last_name, a.date_of_birth, a.address, a.postcode, a.school) == (
            b.last_name,
            b.date_of_birth,
            b.address,
            b.postcode,
            b.school,
        )
        assert a.first_name.lower() != b.first_name.lower()
        assert a.nhs_number != b.nhs_number
        assert a.upn != b.upn or a.upn == ""
    twin_children = 2 * len(population.twin_pairs)
    assert 0.01 <= twin_children / population.entities <= 0.02


def test_some_twins_are_of_different_sex_and_some_have_similar_names():
    population = generate_population(60_000, seed=8)
    pairs = [tuple(population.people[e] for e in pair) for pair in population.twin_pairs]
    assert any(a.sex != b.sex for a, b in pairs)
    assert any(a.sex == b.sex for a, b in pairs)
    similar = {frozenset((a, b)) for a, _, b, _ in pop.SIMILAR_TWIN_NAMES}
    assert any(frozenset((a.first_name, b.first_name)) in similar for a, b in pairs)


def test_siblings_live_together_and_mostly_share_a_surname(population):
    households = defaultdict(list)
    for person in population.people.values():
        households[person.household].append(person)
    families = [h for h in households.values() if len(h) > 1]
    assert len(families) > 0.3 * len(households)
    assert max(len(h) for h in households.values()) <= 4
    for family in families:
        assert len({(p.address, p.postcode) for p in family}) == 1
        assert len({p.first_name.lower() for p in family}) == len(family)
    shared = sum(1 for h in families if len({p.last_name for p in h}) == 1)
    assert shared / len(families) > 0.75


# --- Identifiers ---------------------------------------------------------------------------


def test_identifiers_are_valid_true_and_unique_to_each_child(population):
    for person in population.people.values():
        assert nhs_number_valid(person.nhs_number)
        assert person.nhs_number.startswith("999")  # NHS England's test range
        if person.upn:
            assert upn_valid(person.upn)
            assert person.upn[1:4] == pop.LA_NUMBER
    assert len({p.nhs_number for p in population.people.values()}) == population.entities
    upns = [p.upn for p in population.people.values() if p.upn]
    assert len(set(upns)) == len(upns)
    for record in population.records:
        person = person_of(population, record)
        assert record["nhs_number"] in ("", person.nhs_number)
        assert record["upn"] in ("", person.upn)


@pytest.mark.parametrize("source", pop.SOURCES)
def test_identifiers_are_present_at_the_rate_of_each_source(population, source):
    records = [r for r in population.records if r["source"] == source]
    nhs = sum(1 for r in records if r["nhs_number"])
    expected_nhs = pop.NHS_NUMBER_RATE[source]
    if expected_nhs == 0:
        assert nhs == 0
    else:
        assert_rate(nhs, len(records), expected_nhs, slack=0)
    school_age = [r for r in records if person_of(population, r).upn]
    upns = sum(1 for r in school_age if r["upn"])
    expected_upn = pop.UPN_RATE[source]
    if expected_upn == 0:
        assert upns == 0
    elif expected_upn == 1:
        assert upns == len(school_age)
    else:
        assert_rate(upns, len(school_age), expected_upn, slack=0)


def test_school_rolls_are_of_school_age_children_with_their_upn_and_school(population):
    for record in population.records:
        if record["source"] == "school_roll":
            person = person_of(population, record)
            assert record["upn"] == person.upn != ""
            assert record["school"] == person.school != ""


# --- Corruption ----------------------------------------------------------------------------


def _count(population, eligible, hit):
    chosen = [(r, person_of(population, r)) for r in population.records if eligible(r, person_of(population, r))]
    return sum(1 for r, p in chosen if hit(r, p)), len(chosen)


def _not_swapped(r, p):
    return r["last_name"] != p.first_name


def _surname_forms(p):
    forms = {p.last_name, p.new_last_name, p.last_name.replace("-", " ")}
    forms.update(p.last_name.split("-"))
    forms.update(pop.without_accents(f) for f in list(forms))
    return forms - {""}


def _first_name_forms(p):
    british, package = nickname_options(p.first_name)
    forms = {p.first_name, *british, *package}
    return forms | {pop.without_accents(f) for f in forms}


def _distance_one(value, forms):
    return any(jellyfish.damerau_levenshtein_distance(value.lower(), f.lower()) == 1 for f in forms)


def test_nicknames_at_their_rate_by_source(population):
    for source in pop.SOURCES:
        hits, eligible = _count(
            population,
            lambda r, p, s=source: r["source"] == s and any(nickname_options(p.first_name)) and _not_swapped(r, p),
            lambda r, p: r["first_name"] in set().union(*nickname_options(p.first_name)),
        )
        assert_rate(hits, eligible, pop.NICKNAME_RATE[source], slack=0.3)


def test_alexander_may_be_alex_or_sasha():
    british, _ = nickname_options("Alexander")
    assert {"Alex", "Sasha"} <= set(british)
    assert "Tom" in set().union(*nickname_options("Thomas"))


def test_first_name_typos_at_their_rate(population):
    hits, eligible = _count(
        population,
        lambda r, p: p.first_name.isascii() and len(r["first_name"]) > 1 and _not_swapped(r, p),
        lambda r, p: (
            r["first_name"] not in _first_name_forms(p) and _distance_one(r["first_name"], _first_name_forms(p))
        ),
    )
    assert_rate(hits, eligible, pop.FIRST_NAME_TYPO_RATE)


def test_last_name_typos_at_their_rate(population):
    hits, eligible = _count(
        population,
        lambda r, p: p.last_name.isascii() and _not_swapped(r, p),
        lambda r, p: r["last_name"] not in _surname_forms(p) and _distance_one(r["last_name"], _surname_forms(p)),
    )
    assert_rate(hits, eligible, pop.LAST_NAME_TYPO_RATE)


def test_first_and_last_names_swapped_at_their_rate(population):
    hits, eligible = _count(
        population,
        lambda r, p: True,
        lambda r, p: r["last_name"] in _first_name_forms(p) and r["first_name"] in _surname_forms(p),
    )
    assert_rate(hits, eligible, pop.NAME_SWAP_RATE, slack=0.25)


def test_police_sometimes_give_only_an_initial(population):
    hits, eligible = _count(
        population,
        lambda r, p: r["source"] == "police_incident" and _not_swapped(r, p),
        lambda r, p: len(r["first_name"]) == 1 and r["first_name"] == p.first_name[0],
    )
    assert_rate(hits, eligible, pop.POLICE_INITIAL_RATE, slack=0.1)
    assert not any(len(r["first_name"]) == 1 for r in population.records if r["source"] != "police_incident")


def test_accents_sometimes_dropped(population):
    hits, eligible = _count(
        population,
        lambda r, p: not p.last_name.isascii() and r["last_name"] in (p.last_name, pop.without_accents(p.last_name)),
        lambda r, p: r["last_name"] == pop.without_accents(p.last_name),
    )
    assert_rate(hits, eligible, pop.ACCENTS_DROPPED_RATE, slack=0.1)
    assert pop.without_accents("Wiśniewski") == "Wisniewski"
    assert pop.without_accents("Małgorzata") == "Malgorzata"


def test_double_barrelled_surnames_appear_whole_and_in_part(population):
    people = [p for p in population.people.values() if "-" in p.last_name and not p.last_name.startswith("Al-")]
    households = {p.household for p in population.people.values()}
    double_households = {p.household for p in people}
    assert_rate(len(double_households), len(households), pop.DOUBLE_BARRELLED_RATE, slack=0.3)
    hits, eligible = _count(
        population,
        lambda r, p: "-" in p.last_name and not p.last_name.startswith("Al-") and not p.new_last_name,
        lambda r, p: r["last_name"] in p.last_name.split("-"),
    )
    assert_rate(hits, eligible, pop.DOUBLE_BARRELLED_ONE_PART_RATE, slack=0.2)


def test_changed_surnames_with_the_former_one_sometimes_kept(population):
    changed = [p for p in population.people.values() if p.new_last_name]
    assert changed
    hits, eligible = _count(
        population,
        lambda r, p: bool(p.new_last_name) and "-" not in p.last_name + p.new_last_name and _not_swapped(r, p),
        lambda r, p: r["last_name"] == p.new_last_name,
    )
    assert_rate(hits, eligible, pop.RECORD_AFTER_SURNAME_CHANGE_RATE, slack=0.1)
    kept = [r for r in population.records if r["former_last_name"]]
    assert kept
    for record in kept:
        person = person_of(population, record)
        assert record["former_last_name"] == person.last_name
        assert person.new_last_name


def test_day_and_month_transposed_only_where_they_can_be(population):
    def transposed(d):
        return date(d.year, d.day, d.month).isoformat()

    hits, eligible = _count(
        population,
        lambda r, p: p.date_of_birth.day <= 12 and p.date_of_birth.day != p.date_of_birth.month,
        lambda r, p: r["date_of_birth"] == transposed(p.date_of_birth),
    )
    assert_rate(hits, eligible, pop.DOB_TRANSPOSED_RATE)


def test_near_miss_dates_are_a_day_out_or_one_digit_wrong(population):
    near = []
    for record in population.records:
        person = person_of(population, record)
        got, true = record["date_of_birth"], person.dob_iso
        if not got or got == true:
            continue
        d = date.fromisoformat(got)
        if d.year == person.date_of_birth.year and (d.day, d.month) == (
            person.date_of_birth.month,
            person.date_of_birth.day,
        ):
            continue  # transposed
        assert abs((d - person.date_of_birth).days) == 1 or sum(a != b for a, b in zip(got, true, strict=True)) == 1
        assert d <= pop.REFERENCE_DATE
        near.append(record)
    assert_rate(len(near), len(population.records), pop.DOB_NEAR_MISS_RATE)


def test_missing_dates_of_birth_and_sex_at_their_rates(population):
    records = population.records
    assert_rate(sum(1 for r in records if not r["date_of_birth"]), len(records), pop.DOB_MISSING_RATE)
    assert_rate(sum(1 for r in records if not r["sex"]), len(records), pop.SEX_MISSING_RATE)
    assert all(r["sex"] in ("", person_of(population, r).sex) for r in records)


def test_moves_give_later_records_the_new_address(population):
    households = {p.household: bool(p.new_address) for p in population.people.values()}
    assert_rate(sum(households.values()), len(households), pop.HOUSEHOLD_MOVE_RATE, slack=0.1)
    hits, eligible = _count(
        population,
        lambda r, p: (
            bool(p.new_postcode) and r["postcode"] in (p.postcode, p.new_postcode) and p.postcode != p.new_postcode
        ),
        lambda r, p: r["postcode"] == p.new_postcode,
    )
    assert_rate(hits, eligible, pop.RECORD_AFTER_MOVE_RATE, slack=0.1)
    for record in population.records:
        person = person_of(population, record)
        if record["address"] and not person.new_address:
            assert record["address"] in (person.address, pop.abbreviate_address(person.address))


def test_postcodes_missing_or_mistyped_at_their_rates(population):
    records = population.records
    assert_rate(sum(1 for r in records if not r["postcode"]), len(records), pop.POSTCODE_MISSING_RATE)
    hits, eligible = _count(
        population,
        lambda r, p: bool(r["postcode"]),
        lambda r, p: r["postcode"] not in (p.postcode, p.new_postcode),
    )
    assert_rate(hits, eligible, pop.POSTCODE_TYPO_RATE, slack=0.25)


def test_addresses_missing_or_abbreviated_at_their_rates(population):
    records = population.records
    assert_rate(sum(1 for r in records if not r["address"]), len(records), pop.ADDRESS_MISSING_RATE)
    hits, eligible = _count(
        population,
        lambda r, p: bool(r["address"]) and pop.abbreviate_address(p.address) != p.address and not p.new_address,
        lambda r, p: r["address"] == pop.abbreviate_address(p.address),
    )
    assert_rate(hits, eligible, pop.ADDRESS_ABBREVIATED_RATE)


@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=3, max_size=12), st.integers(0, 2**32))
@hypothesis_settings(max_examples=300, deadline=None)
def test_a_typo_is_one_edit(name, seed):
    name = name.capitalize()
    misspelt = pop.typo(random.Random(seed), name)
    if len(set(name.lower())) > 1:
        assert misspelt.lower() != name.lower()
    if misspelt != name:
        assert jellyfish.damerau_levenshtein_distance(misspelt.lower(), name.lower()) == 1
        assert misspelt[0].isupper()


@given(st.dates(date(2008, 11, 26), pop.REFERENCE_DATE), st.integers(0, 2**32))
@hypothesis_settings(max_examples=300, deadline=None)
def test_a_near_miss_is_a_different_real_date_not_in_the_future(dob, seed):
    missed = pop.near_miss(random.Random(seed), dob)
    assert missed != dob
    assert missed <= pop.REFERENCE_DATE
    assert (
        abs((missed - dob).days) == 1
        or sum(a != b for a, b in zip(missed.isoformat(), dob.isoformat(), strict=True)) == 1
    )


def test_a_postcode_typo_keeps_the_shape_of_a_postcode():
    rng = random.Random(1)
    for _ in range(200):
        misspelt = pop.postcode_typo(rng, "BK4 7QT")
        assert POSTCODE.match(misspelt)
        assert misspelt != "BK4 7QT" and misspelt.startswith("BK4 ")


# --- Files ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def small() -> Population:
    return generate_population(3_000, seed=21)


def test_write_csv_round_trips_the_records(small, tmp_path):
    path = tmp_path / "records.csv"
    assert write_csv(small.records, path) == len(small.records)
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert rows == small.records
    write_csv(small.records, path, columns=["record_id", "last_name"])
    with open(path, newline="", encoding="utf-8") as f:
        assert next(csv.reader(f)) == ["record_id", "last_name"]


def test_school_roll_extract(small, population, tmp_path):
    headings, rows = school_roll_rows(small)
    assert headings == [
        "UPN",
        "Surname",
        "Forename",
        "Middle names",
        "DOB",
        "Gender",
        "Address line 1",
        "Postcode",
        "Former surname",
    ]
    records = small.records_from("school_roll")
    assert len(rows) == len(records)
    for row, record in zip(rows, records, strict=True):
        assert row[0] == record["upn"] and upn_valid(row[0])
        assert row[4] == "" or UK_DATE.match(row[4])
        assert row[4] == pop.uk_date(record["date_of_birth"])
        assert row[5] in ("M", "F", "")
    # Former surnames reach the roll's own column.
    assert any(row[8] for row in school_roll_rows(population)[1])
    path = tmp_path / "roll.csv"
    write_rows(path, headings, rows)
    with open(path, newline="", encoding="utf-8") as f:
        assert list(csv.reader(f)) == [headings, *rows]


def test_uk_dates_are_day_first():
    assert pop.uk_date("2019-03-07") == "07/03/2019"
    assert pop.uk_date("") == ""


def test_gp_registration_extract(small):
    headings, rows = gp_registration_rows(small)
    assert headings == [
        "NHS Number",
        "Family Name",
        "Given Name",
        "Date of Birth",
        "Sex",
        "Address Line 1",
        "Postcode",
    ]
    assert len(rows) == len(small.records_from("gp_registration"))
    for row in rows:
        assert row[0] == "" or (re.fullmatch(r"\d{3} \d{3} \d{4}", row[0]) and nhs_number_valid(row[0]))
        assert row[3] == "" or ISO_DATE.match(row[3])
        assert row[4] in ("Male", "Female", "Unknown")
    assert {row[4] for row in rows} == {"Male", "Female", "Unknown"}


def test_ae_attendance_extract(small):
    headings, rows = ae_attendance_rows(small)
    assert headings == [
        "Attendance ID",
        "Arrival Date/Time",
        "NHS Number",
        "Surname",
        "Forename",
        "DOB",
        "Gender",
        "Postcode",
        "Address",
        "Presenting Complaint",
        "Injury",
    ]
    records = small.records_from("ae_attendance")
    assert len(rows) == len(records)
    assert len({row[0] for row in rows}) == len(rows)
    for row, record in zip(rows, records, strict=True):
        arrival = re.fullmatch(r"(\d{2})/(\d{2})/(\d{4}) \d{2}:\d{2}", row[1])
        assert arrival
        day = date(int(arrival[3]), int(arrival[2]), int(arrival[1]))
        assert person_of(small, record).date_of_birth <= day <= pop.REFERENCE_DATE
        assert row[5] == "" or UK_DATE.match(row[5])
        assert row[10] in ("Y", "N")
    assert ae_attendance_rows(small) == (headings, rows)


def test_police_incident_extract_keeps_one_person_reference_per_child(small):
    headings, rows = police_incident_rows(small)
    assert headings == [
        "Incident Reference",
        "Incident Date",
        "Person Reference",
        "Surname",
        "Forenames",
        "Date of Birth",
        "Address",
        "Postcode",
        "Role",
        "Domestic Abuse",
        "Summary",
    ]
    records = small.records_from("police_incident")
    assert len(rows) == len(records)
    assert len({row[0] for row in rows}) == len(rows)
    reference_of = {}
    for row, record in zip(rows, records, strict=True):
        entity = small.truth[record["record_id"]]
        assert reference_of.setdefault(entity, row[2]) == row[2]
        assert UK_DATE.match(row[1])
        assert row[5] == "" or UK_DATE.match(row[5])
        assert row[8] in ("Present", "Normally resides")
        assert row[9] in ("Y", "N")
    assert len(set(reference_of.values())) == len(reference_of)
    assert any(n > 1 for n in Counter(row[2] for row in rows).values())
