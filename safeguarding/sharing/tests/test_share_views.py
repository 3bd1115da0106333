"""The record of every share, through its pages: start, record, list, detail, amend.

Personas (conftest.py): the school DSL with Amelia on the roll (`entitled`), a GP with no
relationship (`other_agency`), a signed-in user of no agency (`outsider`), and the front
door (`front_door`, whole local authority). Every page fetches the child with `child_for`,
so every opening (and every refusal) is in the audit log; a record the user may not see is
a 404; a rejected form keeps what was typed.
"""

import datetime as dt
import html
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from safeguarding.access.models import AgencyKind, ChildInvolvement, InvolvementBasis
from safeguarding.access.services import break_glass_open, involvement_ensure
from safeguarding.audit.models import Action, AuditEvent
from safeguarding.concerns.models import ChronologyEntry, ChronologyShare
from safeguarding.sharing.models import InformationShare, InformationShareAmendment
from safeguarding.sharing.shares import GOLDEN_RULES, information_share_amend, information_share_record
from safeguarding.sharing.tests.share_helpers import (
    NOT_SHARED_WHY,
    NOT_SOUGHT,
    NOT_TOLD,
    WHAT,
    WHY,
    not_shared,
    not_shared_post,
    phone_share,
    share_post,
    yesterday,
)
from tests.factories import AgencyFactory, ChildFactory, UserFactory

pytestmark = pytest.mark.django_db

AMEND_REASON = "It was a meeting at the surgery, not a phone call"


def start_url(child) -> str:
    return reverse("sharing:share-start", args=[child.pk])


def record_url(child, decision="shared") -> str:
    return reverse("sharing:share-record", args=[child.pk, decision])


def list_url(child) -> str:
    return reverse("sharing:share-list", args=[child.pk])


def detail_url(share) -> str:
    return reverse("sharing:share-detail", args=[share.child_id, share.pk])


def amend_url(share) -> str:
    return reverse("sharing:share-amend", args=[share.child_id, share.pk])


def child_record_url(child) -> str:
    return reverse("people:record", args=[child.pk])


def text(response) -> str:
    return html.unescape(response.content.decode())


def last_event(user) -> AuditEvent:
    return AuditEvent.objects.filter(actor=user).latest("id")


def error_summary(response) -> list[str]:
    page = response.content.decode()
    summary = re.search(r'<div class="govuk-error-summary".*?</ul>', page, re.S)
    assert summary, "no error summary"
    return [html.unescape(m) for m in re.findall(r'<a href="#[^"]+">([^<]+)</a>', summary.group(0))]


@pytest.fixture
def police_agency(db):
    return AgencyFactory(name="County Police", kind=AgencyKind.POLICE)


@pytest.fixture
def recorded(child, entitled, gp):
    return information_share_record(child=child, data=phone_share(gp), by=entitled)


@pytest.fixture
def gp_involved(child, gp, other_agency):
    involvement_ensure(child=child, agency=gp, basis=InvolvementBasis.REGISTERED)
    return other_agency


@pytest.fixture
def break_glass(child, other_agency):
    break_glass_open(user=other_agency, child_id=child.pk, reason="Amelia is in A&E with a head injury")
    return other_agency


def assert_no_relationship(response, child) -> None:
    assert response.status_code == 403
    page = text(response)
    assert "You do not have a working relationship with this child" in page
    assert child.display_name not in page


# --- Start: a share or a decision not to share --------------------------------------------------


