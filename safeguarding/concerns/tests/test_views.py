"""Recording, reading and amending concerns, new children, and agency events, each with the
three personas: the school DSL with the child on roll (entitled), a GP with no relationship
(other_agency) and a signed-in user of no agency (outsider)."""

import datetime as dt
import re

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from safeguarding.access.models import ChildInvolvement, InvolvementBasis
from safeguarding.access.permissions import Basis, basis_for
from safeguarding.access.services import involvement_ensure
from safeguarding.audit.models import Action, AuditEvent
from safeguarding.concerns.models import (
    AgencyEventKind,
    BodyRegion,
    ChronologyEntry,
    ChronologyShare,
    Concern,
    ConcernAmendment,
)
from safeguarding.concerns.services import agency_event_record, concern_amend
from safeguarding.concerns.tests.recording_helpers import concern_post, new_child_post, record_concern
from safeguarding.people.models import Child
from tests.factories import ChildFactory, aware

pytestmark = pytest.mark.django_db


def record_url(child):
    return reverse("concerns:record", args=[child.pk])


def detail_url(concern):
    return reverse("concerns:detail", args=[concern.child_id, concern.pk])


def amend_url(concern):
    return reverse("concerns:amend", args=[concern.child_id, concern.pk])


def checked(html: str, name: str, value: str) -> bool:
    """Whether the checkbox or radio `name`=`value` is ticked in the page."""
    for tag in re.findall(r"<input[^>]*>", html):
        if f'name="{name}"' in tag and f'value="{value}"' in tag:
            return " checked" in tag
    raise AssertionError(f"no input {name}={value}")


@pytest.fixture
def school_concern(child, entitled):
    return record_concern(child, entitled, what_happened="Bruise on the upper arm, seen in PE")


# --- Recording a concern about a child in the index ----------------------------------------


class TestRecordForm:
    def test_entitled_dsl_sees_the_form_and_the_read_is_audited(self, as_user, entitled, child):
        response = as_user(entitled).get(record_url(child))
        assert response.status_code == 200
        html = response.content.decode()
        assert "Record a concern" in html
        assert "Amelia Jones, born 1 June 2015" in html
        assert "You do not have a working relationship" not in html
        event = AuditEvent.objects.filter(actor=entitled, child=child).latest("id")
        assert event.action == Action.VIEW
        assert event.detail == {"what": "record concern form", "basis": Basis.AGENCY.value}

    def test_gp_without_relationship_may_write_but_sees_only_name_and_date_of_birth(
        self, as_user, other_agency, child, school_concern
    ):
        child.current_postcode = "RV1 9ZZ"
        child.save(update_fields=["current_postcode"])
        response = as_user(other_agency).get(record_url(child))
        assert response.status_code == 200
        html = response.content.decode()
        assert "Amelia Jones, born 1 June 2015" in html
        assert "You do not have a working relationship with this child yet" in html
        # Nothing of the record: not the school's concern, not the address, not the school.
        assert "Bruise on the upper arm" not in html
        assert "RV1 9ZZ" not in html
        assert "Riverside Primary" not in html
        assert child.la_child_id not in html
        actions = list(AuditEvent.objects.filter(actor=other_agency, child=child).order_by("id"))
        assert [e.action for e in actions] == [Action.DENIED, Action.VIEW]
        assert actions[1].detail["shown"] == "name and date of birth"

    def test_outsider_may_not_record(self, as_user, outsider, child):
        client = as_user(outsider)
        assert client.get(record_url(child)).status_code == 403
        assert client.post(record_url(child), concern_post()).status_code == 403
        assert not Concern.objects.exists()
        assert AuditEvent.objects.filter(actor=outsider, child=child, action=Action.DENIED).count() == 2

    def test_unknown_child_is_404(self, as_user, entitled):
        assert as_user(entitled).get(reverse("concerns:record", args=[999999])).status_code == 404

    def test_signed_out_is_sent_to_sign_in(self, client, child):
        response = client.get(record_url(child))
        assert response.status_code == 302
        assert "/sign-in/" in response["Location"]


