"""Validators for the identifiers children carry (DOMAIN.md "Identifiers")."""

import re

# DfE UPN check letters: 23 letters, I, O and S omitted (A=0 ... Z=22).
UPN_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"
# ASCII only: Python's \d also matches Arabic-Indic and full-width digits, which int() reads.
_UPN_SHAPE = re.compile(r"[A-Z][0-9]{11}[0-9A-Z]")
_NHS_SHAPE = re.compile(r"[0-9]{10}")
# \Z, not $: "$" also matches before a trailing newline.
LA_CHILD_ID_SHAPE = re.compile(r"^[A-Za-z0-9]{1,20}\Z")


def normalise_nhs_number(value: str) -> str:
    return re.sub(r"[\s-]", "", value or "")


def nhs_number_check_digit(first_nine: str) -> int | None:
    """Modulus 11 with weights 10..2; None where the remainder makes it invalid (10)."""
    total = sum(int(d) * w for d, w in zip(first_nine, range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        return 0
    if check == 10:
        return None
    return check


def nhs_number_valid(value: str) -> bool:
    digits = normalise_nhs_number(value)
    if not _NHS_SHAPE.fullmatch(digits):
        return False
    return nhs_number_check_digit(digits[:9]) == int(digits[9])


def normalise_upn(value: str) -> str:
    return re.sub(r"\s", "", value or "").upper()


def _upn_char_value(ch: str) -> int:
    return int(ch) if ch in "0123456789" else UPN_LETTERS.index(ch)


def upn_check_letter(last_twelve: str) -> str:
    """The check letter of a UPN from its characters 2 to 13 (weights 2 to 13, mod 23)."""
    total = sum(_upn_char_value(ch) * w for ch, w in zip(last_twelve, range(2, 14), strict=True))
    return UPN_LETTERS[total % 23]


def upn_valid(value: str) -> bool:
    upn = normalise_upn(value)
    if not _UPN_SHAPE.fullmatch(upn):
        return False
    # Character 13 is a digit, or a letter from the check-letter set for a temporary UPN.
    if upn[12] not in "0123456789" and upn[12] not in UPN_LETTERS:
        return False
    return upn_check_letter(upn[1:]) == upn[0]
