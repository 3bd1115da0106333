"""NHS number and UPN validation, checked against independent reference implementations.

NHS number: modulus 11, weights 10..2 on the first nine digits; check = 11 - (sum mod 11),
11 becomes 0 and 10 means the nine digits cannot form a valid NHS number (NHS Data
Dictionary, "NHS number").

UPN (DfE "Unique pupil numbers: guide for schools and local authorities"): a check letter,
then LA code (3 digits), establishment number (4 digits), year of allocation (2 digits) and
a serial of 3 characters whose last may be a letter in a temporary UPN. The check letter is
sum(value(char_n) * n for n in 2..13) mod 23, mapped to A..Z without I, O and S; a letter
in position 13 takes the value of the same table (A=0 .. Z=22).
"""

import itertools
import string

import pytest
from hypothesis import assume, example, given
from hypothesis import strategies as st

from safeguarding.people.identifiers import (
    LA_CHILD_ID_SHAPE,
    UPN_LETTERS,
    nhs_number_check_digit,
    nhs_number_valid,
    normalise_nhs_number,
    normalise_upn,
    upn_check_letter,
    upn_valid,
)

# ---------------------------------------------------------------- reference implementations

REF_UPN_TABLE = dict(zip("ABCDEFGHJKLMNPQRTUVWXYZ", range(23), strict=True))


def ref_nhs_valid(number: str) -> bool:
    if len(number) != 10 or any(c not in "0123456789" for c in number):
        return False
    total = sum(int(number[i]) * (10 - i) for i in range(9))
    check = 11 - (total % 11)
    if check == 11:
        check = 0
    return check != 10 and check == int(number[9])


def ref_upn_check(body: str) -> str:
    """body = UPN characters 2..13."""
    total = 0
    for weight, ch in enumerate(body, start=2):
        total += (int(ch) if ch in string.digits else REF_UPN_TABLE[ch]) * weight
    return next(letter for letter, value in REF_UPN_TABLE.items() if value == total % 23)


digits = st.text(alphabet="0123456789", min_size=1, max_size=1)
nine_digits = st.text(alphabet="0123456789", min_size=9, max_size=9)
allowed_13th = st.sampled_from(list("0123456789") + list("ABCDEFGHJKLMNPQRTUVWXYZ"))


@st.composite
def upn_bodies(draw: st.DrawFn) -> str:
    la = draw(st.text(alphabet=string.digits, min_size=3, max_size=3))
    establishment = draw(st.text(alphabet=string.digits, min_size=4, max_size=4))
    year = draw(st.text(alphabet=string.digits, min_size=2, max_size=2))
    serial = draw(st.text(alphabet=string.digits, min_size=2, max_size=2)) + draw(allowed_13th)
    return la + establishment + year + serial


def with_nhs_check(first_nine: str) -> str | None:
    check = nhs_number_check_digit(first_nine)
    return None if check is None else first_nine + str(check)


# ---------------------------------------------------------------- NHS number


@pytest.mark.parametrize("number", ["9434765919", "4010232137", "943 476 5919", "943-476-5919", " 4010232137 "])
def test_known_valid_nhs_numbers(number: str) -> None:
    assert nhs_number_valid(number)


@pytest.mark.parametrize(
    "number",
    [
        "9434765918",  # wrong check digit
        "9434765910",
        "4010232138",
        "943476591",  # nine digits
        "94347659190",  # eleven digits
        "943476591X",
        "",
        "   ",
        "0000000001",
    ],
)
def test_known_invalid_nhs_numbers(number: str) -> None:
    assert not nhs_number_valid(number)


def test_check_value_ten_has_no_valid_number() -> None:
    # 123456788: 1*10+2*9+3*8+4*7+5*6+6*5+7*4+8*3+8*2 = 208; 208 mod 11 = 10; 11-10 = 1.
    # Search a prefix whose check value is 10 with the reference and confirm all ten fail.
    prefix = next(
        p
        for p in (f"{n:09d}" for n in range(100_000_000, 100_001_000))
        if (11 - sum(int(p[i]) * (10 - i) for i in range(9)) % 11) == 10
    )
    assert nhs_number_check_digit(prefix) is None
    assert not any(nhs_number_valid(prefix + str(d)) for d in range(10))


def test_non_ascii_digits_are_refused() -> None:
    # Arabic-Indic digits are "digits" to Python's \d and int(); not to the NHS.
    assert not nhs_number_valid("٩٤٣٤٧٦٥٩١٩")
    assert not nhs_number_valid("９４３４７６５９１９")  # full-width


def test_upn_with_non_ascii_digits_is_refused() -> None:
    body = "201300124001"
    full_width = body.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    assert upn_valid(upn_check_letter(body) + body)
    assert not upn_valid(upn_check_letter(body) + full_width)


def test_normalise_strips_spaces_and_hyphens() -> None:
    assert normalise_nhs_number(" 943-476 5919\t") == "9434765919"


@given(nine_digits)
def test_check_digit_matches_reference(first_nine: str) -> None:
    number = with_nhs_check(first_nine)
    if number is None:
        assert not any(ref_nhs_valid(first_nine + str(d)) for d in range(10))
    else:
        assert nhs_number_valid(number)
        assert ref_nhs_valid(number)


@given(st.text(alphabet="0123456789", min_size=10, max_size=10))
def test_validity_agrees_with_reference_for_any_ten_digits(number: str) -> None:
    assert nhs_number_valid(number) == ref_nhs_valid(number)


