"""Every CIN census code list the pathway records is exactly the DfE schema's list, so the
statutory return cannot be given a code the census refuses (reference/cin_census)."""

from pathlib import Path
from xml.etree import ElementTree

import pytest
from django.db import models

from safeguarding.assessments.models import PrimaryNeed
from safeguarding.frontdoor.models import ClosureReason, ReferralSource
from safeguarding.people.codes import Disability, Ethnicity, Sex
from safeguarding.protection.models import Category

SCHEMA = Path(__file__).resolve().parents[3] / "reference" / "cin_census" / "CIN_schema_2026.xsd"
XS = "{http://www.w3.org/2001/XMLSchema}"


def schema_codes(type_name: str) -> set[str]:
    root = ElementTree.parse(SCHEMA).getroot()  # noqa: S314 - our own reference data
    for simple in root.iter(f"{XS}simpleType"):
        if simple.get("name") == type_name:
            return {str(e.get("value")) for e in simple.iter(f"{XS}enumeration")}
    raise LookupError(type_name)


@pytest.mark.parametrize(
    ("type_name", "choices"),
    [
        ("referralsourcetype", ReferralSource),
        ("reasonforclosuretype", ClosureReason),
        ("categoryofabusetype", Category),
        ("primaryneedcodetype", PrimaryNeed),
        ("disabilitytype", Disability),
        ("ethnicitytype", Ethnicity),
        ("sextype", Sex),
    ],
)
def test_our_code_list_is_the_census_list(type_name: str, choices: type[models.TextChoices]) -> None:
    assert set(choices.values) == schema_codes(type_name)
