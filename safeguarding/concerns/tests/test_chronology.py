"""Reading the multi-agency chronology: scope by basis, filters, order, and the PDF."""

import datetime as dt
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from safeguarding.access.permissions import Basis
from safeguarding.concerns.models import ChronologyEntry
from safeguarding.concerns.pdf import chronology_pdf
from safeguarding.concerns.selectors import (
    ChronologyFilters,
    category_label,
    chronology_agencies,
    chronology_for,
    kind_label,
)
from safeguarding.people.tests.helpers import concern, police, police_incident, police_officer, share
from tests.factories import ChildFactory

__all__ = ["police", "police_officer"]  # fixtures


@pytest.fixture
def entries(child, entitled, police, police_officer, front_door):
    school = concern(child, entitled, days_ago=1, categories=("neglect",))
    shared = police_incident(child, police, days_ago=3)
    private = police_incident(child, police, days_ago=5, by=police_officer)
    share(shared, entitled.agency, police_officer)
    social = concern(child, front_door, days_ago=7, categories=("domestic_abuse", "emotional_abuse"))
    return {"school": school, "shared": shared, "private": private, "social": social}


def ids(qs):
    return [e.pk for e in qs]


def test_whole_la_basis_sees_every_entry_newest_first(front_door, child, entries):
    got = ids(chronology_for(front_door, child, Basis.WHOLE_LA))
    assert got == [entries[k].pk for k in ("school", "shared", "private", "social")]


def test_agency_basis_sees_own_agency_and_shared_entries_only(entitled, child, entries):
    got = ids(chronology_for(entitled, child, Basis.AGENCY))
    assert got == [entries["school"].pk, entries["shared"].pk]


def test_no_basis_sees_nothing(other_agency, child, entries):
    assert ids(chronology_for(other_agency, child, Basis.NONE)) == []


def test_break_glass_and_childs_team_see_everything(other_agency, child, entries):
    assert len(ids(chronology_for(other_agency, child, Basis.BREAK_GLASS))) == 4
    assert len(ids(chronology_for(other_agency, child, Basis.CHILDS_TEAM))) == 4


def test_another_childs_entries_never_appear(front_door, child, entitled, entries):
    other = ChildFactory(display_name="Tom Other")
    concern(other, entitled)
    assert len(ids(chronology_for(front_door, child, Basis.WHOLE_LA))) == 4


def test_filter_by_agency_and_kind(front_door, child, entries, police):
    by_agency = chronology_for(front_door, child, Basis.WHOLE_LA, ChronologyFilters(agency_ids=(police.pk,)))
    assert ids(by_agency) == [entries["shared"].pk, entries["private"].pk]
    by_kind = chronology_for(front_door, child, Basis.WHOLE_LA, ChronologyFilters(kinds=("concern",)))
    assert ids(by_kind) == [entries["school"].pk, entries["social"].pk]


def test_filters_never_widen_scope(entitled, child, entries, police):
    got = chronology_for(entitled, child, Basis.AGENCY, ChronologyFilters(agency_ids=(police.pk,)))
    assert ids(got) == [entries["shared"].pk]


def test_filter_by_category_uses_category_rows_without_duplicates(front_door, child, entries):
    got = chronology_for(front_door, child, Basis.WHOLE_LA, ChronologyFilters(category="emotional_abuse"))
    assert ids(got) == [entries["social"].pk]
    assert ids(chronology_for(front_door, child, Basis.WHOLE_LA, ChronologyFilters(category="fgm"))) == []


def test_date_filters_use_local_days(front_door, child, entitled):
    # 23:30 UTC on 30 June is 00:30 on 1 July in London (British Summer Time).
    late = concern(child, entitled, occurred_at=dt.datetime(2025, 6, 30, 23, 30, tzinfo=dt.UTC))
    early = concern(child, entitled, occurred_at=dt.datetime(2025, 6, 30, 22, 30, tzinfo=dt.UTC))
    july = ChronologyFilters(date_from=dt.date(2025, 7, 1))
    june = ChronologyFilters(date_to=dt.date(2025, 6, 30))
    assert ids(chronology_for(front_door, child, Basis.WHOLE_LA, july)) == [late.pk]
    assert ids(chronology_for(front_door, child, Basis.WHOLE_LA, june)) == [early.pk]
    both = ChronologyFilters(date_from=dt.date(2025, 6, 30), date_to=dt.date(2025, 7, 1))
    assert ids(chronology_for(front_door, child, Basis.WHOLE_LA, both)) == [late.pk, early.pk]