class TestRecording:
    def test_entitled_dsl_records_a_concern(self, as_user, entitled, child):
        response = as_user(entitled).post(record_url(child), concern_post())
        assert response.status_code == 302
        assert response["Location"] == f"/children/{child.pk}/"
        assert [str(m) for m in get_messages(response.wsgi_request)] == ["Concern recorded"]
        concern = Concern.objects.get()
        yesterday = timezone.localdate() - dt.timedelta(days=1)
        assert timezone.localtime(concern.occurred_at).replace(tzinfo=None) == dt.datetime.combine(
            yesterday, dt.time(14, 30)
        )
        assert concern.child == child
        assert concern.agency == entitled.agency
        assert concern.author == entitled
        assert concern.categories == ["domestic_abuse", "physical_abuse"]
        assert concern.childs_words == "Daddy grabbed me when I spilt my juice"
        assert concern.immediate_danger is False
        assert concern.injury_locations == ["left_arm"]
        assert concern.injury_description.startswith("Four finger-shaped bruises")
        # When it was recorded is the real time, set by the service.
        assert timezone.now() - concern.recorded_at < dt.timedelta(minutes=1)
        created = AuditEvent.objects.get(action=Action.CREATE, object_type="concerns.concern")
        assert created.actor == entitled
        assert created.object_id == str(concern.pk)
        entry = ChronologyEntry.objects.get(source_type="concerns.concern", source_id=concern.pk)
        assert entry.injury is True

    def test_immediate_danger_yes_is_recorded(self, as_user, entitled, child):
        as_user(entitled).post(record_url(child), concern_post(immediate_danger="yes"))
        assert Concern.objects.get().immediate_danger is True

    def test_gp_without_relationship_records_and_becomes_involved(self, as_user, other_agency, child):
        assert basis_for(other_agency, child.pk) is Basis.NONE
        response = as_user(other_agency).post(record_url(child), concern_post())
        assert response.status_code == 302
        assert response["Location"] == f"/children/{child.pk}/"
        concern = Concern.objects.get()
        assert concern.agency == other_agency.agency
        assert ChildInvolvement.objects.filter(
            child=child, agency=other_agency.agency, basis=InvolvementBasis.RECORDED
        ).exists()
        # Now involved, the GP reads its own agency's entries (not the whole chronology).
        assert basis_for(other_agency, child.pk) is Basis.AGENCY

    def test_time_may_be_typed_in_the_12_hour_clock(self, as_user, entitled, child):
        as_user(entitled).post(record_url(child), concern_post(occurred_time="2:05pm"))
        assert timezone.localtime(Concern.objects.get().occurred_at).time() == dt.time(14, 5)

    def test_month_may_be_typed_as_a_name(self, as_user, entitled, child):
        as_user(entitled).post(
            record_url(child), concern_post(occurred_day="4", occurred_month="March", occurred_year="2025")
        )
        assert timezone.localtime(Concern.objects.get().occurred_at).date() == dt.date(2025, 3, 4)