class TestStart:
    def test_the_dsl_is_asked_what_they_are_recording(self, as_user, entitled, child):
        response = as_user(entitled).get(start_url(child))
        assert response.status_code == 200
        page = text(response)
        assert "Record information sharing" in page
        assert "Information I shared, or my agency shared" in page
        assert "A decision not to share information" in page
        # Continuing without an answer sends no radio: the form's own marker says it was sent.
        assert '<input type="hidden" name="answered" value="yes">' in page
        assert last_event(entitled).detail == {"what": "record information sharing start", "basis": "agency"}

    @pytest.mark.parametrize(("decision", "slug"), [("shared", "shared"), ("not_shared", "not-shared")])
    def test_the_answer_leads_to_its_questions(self, as_user, entitled, child, decision, slug):
        response = as_user(entitled).get(start_url(child), {"decision": decision, "answered": "yes"})
        assert response.status_code == 302
        assert response["Location"] == record_url(child, slug)

    @pytest.mark.parametrize("query", [{"answered": "yes"}, {"decision": "perhaps", "answered": "yes"}])
    def test_no_answer_is_an_error(self, as_user, entitled, child, query):
        response = as_user(entitled).get(start_url(child), query)
        assert response.status_code == 200
        assert text(response).count("<title>Error: ") == 1
        assert error_summary(response) == ["Select whether you shared information or decided not to share"]

    def test_the_first_visit_shows_no_error(self, as_user, entitled, child):
        response = as_user(entitled).get(start_url(child))
        assert "govuk-error-summary" not in response.content.decode()

    def test_the_front_door_may_record(self, as_user, front_door, child):
        assert as_user(front_door).get(start_url(child)).status_code == 200

    def test_another_agency_without_a_relationship_is_refused_and_audited(self, as_user, other_agency, child):
        assert_no_relationship(as_user(other_agency).get(start_url(child)), child)
        event = last_event(other_agency)
        assert (event.action, event.child, event.detail) == (
            Action.DENIED,
            child,
            {"what": "record information sharing start"},
        )

    def test_an_outsider_is_refused(self, as_user, outsider, child):
        response = as_user(outsider).get(start_url(child))
        assert_no_relationship(response, child)
        assert last_event(outsider).action == Action.DENIED

    def test_emergency_access_reads_but_does_not_record(self, as_user, break_glass, child):
        response = as_user(break_glass).get(start_url(child))
        assert response.status_code == 403
        page = text(response)
        assert "You cannot record information sharing for this child" in page
        assert "Emergency access lets you read this child's record, not record information sharing in it" in page
        event = last_event(break_glass)
        assert (event.action, event.detail) == (
            Action.DENIED,
            {"what": "record information sharing", "basis": "break_glass"},
        )

    def test_a_child_that_does_not_exist_is_not_found(self, as_user, entitled):
        assert as_user(entitled).get(reverse("sharing:share-start", args=[999999])).status_code == 404


# --- Recording ----------------------------------------------------------------------------------


class TestRecordForm:
    def test_the_share_form_asks_every_question_with_the_golden_rules(self, as_user, entitled, child, gp, school):
        response = as_user(entitled).get(record_url(child))
        assert response.status_code == 200
        page = text(response)
        for question in (
            "Which agency did you share it with?",
            "Name and role of the person you shared it with",
            "When did you share it?",
            "How did you share it?",
            "What did you share?",
            "Why did you share it?",
            "What is the lawful basis for sharing?",
            "Does it include special category information?",
            "Which Data Protection Act 2018 Schedule 1 condition applies?",
            "Did you seek consent to share?",
            "Why did you not seek consent?",
            "Why did you share without consent?",
            "Has the family been told that you shared this information?",
            "Why would telling the family put the child at risk?",
        ):
            assert question in page, question
        assert "The seven golden rules for sharing information" in page
        for title, _ in GOLDEN_RULES:
            assert title in page
        # Another agency, not one's own.
        assert f'<option value="{gp.pk}">Castle Street Surgery (GP practice)</option>' in page
        assert f'<option value="{school.pk}"' not in page
        assert last_event(entitled).detail == {"what": "record information sharing form", "basis": "agency"}

    def test_the_decision_not_to_share_form_asks_only_what_applies(self, as_user, entitled, child):
        page = text(as_user(entitled).get(record_url(child, "not-shared")))
        assert "Record a decision not to share" in page
        assert "What information was asked for or considered?" in page
        assert "Why did you decide not to share?" in page
        assert "When did you decide?" in page
        for question in ("How did you share it?", "What is the lawful basis", "Did you seek consent"):
            assert question not in page

    def test_an_unknown_decision_is_not_found(self, as_user, entitled, child):
        assert as_user(entitled).get(record_url(child, "perhaps")).status_code == 404