@given(nine_digits, st.integers(min_value=0, max_value=9), digits)
def test_any_single_digit_error_is_caught(first_nine: str, position: int, replacement: str) -> None:
    number = with_nhs_check(first_nine)
    assume(number is not None)
    assert number is not None
    assume(number[position] != replacement)
    changed = number[:position] + replacement + number[position + 1 :]
    assert not nhs_number_valid(changed)


@given(nine_digits, st.integers(min_value=0, max_value=8))
def test_any_adjacent_transposition_is_caught(first_nine: str, position: int) -> None:
    number = with_nhs_check(first_nine)
    assume(number is not None)
    assert number is not None
    a, b = number[position], number[position + 1]
    assume(a != b)
    swapped = number[:position] + b + a + number[position + 2 :]
    assert not nhs_number_valid(swapped)


def test_single_errors_and_transpositions_exhaustively_for_known_numbers() -> None:
    for number in ("9434765919", "4010232137"):
        for i, d in itertools.product(range(10), "0123456789"):
            if number[i] != d:
                assert not nhs_number_valid(number[:i] + d + number[i + 1 :])
        for i in range(9):
            if number[i] != number[i + 1]:
                assert not nhs_number_valid(number[:i] + number[i + 1] + number[i] + number[i + 2 :])


# ---------------------------------------------------------------- UPN


def test_upn_letters_are_the_dfe_table() -> None:
    assert UPN_LETTERS == "ABCDEFGHJKLMNPQRTUVWXYZ"
    assert not set("IOS") & set(UPN_LETTERS)


@given(upn_bodies())
@example("201300124001")
@example("938999999999")
@example("000000000000")
@example("20130012400A")
def test_computed_check_letter_validates_and_matches_reference(body: str) -> None:
    letter = upn_check_letter(body)
    assert letter == ref_upn_check(body)
    assert upn_valid(letter + body)
    assert upn_valid((letter + body).lower())
    assert upn_valid(f" {letter}{body[:6]} {body[6:]} ")


@given(upn_bodies(), st.sampled_from(UPN_LETTERS))
def test_any_other_check_letter_is_refused(body: str, other: str) -> None:
    assume(other != upn_check_letter(body))
    assert not upn_valid(other + body)


@given(upn_bodies(), st.integers(min_value=0, max_value=10), digits)
def test_any_digit_substitution_in_positions_2_to_12_is_caught(body: str, index: int, replacement: str) -> None:
    # Changing value a to b at weight w changes the sum by w*(b-a); 23 is prime and
    # 2 <= w <= 13, so that is 0 mod 23 only when a == b.
    assume(body[index] != replacement)
    upn = upn_check_letter(body) + body
    changed = upn[: index + 1] + replacement + upn[index + 2 :]
    assert not upn_valid(changed)


def test_13th_character_substitutions_are_caught_unless_digit_and_letter_share_a_value() -> None:
    """The one blind spot of the DfE rule, asserted as it is.

    In position 13 a digit d and the letter with table value d (0/A, 1/B, ... 9/K) weigh the
    same, so swapping one for the other keeps the same check letter. Every other single
    substitution in position 13 is caught.
    """
    body = "20130012400"  # characters 2..12
    alphabet = list("0123456789") + list(UPN_LETTERS)
    undetected = set()
    for a, b in itertools.permutations(alphabet, 2):
        upn = upn_check_letter(body + a) + body + a
        if upn_valid(upn[:-1] + b):
            undetected.add((a, b))
    value = {**{d: int(d) for d in "0123456789"}, **REF_UPN_TABLE}
    assert undetected == {(a, b) for a, b in itertools.permutations(alphabet, 2) if value[a] == value[b]}
    assert ("0", "A") in undetected and ("9", "K") in undetected
    assert len(undetected) == 20


@given(upn_bodies(), st.integers(min_value=0, max_value=10))
def test_adjacent_transpositions_of_different_characters_are_caught(body: str, index: int) -> None:
    # Swapping values a (weight w) and b (weight w+1) changes the sum by a - b.
    upn = upn_check_letter(body) + body
    i = index + 1
    a, b = upn[i], upn[i + 1]
    assume(a != b)
    swapped = upn[:i] + b + a + upn[i + 2 :]
    assert not upn_valid(swapped)


@pytest.mark.parametrize(
    "upn",
    [
        "",
        "A20130012400",  # 12 characters
        "A2013001240011",  # 14 characters
        "1201300124001",  # check character a digit
        "AB01300124001",  # letter inside the number
        "A20130012400-",
        "I201300124001",  # I is never a check letter
        "O201300124001",
        "S201300124001",
        "A20130012400I",  # I, O, S are not allowed in position 13 either
        "A20130012400O",
        "A20130012400S",
    ],
)
def test_upn_shape_errors_are_refused(upn: str) -> None:
    assert not upn_valid(upn)


def test_normalise_upn_upper_cases_and_strips_spaces() -> None:
    assert normalise_upn(" a201 3001 24001 ") == "A201300124001"


@pytest.mark.parametrize(
    "value,ok",
    [
        ("C0000001", True),
        ("abc123", True),
        ("A" * 20, True),
        ("A" * 21, False),
        ("C-1", False),
        ("", False),
        ("C0000001\n", False),
    ],
)
def test_la_child_id_shape(value: str, ok: bool) -> None:
    assert bool(LA_CHILD_ID_SHAPE.match(value)) is ok