class TestRecordingRejected:
    def test_a_rejected_form_keeps_everything_typed(self, as_user, entitled, child):
        data = concern_post(what_happened="", immediate_danger="yes", injury_locations=["left_arm", "buttocks"])
        response = as_user(entitled).post(record_url(child), data)
        assert response.status_code == 200
        html = response.content.decode()
        assert "There is a problem" in html
        assert '<a href="#id_what_happened">Enter what you saw or heard</a>' in html
        assert not Concern.objects.exists()
        # Everything else is still there.
        assert f'value="{data["occurred_day"]}"' in html
        assert f'value="{data["occurred_year"]}"' in html
        assert 'value="14:30"' in html
        assert "Daddy grabbed me when I spilt my juice</textarea>" in html
        assert "Spoke to the DSL; called the front door.</textarea>" in html
        assert "Four finger-shaped bruises, purple, about 2cm each</textarea>" in html
        assert checked(html, "categories", "physical_abuse")
        assert checked(html, "categories", "domestic_abuse")
        assert not checked(html, "categories", "neglect")
        assert checked(html, "immediate_danger", "yes")
        assert not checked(html, "immediate_danger", "no")
        assert checked(html, "injury_locations", "left_arm")
        assert checked(html, "injury_locations", "buttocks")
        assert not checked(html, "injury_locations", "chest")
        # The body map shows the ticked regions without JavaScript.
        assert re.search(r'id="body-map-left_arm"[^>]*app-body-map__region--marked', html)
        assert re.search(r'id="body-map-buttocks"[^>]*app-body-map__region--marked', html)
        assert not re.search(r'id="body-map-chest"[^>]*app-body-map__region--marked', html)
        assert "<title>Error: Record a concern - " in html

    def test_every_missing_answer_is_reported_at_once(self, as_user, entitled, child):
        response = as_user(entitled).post(record_url(child), {})
        html = response.content.decode()
        for message in (
            "Enter the date it happened",
            "Enter the time it happened",
            "Enter what you saw or heard",
            "Select at least one category",
            "Select yes if the child is in immediate danger",
            "Enter the action you have taken",
        ):
            assert message in html, message
        assert '<a href="#id_occurred_day">' in html
        assert '<a href="#id_categories">' in html
        assert 'id="id_categories"' in html  # the first checkbox, so the summary link lands
        assert '<a href="#id_immediate_danger">' in html

    @pytest.mark.parametrize(
        ("day", "month", "year", "time", "message"),
        [
            ("12", "", "2025", "10:00", "The date it happened must include a month"),
            ("", "", "2025", "10:00", "The date it happened must include a day and month"),
            ("31", "2", "2025", "10:00", "The date it happened must be a real date"),
            ("1", "xx", "2025", "10:00", "The date it happened must be a real date"),
            ("1", "2", "25", "10:00", "Year must include 4 numbers"),
            ("1", "2", "2025", "25:00", "Enter a real time, like 09:30 or 14:15"),
            ("1", "2", "2025", "14", "Enter a real time, like 09:30 or 14:15"),
        ],
    )
    def test_date_and_time_messages(self, as_user, entitled, child, day, month, year, time, message):
        data = concern_post(occurred_day=day, occurred_month=month, occurred_year=year, occurred_time=time)
        response = as_user(entitled).post(record_url(child), data)
        assert response.status_code == 200
        assert message in response.content.decode()
        assert not Concern.objects.exists()

    def test_only_the_wrong_parts_of_the_date_are_marked(self, as_user, entitled, child):
        html = as_user(entitled).post(record_url(child), concern_post(occurred_month="")).content.decode()
        month = re.search(r'<input[^>]*id="id_occurred_month"[^>]*>', html)
        day = re.search(r'<input[^>]*id="id_occurred_day"[^>]*>', html)
        assert month and "govuk-input--error" in month.group(0)
        assert day and "govuk-input--error" not in day.group(0)

    def test_a_date_in_the_future_is_refused_by_the_service_rule(self, as_user, entitled, child):
        tomorrow = timezone.localdate() + dt.timedelta(days=2)
        data = concern_post(occurred_day=tomorrow.day, occurred_month=tomorrow.month, occurred_year=tomorrow.year)
        html = as_user(entitled).post(record_url(child), data).content.decode()
        assert '<a href="#id_occurred_day">The date it happened must be today or in the past</a>' in html
        assert not Concern.objects.exists()

    def test_an_unknown_category_is_refused(self, as_user, entitled, child):
        html = as_user(entitled).post(record_url(child), concern_post(categories=["made_up"])).content.decode()
        assert html.count("Select categories from the list") == 2  # in the summary and by the question
        assert "Select at least one category" not in html
        assert not Concern.objects.exists()

    def test_prefilled_from_the_same_child_question_shows_what_was_typed_without_errors(
        self, as_user, other_agency, child
    ):
        response = as_user(other_agency).post(record_url(child), {**concern_post(), "prefill": "1"})
        html = response.content.decode()
        assert response.status_code == 200
        assert "There is a problem" not in html
        assert "Amelia had a large bruise on her upper arm at drop-off.</textarea>" in html
        assert checked(html, "categories", "physical_abuse")
        assert not Concern.objects.exists()


