"""A synthetic population for testing and benchmarking identity linkage (issue 4, "Evidence").

True children (entities) live in households in a fictional English city. Each child is
described by a few agency records (a school roll, a GP registration, A&E attendances, police
incidents, referrals), and each record is corrupted independently the way real records are:
nicknames, typos, hyphenated and changed surnames, swapped names, transposed and near-miss
dates, moves of address, missing fields and missing identifiers. Twins (same surname, date
of birth, address and school) are the hardest non-matches and are reported, so that a
benchmark can check they were never merged.

Nothing here is real: the postcode areas (BK, BF, BU ...) are not Royal Mail areas, NHS
numbers are in NHS England's 999 test range, and the local authority number is 999.

Generation is deterministic for a seed (one `random.Random`, drawn in a fixed order, never
the global one) and reads every name list once: 1,000,000 records take about 15 seconds.

The rates below are probabilities per record (or per household where stated), applied
independently. They are judgement, chosen to be of the order seen in agencies' records of
children, not measurements (UNCONFIRMED). Tests check that each is what the records show.
"""

from __future__ import annotations

import csv
import os
import random
import unicodedata
from bisect import bisect
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import accumulate
from typing import Generic, TypeVar

from faker.providers.person.en_GB import Provider as EnGbNames
from nicknames import NickNamer

from safeguarding.people.identifiers import nhs_number_check_digit, upn_check_letter
from safeguarding.people.matching import BRITISH_NICKNAMES
from safeguarding.synthetic import reference as ref

T = TypeVar("T")

REFERENCE_DATE = date(2026, 11, 25)
# Children are 0-17 on the reference date: born after this date.
_EARLIEST_BIRTH = date(2008, 11, 26)

SOURCES = ("school_roll", "gp_registration", "ae_attendance", "police_incident", "referral")
RECORD_FIELDS = (
    "record_id",
    "source",
    "first_name",
    "middle_names",
    "last_name",
    "former_last_name",
    "date_of_birth",
    "sex",
    "postcode",
    "address",
    "school",
    "nhs_number",
    "upn",
)

# --- Households (per household) --------------------------------------------------------

# Births per household (a twin birth adds a child, up to four children).
BIRTHS_PER_HOUSEHOLD = ((1, 42), (2, 36), (3, 16), (4, 6))
# Chance that a birth is twins, set so that about 1.5% of children are twins.
TWIN_BIRTH_RATE = 0.0090
# Twins given similar first names (Jack and Jake, Ellie and Ella), of twin pairs where the
# family's names are English.
TWIN_SIMILAR_NAMES_RATE = 0.25
# Twins of different sex, of twin pairs without similar names.
TWIN_DIFFERENT_SEX_RATE = 0.5
# A younger sibling with another surname (a half-sibling), per child after the first birth.
HALF_SIBLING_RATE = 0.10
# Households whose children have a double-barrelled surname ("Smith-Jones").
DOUBLE_BARRELLED_RATE = 0.04
# Households whose children took a step-parent's surname during the period.
SURNAME_CHANGE_RATE = 0.03
# Households that moved house during the period.
HOUSEHOLD_MOVE_RATE = 0.15
# Households in a flat ("Flat 4, Calder House").
FLAT_RATE = 0.08
# Of 16- and 17-year-olds, those still on a school roll (a school sixth form).
SIXTH_FORM_RATE = 0.55

# --- Records per child ------------------------------------------------------------------

GP_REGISTRATION_RATE = 0.97
# A second GP registration (re-registered, usually after a move).
GP_REREGISTRATION_RATE = 0.05
GP_REREGISTRATION_AFTER_MOVE_RATE = 0.40
AE_ATTENDANCES = ((0, 66), (1, 23), (2, 8), (3, 3))
POLICE_INCIDENTS = ((0, 94), (1, 5), (2, 1))
REFERRALS = ((0, 93), (1, 6), (2, 1))

# --- Corruption of each record (per record) --------------------------------------------

# A record made after the household's move has the new address and postcode.
RECORD_AFTER_MOVE_RATE = 0.5
# A record made after a surname change has the new surname ...
RECORD_AFTER_SURNAME_CHANGE_RATE = 0.5
# ... and keeps the old one as former_last_name this often (school rolls have the column).
FORMER_SURNAME_KEPT_RATE = {
    "school_roll": 0.6,
    "gp_registration": 0.2,
    "ae_attendance": 0.1,
    "police_incident": 0.2,
    "referral": 0.3,
}
# Of records of a child with a double-barrelled surname: only one part ("Smith" for
# "Smith-Jones") ...
DOUBLE_BARRELLED_ONE_PART_RATE = 0.35
# ... or both parts with a space instead of the hyphen.
DOUBLE_BARRELLED_SPACE_RATE = 0.10
# A nickname instead of the formal first name (of records whose first name has one): the
# legal name on a school roll and a GP registration, the name the child is called elsewhere.
NICKNAME_RATE = {
    "school_roll": 0.03,
    "gp_registration": 0.05,
    "ae_attendance": 0.15,
    "police_incident": 0.20,
    "referral": 0.20,
}
# One substitution, deletion, insertion or adjacent transposition.
FIRST_NAME_TYPO_RATE = 0.03
LAST_NAME_TYPO_RATE = 0.03
# First and last name recorded the wrong way round.
NAME_SWAP_RATE = 0.01
# Police notifications naming a child by initial only ("J Smith").
POLICE_INITIAL_RATE = 0.15
# Accented letters recorded without their accents (of names that have them).
ACCENTS_DROPPED_RATE = 0.5
# Middle names recorded, of children who have them.
MIDDLE_NAMES_KEPT_RATE = {
    "school_roll": 0.95,
    "gp_registration": 0.7,
    "ae_attendance": 0.2,
    "police_incident": 0.4,
    "referral": 0.3,
}
DOB_MISSING_RATE = 0.005
# Day and month transposed (of records whose day is 12 or less and differs from the month).
DOB_TRANSPOSED_RATE = 0.03
# One digit wrong, or a day out (half each).
DOB_NEAR_MISS_RATE = 0.015
# Sex missing or recorded as not known (both '' here; the GP extract says "Unknown").
SEX_MISSING_RATE = 0.03
ADDRESS_MISSING_RATE = 0.02
# "12 Mill Ln" for "12 Mill Lane".
ADDRESS_ABBREVIATED_RATE = 0.15
POSTCODE_MISSING_RATE = 0.03
# One character of the inward code wrong, or its two letters transposed.
POSTCODE_TYPO_RATE = 0.01
# Where a record has an identifier at all; an identifier present is always the true one.
NHS_NUMBER_RATE = {
    "school_roll": 0.0,
    "gp_registration": 0.95,
    "ae_attendance": 0.60,
    "police_incident": 0.0,
    "referral": 0.30,
}
# Of school-age children.
UPN_RATE = {
    "school_roll": 1.0,
    "gp_registration": 0.0,
    "ae_attendance": 0.0,
    "police_incident": 0.0,
    "referral": 0.30,
}
# Of children with a school.
SCHOOL_RECORDED_RATE = {
    "school_roll": 1.0,
    "gp_registration": 0.0,
    "ae_attendance": 0.10,
    "police_incident": 0.20,
    "referral": 0.70,
}