class TestRecord:
    def test_the_dsl_records_a_phone_call_with_the_gp(self, as_user, entitled, child, gp, school):
        client = as_user(entitled)
        response = client.post(record_url(child), share_post(gp))
        assert response.status_code == 302
        assert response["Location"] == child_record_url(child)
        share = InformationShare.objects.get()
        assert (share.decision, share.agency, share.decided_by, share.with_agency) == ("shared", school, entitled, gp)
        assert (share.channel, share.decided_on, share.what, share.why) == ("phone", yesterday(), WHAT, WHY)
        assert (share.consent, share.consent_reason) == ("not_sought", NOT_SOUGHT)
        assert (share.family_told, share.family_not_told_reason) == ("not_told", NOT_TOLD)
        assert AuditEvent.objects.filter(action=Action.CREATE, object_id=str(share.pk)).count() == 1

        page = text(client.get(response["Location"]))
        assert "Information shared with Dr Amir Patel, GP partner (Castle Street Surgery) recorded" in page
        section = page.split('id="information-sharing"', 1)[1].split('id="chronology"', 1)[0]
        assert "Shared with Dr Amir Patel, GP partner (Castle Street Surgery)" in section
        assert detail_url(share) in section
        assert "phone call, recorded by" in section
        # ... and on the chronology, with a link to the record.
        chronology = page.split('id="chronology"', 1)[1]
        assert f"Shared with Dr Amir Patel, GP partner (Castle Street Surgery): {WHAT}" in chronology
        assert "View the full information sharing record" in chronology
        assert detail_url(share) in chronology

    def test_the_dsl_records_a_decision_not_to_share(self, as_user, entitled, child):
        client = as_user(entitled)
        response = client.post(record_url(child, "not-shared"), not_shared_post(None))
        assert response.status_code == 302
        share = InformationShare.objects.get()
        assert (share.decision, share.with_agency, share.with_person, share.why) == (
            "not_shared",
            None,
            "Ms Jane Hale, solicitor",
            NOT_SHARED_WHY,
        )
        assert (share.channel, share.lawful_basis, share.consent, share.family_told) == ("", "", "", "")
        page = text(client.get(response["Location"]))
        assert "Decision not to share with Ms Jane Hale, solicitor recorded" in page

    def test_special_category_information_with_its_schedule_1_condition(self, as_user, entitled, child, gp):
        response = as_user(entitled).post(
            record_url(child), share_post(gp, special_category="yes", special_category_condition="sch1_para18")
        )
        assert response.status_code == 302
        share = InformationShare.objects.get()
        assert (share.special_category, share.special_category_condition) == (True, "sch1_para18")

    def test_special_category_is_a_question_to_answer(self, as_user, entitled, child, gp):
        response = as_user(entitled).post(record_url(child), share_post(gp, special_category=""))
        assert error_summary(response) == ["Select yes if it includes special category information"]
        assert '<a href="#id_special_category">' in response.content.decode()
        response = as_user(entitled).post(
            record_url(child), share_post(gp, special_category="no", special_category_condition="sch1_para18")
        )
        assert response.status_code == 302
        share = InformationShare.objects.get()
        assert (share.special_category, share.special_category_condition) == (False, "")

    def test_consent_refused_takes_its_own_reason(self, as_user, entitled, child, gp):
        response = as_user(entitled).post(
            record_url(child),
            share_post(
                gp, consent="refused", consent_not_sought_reason="ignored", consent_refused_reason="Risk of harm"
            ),
        )
        assert response.status_code == 302
        assert InformationShare.objects.get().consent_reason == "Risk of harm"

    def test_through_this_platform_the_gp_then_sees_the_entry(self, as_user, entitled, other_agency, child, gp):
        as_user(entitled).post(record_url(child), share_post(gp, channel="platform"))
        share = InformationShare.objects.get()
        assert ChronologyShare.objects.get().agency == gp
        client = as_user(other_agency)
        page = text(client.get(child_record_url(child)))
        assert f"Shared with Dr Amir Patel, GP partner (Castle Street Surgery): {WHAT}" in page
        response = client.get(detail_url(share))
        assert response.status_code == 200
        assert "Amend this record" not in text(response)

    def test_an_empty_share_shows_every_problem_and_writes_nothing(self, as_user, entitled, child):
        response = as_user(entitled).post(record_url(child), {})
        assert response.status_code == 200
        assert "<title>Error: " in response.content.decode()
        assert error_summary(response) == [
            "Select the agency you shared with, or enter the name and role of the person",
            "Enter the date you shared it",
            "Select how you shared the information",
            "Enter what you shared",
            "Enter why you shared it",
            "Select the lawful basis for sharing",
            "Select yes if it includes special category information",
            "Select whether you sought consent",
            "Select whether the family has been told",
        ]
        assert not InformationShare.objects.exists()
        assert not ChronologyEntry.objects.exists()

    def test_an_empty_decision_not_to_share_shows_its_own_problems(self, as_user, entitled, child):
        response = as_user(entitled).post(record_url(child, "not-shared"), {})
        assert error_summary(response) == [
            "Select the agency, or enter the name and role of the person, you decided not to share with",
            "Enter the date you decided",
            "Enter what was asked for or considered for sharing",
            "Enter why you decided not to share",
        ]

    def test_a_rejected_form_keeps_what_was_typed(self, as_user, entitled, child, gp):
        post = share_post(gp, why="", family_not_told_reason="", special_category="yes")
        response = as_user(entitled).post(record_url(child), post)
        assert error_summary(response) == [
            "Enter why you shared it",
            "Select the Schedule 1 condition for sharing special category information",
            "Enter why telling the family would put the child at risk",
        ]
        page = response.content.decode()
        assert f'<option value="{gp.pk}" selected>' in page
        assert 'value="Dr Amir Patel, GP partner"' in page
        day = yesterday()
        for name, value in (("decided_day", day.day), ("decided_month", day.month), ("decided_year", day.year)):
            assert re.search(rf'name="{name}" type="text" inputmode="numeric" value="{value}"', page), name
        assert re.search(r'value="phone" checked', page)
        assert re.search(r'value="public_task" checked', page)
        assert re.search(r'value="not_sought" checked', page)
        assert re.search(r'value="not_told" checked', page)
        assert re.search(r'name="special_category" type="radio" value="yes" checked', page)
        assert html.escape(WHAT, quote=True) in page
        assert html.escape(NOT_SOUGHT, quote=True) in page
        assert not InformationShare.objects.exists()

    @pytest.mark.parametrize(
        ("day", "message", "box"),
        [
            (("31", "2", "2025"), "The date you shared it must be a real date", "day"),
            (("1", "", "2025"), "The date you shared it must include a month", "month"),
            (("1", "1", "25"), "Year must include 4 numbers", "year"),
        ],
    )
    def test_a_date_that_cannot_be_read_is_one_error_on_the_box_to_fix(
        self, as_user, entitled, child, gp, day, message, box
    ):
        post = share_post(gp, decided_day=day[0], decided_month=day[1], decided_year=day[2])
        response = as_user(entitled).post(record_url(child), post)
        assert error_summary(response) == [message]
        assert f'<a href="#id_decided_{box}">' in response.content.decode()
        assert not InformationShare.objects.exists()

    def test_a_date_in_the_future_is_refused(self, as_user, entitled, child, gp):
        tomorrow = timezone.localdate() + dt.timedelta(days=1)
        post = share_post(
            gp, decided_day=str(tomorrow.day), decided_month=str(tomorrow.month), decided_year=str(tomorrow.year)
        )
        response = as_user(entitled).post(record_url(child), post)
        assert error_summary(response) == ["The date you shared it must be today or in the past"]
        assert '<a href="#id_decided_day">' in response.content.decode()

    def test_consent_refused_without_a_reason_is_asked_beside_that_answer(self, as_user, entitled, child, gp):
        response = as_user(entitled).post(
            record_url(child), share_post(gp, consent="refused", consent_refused_reason="")
        )
        assert error_summary(response) == ["Enter why you shared without consent, such as the risk of significant harm"]
        page = response.content.decode()
        assert '<a href="#id_consent_refused_reason">' in page
        assert 'id="id_consent_refused_reason-error"' in page

    def test_consent_as_the_lawful_basis_needs_consent_given(self, as_user, entitled, child, gp):
        response = as_user(entitled).post(record_url(child), share_post(gp, lawful_basis="consent"))
        assert error_summary(response) == ["Consent can be the lawful basis only if consent was sought and given"]

    def test_through_this_platform_needs_an_agency(self, as_user, entitled, child):
        response = as_user(entitled).post(record_url(child), share_post(None, channel="platform"))
        assert error_summary(response) == ["To share through this platform, select an agency on the platform"]

    def test_ones_own_agency_is_not_a_choice(self, as_user, entitled, child, school):
        response = as_user(entitled).post(record_url(child), share_post(school))
        assert error_summary(response) == ["Select an agency from the list"]
        assert not InformationShare.objects.exists()

    def test_the_persons_name_and_role_is_at_most_200_characters(self, as_user, entitled, child, gp):
        response = as_user(entitled).post(record_url(child), share_post(gp, with_person="x" * 201))
        assert error_summary(response) == ["Name and role must be 200 characters or fewer"]
        assert '<a href="#id_with_person">' in response.content.decode()

    def test_a_person_only_is_enough(self, as_user, entitled, child):
        response = as_user(entitled).post(record_url(child), share_post(None))
        assert response.status_code == 302
        assert InformationShare.objects.get().with_person == "Dr Amir Patel, GP partner"

    def test_the_front_door_records(self, as_user, front_door, child, gp):
        assert as_user(front_door).post(record_url(child), share_post(gp)).status_code == 302
        assert InformationShare.objects.get().agency == front_door.agency

    def test_another_agency_without_a_relationship_may_not_record(self, as_user, other_agency, child, school):
        client = as_user(other_agency)
        assert_no_relationship(client.get(record_url(child)), child)
        assert_no_relationship(client.post(record_url(child), share_post(school)), child)
        assert not InformationShare.objects.exists()
        assert AuditEvent.objects.filter(actor=other_agency, action=Action.DENIED).count() == 2

    def test_an_outsider_may_not_record(self, as_user, outsider, child, gp):
        client = as_user(outsider)
        assert_no_relationship(client.post(record_url(child), share_post(gp)), child)
        assert not InformationShare.objects.exists()

    def test_emergency_access_may_not_record(self, as_user, break_glass, child, school):
        response = as_user(break_glass).post(record_url(child), share_post(school))
        assert response.status_code == 403
        assert "Emergency access lets you read" in text(response)
        assert not InformationShare.objects.exists()
        assert last_event(break_glass).detail == {"what": "record information sharing", "basis": "break_glass"}

    def test_the_record_page_offers_recording_only_to_those_who_may(
        self, as_user, entitled, break_glass, child, recorded
    ):
        assert start_url(child) in as_user(entitled).get(child_record_url(child)).content.decode()
        page = as_user(break_glass).get(child_record_url(child)).content.decode()
        assert start_url(child) not in page
        assert detail_url(recorded) in page  # emergency access reads every record