def test_every_body_region_is_on_the_map_and_in_a_fieldset():
    from django.template.loader import render_to_string

    from safeguarding.concerns.forms import BACK_REGIONS, FRONT_REGIONS

    assert sorted(FRONT_REGIONS + BACK_REGIONS) == sorted(BodyRegion)
    svg = render_to_string("concerns/_body_map.html", {"marked": [], "interactive": True})
    for region in BodyRegion.values:
        assert f'id="body-map-{region}"' in svg


# --- A child not yet in the index -----------------------------------------------------------

NEW_URL = "/concerns/new/"


class TestRecordNewChild:
    def test_url(self):
        assert reverse("concerns:record-new-child") == NEW_URL

    def test_personas_on_the_form(self, as_user, entitled, other_agency, outsider):
        assert as_user(entitled).get(NEW_URL).status_code == 200
        assert as_user(other_agency).get(NEW_URL).status_code == 200
        assert as_user(outsider).get(NEW_URL).status_code == 403
        assert as_user(outsider).post(NEW_URL, new_child_post(confirmed="1")).status_code == 403
        assert not Child.objects.exists()

    def test_no_likely_match_creates_the_child_and_the_concern(self, as_user, other_agency, child):
        response = as_user(other_agency).post(NEW_URL, new_child_post())
        assert response.status_code == 302
        new = Child.objects.get(display_name="Zebedee Quartermaine")
        assert response["Location"] == f"/children/{new.pk}/"
        assert [str(m) for m in get_messages(response.wsgi_request)] == ["Concern recorded"]
        assert new.date_of_birth == dt.date(2019, 9, 3)
        assert new.current_postcode == "RV1 2AB"
        assert new.sex == "M"
        assert new.created_by == other_agency
        concern = Concern.objects.get()
        assert concern.child == new
        assert concern.author == other_agency
        assert basis_for(other_agency, new.pk) is Basis.AGENCY
        assert AuditEvent.objects.filter(action=Action.SEARCH, actor=other_agency).exists()
        assert AuditEvent.objects.filter(action=Action.CREATE, child=new, object_type="people.child").exists()
        assert AuditEvent.objects.filter(action=Action.CREATE, child=new, object_type="concerns.concern").exists()

    def test_an_unborn_child(self, as_user, other_agency):
        due = timezone.localdate() + dt.timedelta(days=60)
        data = new_child_post(
            born="no", dob_day="", dob_month="", dob_year="", edd_day=due.day, edd_month=due.month, edd_year=due.year
        )
        data["sex"] = "U"
        assert as_user(other_agency).post(NEW_URL, data).status_code == 302
        new = Child.objects.get()
        assert new.date_of_birth is None
        assert new.expected_date_of_birth == due

    def test_likely_matches_are_shown_first_and_nothing_is_written(self, as_user, other_agency, child):
        record_concern(child, _school_dsl(child), what_happened="Private school entry about Amelia")
        data = new_child_post(
            first_name="Amelia", last_name="Jones", dob_day="1", dob_month="6", dob_year="2015", sex="F"
        )
        response = as_user(other_agency).post(NEW_URL, data)
        assert response.status_code == 200
        html = response.content.decode()
        assert "Is this the same child?" in html
        assert "Amelia Jones" in html
        assert "1 June 2015" in html
        # The linkage model's view, in words, with the details it compared: same name, date of
        # birth and sex is above the reference model's auto-link weight.
        assert "Very likely the same child" in html
        assert re.search(r"Same date of birth</td>\s*<td[^>]*>.*Strong evidence for a match", html)
        assert "None of these: create a new child record" in html
        # Choosing the existing child goes to its recording form, carrying what was typed.
        assert f'action="{record_url(child)}"' in html
        assert 'name="prefill"' in html
        assert "Amelia had a large bruise on her upper arm at drop-off." in html
        # Nothing of the existing child's record is shown.
        assert "Private school entry about Amelia" not in html
        assert Child.objects.count() == 1
        assert Concern.objects.count() == 1
        search = AuditEvent.objects.get(action=Action.SEARCH, actor=other_agency)
        assert search.detail["results"] == 1
        assert search.detail["model_version"] == 1

    def test_none_of_these_creates_a_new_child(self, as_user, other_agency, child):
        data = new_child_post(first_name="Amelia", last_name="Jones", dob_day="1", dob_month="6", dob_year="2015")
        response = as_user(other_agency).post(NEW_URL, {**data, "confirmed": "1"})
        assert response.status_code == 302
        assert Child.objects.filter(display_name="Amelia Jones").count() == 2
        assert Concern.objects.get().child != child

    def test_change_the_details_goes_back_to_the_form_with_what_was_typed(self, as_user, other_agency, child):
        data = new_child_post(first_name="Amelia", last_name="Jones", dob_day="1", dob_month="6", dob_year="2015")
        html = as_user(other_agency).post(NEW_URL, {**data, "edit": "1"}).content.decode()
        assert "There is a problem" not in html
        assert 'value="Amelia"' in html
        assert "Amelia had a large bruise on her upper arm at drop-off.</textarea>" in html
        assert checked(html, "born", "yes")
        assert not Child.objects.exclude(pk=child.pk).exists()

    def test_an_identifier_already_in_the_index_is_a_likely_match(self, as_user, other_agency, child):
        child.nhs_number = "9434765919"
        child.save(update_fields=["nhs_number"])
        html = as_user(other_agency).post(NEW_URL, new_child_post(nhs_number="943 476 5919")).content.decode()
        assert "Is this the same child?" in html
        assert "Same NHS number" in html
        # Nothing but the NHS number agrees, and the page says so.
        assert "The other details do not suggest the same child" in html

    def test_a_service_refusal_writes_nothing_and_keeps_what_was_typed(self, as_user, other_agency, child):
        child.nhs_number = "9434765919"
        child.save(update_fields=["nhs_number"])
        data = {**new_child_post(nhs_number="9434765919"), "confirmed": "1"}
        response = as_user(other_agency).post(NEW_URL, data)
        assert response.status_code == 200
        html = response.content.decode()
        assert '<a href="#id_nhs_number">A child with this NHS number is already in the index' in html
        assert 'value="Zebedee"' in html
        assert "Amelia had a large bruise on her upper arm at drop-off.</textarea>" in html
        assert Child.objects.count() == 1
        assert not Concern.objects.exists()
        # The confirmation is not carried over: changed details are checked again.
        assert 'name="confirmed"' not in html

    def test_every_missing_answer_is_reported_at_once(self, as_user, entitled):
        html = as_user(entitled).post(NEW_URL, {}).content.decode()
        for message in (
            "Enter the child&#x27;s first name",
            "Enter the child&#x27;s last name",
            "Select yes if the child has been born",
            "Select the child&#x27;s sex, or &#x27;Not known&#x27;",
            "Enter what you saw or heard",
            "Select at least one category",
        ):
            assert message in html, message
        assert not Child.objects.exists()

    @pytest.mark.parametrize(
        ("overrides", "message"),
        [
            ({"dob_day": "", "dob_month": "", "dob_year": ""}, "Enter the child&#x27;s date of birth"),
            ({"dob_year": "2099"}, "Date of birth must be today or in the past"),
            ({"dob_day": "30", "dob_month": "2"}, "Date of birth must be a real date"),
            ({"nhs_number": "1234567890"}, "Enter a valid NHS number"),
            ({"upn": "X12345"}, "Enter a valid UPN"),
        ],
    )
    def test_child_details_messages(self, as_user, entitled, overrides, message):
        html = as_user(entitled).post(NEW_URL, new_child_post(**overrides)).content.decode()
        assert message in html
        assert not Child.objects.exists()