def test_one_query_for_a_page_of_entries_with_agency_and_author(front_door, child, entries, django_assert_num_queries):
    with django_assert_num_queries(1):
        rows = list(chronology_for(front_door, child, Basis.WHOLE_LA))
        names = [(e.agency.name, e.author.username if e.author else "") for e in rows]
    assert len(names) == 4


def test_agencies_offered_as_filters_are_those_the_user_may_see(entitled, front_door, child, entries, police):
    assert [a.name for a in chronology_agencies(entitled, child, Basis.AGENCY)] == [
        "County Police",
        "Riverside Primary School",
    ]
    assert len(chronology_agencies(front_door, child, Basis.WHOLE_LA)) == 3


def test_filters_describe_themselves_for_the_audit():
    f = ChronologyFilters(agency_ids=(3,), category="neglect", date_from=dt.date(2025, 1, 1))
    assert f.as_audit() == {"agency_ids": [3], "category": "neglect", "date_from": dt.date(2025, 1, 1)}
    assert ChronologyFilters().is_empty and not f.is_empty


def test_labels_fall_back_for_codes_registered_elsewhere():
    assert kind_label("police_incident") == "Police incident"
    assert kind_label("strategy_discussion_unregistered") == "Strategy discussion unregistered"
    assert category_label("neglect") == "Neglect"
    assert category_label("cin_factor_3a") == "Cin factor 3a"


# --- PDF ------------------------------------------------------------------------------------------


def test_pdf_of_many_entries_has_several_numbered_pages(front_door, child, entitled):
    for i in range(60):
        concern(child, entitled, days_ago=i + 1, what=f"Entry {i}: " + "long account of what was seen. " * 6)
    pdf = chronology_pdf(
        child=child,
        entries=chronology_for(front_door, child, Basis.WHOLE_LA),
        printed_by="Fran Door, Children's Social Care",
        printed_at=timezone.now(),
    )
    assert pdf.startswith(b"%PDF")
    pages = int(re.search(rb"/Count (\d+)", pdf).group(1))
    assert pages >= 3


def test_pdf_treats_record_text_as_text_not_markup(child, entitled, front_door):
    concern(child, entitled, what="Said <b>mum & <her> partner</i> shout; unclosed <para", categories=("neglect",))
    pdf = chronology_pdf(
        child=child,
        entries=chronology_for(front_door, child, Basis.WHOLE_LA),
        printed_by="Fran Door",
        printed_at=timezone.now(),
        filters_description="category: Neglect",
    )
    assert pdf.startswith(b"%PDF")


def test_pdf_with_no_entries_says_so(child, front_door):
    child.display_name = "Zoë Łukasz-O'Neill"  # names from every community print
    pdf = chronology_pdf(
        child=child,
        entries=ChronologyEntry.objects.none(),
        printed_by="Fran Door",
        printed_at=timezone.now() - timedelta(minutes=1),
    )
    assert pdf.startswith(b"%PDF")


def test_pdf_pages_carry_marking_child_and_page_x_of_y(child, entitled, front_door, monkeypatch):
    from reportlab import rl_config

    from safeguarding.concerns import pdf as pdf_module

    # A standard font and no compression, so the page text can be read from the bytes.
    monkeypatch.setattr(pdf_module, "_fonts", lambda: ("Helvetica", "Helvetica-Bold"))
    monkeypatch.setattr(rl_config, "pageCompression", 0)
    for i in range(40):
        concern(child, entitled, days_ago=i + 1, what=f"Entry {i}: " + "what was seen and heard. " * 8)
    pdf = chronology_pdf(
        child=child,
        entries=chronology_for(front_door, child, Basis.WHOLE_LA),
        printed_by="Fran Door",
        printed_at=timezone.now(),
    )
    pages = int(re.search(rb"/Count (\d+)", pdf).group(1))
    assert pages >= 2
    assert pdf.count(b"(OFFICIAL-SENSITIVE) Tj") == 2 * pages  # top and bottom of every page
    assert f"(Page {pages} of {pages})".encode() in pdf
    assert f"LA child ID {child.la_child_id}".encode() in pdf
    assert b"Printed by Fran Door on" in pdf
    assert b"Multi-agency chronology: Amelia Jones" in pdf