# --- Places -------------------------------------------------------------------------------

# Fictional postcode areas: none is a Royal Mail area (first letter never Q, V or X; second
# never I, J or Z, as in real postcodes). 99 districts each.
POSTCODE_AREAS = ("BK", "BF", "BU", "BW", "BY", "CD", "CU", "DF", "DU", "FD", "FG", "GD", "GF", "HF", "KF", "LF")
LA_NUMBER = ref.LA_NUMBER
_ABBREVIATIONS = {
    "Road": "Rd",
    "Street": "St",
    "Lane": "Ln",
    "Avenue": "Ave",
    "Close": "Cl",
    "Drive": "Dr",
    "Crescent": "Cres",
    "Gardens": "Gdns",
    "Grove": "Gr",
    "Place": "Pl",
    "Terrace": "Ter",
    "Court": "Ct",
}
_STEM_SUFFIXES = ("Green", "Park", "Hill", "Vale", "Bank", "Field", "Lea", "Brook")


class _Weighted(Generic[T]):
    """A fast weighted choice from fixed (value, weight) pairs."""

    __slots__ = ("cum", "total", "values")

    def __init__(self, pairs: Iterable[tuple[T, float]]) -> None:
        pairs = list(pairs)
        self.values = [v for v, _ in pairs]
        self.cum = list(accumulate(w for _, w in pairs))
        self.total = self.cum[-1]

    def __call__(self, rng: random.Random) -> T:
        return self.values[bisect(self.cum, rng.random() * self.total)]


def _ranked(names: Sequence[str], share: float = 1.0, flatten: float = 8.0) -> list[tuple[str, float]]:
    """Names in order of popularity, weighted like a name frequency table (Zipf-like)."""
    weights = [1.0 / (rank + flatten) for rank in range(len(names))]
    total = sum(weights)
    return [(n, share * w / total) for n, w in zip(names, weights, strict=True)]


# --- Names --------------------------------------------------------------------------------
# Children's names: ONS top names for England and Wales (synthetic/reference.py) with Faker's
# en_GB names as the long tail, and the commonest names of Britain's larger minority
# communities. Each pool: boys, girls, surnames, and the share of children given a name
# from the English lists instead (second-generation families often do).

_FAKER_BOYS = [n for n in EnGbNames.first_names_male if n not in ref.BOYS]
_FAKER_GIRLS = [n for n in EnGbNames.first_names_female if n not in ref.GIRLS]
# The commonest name about 1.7% of children, as Oliver and Olivia are (ONS 2010s).
_ENGLISH_BOYS = _Weighted(_ranked(ref.BOYS, 0.65, 30) + _ranked(_FAKER_BOYS, 0.35, 60))
_ENGLISH_GIRLS = _Weighted(_ranked(ref.GIRLS, 0.65, 30) + _ranked(_FAKER_GIRLS, 0.35, 60))
_ENGLISH_SURNAMES = _Weighted(list(EnGbNames.last_names.items()))


@dataclass(frozen=True)
class _Pool:
    key: str
    weight: float
    boys: tuple[str, ...]
    girls: tuple[str, ...]
    surnames: tuple[str, ...]
    english_share: float
    middle_rate: float