# --- The list -----------------------------------------------------------------------------------


class TestList:
    def test_the_dsl_sees_the_records_newest_first(self, as_user, entitled, child, gp, police_agency):
        older = information_share_record(
            child=child, data=phone_share(gp, decided_on=yesterday() - dt.timedelta(days=3)), by=entitled
        )
        newer = information_share_record(child=child, data=not_shared(police_agency), by=entitled)
        response = as_user(entitled).get(list_url(child))
        assert response.status_code == 200
        page = text(response)
        assert page.index(detail_url(newer)) < page.index(detail_url(older))
        assert "Decided not to share with County Police" in page
        assert "Shared with Dr Amir Patel, GP partner (Castle Street Surgery)" in page
        assert "You can see what your agency recorded and what was shared with your agency" in page
        assert start_url(child) in page
        assert last_event(entitled).detail == {"what": "information sharing list", "basis": "agency"}

    def test_an_amended_record_is_marked(self, as_user, entitled, child, recorded, gp):
        information_share_amend(share=recorded, data=phone_share(gp, why="Better"), reason="R", by=entitled)
        assert "Amended</strong>" in as_user(entitled).get(list_url(child)).content.decode()

    def test_nothing_recorded_says_so(self, as_user, entitled, front_door, child):
        assert "No information sharing has been recorded that you can see." in text(
            as_user(entitled).get(list_url(child))
        )
        assert "No information sharing has been recorded." in text(as_user(front_door).get(list_url(child)))

    def test_the_gp_sees_what_was_shared_with_it_not_the_decisions_not_to_share_with_it(
        self, as_user, entitled, gp_involved, child, gp
    ):
        shared = information_share_record(child=child, data=phone_share(gp), by=entitled)
        refused = information_share_record(child=child, data=not_shared(gp), by=entitled)
        page = as_user(gp_involved).get(list_url(child)).content.decode()
        assert detail_url(shared) in page
        assert detail_url(refused) not in page
        assert start_url(child) in page  # the GP works with Amelia: it may record its own

    def test_the_front_door_sees_every_record_and_no_own_agency_note(self, as_user, front_door, child, recorded):
        page = text(as_user(front_door).get(list_url(child)))
        assert detail_url(recorded) in page
        assert "You can see what your agency recorded" not in page

    def test_another_agency_without_a_relationship_and_an_outsider_are_refused(
        self, as_user, other_agency, outsider, child, recorded
    ):
        for user in (other_agency, outsider):
            response = as_user(user).get(list_url(child))
            assert_no_relationship(response, child)
            assert WHAT not in text(response)
            assert last_event(user).action == Action.DENIED

    def test_the_list_paginates_in_the_same_queries_for_one_record_or_many(
        self, as_user, entitled, child, gp, django_assert_num_queries
    ):
        client = as_user(entitled)
        first = information_share_record(child=child, data=phone_share(gp, what="Record number 0"), by=entitled)
        client.get(list_url(child))
        with CaptureQueriesContext(connection) as one:
            client.get(list_url(child))
        # More than a page, bulk-created: the list's queries are what is measured.
        InformationShare.objects.bulk_create(
            InformationShare(
                child=child,
                decision="shared",
                decided_by=entitled,
                agency=entitled.agency,
                decided_on=yesterday() - dt.timedelta(days=n),
                with_agency=gp,
                channel="phone",
                what=f"Record number {n}",
                why=WHY,
                lawful_basis="public_task",
                consent="given",
                family_told="told",
            )
            for n in range(1, 55)
        )
        with django_assert_num_queries(len(one.captured_queries)):
            page = text(client.get(list_url(child)))
        assert "showing 1 to 50 of 55" in page
        assert "Record number 49" in page and "Record number 50" not in page
        page_2 = text(client.get(list_url(child), {"page": 2}))
        assert "showing 51 to 55 of 55" in page_2
        assert "Record number 50" in page_2 and "Record number 54" in page_2
        assert detail_url(first) in page  # decided yesterday: newest, on the first page
        assert "(page 2 of 2)" in page_2


