"""The CIN census factor codes, and the chronology kinds this app registers."""

from pathlib import Path
from xml.etree import ElementTree

import pytest
from django.urls import reverse

from safeguarding.assessments import codes
from safeguarding.concerns import chronology

# The codes of `assessmentfactorstype` in the CIN census schema (2025 and 2026), less 18A and
# 19A, which the DfE replaced with 18B/18C and 19B/19C.
CENSUS_CODES = [
    "1A",
    "1B",
    "1C",
    "2A",
    "2B",
    "2C",
    "3A",
    "3B",
    "3C",
    "4A",
    "4B",
    "4C",
    "5A",
    "5B",
    "5C",
    "6A",
    "6B",
    "6C",
    "7A",
    "8B",
    "8C",
    "8D",
    "8E",
    "8F",
    "9A",
    "10A",
    "11A",
    "12A",
    "13A",
    "14A",
    "15A",
    "16A",
    "17A",
    "18B",
    "18C",
    "19B",
    "19C",
    "20",
    "21",
    "22A",
    "23A",
    "24A",
]


def test_every_census_factor_can_be_selected_and_nothing_else():
    assert frozenset(CENSUS_CODES) == codes.SELECTABLE
    assert len(codes.FACTORS) == len(CENSUS_CODES)


def test_replaced_codes_still_have_labels_but_cannot_be_chosen():
    assert codes.factor_label("18A").startswith("Physical abuse")
    assert "18A" not in codes.SELECTABLE and "19A" not in codes.SELECTABLE


def test_labels_say_whose_factor_it_is():
    assert codes.factor_label("1A") == "Alcohol misuse: the child"
    assert codes.factor_label("2B") == "Drug misuse: the parent(s) or carer(s)"
    assert codes.factor_label("4C") == "Mental health: another person in the household"
    assert codes.factor_label("21") == "No factors identified"
    assert codes.factor_label("XX") == "XX"


def test_codes_sort_in_census_order():
    assert sorted(["24A", "3B", "10A", "1A", "21"], key=codes.sort_key) == ["1A", "3B", "10A", "21", "24A"]


def test_each_factor_is_asked_once_under_a_group():
    grouped = [f.code for group in codes.GROUPS for f in codes.factors_in(group)]
    assert sorted(grouped) == sorted(CENSUS_CODES)


SCHEMA = Path(__file__).resolve().parents[3] / "reference" / "cin_census" / "CIN_schema_2026.xsd"


def test_the_codes_match_the_census_schema():
    ns = {"xs": "http://www.w3.org/2001/XMLSchema"}
    root = ElementTree.parse(SCHEMA).getroot()  # noqa: S314 - a file of our own reference data
    factor_type = root.find("xs:simpleType[@name='assessmentfactorstype']", ns)
    assert factor_type is not None
    in_schema = {e.get("value") for e in factor_type.iter(f"{{{ns['xs']}}}enumeration")}
    assert in_schema == set(CENSUS_CODES) | {"18A", "19A"}


@pytest.mark.parametrize(
    ("kind", "url_name"),
    [
        ("assessment_started", "assessments:detail"),
        ("child_seen", "assessments:detail"),
        ("assessment_completed", "assessments:detail"),
        ("assessment_authorised", "assessments:detail"),
        ("cin_plan_started", "assessments:cin-plan"),
        ("cin_plan_review", "assessments:cin-plan"),
        ("cin_plan_ended", "assessments:cin-plan"),
    ],
)
def test_chronology_entries_link_to_their_page(kind, url_name):
    registered = chronology.kind(kind)
    assert registered.detail_url_name == url_name
    assert reverse(url_name, args=[1, 2]).startswith("/children/1/")