_POOLS = (
    _Pool("english", 58, (), (), (), 1.0, 0.7),
    _Pool(
        "irish",
        3,
        ("Oisin", "Cian", "Conor", "Sean", "Patrick", "Ronan", "Darragh", "Cillian", "Fionn", "Liam", "Aidan"),
        ("Niamh", "Aoife", "Ciara", "Saoirse", "Siobhan", "Orla", "Roisin", "Caoimhe", "Aisling", "Sinead"),
        ("Murphy", "O'Brien", "O'Connor", "Kelly", "Byrne", "O'Sullivan", "Walsh", "Doyle", "McCarthy",
         "O'Neill", "Gallagher", "Ryan", "Quinn", "McLaughlin", "Flanagan", "Donnelly"),
        0.5,
        0.6,
    ),
    _Pool(
        "polish",
        4,
        ("Jakub", "Antoni", "Szymon", "Filip", "Jan", "Kacper", "Mateusz", "Oskar", "Wojciech", "Dominik",
         "Michał", "Igor", "Aleksander", "Bartosz"),
        ("Zuzanna", "Julia", "Zofia", "Maja", "Hanna", "Lena", "Wiktoria", "Natalia", "Oliwia", "Amelia",
         "Aleksandra", "Małgorzata", "Alicja"),
        ("Nowak", "Kowalski", "Wiśniewski", "Wójcik", "Kowalczyk", "Kamiński", "Lewandowski", "Zieliński",
         "Szymański", "Woźniak", "Dąbrowski", "Kozłowski", "Jankowski", "Mazur", "Krawczyk"),
        0.2,
        0.2,
    ),
    _Pool(
        "romanian",
        2.5,
        ("Andrei", "Luca", "Ionut", "Alexandru", "David", "Stefan", "Mihai", "Darius", "Gabriel", "Matei"),
        ("Maria", "Ana", "Ioana", "Elena", "Sofia", "Daria", "Andreea", "Bianca", "Alexia", "Denisa"),
        ("Popescu", "Ionescu", "Popa", "Radu", "Stan", "Dumitru", "Constantin", "Munteanu", "Stoica", "Gheorghe",
         "Rusu", "Matei"),
        0.2,
        0.2,
    ),
    _Pool(
        "pakistani",
        6,
        ("Muhammad", "Mohammed", "Ibrahim", "Yusuf", "Ali", "Zayn", "Ayaan", "Rayyan", "Hamza", "Haris", "Idris",
         "Zain", "Abdullah", "Musa", "Umar", "Bilal", "Hassan", "Mikail"),
        ("Aisha", "Maryam", "Fatima", "Zara", "Inaya", "Aaliyah", "Hafsa", "Amira", "Khadija", "Zainab", "Safa",
         "Noor", "Eman", "Hana", "Mariam", "Ayesha", "Iqra", "Anaya"),
        ("Khan", "Ahmed", "Hussain", "Ali", "Iqbal", "Shah", "Akhtar", "Mahmood", "Mirza", "Butt", "Malik",
         "Hussein", "Rashid", "Aslam", "Bibi", "Javed", "Raza", "Anwar"),
        0.05,
        0.3,
    ),
    _Pool(
        "indian",
        4,
        ("Arjun", "Aarav", "Rohan", "Krish", "Veer", "Dev", "Aryan", "Ishaan", "Kabir", "Jaspreet", "Harjot",
         "Rishi", "Neel", "Vihaan"),
        ("Priya", "Simran", "Anaya", "Diya", "Isha", "Aanya", "Riya", "Navneet", "Jasleen", "Kiran", "Meera",
         "Anika", "Saanvi", "Tara"),
        ("Patel", "Singh", "Sharma", "Kaur", "Gill", "Sandhu", "Shah", "Mistry", "Kumar", "Joshi", "Parmar",
         "Dhillon", "Sidhu", "Chauhan", "Gupta", "Bains"),
        0.1,
        0.3,
    ),
    _Pool(
        "bangladeshi",
        2.5,
        ("Mohammed", "Abdul", "Rayhan", "Ayaan", "Ishaq", "Sami", "Yahya", "Zakariya", "Tahmid", "Rafi"),
        ("Ayesha", "Sumaiya", "Tasnim", "Nusrat", "Maryam", "Jannat", "Ruqayyah", "Fatema", "Afia", "Sadia"),
        ("Miah", "Uddin", "Rahman", "Islam", "Begum", "Chowdhury", "Hussain", "Ahmed", "Hoque", "Alam", "Khatun",
         "Ali"),
        0.05,
        0.3,
    ),
    _Pool(
        "somali",
        2.5,
        ("Abdi", "Abdirahman", "Mohamed", "Ahmed", "Hassan", "Yusuf", "Omar", "Abdullahi", "Ibrahim", "Mustafa",
         "Ayaan", "Liban", "Mahad", "Hamza"),
        ("Hodan", "Fadumo", "Sagal", "Hibo", "Nimco", "Ifrah", "Ayan", "Amina", "Hamdi", "Deeqa", "Sahra",
         "Ikram", "Ilhan", "Nasra"),
        ("Mohamed", "Ahmed", "Hassan", "Abdi", "Ali", "Farah", "Osman", "Warsame", "Jama", "Omar", "Hussein",
         "Yusuf", "Nur", "Egal", "Aden", "Ismail"),
        0.02,
        0.2,
    ),
    _Pool(
        "nigerian",
        3.5,
        ("Oluwaseun", "Ayomide", "Chidi", "Emeka", "Tobi", "Daniel", "Samuel", "Emmanuel", "Joshua", "David",
         "Oluwatobi", "Chinedu", "Femi", "Tunde", "Ikenna", "Favour"),
        ("Adaeze", "Chioma", "Ifeoma", "Temitope", "Precious", "Favour", "Blessing", "Grace", "Esther",
         "Funmilayo", "Ngozi", "Amara", "Oluwadamilola", "Tolani", "Zainab"),
        ("Okafor", "Adeyemi", "Okonkwo", "Adebayo", "Okeke", "Eze", "Nwosu", "Balogun", "Ogunleye", "Olawale",
         "Afolabi", "Adeleke", "Chukwu", "Obi", "Nwachukwu", "Ogunbiyi", "Oyelaran", "Bello"),
        0.3,
        0.7,
    ),
    _Pool(
        "ghanaian",
        1.5,
        ("Kofi", "Kwame", "Kwabena", "Yaw", "Kojo", "Nana", "Kwesi", "Samuel", "Emmanuel", "Joel"),
        ("Ama", "Abena", "Akosua", "Efua", "Adwoa", "Esi", "Nana", "Abigail", "Gifty", "Priscilla"),
        ("Mensah", "Osei", "Boateng", "Asante", "Owusu", "Appiah", "Agyeman", "Darko", "Amoah", "Acheampong",
         "Antwi", "Bonsu"),
        0.3,
        0.6,
    ),
    _Pool(
        "caribbean",
        3,
        ("Tyrese", "Malachi", "Jayden", "Kemar", "Jahmai", "Amari", "Josiah", "Kairo", "Jermaine", "Deshawn"),
        ("Shanice", "Tiana", "Kayla", "Nia", "Amani", "Jada", "Aaliyah", "Kiara", "Shantelle", "Zuri"),
        ("Campbell", "Williams", "Brown", "Clarke", "Francis", "Thomas", "Grant", "Reid", "Morgan", "Henry",
         "Bailey", "Barrett", "Forbes", "McKenzie", "Richards", "Gayle"),
        0.6,
        0.6,
    ),
    _Pool(
        "chinese",
        1.5,
        ("Ethan", "Ryan", "Jason", "Kevin", "Lucas", "Wei", "Hao", "Jun", "Zihan", "Yuxuan"),
        ("Chloe", "Emily", "Mei", "Ling", "Sophia", "Jasmine", "Amy", "Xinyi", "Yutong", "Wing"),
        ("Chen", "Wang", "Li", "Zhang", "Liu", "Wong", "Lee", "Cheung", "Chan", "Ng", "Lin", "Huang"),
        0.2,
        0.3,
    ),
    _Pool(
        "arab",
        2,
        ("Yusuf", "Omar", "Adam", "Ahmad", "Karim", "Ziad", "Sami", "Tariq", "Youssef", "Khalid"),
        ("Layla", "Mariam", "Nour", "Yasmin", "Salma", "Lina", "Rania", "Sara", "Huda", "Dana"),
        ("Al-Hassan", "Hassan", "Saleh", "Abdullah", "Haddad", "Mansour", "Nasser", "Al-Sayed", "Khalil",
         "Ibrahim", "Aziz", "Darwish"),
        0.1,
        0.3,
    ),
)  # fmt: skip
_POOL = _Weighted([(p, p.weight) for p in _POOLS])
_POOL_NAMES = {
    p.key: (_Weighted(_ranked(p.boys)), _Weighted(_ranked(p.girls)), _Weighted(_ranked(p.surnames, flatten=4)))
    for p in _POOLS
    if p.key != "english"
}