# --- One record ---------------------------------------------------------------------------------


class TestDetail:
    def test_the_dsl_reads_every_answer_and_may_amend(self, as_user, entitled, child, recorded):
        response = as_user(entitled).get(detail_url(recorded))
        assert response.status_code == 200
        page = text(response)
        assert "Shared with Dr Amir Patel, GP partner (Castle Street Surgery)" in page
        assert yesterday().strftime("%-d %B %Y") in page
        assert "Phone call" in page
        assert WHAT in page and WHY in page
        assert "Public task (UK GDPR Article 6(1)(e))" in page
        assert "Not sought" in page and NOT_SOUGHT in page
        assert "No: telling them would put the child at risk" in page and NOT_TOLD in page
        assert entitled.display_name in page and "Riverside Primary School" in page
        assert "This record has not been amended." in page
        assert amend_url(recorded) in page
        event = last_event(entitled)
        assert (event.action, event.child, event.detail) == (
            Action.VIEW,
            child,
            {"what": "information sharing record", "basis": "agency"},
        )

    def test_special_category_shows_its_condition(self, as_user, entitled, child, gp):
        share = information_share_record(
            child=child,
            data=phone_share(gp, special_category=True, special_category_condition="sch1_para18"),
            by=entitled,
        )
        page = text(as_user(entitled).get(detail_url(share)))
        assert "Yes: Safeguarding of children and of individuals at risk (Schedule 1 paragraph 18)" in page

    def test_a_decision_not_to_share_shows_its_reasons_and_no_law_questions(self, as_user, entitled, child, gp):
        share = information_share_record(child=child, data=not_shared(gp), by=entitled)
        page = text(as_user(entitled).get(detail_url(share)))
        assert "Decided not to share with Castle Street Surgery" in page
        assert "Why it was not shared" in page and NOT_SHARED_WHY in page
        assert "Lawful basis" not in page and "Family told" not in page

    def test_the_front_door_reads_it_but_may_not_amend_another_agencys_record(self, as_user, front_door, recorded):
        page = text(as_user(front_door).get(detail_url(recorded)))
        assert WHAT in page
        assert amend_url(recorded) not in page

    def test_the_gp_it_was_shared_with_reads_it(self, as_user, gp_involved, recorded):
        response = as_user(gp_involved).get(detail_url(recorded))
        assert response.status_code == 200
        assert amend_url(recorded) not in response.content.decode()

    def test_a_record_one_may_not_see_is_not_found(self, as_user, entitled, gp_involved, child, gp, police_agency):
        refused = information_share_record(child=child, data=not_shared(gp), by=entitled)
        response = as_user(gp_involved).get(detail_url(refused))
        assert response.status_code == 404
        assert NOT_SHARED_WHY not in text(response)
        police_record = information_share_record(child=child, data=phone_share(police_agency), by=entitled)
        assert as_user(gp_involved).get(detail_url(police_record)).status_code == 404

    def test_a_record_is_found_only_under_its_own_child(self, as_user, entitled, school, recorded):
        other = ChildFactory(display_name="Ben Smith")
        involvement_ensure(child=other, agency=school, basis=InvolvementBasis.ROLL)
        url = reverse("sharing:share-detail", args=[other.pk, recorded.pk])
        assert as_user(entitled).get(url).status_code == 404

    def test_another_agency_without_a_relationship_and_an_outsider_are_refused(
        self, as_user, other_agency, outsider, child, recorded
    ):
        for user in (other_agency, outsider):
            response = as_user(user).get(detail_url(recorded))
            assert_no_relationship(response, child)
            assert WHAT not in text(response)
            assert last_event(user).detail == {"what": "information sharing record"}

    def test_emergency_access_reads_it(self, as_user, break_glass, recorded):
        response = as_user(break_glass).get(detail_url(recorded))
        assert response.status_code == 200
        assert amend_url(recorded) not in response.content.decode()
        assert last_event(break_glass).detail == {"what": "information sharing record", "basis": "break_glass"}