def _school_dsl(child):
    from tests.factories import UserFactory

    involvement = ChildInvolvement.objects.filter(child=child).select_related("agency").first()
    return UserFactory(username="school-teacher", agency=involvement.agency)


# --- A concern's page -----------------------------------------------------------------------


class TestDetail:
    def test_entitled_dsl_reads_the_concern_and_may_amend(self, as_user, entitled, school_concern):
        response = as_user(entitled).get(detail_url(school_concern))
        assert response.status_code == 200
        html = response.content.decode()
        assert "Bruise on the upper arm, seen in PE" in html
        assert "Riverside Primary School" in html
        assert escape(entitled.display_name) in html  # Faker names include O'Neill
        assert "Amend this concern" in html
        assert "This concern has not been amended." in html
        event = AuditEvent.objects.filter(actor=entitled, action=Action.VIEW).latest("id")
        assert event.detail["what"] == "concern"

    def test_gp_without_relationship_is_refused_and_sees_nothing(self, as_user, other_agency, school_concern):
        response = as_user(other_agency).get(detail_url(school_concern))
        assert response.status_code == 403
        html = response.content.decode()
        assert "Bruise on the upper arm" not in html
        assert "Amelia Jones" not in html
        assert "record a concern" in html  # write without read is still offered
        assert AuditEvent.objects.filter(actor=other_agency, action=Action.DENIED).exists()

    def test_outsider_is_refused(self, as_user, outsider, school_concern):
        response = as_user(outsider).get(detail_url(school_concern))
        assert response.status_code == 403
        assert "Bruise" not in response.content.decode()

    def test_an_involved_gp_does_not_see_another_agencys_concern_unless_shared(
        self, as_user, other_agency, entitled, child, school_concern
    ):
        involvement_ensure(child=child, agency=other_agency.agency, basis=InvolvementBasis.REGISTERED)
        client = as_user(other_agency)
        assert client.get(detail_url(school_concern)).status_code == 404
        entry = ChronologyEntry.objects.get(source_type="concerns.concern", source_id=school_concern.pk)
        ChronologyShare.objects.create(entry=entry, agency=other_agency.agency, shared_by=entitled, reason="GP review")
        response = client.get(detail_url(school_concern))
        assert response.status_code == 200
        assert "Amend this concern" not in response.content.decode()

    def test_front_door_reads_every_concern_but_does_not_amend_the_schools(self, as_user, front_door, school_concern):
        response = as_user(front_door).get(detail_url(school_concern))
        assert response.status_code == 200
        assert "Amend this concern" not in response.content.decode()

    def test_a_concern_of_another_child_is_404(self, as_user, entitled, child, school_concern):
        other = ChildFactory(display_name="Ben Smith")
        involvement_ensure(child=other, agency=entitled.agency, basis=InvolvementBasis.ROLL)
        url = reverse("concerns:detail", args=[other.pk, school_concern.pk])
        assert as_user(entitled).get(url).status_code == 404

    def test_the_body_map_shows_the_marked_regions(self, as_user, entitled, child):
        concern = record_concern(child, entitled, injury_locations=["left_arm", "upper_back"])
        html = as_user(entitled).get(detail_url(concern)).content.decode()
        assert "Injuries marked: Left arm, Upper back." in html
        assert re.search(r'id="body-map-upper_back"[^>]*app-body-map__region--marked', html)
        assert not re.search(r'id="body-map-chest"[^>]*app-body-map__region--marked', html)

    def test_amendment_history_shows_who_when_why_and_each_change(self, as_user, entitled, school_concern):
        concern_amend(
            concern=school_concern,
            changes={"what_happened": "Bruise on the upper arm, seen in swimming", "categories": ["neglect"]},
            reason="Wrong lesson recorded",
            by=entitled,
        )
        html = as_user(entitled).get(detail_url(school_concern)).content.decode()
        assert "Bruise on the upper arm, seen in swimming" in html
        assert "Wrong lesson recorded" in html
        assert f"by {entitled.display_name}" in html
        history = html[html.index("Amendment history") :]
        assert "Bruise on the upper arm, seen in PE" in history  # the original stays
        assert "Physical abuse" in history
        assert "Neglect" in history

    def test_queries_do_not_grow_with_amendments(
        self, as_user, entitled, school_concern, django_assert_max_num_queries
    ):
        client = as_user(entitled)
        for n in range(5):
            concern_amend(concern=school_concern, changes={"action_taken": f"Step {n}"}, reason="More", by=entitled)
        with django_assert_max_num_queries(21):  # 21: with the navigation's unread notifications count
            assert client.get(detail_url(school_concern)).status_code == 200