# Twins with names a tired receptionist might mix up: (first twin, sex, second twin, sex).
SIMILAR_TWIN_NAMES = (
    ("Jack", "M", "Jake", "M"),
    ("Ellie", "F", "Ella", "F"),
    ("Lily", "F", "Lola", "F"),
    ("Amelia", "F", "Amelie", "F"),
    ("Mia", "F", "Maya", "F"),
    ("Sophie", "F", "Sophia", "F"),
    ("Ava", "F", "Eva", "F"),
    ("Harry", "M", "Harvey", "M"),
    ("Mason", "M", "Jason", "M"),
    ("Ethan", "M", "Evan", "M"),
    ("Leo", "M", "Theo", "M"),
    ("Finley", "M", "Finlay", "M"),
    ("Oliver", "M", "Olivia", "F"),
    ("Louis", "M", "Louise", "F"),
    ("Daniel", "M", "Danielle", "F"),
    ("Harry", "M", "Harriet", "F"),
    ("Charlie", "M", "Charlotte", "F"),
    ("Leo", "M", "Leah", "F"),
    ("Alexander", "M", "Alexandra", "F"),
)

_nicknamer = NickNamer()
_nickname_cache: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {}


def nickname_options(first_name: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(British diminutives, the `nicknames` package's) for a first name, title case. The
    package's list comes from US records and has oddities, so only those sharing the name's
    first letter are used ("Thomas" -> "Tom", not "Matthew" -> "Thias")."""
    cached = _nickname_cache.get(first_name)
    if cached is not None:
        return cached
    key = first_name.lower()
    british = tuple(n.title() for n in BRITISH_NICKNAMES.get(key, ()))
    package = tuple(
        sorted(
            n.title()
            for n in _nicknamer.nicknames_of(key)
            if len(n) >= 3 and n[0] == key[:1] and n != key and n.title() not in british
        )
    )
    _nickname_cache[first_name] = (british, package)
    return british, package


# --- Typos --------------------------------------------------------------------------------

_KEYBOARD_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
_NEIGHBOURS: dict[str, str] = {}
for _r, _row in enumerate(_KEYBOARD_ROWS):
    for _i, _ch in enumerate(_row):
        near = [_row[j] for j in (_i - 1, _i + 1) if 0 <= j < len(_row)]
        for _other in (_r - 1, _r + 1):
            if 0 <= _other < len(_KEYBOARD_ROWS):
                near += [c for j, c in enumerate(_KEYBOARD_ROWS[_other]) if abs(j - _i) <= 1]
        _NEIGHBOURS[_ch] = "".join(near)
_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def _letter_like(rng: random.Random, ch: str) -> str:
    lower = ch.lower()
    pool = _NEIGHBOURS.get(lower, _LETTERS) if rng.random() < 0.7 else _LETTERS
    new = rng.choice(pool)
    return new.upper() if ch.isupper() else new


def typo(rng: random.Random, name: str) -> str:
    """One substitution, deletion, insertion or adjacent transposition. The first letter is
    rarely the wrong one (about one typo in ten), as in real keying errors."""
    if len(name) < 3:
        return name
    for _ in range(6):
        i = 0 if rng.random() < 0.1 else rng.randrange(1, len(name))
        if not name[i].isalpha():
            continue
        op = rng.randrange(4)
        if op == 0:
            new = name[:i] + _letter_like(rng, name[i]) + name[i + 1 :]
        elif op == 1:
            new = name[:i] + name[i + 1 :]
        elif op == 2:
            extra = name[i] if rng.random() < 0.5 else _letter_like(rng, name[i])
            new = name[: i + 1] + extra.lower() + name[i + 1 :]
        else:
            if i + 1 >= len(name) or not name[i + 1].isalpha():
                continue
            new = name[:i] + name[i + 1] + name[i] + name[i + 2 :]
        if i == 0 and name[0].isupper():
            # Keep the name's shape: "Jack" -> "Ajck" -> "Ajck", not "aJck".
            second = new[1:2].lower() if name[1:2].islower() else new[1:2]
            new = new[:1].upper() + second + new[2:]
        if new.lower() != name.lower():
            return new
    return name


_FOLD = str.maketrans({"ł": "l", "Ł": "L", "ß": "ss", "ø": "o", "Ø": "O"})
_fold_cache: dict[str, str] = {}


def without_accents(name: str) -> str:
    folded = _fold_cache.get(name)
    if folded is None:
        decomposed = unicodedata.normalize("NFKD", name.translate(_FOLD))
        folded = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
        _fold_cache[name] = folded
    return folded


def near_miss(rng: random.Random, dob: date) -> date:
    """A day out, or one digit of the date wrong (still a real date, not in the future)."""
    if rng.random() < 0.5:
        iso = dob.isoformat()
        for _ in range(8):
            pos = rng.choice((2, 3, 5, 6, 8, 9))
            digit = rng.choice("0123456789".replace(iso[pos], ""))
            try:
                candidate = date.fromisoformat(iso[:pos] + digit + iso[pos + 1 :])
            except ValueError:
                continue
            if candidate <= REFERENCE_DATE and candidate != dob and not _is_transposition(candidate, dob):
                return candidate
    step = timedelta(days=1 if rng.random() < 0.5 else -1)
    if dob + step > REFERENCE_DATE:
        step = -step
    return dob + step


def _is_transposition(a: date, b: date) -> bool:
    return a.year == b.year and a.day == b.month and a.month == b.day


def postcode_typo(rng: random.Random, postcode: str) -> str:
    outward, inward = postcode.split(" ")
    kind = rng.randrange(4)
    if kind == 0:
        inward = rng.choice("0123456789".replace(inward[0], "")) + inward[1:]
    elif kind == 3 and inward[1] != inward[2]:
        inward = inward[0] + inward[2] + inward[1]
    else:
        i = 1 if kind == 1 else 2
        inward = inward[:i] + rng.choice(ref.INWARD_LETTERS.replace(inward[i], "")) + inward[i + 1 :]
    return f"{outward} {inward}"


def abbreviate_address(address: str) -> str:
    head, _, last = address.rpartition(" ")
    short = _ABBREVIATIONS.get(last)
    return f"{head} {short}" if short and head else address


# --- The truth ----------------------------------------------------------------------------


@dataclass(slots=True)
class Person:
    """One true child: what every record of them is a (corrupted) copy of."""

    entity_id: int
    household: int
    first_name: str
    middle_names: str
    last_name: str
    date_of_birth: date
    sex: str
    address: str
    postcode: str
    school: str = ""
    nhs_number: str = ""
    upn: str = ""
    # Where the household moved to during the period ('' if it did not move).
    new_address: str = ""
    new_postcode: str = ""
    # The step-parent's surname taken during the period ('' if none).
    new_last_name: str = ""
    twin_of: int | None = None
    dob_iso: str = field(default="", repr=False)


@dataclass
class Population:
    """Records, and apart from them the truth: which entity (true child) each record is."""

    records: list[dict[str, str]]
    truth: dict[str, int]
    entities: int
    twin_pairs: set[frozenset[int]]
    people: dict[int, Person]
    seed: int
    districts: int

    def records_from(self, source: str) -> list[dict[str, str]]:
        return [r for r in self.records if r["source"] == source]


@dataclass(slots=True)
class _School:
    name: str
    establishment: str  # the 4-digit DfE establishment number


class _Place:
    """Postcode districts, sectors and units. A unit is a stretch of one street (60 house
    numbers) with a block of flats, and no two households get the same address."""

    def __init__(self, rng: random.Random, districts: int, households_per_district: float) -> None:
        if districts > len(POSTCODE_AREAS) * 99:
            raise ValueError(f"At most {len(POSTCODE_AREAS) * 99} postcode districts")
        self.outward = [f"{POSTCODE_AREAS[d // 99]}{d % 99 + 1}" for d in range(districts)]
        streets = [f"{stem} {kind}" for stem in ref.STREET_STEMS for kind in ref.STREET_KINDS]
        # About a dozen households to a postcode unit; at most 400 units to a sector.
        units_per_district = min(1500, max(20, round(households_per_district / 12)))
        letter_pairs = [a + b for a in ref.INWARD_LETTERS for b in ref.INWARD_LETTERS]
        # Per district: (street, postcode, first house number, block of flats).
        self.units: list[list[tuple[str, str, int, str]]] = []
        self.taken: set[tuple[str, str]] = set()
        for outward in self.outward:
            sectors = rng.sample(range(10), rng.randint(4, 9))
            names = rng.sample(streets, max(8, units_per_district // 2))
            letters = {sector: rng.sample(letter_pairs, units_per_district // len(sectors) + 1) for sector in sectors}
            district_units = []
            for k in range(units_per_district):
                sector = sectors[k % len(sectors)]
                street = names[k % len(names)]
                postcode = f"{outward} {sector}{letters[sector][k // len(sectors)]}"
                first_number = 1 + 60 * (k // len(names))
                district_units.append((street, postcode, first_number, rng.choice(ref.BLOCK_NAMES)))
            self.units.append(district_units)

    def home(self, rng: random.Random, district: int) -> tuple[str, str]:
        units = self.units[district]
        street, postcode, first_number, block = units[int(rng.random() * len(units))]
        for attempt in range(50):
            if rng.random() < FLAT_RATE:
                address = f"Flat {rng.randint(1, 40)}, {block}"
            else:
                # A full stretch spills over into higher numbers.
                address = f"{first_number + int(rng.random() * (60 + 60 * (attempt // 10)))} {street}"
            if (address, postcode) not in self.taken:
                break
        self.taken.add((address, postcode))
        return address, postcode


def _school_stems(rng: random.Random) -> list[str]:
    base = list(dict.fromkeys(ref.SCHOOL_STEMS + ref.STREET_STEMS))
    rng.shuffle(base)
    more = [f"{stem} {suffix}" for stem in base for suffix in _STEM_SUFFIXES if not stem.endswith(suffix)]
    rng.shuffle(more)
    return base + more


class _Schools:
    """Primary schools in each district, a secondary school for every three districts."""

    def __init__(self, rng: random.Random, place: _Place, children_per_district: float) -> None:
        districts = len(place.outward)
        per_district = max(1, round(children_per_district * 7 / 18 / 240))
        stems = _school_stems(rng)
        primary_numbers = [*range(2001, 4000), *range(5001, 6000), *range(6001, 7000)]
        secondary_numbers = [*range(4001, 5000), *range(7001, 8000)]
        rng.shuffle(primary_numbers)
        rng.shuffle(secondary_numbers)
        if districts * per_district > len(primary_numbers):
            raise ValueError("Too many primary schools for the establishment numbers")
        k = 0
        self.primaries: list[list[_School]] = []
        for d in range(districts):
            schools = []
            for _ in range(per_district):
                name = self._name(stems, k, rng.choice(ref.PRIMARY_KINDS), place.outward[d])
                schools.append(_School(name, str(primary_numbers[k])))
                k += 1
            self.primaries.append(schools)
        rng.shuffle(stems)
        self.secondaries = [
            _School(
                self._name(stems, i, rng.choice(ref.SECONDARY_KINDS), place.outward[i * 3]),
                str(secondary_numbers[i % len(secondary_numbers)]),
            )
            for i in range((districts + 2) // 3)
        ]
        # (establishment, 2-digit year) -> serial numbers used.
        self.serials: dict[tuple[str, str], int] = {}

    @staticmethod
    def _name(stems: list[str], k: int, kind: str, outward: str) -> str:
        if k < len(stems):
            return f"{stems[k]} {kind}"
        return f"{stems[k % len(stems)]} {kind}, {outward}"

    def upn(self, rng: random.Random, district: int, first_school: _School, entry_year: int) -> str:
        """Allocated by the child's first school in the year they started there."""
        year = f"{entry_year % 100:02d}"
        candidates = [first_school, *self.primaries[district]]
        for _ in range(20):
            for school in candidates:
                used = self.serials.get((school.establishment, year), 0)
                if used < 999:
                    self.serials[(school.establishment, year)] = used + 1
                    body = f"{LA_NUMBER}{school.establishment}{year}{used + 1:03d}"
                    return upn_check_letter(body) + body
            candidates = rng.choice(self.primaries)
        raise ValueError("No UPN serial numbers left")


class _NhsNumbers:
    """Unique valid NHS numbers in the 999 test range (about 909,000 of them)."""

    LIMIT = 850_000

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[int] = set()

    def __call__(self) -> str:
        if len(self.used) >= self.LIMIT:
            raise ValueError("Too many children for the NHS test number range")
        while True:
            x = int(self.rng.random() * 1_000_000)
            if x in self.used:
                continue
            nine = f"999{x:06d}"
            check = nhs_number_check_digit(nine)
            if check is None:
                continue
            self.used.add(x)
            return f"{nine}{check}"


# --- The generator ------------------------------------------------------------------------

_BIRTHS = _Weighted(BIRTHS_PER_HOUSEHOLD)
_AE = _Weighted(AE_ATTENDANCES)
_POLICE = _Weighted(POLICE_INCIDENTS)
_REFERRALS = _Weighted(REFERRALS)
_ENGLISH_POOLS = frozenset({"english", "irish", "caribbean"})
# The reference date falls in the 2026/27 school year.
_SCHOOL_YEAR = 2026


def entry_year(dob: date) -> int:
    """The calendar year a child starts reception: the September after they turn four."""
    return dob.year + 4 + (1 if dob.month >= 9 else 0)


def school_year_group(dob: date) -> int:
    """0 for reception, 1-13 for years 1 to 13; negative before school."""
    return _SCHOOL_YEAR - entry_year(dob)


class _Generator:
    def __init__(self, rng: random.Random, districts: int, n_records: int) -> None:
        self.rng = rng
        children = n_records / 2.35
        households = children / 1.9
        self.place = _Place(rng, districts, households / districts)
        self.schools = _Schools(rng, self.place, children / districts)
        self.nhs = _NhsNumbers(rng)
        self.people: list[Person] = []
        self.records: list[tuple[int, dict[str, str]]] = []
        self.twin_pairs: list[tuple[int, int]] = []
        self.households = 0

    # Names
    def _first_name(self, pool: _Pool, sex: str) -> str:
        rng = self.rng
        if pool.key == "english" or rng.random() < pool.english_share:
            return (_ENGLISH_BOYS if sex == "M" else _ENGLISH_GIRLS)(rng)
        boys, girls, _ = _POOL_NAMES[pool.key]
        return (boys if sex == "M" else girls)(rng)

    def _surname(self, pool: _Pool) -> str:
        if pool.key == "english":
            return _ENGLISH_SURNAMES(self.rng)
        return _POOL_NAMES[pool.key][2](self.rng)

    def _middle_names(self, pool: _Pool, sex: str, first: str) -> str:
        rng = self.rng
        if rng.random() >= pool.middle_rate:
            return ""
        if pool.key == "english" and rng.random() < 0.6:
            names = ref.MIDDLE_BOYS if sex == "M" else ref.MIDDLE_GIRLS
            middle = rng.choice(names)
        else:
            middle = self._first_name(pool, sex)
        if middle == first:
            return ""
        if rng.random() < 0.1:
            second = self._first_name(pool, sex)
            if second not in (first, middle):
                middle = f"{middle} {second}"
        return middle

    def _dob(self, taken: list[date]) -> date:
        lo, hi = _EARLIEST_BIRTH.toordinal(), REFERENCE_DATE.toordinal()
        for _ in range(20):
            dob = date.fromordinal(lo + int(self.rng.random() * (hi - lo + 1)))
            if all(abs((dob - other).days) >= 300 for other in taken):
                return dob
        return dob

    def household(self) -> None:
        rng = self.rng
        hh = self.households
        self.households += 1
        pool = _POOL(rng)
        surname = self._surname(pool)
        if rng.random() < DOUBLE_BARRELLED_RATE:
            other = self._surname(pool)
            if other != surname and "-" not in other + surname:
                surname = f"{surname}-{other}"
        district = rng.randrange(len(self.place.outward))
        address, postcode = self.place.home(rng, district)
        new_address = new_postcode = ""
        if rng.random() < HOUSEHOLD_MOVE_RATE:
            to = district if rng.random() < 0.65 else rng.randrange(len(self.place.outward))
            new_address, new_postcode = self.place.home(rng, to)
        new_surname = ""
        if rng.random() < SURNAME_CHANGE_RATE:
            new_surname = self._surname(pool)
            if new_surname == surname:
                new_surname = ""
        primary = rng.choice(self.schools.primaries[district])
        secondary = self.schools.secondaries[district // 3]

        births = _BIRTHS(rng)
        dobs: list[date] = []
        children: list[Person] = []
        names_taken: set[str] = set()
        for b in range(births):
            dob = self._dob(dobs)
            dobs.append(dob)
            # A twin birth adds a child, as long as the household stays within four children.
            twins = rng.random() < TWIN_BIRTH_RATE and len(children) + 2 + (births - b - 1) <= 4
            last = surname if b == 0 or rng.random() >= HALF_SIBLING_RATE else self._surname(pool)
            if twins:
                pair = self._twin_names(pool, names_taken)
            else:
                sex = "M" if rng.random() < 0.51 else "F"
                pair = [(self._distinct_first_name(pool, sex, names_taken), sex)]
            # Twins go to the same school, sixth form included.
            sixth_form = rng.random() < SIXTH_FORM_RATE
            born = []
            for first, sex in pair:
                names_taken.add(first.lower())
                person = Person(
                    entity_id=len(self.people),
                    household=hh,
                    first_name=first,
                    middle_names=self._middle_names(pool, sex, first),
                    last_name=last,
                    date_of_birth=dob,
                    sex=sex,
                    address=address,
                    postcode=postcode,
                    new_address=new_address,
                    new_postcode=new_postcode,
                    new_last_name=new_surname if last == surname else "",
                    dob_iso=dob.isoformat(),
                )
                self._school(person, district, primary, secondary, sixth_form=sixth_form)
                person.nhs_number = self.nhs()
                self.people.append(person)
                born.append(person)
            if len(born) == 2:
                born[0].twin_of, born[1].twin_of = born[1].entity_id, born[0].entity_id
                self.twin_pairs.append((born[0].entity_id, born[1].entity_id))
            children += born
        for person in children:
            self._records(person)

    def _distinct_first_name(self, pool: _Pool, sex: str, taken: set[str]) -> str:
        for _ in range(20):
            name = self._first_name(pool, sex)
            if name.lower() not in taken:
                return name
        return name

    def _twin_names(self, pool: _Pool, taken: set[str]) -> list[tuple[str, str]]:
        rng = self.rng
        if pool.key in _ENGLISH_POOLS and rng.random() < TWIN_SIMILAR_NAMES_RATE:
            a, sex_a, b, sex_b = rng.choice(SIMILAR_TWIN_NAMES)
            if a.lower() not in taken and b.lower() not in taken:
                return [(a, sex_a), (b, sex_b)]
        if rng.random() < TWIN_DIFFERENT_SEX_RATE:
            sexes = ("M", "F")
        else:
            sexes = ("M", "M") if rng.random() < 0.5 else ("F", "F")
        first = self._distinct_first_name(pool, sexes[0], taken)
        second = self._distinct_first_name(pool, sexes[1], taken | {first.lower()})
        return [(first, sexes[0]), (second, sexes[1])]

    def _school(self, person: Person, district: int, primary: _School, secondary: _School, *, sixth_form: bool) -> None:
        group = school_year_group(person.date_of_birth)
        if group < 0 or (group >= 12 and not sixth_form):
            return
        person.school = primary.name if group <= 6 else secondary.name
        person.upn = self.schools.upn(self.rng, district, primary, entry_year(person.date_of_birth))

    def _records(self, person: Person) -> None:
        rng = self.rng
        sources: list[tuple[str, bool | None]] = []  # (source, after the move: None to draw)
        if person.upn and person.school:
            sources.append(("school_roll", None))
        if rng.random() < GP_REGISTRATION_RATE:
            if person.new_address and rng.random() < GP_REREGISTRATION_AFTER_MOVE_RATE:
                sources += [("gp_registration", False), ("gp_registration", True)]
            else:
                sources.append(("gp_registration", None))
                if rng.random() < GP_REREGISTRATION_RATE:
                    sources.append(("gp_registration", None))
        sources += [("ae_attendance", None)] * _AE(rng)
        sources += [("police_incident", None)] * _POLICE(rng)
        sources += [("referral", None)] * _REFERRALS(rng)
        if not sources:
            sources.append(("gp_registration", None))
        for source, after_move in sources:
            if after_move is None:
                after_move = bool(person.new_address) and rng.random() < RECORD_AFTER_MOVE_RATE
            self.records.append((person.entity_id, self._record(person, source, after_move)))

    def _record(self, p: Person, source: str, after_move: bool) -> dict[str, str]:
        rng = self.rng
        r = rng.random

        first = p.first_name
        if r() < NICKNAME_RATE[source]:
            british, package = nickname_options(first)
            if british and (not package or r() < 0.8):
                first = rng.choice(british)
            elif package:
                first = rng.choice(package)

        last = p.last_name
        former = ""
        if p.new_last_name and r() < RECORD_AFTER_SURNAME_CHANGE_RATE:
            if r() < FORMER_SURNAME_KEPT_RATE[source]:
                former = last
            last = p.new_last_name
        if "-" in last:
            if r() < DOUBLE_BARRELLED_ONE_PART_RATE:
                parts = last.split("-")
                # "Al-Hassan" is one name, not two.
                if len(parts[0]) > 2:
                    last = parts[0] if r() < 0.6 else parts[1]
            elif r() < DOUBLE_BARRELLED_SPACE_RATE:
                last = last.replace("-", " ")

        if not first.isascii() and r() < ACCENTS_DROPPED_RATE:
            first = without_accents(first)
        if not last.isascii() and r() < ACCENTS_DROPPED_RATE:
            last = without_accents(last)
        if r() < FIRST_NAME_TYPO_RATE:
            first = typo(rng, first)
        if r() < LAST_NAME_TYPO_RATE:
            last = typo(rng, last)
        if source == "police_incident" and r() < POLICE_INITIAL_RATE:
            first = first[0]
        if r() < NAME_SWAP_RATE:
            first, last = last, first

        middle = p.middle_names if p.middle_names and r() < MIDDLE_NAMES_KEPT_RATE[source] else ""

        dob = p.dob_iso
        d = p.date_of_birth
        if r() < DOB_MISSING_RATE:
            dob = ""
        elif d.day <= 12 and d.day != d.month and r() < DOB_TRANSPOSED_RATE:
            dob = date(d.year, d.day, d.month).isoformat()
        elif r() < DOB_NEAR_MISS_RATE:
            dob = near_miss(rng, d).isoformat()

        sex = "" if r() < SEX_MISSING_RATE else p.sex

        if after_move:
            address, postcode = p.new_address, p.new_postcode
        else:
            address, postcode = p.address, p.postcode
        if r() < ADDRESS_MISSING_RATE:
            address = ""
        elif r() < ADDRESS_ABBREVIATED_RATE:
            address = abbreviate_address(address)
        if r() < POSTCODE_MISSING_RATE:
            postcode = ""
        elif r() < POSTCODE_TYPO_RATE:
            postcode = postcode_typo(rng, postcode)

        school = p.school if p.school and r() < SCHOOL_RECORDED_RATE[source] else ""
        nhs = p.nhs_number if r() < NHS_NUMBER_RATE[source] else ""
        upn = p.upn if p.upn and r() < UPN_RATE[source] else ""
        return {
            "record_id": "",
            "source": source,
            "first_name": first,
            "middle_names": middle,
            "last_name": last,
            "former_last_name": former,
            "date_of_birth": dob,
            "sex": sex,
            "postcode": postcode,
            "address": address,
            "school": school,
            "nhs_number": nhs,
            "upn": upn,
        }


def default_districts(n_records: int) -> int:
    return max(20, round(n_records / 2000))


def generate_population(n_records: int, *, seed: int, districts: int | None = None) -> Population:
    """Exactly `n_records` records about children 0-17, in a shuffled order, with opaque ids.

    `districts` is the number of postcode districts (outward codes); by default one per
    2,000 records and at least 20, so that a district holds about the same number of
    children at any size."""
    if n_records < 0:
        raise ValueError("n_records must not be negative")
    rng = random.Random(seed)  # noqa: S311 (reproducible, not secret)
    n_districts = districts if districts is not None else default_districts(n_records)
    if n_districts < 1:
        raise ValueError("districts must be at least 1")
    gen = _Generator(rng, n_districts, n_records)
    while len(gen.records) < n_records:
        gen.household()
    del gen.records[n_records:]

    rng.shuffle(gen.records)
    records: list[dict[str, str]] = []
    truth: dict[str, int] = {}
    for i, (entity, record) in enumerate(gen.records):
        record_id = f"R{i:07d}"
        record["record_id"] = record_id
        truth[record_id] = entity
        records.append(record)
    present = set(truth.values())
    people = {p.entity_id: p for p in gen.people if p.entity_id in present}
    twin_pairs = {frozenset(pair) for pair in gen.twin_pairs if pair[0] in present and pair[1] in present}
    return Population(
        records=records,
        truth=truth,
        entities=len(people),
        twin_pairs=twin_pairs,
        people=people,
        seed=seed,
        districts=n_districts,
    )


# --- Files --------------------------------------------------------------------------------

PathLike = str | os.PathLike[str]


def write_csv(records: Iterable[dict[str, str]], path: PathLike, *, columns: Sequence[str] | None = None) -> int:
    """Records as a CSV with our own field names as headings; returns the number of rows."""
    columns = list(columns or RECORD_FIELDS)
    count = 0
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=columns, restval="", extrasaction="ignore")
        writer.writeheader()
        for record in records:
            writer.writerow(record)
            count += 1
    return count


def write_rows(path: PathLike, headings: Sequence[str], rows: Iterable[Sequence[str]]) -> int:
    """An agency extract (from the *_rows functions below) as a CSV file."""
    count = 0
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(headings)
        for row in rows:
            writer.writerow(row)
            count += 1
    return count


def uk_date(iso: str) -> str:
    """'2019-03-07' -> '07/03/2019'; '' stays ''."""
    return f"{iso[8:10]}/{iso[5:7]}/{iso[:4]}" if iso else ""


def _event_moment(rng: random.Random, person: Person) -> tuple[date, str]:
    """A date in the two years before the reference date, after the child was born."""
    start = max(person.date_of_birth, REFERENCE_DATE - timedelta(days=730)).toordinal()
    day = date.fromordinal(rng.randint(start, REFERENCE_DATE.toordinal()))
    return day, f"{rng.randrange(24):02d}:{rng.randrange(60):02d}"


SCHOOL_ROLL_HEADINGS = (
    "UPN",
    "Surname",
    "Forename",
    "Middle names",
    "DOB",
    "Gender",
    "Address line 1",
    "Postcode",
    "Former surname",
)
GP_REGISTRATION_HEADINGS = (
    "NHS Number",
    "Family Name",
    "Given Name",
    "Date of Birth",
    "Sex",
    "Address Line 1",
    "Postcode",
)
AE_ATTENDANCE_HEADINGS = (
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
)
POLICE_INCIDENT_HEADINGS = (
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
)
_GP_SEX = {"M": "Male", "F": "Female", "": "Unknown"}
_AE_GENDER = {"M": "Male", "F": "Female", "": "Not Known"}
# (presenting complaint, injury)
_COMPLAINTS = (
    ("Fever", False),
    ("Breathing difficulty", False),
    ("Abdominal pain", False),
    ("Rash", False),
    ("Vomiting", False),
    ("Asthma", False),
    ("Head injury", True),
    ("Wrist injury", True),
    ("Laceration", True),
    ("Burn", True),
    ("Fall", True),
    ("Ingestion of foreign body", False),
    ("Self-harm", True),
    ("Alcohol intoxication", False),
)
_DOMESTIC_ABUSE_SUMMARIES = (
    "Verbal argument between adults at the address; child present. DASH risk: standard.",
    "Adult male arrested for assault on the mother; child present in the house. DASH risk: medium.",
    "Neighbours reported screaming; officers attended, no arrests. DASH risk: high; referred to MARAC.",
    "Mother reported threats from an ex-partner by text. DASH risk: standard.",
)
_OTHER_SUMMARIES = (
    "Child reported missing by a parent; found the next day.",
    "Concern for welfare: child found alone in the street late at night; returned home.",
    "Child stopped with older youths in a car; no further action.",
    "Child present at a drugs warrant at the address.",
)


def _nhs_spaced(nhs: str) -> str:
    return f"{nhs[:3]} {nhs[3:6]} {nhs[6:]}" if nhs else ""


def school_roll_rows(population: Population) -> tuple[list[str], list[list[str]]]:
    """A school census-style roll: dates dd/mm/yyyy, gender M/F."""
    rows = [
        [
            r["upn"],
            r["last_name"],
            r["first_name"],
            r["middle_names"],
            uk_date(r["date_of_birth"]),
            r["sex"],
            r["address"],
            r["postcode"],
            r["former_last_name"],
        ]
        for r in population.records
        if r["source"] == "school_roll"
    ]
    return list(SCHOOL_ROLL_HEADINGS), rows


def gp_registration_rows(population: Population) -> tuple[list[str], list[list[str]]]:
    """A practice registration extract: ISO dates, NHS numbers spaced 3-3-4, Male/Female/Unknown."""
    rows = [
        [
            _nhs_spaced(r["nhs_number"]),
            r["last_name"],
            r["first_name"],
            r["date_of_birth"],
            _GP_SEX[r["sex"]],
            r["address"],
            r["postcode"],
        ]
        for r in population.records
        if r["source"] == "gp_registration"
    ]
    return list(GP_REGISTRATION_HEADINGS), rows


def ae_attendance_rows(population: Population, *, seed: int | None = None) -> tuple[list[str], list[list[str]]]:
    """An emergency department attendance extract: one row per attendance, each with its own
    Attendance ID; arrival as dd/mm/yyyy HH:MM; Injury Y/N."""
    rng = random.Random(f"{population.seed if seed is None else seed}:ae_attendance")  # noqa: S311 (reproducible)
    rows: list[list[str]] = []
    for r in population.records:
        if r["source"] != "ae_attendance":
            continue
        day, clock = _event_moment(rng, population.people[population.truth[r["record_id"]]])
        complaint, injury = rng.choice(_COMPLAINTS)
        rows.append(
            [
                f"AE{day:%y}{len(rows) + 1:07d}",
                f"{day:%d/%m/%Y} {clock}",
                r["nhs_number"],
                r["last_name"],
                r["first_name"],
                uk_date(r["date_of_birth"]),
                _AE_GENDER[r["sex"]],
                r["postcode"],
                r["address"],
                complaint,
                "Y" if injury else "N",
            ]
        )
    return list(AE_ATTENDANCE_HEADINGS), rows


def police_incident_rows(population: Population, *, seed: int | None = None) -> tuple[list[str], list[list[str]]]:
    """Police notifications of children at incidents: one row per child per incident. The
    Person Reference is the force's own for the child, the same on every incident (the
    names on the rows may still differ, as each was keyed separately)."""
    rng = random.Random(f"{population.seed if seed is None else seed}:police_incident")  # noqa: S311 (reproducible)
    person_refs: dict[int, str] = {}
    used: set[str] = set()
    rows: list[list[str]] = []
    for r in population.records:
        if r["source"] != "police_incident":
            continue
        entity = population.truth[r["record_id"]]
        if entity not in person_refs:
            person_ref = f"P{rng.randrange(10_000_000, 100_000_000)}"
            while person_ref in used:
                person_ref = f"P{rng.randrange(10_000_000, 100_000_000)}"
            used.add(person_ref)
            person_refs[entity] = person_ref
        day, _ = _event_moment(rng, population.people[entity])
        domestic = rng.random() < 0.7
        summary = rng.choice(_DOMESTIC_ABUSE_SUMMARIES if domestic else _OTHER_SUMMARIES)
        forenames = f"{r['first_name']} {r['middle_names']}".strip()
        rows.append(
            [
                f"INC-{day:%Y%m%d}-{len(rows) + 1:06d}",
                f"{day:%d/%m/%Y}",
                person_refs[entity],
                r["last_name"],
                forenames,
                uk_date(r["date_of_birth"]),
                r["address"],
                r["postcode"],
                "Normally resides" if rng.random() < 0.6 else "Present",
                "Y" if domestic else "N",
                summary,
            ]
        )
    return list(POLICE_INCIDENT_HEADINGS), rows