# --- Amending -----------------------------------------------------------------------------------


class TestAmend:
    def test_the_form_starts_from_what_was_recorded(self, as_user, entitled, child, recorded, gp):
        response = as_user(entitled).get(amend_url(recorded))
        assert response.status_code == 200
        page = response.content.decode()
        assert "Amend this record of information shared" in text(response)
        assert f'<option value="{gp.pk}" selected>' in page
        assert re.search(r'value="phone" checked', page)
        assert re.search(r'value="not_sought" checked', page)
        assert html.escape(NOT_SOUGHT, quote=True) in page
        assert html.escape(NOT_TOLD, quote=True) in page
        assert re.search(rf'name="decided_day" type="text" inputmode="numeric" value="{yesterday().day}"', page)
        assert last_event(entitled).detail == {"what": "amend information sharing form", "basis": "agency"}

    def test_an_amendment_with_a_reason_shows_in_the_history(self, as_user, entitled, child, recorded, gp):
        client = as_user(entitled)
        response = client.post(amend_url(recorded), share_post(gp, channel="meeting", reason=AMEND_REASON))
        assert response.status_code == 302
        assert response["Location"] == detail_url(recorded)
        recorded.refresh_from_db()
        assert recorded.channel == "meeting"
        amendment = InformationShareAmendment.objects.get()
        assert (amendment.reason, amendment.amended_by) == (AMEND_REASON, entitled)
        assert amendment.changes == {"channel": {"old": "phone", "new": "meeting"}}

        page = text(client.get(response["Location"]))
        assert "Record amended" in page
        assert "Amended</strong>" in page
        assert AMEND_REASON in page
        history = page.split("Amendment history", 1)[1]
        assert re.search(r"How</th>\s*<td[^>]*>Phone call</td>\s*<td[^>]*>Meeting</td>", history)
        assert entitled.display_name in history
        assert "This record has not been amended." not in page
        assert ChronologyEntry.objects.get(kind="information_share").amended

    def test_the_history_names_agencies_and_dates_in_words(self, as_user, entitled, child, recorded, police_agency):
        earlier = yesterday() - dt.timedelta(days=7)
        post = share_post(
            police_agency,
            decided_day=str(earlier.day),
            decided_month=str(earlier.month),
            decided_year=str(earlier.year),
            reason="It was the police, last week",
        )
        client = as_user(entitled)
        assert client.post(amend_url(recorded), post).status_code == 302
        history = text(client.get(detail_url(recorded))).split("Amendment history", 1)[1]
        assert re.search(r"Agency</th>\s*<td[^>]*>Castle Street Surgery</td>\s*<td[^>]*>County Police</td>", history)
        assert re.search(
            rf"Date</th>\s*<td[^>]*>{yesterday():%-d %B %Y}</td>\s*<td[^>]*>{earlier:%-d %B %Y}</td>", history
        )

    def test_the_history_says_when_no_agency_was_chosen(self, as_user, entitled, recorded):
        client = as_user(entitled)
        assert client.post(amend_url(recorded), share_post(None, reason="It was Dr Patel himself")).status_code == 302
        history = text(client.get(detail_url(recorded))).split("Amendment history", 1)[1]
        assert re.search(
            r"Agency</th>\s*<td[^>]*>Castle Street Surgery</td>\s*<td[^>]*>Not an agency on this platform</td>", history
        )

    def test_without_a_reason_it_is_refused_and_keeps_the_change(self, as_user, entitled, recorded, gp):
        response = as_user(entitled).post(amend_url(recorded), share_post(gp, channel="meeting", what="Changed"))
        assert response.status_code == 200
        assert "<title>Error: " in response.content.decode()
        assert error_summary(response) == ["Enter the reason for the amendment"]
        page = response.content.decode()
        assert re.search(r'value="meeting" checked', page)
        assert ">Changed</textarea>" in page
        assert not InformationShareAmendment.objects.exists()
        recorded.refresh_from_db()
        assert recorded.channel == "phone"

    def test_a_decision_not_to_share_is_amended_with_its_own_questions(self, as_user, entitled, child, gp):
        share = information_share_record(child=child, data=not_shared(gp), by=entitled)
        client = as_user(entitled)
        page = text(client.get(amend_url(share)))
        assert "Amend this record of a decision not to share" in page
        assert "Did you seek consent" not in page
        post = not_shared_post(gp, why="The request was not about Amelia's safety", reason="Fuller reasons")
        assert client.post(amend_url(share), post).status_code == 302
        assert InformationShareAmendment.objects.get().changes == {
            "why": {"old": NOT_SHARED_WHY, "new": "The request was not about Amelia's safety"}
        }

    def test_with_no_change_it_says_so(self, as_user, entitled, recorded, gp):
        response = as_user(entitled).post(amend_url(recorded), share_post(gp, reason=AMEND_REASON))
        assert response.status_code == 200
        assert error_summary(response) == ["Nothing has changed: change at least one answer, or cancel"]
        assert not InformationShareAmendment.objects.exists()

    def test_it_meets_the_same_rules(self, as_user, entitled, recorded, gp):
        response = as_user(entitled).post(amend_url(recorded), share_post(gp, why="", reason=AMEND_REASON))
        assert error_summary(response) == ["Enter why you shared it"]
        assert not InformationShareAmendment.objects.exists()

    def test_the_front_door_may_not_amend_another_agencys_record(self, as_user, front_door, child, recorded, gp):
        client = as_user(front_door)
        assert client.get(amend_url(recorded)).status_code == 403
        assert client.post(amend_url(recorded), share_post(gp, why="Mine", reason="R")).status_code == 403
        assert not InformationShareAmendment.objects.exists()
        event = last_event(front_door)
        assert (event.action, event.object_id, event.detail) == (
            Action.DENIED,
            str(recorded.pk),
            {"what": "amend information sharing", "basis": "whole_la"},
        )

    def test_the_gp_it_was_shared_with_may_not_amend_it(self, as_user, gp_involved, recorded, gp):
        assert as_user(gp_involved).get(amend_url(recorded)).status_code == 403

    def test_emergency_access_may_not_amend(self, as_user, entitled, child, school, recorded, gp):
        ChildInvolvement.objects.filter(child=child, agency=school).update(ended_on=yesterday())
        break_glass_open(user=entitled, child_id=child.pk, reason="Amelia has left the school; disclosure today")
        client = as_user(entitled)
        assert client.get(amend_url(recorded)).status_code == 403
        assert amend_url(recorded) not in client.get(detail_url(recorded)).content.decode()

    def test_a_colleague_of_the_same_agency_may_amend(self, as_user, school, recorded, gp):
        colleague = UserFactory(username="teacher", agency=school)
        response = as_user(colleague).post(amend_url(recorded), share_post(gp, why="Fuller", reason="Fuller"))
        assert response.status_code == 302
        assert InformationShareAmendment.objects.get().amended_by == colleague

    def test_a_record_one_may_not_see_is_not_found(self, as_user, gp_involved, entitled, child, gp):
        refused = information_share_record(child=child, data=not_shared(gp), by=entitled)
        assert as_user(gp_involved).get(amend_url(refused)).status_code == 404

    def test_another_agency_without_a_relationship_and_an_outsider_are_refused(
        self, as_user, other_agency, outsider, child, recorded, gp
    ):
        for user in (other_agency, outsider):
            client = as_user(user)
            assert_no_relationship(client.get(amend_url(recorded)), child)
            assert_no_relationship(client.post(amend_url(recorded), share_post(gp, why="X", reason="R")), child)
        assert not InformationShareAmendment.objects.exists()