# --- Amending a concern -----------------------------------------------------------------------


class TestAmend:
    def test_the_form_is_filled_with_the_concern_as_it_stands(self, as_user, entitled, child):
        concern = record_concern(
            child, entitled, occurred_at=aware(2025, 11, 3, 9, 5), categories=["neglect"], childs_words="Hungry"
        )
        response = as_user(entitled).get(amend_url(concern))
        assert response.status_code == 200
        html = response.content.decode()
        assert 'value="3"' in html and 'value="11"' in html and 'value="2025"' in html
        assert 'value="09:05"' in html
        assert "Hungry</textarea>" in html
        assert checked(html, "categories", "neglect")
        assert checked(html, "immediate_danger", "no")
        assert "Reason for the amendment" in html

    def test_entitled_dsl_amends_with_a_reason(self, as_user, entitled, child):
        concern = record_concern(child, entitled, occurred_at=aware(2025, 11, 3, 9, 5, 42), categories=["neglect"])
        data = {
            **_form_of(concern),
            "what_happened": "Bruise on the lower arm",
            "categories": ["neglect", "physical_abuse"],
            "reason": "Wrong arm recorded",
        }
        response = as_user(entitled).post(amend_url(concern), data)
        assert response.status_code == 302
        assert response["Location"] == detail_url(concern)
        amendment = ConcernAmendment.objects.get()
        # Only the answers that changed (the time's seconds are not a change).
        assert set(amendment.changes) == {"what_happened", "categories"}
        assert amendment.changes["what_happened"] == {
            "old": "Bruise on the upper arm",
            "new": "Bruise on the lower arm",
        }
        assert amendment.reason == "Wrong arm recorded"
        assert amendment.amended_by == entitled
        concern.refresh_from_db()
        assert concern.what_happened == "Bruise on the lower arm"
        assert concern.occurred_at == aware(2025, 11, 3, 9, 5, 42)
        audit = AuditEvent.objects.get(action=Action.AMEND)
        assert audit.reason == "Wrong arm recorded"
        assert audit.actor == entitled
        # The original stays visible in the history.
        html = as_user(entitled).get(detail_url(concern)).content.decode()
        assert "Bruise on the upper arm" in html[html.index("Amendment history") :]

    def test_changing_the_date_is_an_amendment_of_when_it_happened(self, as_user, entitled, child):
        concern = record_concern(child, entitled, occurred_at=aware(2025, 11, 3, 9, 5))
        data = {**_form_of(concern), "occurred_day": "4", "occurred_time": "10:00", "reason": "Wrong day"}
        assert as_user(entitled).post(amend_url(concern), data).status_code == 302
        changes = ConcernAmendment.objects.get().changes
        assert set(changes) == {"occurred_at"}
        concern.refresh_from_db()
        assert concern.occurred_at == aware(2025, 11, 4, 10, 0)

    def test_a_change_without_a_reason_is_refused(self, as_user, entitled, school_concern):
        data = {**_form_of(school_concern), "what_happened": "Changed", "reason": "  "}
        response = as_user(entitled).post(amend_url(school_concern), data)
        assert response.status_code == 200
        html = response.content.decode()
        assert '<a href="#id_reason">Enter the reason for the amendment</a>' in html
        assert "Changed</textarea>" in html
        assert not ConcernAmendment.objects.exists()

    def test_nothing_changed_is_refused(self, as_user, entitled, school_concern):
        data = {**_form_of(school_concern), "reason": "Checking"}
        response = as_user(entitled).post(amend_url(school_concern), data)
        assert response.status_code == 200
        assert "Nothing has changed: change at least one answer, or cancel" in response.content.decode()
        assert not ConcernAmendment.objects.exists()

    def test_an_amendment_must_still_be_a_valid_concern(self, as_user, entitled, school_concern):
        data = {**_form_of(school_concern), "what_happened": "", "reason": "Remove"}
        html = as_user(entitled).post(amend_url(school_concern), data).content.decode()
        assert "Enter what you saw or heard" in html
        assert not ConcernAmendment.objects.exists()

    def test_another_agency_with_access_may_not_amend(self, as_user, front_door, school_concern):
        client = as_user(front_door)
        assert client.get(amend_url(school_concern)).status_code == 403
        data = {**_form_of(school_concern), "what_happened": "Changed", "reason": "Mine now"}
        assert client.post(amend_url(school_concern), data).status_code == 403
        assert not ConcernAmendment.objects.exists()

    def test_gp_without_relationship_and_outsider_are_refused(self, as_user, other_agency, outsider, school_concern):
        data = {**_form_of(school_concern), "what_happened": "Changed", "reason": "Mine now"}
        for user in (other_agency, outsider):
            client = as_user(user)
            assert client.get(amend_url(school_concern)).status_code == 403
            assert client.post(amend_url(school_concern), data).status_code == 403
        assert not ConcernAmendment.objects.exists()


def _form_of(concern):
    from safeguarding.concerns.forms import ConcernForm

    return {k: v for k, v in ConcernForm.initial_for(concern).items()}


# --- Agency events ---------------------------------------------------------------------------


@pytest.fixture
def school_absence(child, school, entitled):
    return agency_event_record(
        child=child,
        agency=school,
        kind=AgencyEventKind.SCHOOL_ABSENCE,
        occurred_at=timezone.now() - dt.timedelta(days=2),
        summary="Absent without explanation for 3 days",
        by=entitled,
    )


@pytest.fixture
def ae_attendance(child, gp):
    return agency_event_record(
        child=child,
        agency=gp,
        kind=AgencyEventKind.AE_ATTENDANCE,
        occurred_at=timezone.now() - dt.timedelta(days=3),
        summary="Attended A&E with a burn to the hand",
        injury=True,
        source_reference="ED-2291",
    )


class TestEventDetail:
    def test_entitled_dsl_reads_the_schools_event(self, as_user, entitled, school_absence):
        url = reverse("concerns:event-detail", args=[school_absence.child_id, school_absence.pk])
        response = as_user(entitled).get(url)
        assert response.status_code == 200
        html = response.content.decode()
        assert "School absence" in html
        assert "Absent without explanation for 3 days" in html
        assert AuditEvent.objects.filter(actor=entitled, action=Action.VIEW).latest("id").detail["what"] == (
            "agency event"
        )

    def test_the_school_does_not_see_another_agencys_event(self, as_user, entitled, ae_attendance):
        url = reverse("concerns:event-detail", args=[ae_attendance.child_id, ae_attendance.pk])
        assert as_user(entitled).get(url).status_code == 404

    def test_gp_without_relationship_and_outsider_are_refused(
        self, as_user, other_agency, outsider, child, school_absence
    ):
        url = reverse("concerns:event-detail", args=[school_absence.child_id, school_absence.pk])
        for user in (other_agency, outsider):
            response = as_user(user).get(url)
            assert response.status_code == 403
            assert "Absent without explanation" not in response.content.decode()

    def test_front_door_reads_a_feed_event(self, as_user, front_door, ae_attendance):
        url = reverse("concerns:event-detail", args=[ae_attendance.child_id, ae_attendance.pk])
        html = as_user(front_door).get(url).content.decode()
        assert "A&amp;E attendance" in html
        assert "Castle Street Surgery system" in html
        assert "ED-2291" in html

    def test_an_event_of_another_child_is_404(self, as_user, entitled, school_absence):
        other = ChildFactory(display_name="Ben Smith")
        involvement_ensure(child=other, agency=entitled.agency, basis=InvolvementBasis.ROLL)
        url = reverse("concerns:event-detail", args=[other.pk, school_absence.pk])
        assert as_user(entitled).get(url).status_code == 404
