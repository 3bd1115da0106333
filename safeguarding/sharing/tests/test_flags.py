"""Status flags (sharing/flags.py), as NHS CP-IS gives them to unscheduled care, for every agency.

The rules, in plain words:
- The flag says what the child's status is today (child protection plan, unborn child
  protection plan, looked after, child in need, early help), the most serious first, each
  since the day it started; nothing that has ended or not yet begun; never the category of abuse.
- It names whoever leads now: the lead social worker of a child protection plan, else of a
  section 47 enquiry, else the lead practitioner of a child in need plan, else of an
  assessment on an open referral, else of early help; with no one (or no one still working
  here), the front door. It always gives the out-of-hours contact.
- Health, the police, schools, early help and social care may ask; anyone else is refused,
  and the refusal is audited. Every lookup is a row ("who looked") and an audit event.
- A lookup from a GP practice or A&E tells the lead practitioner, at most once a day (in
  England) per agency per child, and never about their own lookup.
"""

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.core.exceptions import ValidationError
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.flag import Flag
from fhir.resources.R4B.organization import Organization
from fhir.resources.R4B.practitionerrole import PractitionerRole

from safeguarding.access.models import AgencyKind, InvolvementBasis
from safeguarding.access.services import involvement_ensure
from safeguarding.assessments.models import CINPlanEnd
from safeguarding.audit.models import Action, AuditEvent
from safeguarding.linkage.merge import child_merge
from safeguarding.pathway.tests.factories import (
    AssessmentCompletionFactory,
    AssessmentFactory,
    CINPlanFactory,
    EarlyHelpClosureFactory,
    EpisodeFactory,
    PlanEndFactory,
    PlanFactory,
    ReferralClosureFactory,
    Section47CompletionFactory,
    Section47Factory,
)
from safeguarding.people.models import Child, ChildStatus, StatusPeriod
from safeguarding.sharing.flags import (
    FLAG_AGENCY_KINDS,
    NHS_NUMBER_SYSTEM,
    UPN_SYSTEM,
    FlagLookupRefused,
    fhir_flag_bundle,
    flag_lookup,
    front_door_contact,
    is_lead_practitioner,
    may_look_up_flags,
    may_see_who_looked,
    notification_mark_read,
    notifications_mark_all_read,
    parse_identifier,
    status_flag,
    who_looked,
)
from safeguarding.sharing.models import FlagLookup, LookupChannel, Notification
from safeguarding.sharing.tests.flag_helpers import (
    NHS,
    NOON,
    OTHER_NHS,
    PLAN_STARTED,
    PURPOSE,
    TODAY,
    UPN,
    hospital_nurse,
    practitioner,
    put_on_plan,
    social_worker,
    with_nhs,
)
from tests.factories import AgencyFactory, ChildFactory, ReferralFactory, RoleFactory, UserFactory

D = dt.date


@pytest.fixture(autouse=True)
def frozen():  # type: ignore[no-untyped-def]
    with time_machine.travel(NOON, tick=False) as traveller:
        yield traveller


@pytest.fixture
def sw(social_care):  # type: ignore[no-untyped-def]
    return social_worker(social_care)


@pytest.fixture
def on_plan(child, entitled, sw):  # type: ignore[no-untyped-def]
    """Amelia, NHS number 943 476 5919, on a child protection plan since 7 March led by Sam."""
    with_nhs(child)
    put_on_plan(child, referrer=entitled, lead=sw)
    return child


def period(child: Child, status: str, started_on: dt.date, ended_on: dt.date | None = None) -> StatusPeriod:
    return StatusPeriod.objects.create(child=child, status=status, started_on=started_on, ended_on=ended_on)


def look(by: Any, identifier: str = NHS, purpose: str = PURPOSE, channel: str = LookupChannel.WEB) -> Any:
    return flag_lookup(identifier=identifier, by=by, channel=channel, purpose=purpose)


# --- The statuses ------------------------------------------------------------------------------


def test_a_child_with_no_status_has_no_lead_but_still_the_out_of_hours_contact(child):
    flag = status_flag(child)
    assert flag.statuses == ()
    assert not flag.has_status
    assert flag.lead is None
    assert flag.out_of_hours == settings.OUT_OF_HOURS_CONTACT
    assert flag.as_answer() == {"statuses": [], "lead": None, "out_of_hours": settings.OUT_OF_HOURS_CONTACT}


def test_only_statuses_held_today_count(child):
    period(child, ChildStatus.CHILD_IN_NEED, D(2024, 1, 8), ended_on=D(2025, 3, 9))  # ended yesterday
    period(child, ChildStatus.EARLY_HELP, D(2025, 3, 11))  # starts tomorrow
    period(child, ChildStatus.LOOKED_AFTER, D(2024, 6, 3), ended_on=TODAY)  # ends today: still holds today
    period(child, ChildStatus.CHILD_PROTECTION_PLAN, D(2025, 2, 3))
    assert [(s.code, s.since) for s in status_flag(child).statuses] == [
        ("cp_plan", D(2025, 2, 3)),
        ("looked_after", D(2024, 6, 3)),
    ]


def test_on_another_day_the_flag_is_as_it_was_then(child):
    period(child, ChildStatus.CHILD_IN_NEED, D(2024, 1, 8), ended_on=D(2025, 3, 9))
    assert [s.code for s in status_flag(child, on=D(2025, 3, 9)).statuses] == ["child_in_need"]
    assert status_flag(child, on=D(2024, 1, 7)).statuses == ()


def test_statuses_are_listed_most_serious_first_whatever_order_they_began_in(child):
    period(child, ChildStatus.EARLY_HELP, D(2023, 1, 2))
    period(child, ChildStatus.CHILD_IN_NEED, D(2023, 5, 1))
    period(child, ChildStatus.LOOKED_AFTER, D(2024, 2, 5))
    period(child, ChildStatus.CHILD_PROTECTION_PLAN, D(2024, 9, 2))
    flag = status_flag(child)
    assert [s.label for s in flag.statuses] == [
        "Child protection plan",
        "Looked after",
        "Child in need",
        "Early help",
    ]


def test_since_is_when_the_status_started_and_overlapping_periods_count_once_from_the_first(child):
    period(child, ChildStatus.CHILD_IN_NEED, D(2024, 11, 4))
    period(child, ChildStatus.CHILD_IN_NEED, D(2025, 1, 13))  # a second referral while the first is open
    (status,) = status_flag(child).statuses
    assert (status.code, status.since) == ("child_in_need", D(2024, 11, 4))


def test_an_unborn_child_protection_plan_is_flagged_as_such(db):
    unborn = ChildFactory(display_name="Baby Jones", date_of_birth=None, expected_date_of_birth=D(2025, 5, 20))
    period(unborn, ChildStatus.UNBORN_PLAN, D(2025, 2, 17))
    period(unborn, ChildStatus.CHILD_IN_NEED, D(2025, 1, 6))
    flag = status_flag(unborn)
    assert [(s.code, s.label, s.since) for s in flag.statuses] == [
        ("unborn_plan", "Unborn child protection plan", D(2025, 2, 17)),
        ("child_in_need", "Child in need", D(2025, 1, 6)),
    ]


def test_the_plan_made_by_the_services_is_flagged_with_its_lead_and_never_its_category(on_plan, sw, social_care):
    flag = status_flag(on_plan)
    assert [(s.code, s.since) for s in flag.statuses] == [("cp_plan", PLAN_STARTED)]
    assert flag.lead is not None
    assert (flag.lead.name, flag.lead.role, flag.lead.agency, flag.lead.phone, flag.lead.email) == (
        "Sam Okafor",
        "Child protection social worker",
        social_care.name,
        "01632 960123",
        "sam.okafor@example.org",
    )
    assert not flag.lead.is_front_door
    answer = flag.as_answer()
    # CP-IS says that there is a plan, never why: no category of abuse leaves the service.
    assert answer["statuses"] == [{"code": "cp_plan", "label": "Child protection plan", "since": "2025-03-07"}]
    assert "PHY" not in repr(answer) and "category" not in repr(answer)


def test_status_flag_takes_two_queries_with_a_status_and_one_without(on_plan, child, django_assert_num_queries):
    with django_assert_num_queries(2):
        status_flag(on_plan)
    nobody = ChildFactory()
    with django_assert_num_queries(1):
        status_flag(nobody)


# --- Who leads ---------------------------------------------------------------------------------


def test_with_a_status_and_no_one_leading_the_front_door_is_the_contact(child):
    period(child, ChildStatus.LOOKED_AFTER, D(2024, 6, 3))
    lead = status_flag(child).lead
    assert lead == front_door_contact()
    assert lead is not None
    assert (lead.name, lead.phone, lead.agency, lead.is_front_door) == (
        "Children's front door",
        "01632 960000",
        settings.LOCAL_AUTHORITY_NAME,
        True,
    )


def test_the_lead_is_chosen_plan_then_s47_then_cin_plan_then_assessment_then_early_help(child):
    period(child, ChildStatus.CHILD_IN_NEED, D(2025, 1, 6))
    leads = {
        k: UserFactory(username=k, first_name=k.capitalize(), last_name="Lead") for k in ("eh", "a", "c", "s", "p")
    }
    episode = EpisodeFactory(child=child, started_on=D(2025, 1, 6), lead_practitioner=leads["eh"])
    assessment = AssessmentFactory(referral=ReferralFactory(contact__child=child), lead_practitioner=leads["a"])
    referral = assessment.referral
    cin_plan = CINPlanFactory(referral=referral, lead_practitioner=leads["c"])
    enquiry = Section47Factory(strategy_discussion__referral=referral, lead_social_worker=leads["s"])
    plan = PlanFactory(
        initial_conference__section47__strategy_discussion__referral=referral, lead_social_worker=leads["p"]
    )
    Section47CompletionFactory(enquiry=plan.initial_conference.section47)  # the s47 that led to the plan

    def lead_name() -> str:
        lead = status_flag(child).lead
        assert lead is not None
        return lead.name

    assert lead_name() == "P Lead"
    assert is_lead_practitioner(leads["p"], child) and not is_lead_practitioner(leads["s"], child)
    PlanEndFactory(plan=plan)
    assert lead_name() == "S Lead"
    Section47CompletionFactory(enquiry=enquiry)
    assert lead_name() == "C Lead"
    CINPlanEnd.objects.create(plan=cin_plan, ended_on=TODAY, reason="Needs met", ended_by=leads["c"])
    assert lead_name() == "A Lead"
    AssessmentCompletionFactory(assessment=assessment, completed_on=TODAY)
    assert lead_name() == "A Lead", "the assessment's lead stays lead while its referral is open"
    ReferralClosureFactory(referral=referral, closed_on=TODAY)
    assert lead_name() == "Eh Lead"
    EarlyHelpClosureFactory(episode=episode)
    assert status_flag(child).lead == front_door_contact()
    assert not any(is_lead_practitioner(u, child) for u in leads.values())


def test_of_two_open_plans_of_one_kind_the_newest_leads(child):
    period(child, ChildStatus.CHILD_IN_NEED, D(2024, 1, 8))
    older, newer = UserFactory(first_name="Older", last_name="Lead"), UserFactory(first_name="Newer", last_name="Lead")
    CINPlanFactory(referral=ReferralFactory(contact__child=child), started_on=D(2025, 2, 3), lead_practitioner=newer)
    CINPlanFactory(referral=ReferralFactory(contact__child=child), started_on=D(2024, 1, 8), lead_practitioner=older)
    lead = status_flag(child).lead
    assert lead is not None and lead.name == "Newer Lead"


def test_a_lead_who_has_left_is_no_one_to_call_the_front_door_is(on_plan, sw):
    sw.is_active = False
    sw.save(update_fields=["is_active"])
    assert status_flag(on_plan).lead == front_door_contact()


def test_the_lead_without_a_phone_or_email_of_their_own_is_reached_through_their_agency(child):
    agency = AgencyFactory(name="Early Help Hub", kind=AgencyKind.LA_EARLY_HELP, phone="01632 960555")
    agency.secure_email = "earlyhelp@example.gov.uk"
    agency.save(update_fields=["secure_email"])
    worker = UserFactory(
        username="ehw",
        first_name="Priya",
        last_name="Shah",
        agency=agency,
        email="",
        phone="",
        job_title="",
        role=RoleFactory(key="ehw", name="Early help worker"),
    )
    period(child, ChildStatus.EARLY_HELP, D(2025, 1, 6))
    EpisodeFactory(child=child, started_on=D(2025, 1, 6), lead_practitioner=worker)
    lead = status_flag(child).lead
    assert lead is not None
    assert (lead.name, lead.role, lead.agency, lead.phone, lead.email) == (
        "Priya Shah",
        "Early help worker",
        "Early Help Hub",
        "01632 960555",
        "earlyhelp@example.gov.uk",
    )


# --- The identifier ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("9434765919", ("nhs_number", NHS)),
        ("943 476 5919", ("nhs_number", NHS)),
        (" 943-476-5919 ", ("nhs_number", NHS)),
        ("T801201001012", ("upn", UPN)),
        ("t80120 1001012", ("upn", UPN)),
    ],
)
def test_an_nhs_number_or_upn_is_read_however_it_is_spaced(typed, expected):
    assert parse_identifier(typed) == expected


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Enter the child's NHS number or UPN"),
        ("   ", "Enter the child's NHS number or UPN"),
        ("943 476 591", "NHS number must be 10 numbers, like 943 476 5919"),
        ("94347659190", "NHS number must be 10 numbers, like 943 476 5919"),
        ("943 476 5918", "Enter a valid NHS number: check each number, like 943 476 5919"),
        ("A801201001012", "Enter a valid UPN: check each character, like T801201001012"),
        (
            "Amelia Jones",
            "Enter an NHS number (10 numbers, like 943 476 5919) or a UPN (13 characters, like T801201001012)",
        ),
        (
            "\u0669\u0664\u0663\u0664\u0667\u0666\u0665\u0669\u0661\u0669",  # Arabic-Indic digits: not ASCII
            "Enter an NHS number (10 numbers, like 943 476 5919) or a UPN (13 characters, like T801201001012)",
        ),
    ],
)
def test_an_identifier_that_is_not_one_says_what_to_fix_in_govuk_words(typed, message):
    with pytest.raises(ValidationError) as raised:
        parse_identifier(typed)
    assert raised.value.message_dict == {"identifier": [message]}


# --- Who may look ------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", AgencyKind.values)
def test_health_police_schools_early_help_and_social_care_may_look_and_no_one_else(db, kind):
    user = practitioner(kind, f"user-{kind}")
    expected = kind in {
        "gp_practice",
        "hospital",
        "health_visiting",
        "school_nursing",
        "midwifery",
        "police",
        "school",
        "la_early_help",
        "la_social_care",
    }
    assert may_look_up_flags(user) is expected
    assert (kind in FLAG_AGENCY_KINDS) is expected


def test_an_outsider_a_closed_account_and_no_one_signed_in_may_not_look(outsider, other_agency):
    from django.contrib.auth.models import AnonymousUser

    assert not may_look_up_flags(outsider)
    assert not may_look_up_flags(AnonymousUser())
    other_agency.is_active = False
    assert not may_look_up_flags(other_agency)


@pytest.mark.parametrize("kind", [AgencyKind.HOUSING, AgencyKind.PROBATION, AgencyKind.VOLUNTARY])
def test_a_refused_lookup_is_audited_and_tells_them_to_call_the_front_door(on_plan, kind):
    asker = practitioner(kind, "asker")
    with pytest.raises(FlagLookupRefused) as refused:
        look(asker)
    assert settings.FRONT_DOOR_CONTACT in str(refused.value)
    denied = AuditEvent.objects.get(action=Action.DENIED, actor=asker)
    assert denied.detail == {"what": "status flag", "channel": "web", "identifier": NHS}
    assert denied.reason == PURPOSE
    assert denied.child is None  # a refusal tells no one which child it was
    assert not FlagLookup.objects.exists()
    assert not Notification.objects.exists()


def test_a_refusal_is_audited_even_when_the_number_is_malformed(outsider):
    with pytest.raises(FlagLookupRefused):
        look(outsider, identifier="not a number")
    denied = AuditEvent.objects.get(action=Action.DENIED, actor=outsider)
    assert denied.detail["identifier"] == "not a number"


# --- The lookup --------------------------------------------------------------------------------


def test_an_unknown_channel_is_a_programming_error(on_plan, other_agency):
    with pytest.raises(ValueError, match="Unknown lookup channel"):
        look(other_agency, channel="fax")


def test_a_malformed_identifier_writes_nothing(on_plan, other_agency):
    before = AuditEvent.objects.count()
    with pytest.raises(ValidationError):
        look(other_agency, identifier="943 476 5918")
    assert AuditEvent.objects.count() == before
    assert not FlagLookup.objects.exists()


def test_a_number_no_child_has_is_none_and_the_search_is_audited(on_plan, other_agency):
    assert look(other_agency, identifier=OTHER_NHS) is None
    search = AuditEvent.objects.get(action=Action.SEARCH, actor=other_agency)
    assert search.detail == {"what": "status flag", "channel": "web", "identifier": OTHER_NHS, "found": False}
    assert search.child is None
    assert not FlagLookup.objects.exists()


def test_a_lookup_is_a_row_with_the_answer_as_given_and_an_audit_event(on_plan, other_agency, sw):
    flag = look(other_agency, identifier="943 476 5919", purpose="  New   to the practice ")
    assert flag is not None and flag.child == on_plan
    lookup = FlagLookup.objects.get()
    assert (lookup.child, lookup.looked_by, lookup.agency, lookup.channel, lookup.identifier) == (
        on_plan,
        other_agency,
        other_agency.agency,
        "web",
        NHS,
    )
    assert lookup.looked_at == NOON
    assert lookup.answer == {**flag.as_answer(), "purpose": "New to the practice"}
    assert lookup.answer["lead"]["name"] == "Sam Okafor"
    event = AuditEvent.objects.get(action=Action.VIEW, actor=other_agency, child=on_plan)
    assert (event.object_type, event.object_id, event.reason) == (
        "sharing.flaglookup",
        str(lookup.pk),
        lookup.answer["purpose"],
    )
    assert event.detail == {
        "what": "status flag",
        "channel": "web",
        "identifier_kind": "nhs_number",
        "statuses": ["cp_plan"],
        "lead_notified": True,
    }


def test_a_lookup_by_upn_and_by_a_former_upn_finds_the_child(child, entitled):
    child.upn = UPN
    child.former_upn = "D801201001011"
    child.save(update_fields=["upn", "former_upn"])
    period(child, ChildStatus.CHILD_IN_NEED, D(2025, 1, 6))
    flag = look(entitled, identifier=UPN.lower(), channel=LookupChannel.API)
    assert flag is not None and flag.child == child
    again = look(entitled, identifier="D801201001011")
    assert again is not None and again.child == child
    assert list(FlagLookup.objects.order_by("pk").values_list("identifier", "channel")) == [
        (UPN, "api"),
        ("D801201001011", "web"),
    ]


def test_a_merged_record_answers_as_its_survivor(child, other_agency):
    survivor = ChildFactory(display_name="Amelia Jones-Smith")
    period(survivor, ChildStatus.CHILD_IN_NEED, D(2025, 1, 6))
    # As an older import left it: the merged record still carries the NHS number.
    child.nhs_number = NHS
    child.merged_into = survivor
    child.save(update_fields=["nhs_number", "merged_into"])
    flag = look(other_agency)
    assert flag is not None and flag.child == survivor
    assert [s.code for s in flag.statuses] == ["child_in_need"]
    assert FlagLookup.objects.get().child == survivor


def test_after_a_merge_by_the_service_the_survivor_is_found_by_the_merged_records_number(
    child, other_agency, social_care
):
    reviewer = UserFactory(
        username="reviewer",
        agency=social_care,
        role=RoleFactory(key="mash-manager", covers_whole_la=True, may_decide_referrals=True, is_manager=True),
    )
    survivor = ChildFactory(display_name="Amelia Jones")
    with_nhs(child)
    period(child, ChildStatus.EARLY_HELP, D(2025, 1, 6))
    child_merge(survivor=survivor, merged=child, reason="The same child: the school confirmed it", by=reviewer)
    flag = look(other_agency)
    assert flag is not None and flag.child == survivor
    assert [s.code for s in flag.statuses] == ["early_help"]  # the status period moved with the merge


# --- Telling the lead practitioner -------------------------------------------------------------


def test_a_gp_lookup_tells_the_lead_practitioner(on_plan, other_agency, sw):
    look(other_agency)
    lookup = FlagLookup.objects.get()
    assert lookup.notified == sw
    notification = Notification.objects.get()
    assert (notification.recipient, notification.child, notification.kind, notification.read_at) == (
        sw,
        on_plan,
        "flag_lookup",
        None,
    )
    assert notification.text == f"Castle Street Surgery looked up Amelia Jones's status on 10 March 2025: {PURPOSE}"
    assert (notification.source_type, notification.source_id) == ("sharing.flaglookup", lookup.pk)


def test_an_ae_lookup_tells_the_lead_practitioner(on_plan, sw):
    nurse = hospital_nurse()
    look(nurse, purpose="")
    notification = Notification.objects.get(recipient=sw)
    assert notification.text == "County Hospital A&E looked up Amelia Jones's status on 10 March 2025"


@pytest.mark.parametrize(
    "kind", [AgencyKind.POLICE, AgencyKind.SCHOOL, AgencyKind.HEALTH_VISITING, AgencyKind.LA_EARLY_HELP]
)
def test_lookups_from_other_agencies_are_recorded_but_notify_no_one(on_plan, kind):
    look(practitioner(kind, "asker"))
    assert FlagLookup.objects.get().notified is None
    assert not Notification.objects.exists()


def test_at_most_one_notification_per_agency_per_child_per_day(on_plan, other_agency, gp, sw, frozen):
    colleague = UserFactory(username="gp2", agency=gp)
    look(other_agency)
    look(colleague)  # the same practice the same day: recorded, not notified again
    look(hospital_nurse())  # another agency: notified
    another_practice = practitioner(AgencyKind.GP_PRACTICE, "gp3", "Mill Lane Surgery")
    look(another_practice)
    assert Notification.objects.filter(recipient=sw).count() == 3
    assert FlagLookup.objects.count() == 4
    assert list(FlagLookup.objects.order_by("pk").values_list("notified", flat=True)) == [sw.pk, None, sw.pk, sw.pk]
    frozen.move_to(NOON + dt.timedelta(days=1))
    look(colleague)
    assert Notification.objects.filter(recipient=sw).count() == 4
    # Another child the same day is its own notification.
    sister = with_nhs(ChildFactory(display_name="Lily Jones"), OTHER_NHS)
    period(sister, ChildStatus.CHILD_PROTECTION_PLAN, PLAN_STARTED)
    PlanFactory(
        initial_conference__section47__strategy_discussion__referral__contact__child=sister, lead_social_worker=sw
    )
    look(colleague, identifier=OTHER_NHS)
    assert Notification.objects.filter(recipient=sw).count() == 5


def test_the_day_is_englands_not_utcs(on_plan, other_agency, sw, frozen):
    frozen.move_to(dt.datetime(2025, 6, 30, 23, 5, tzinfo=dt.UTC))  # 00:05 on 1 July in England
    look(other_agency)
    frozen.move_to(dt.datetime(2025, 7, 1, 22, 50, tzinfo=dt.UTC))  # 23:50 on 1 July in England
    look(other_agency)
    assert Notification.objects.count() == 1
    assert "on 1 July 2025" in Notification.objects.get().text
    frozen.move_to(dt.datetime(2025, 7, 1, 23, 10, tzinfo=dt.UTC))  # 00:10 on 2 July in England
    look(other_agency)
    assert Notification.objects.count() == 2


def test_the_lead_practitioners_own_lookup_notifies_no_one(child, gp):
    """A GP may lead early help (Working Together: the lead practitioner can be from any agency)."""
    with_nhs(child)
    gp_lead = UserFactory(username="drlee", first_name="Hana", last_name="Lee", agency=gp)
    period(child, ChildStatus.EARLY_HELP, D(2025, 1, 6))
    EpisodeFactory(child=child, started_on=D(2025, 1, 6), lead_practitioner=gp_lead)
    look(gp_lead)
    assert FlagLookup.objects.get().notified is None
    assert not Notification.objects.exists()
    # Their colleague's lookup does tell them.
    look(UserFactory(username="drpatel", agency=gp))
    assert Notification.objects.get().recipient == gp_lead


def test_with_no_lead_or_no_status_no_one_is_notified(child, other_agency):
    with_nhs(child)
    look(other_agency)  # no status
    period(child, ChildStatus.LOOKED_AFTER, D(2024, 6, 3))
    flag = look(UserFactory(username="gp2", agency=other_agency.agency))  # the front door is the contact
    assert flag is not None and flag.lead == front_door_contact()
    assert FlagLookup.objects.count() == 2
    assert not Notification.objects.exists()
    assert not FlagLookup.objects.filter(notified__isnull=False).exists()


# --- Who looked --------------------------------------------------------------------------------


def test_who_looked_is_the_last_25_newest_first_in_one_query(on_plan, other_agency, django_assert_num_queries):
    agency = other_agency.agency
    rows = [
        FlagLookup.objects.create(
            child=on_plan,
            looked_at=NOON - dt.timedelta(hours=n),
            looked_by=other_agency,
            agency=agency,
            channel=LookupChannel.WEB,
            identifier=NHS,
            answer={"purpose": f"check {n}"},
        )
        for n in range(30)
    ]
    FlagLookup.objects.create(
        child=ChildFactory(), looked_by=other_agency, agency=agency, channel=LookupChannel.API, identifier=OTHER_NHS
    )
    with django_assert_num_queries(1):
        shown = who_looked(on_plan)
        assert [(row.looked_by.display_name, row.agency.name) for row in shown][:1] == [
            (other_agency.display_name, "Castle Street Surgery")
        ]
    assert [row.pk for row in shown] == [row.pk for row in rows[:25]]
    assert [row.pk for row in who_looked(on_plan, limit=3)] == [row.pk for row in rows[:3]]


def test_who_looked_includes_a_lookup_through_the_service(on_plan, other_agency):
    look(other_agency)
    (row,) = who_looked(on_plan)
    assert (row.looked_by, row.answer["purpose"]) == (other_agency, PURPOSE)


def test_the_lead_and_whole_la_roles_see_who_looked_and_no_one_else(
    on_plan, sw, front_door, other_agency, entitled, outsider, dpo, django_assert_num_queries
):
    from django.contrib.auth.models import AnonymousUser

    with django_assert_num_queries(0):
        assert may_see_who_looked(front_door, on_plan)
    assert may_see_who_looked(sw, on_plan)
    for nobody in (other_agency, entitled, outsider, dpo, AnonymousUser()):
        assert not may_see_who_looked(nobody, on_plan)


def test_a_lead_from_another_agency_sees_who_looked_while_they_lead(child, entitled):
    period(child, ChildStatus.EARLY_HELP, D(2025, 1, 6))
    episode = EpisodeFactory(child=child, started_on=D(2025, 1, 6), lead_practitioner=entitled)
    assert may_see_who_looked(entitled, child)
    EarlyHelpClosureFactory(episode=episode)
    assert not may_see_who_looked(entitled, child)


# --- FHIR --------------------------------------------------------------------------------------


def resources(bundle: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [e["resource"] for e in bundle.get("entry", []) if e["resource"]["resourceType"] == kind]


def test_the_fhir_bundle_is_a_valid_r4_searchset_of_flags_about_the_patient(on_plan):
    bundle = fhir_flag_bundle(status_flag(on_plan))
    Bundle.model_validate(bundle)  # fhir.resources' R4B models: R4's Bundle, Flag, PractitionerRole
    assert (bundle["resourceType"], bundle["type"], bundle["total"]) == ("Bundle", "searchset", 1)
    assert bundle["timestamp"].startswith("2025-03-10T12:00:00")
    (flag,) = resources(bundle, "Flag")
    Flag.model_validate(flag)
    assert flag["status"] == "active"
    assert flag["code"] == {"text": "Child protection plan"}
    assert flag["period"] == {"start": "2025-03-07"}
    assert flag["subject"] == {"type": "Patient", "identifier": {"system": NHS_NUMBER_SYSTEM, "value": NHS}}
    assert flag["category"][0]["coding"][0]["code"] == "safety"
    (role,) = resources(bundle, "PractitionerRole")
    PractitionerRole.model_validate(role)
    assert role["practitioner"] == {"display": "Sam Okafor"}
    assert role["code"] == [{"text": "Lead practitioner (Child protection social worker)"}]
    assert {"system": "phone", "value": "01632 960123", "use": "work"} in role["telecom"]
    assert {"system": "email", "value": "sam.okafor@example.org", "use": "work"} in role["telecom"]
    # The Flag's author is the PractitionerRole in the bundle.
    urls = {e["resource"]["resourceType"]: e["fullUrl"] for e in bundle["entry"]}
    assert flag["author"] == {"reference": urls["PractitionerRole"], "display": "Sam Okafor"}
    (organisation,) = resources(bundle, "Organization")
    Organization.model_validate(organisation)
    assert organisation["name"] == settings.LOCAL_AUTHORITY_NAME
    (contact,) = organisation["contact"]
    assert contact["purpose"] == {"text": "Out of hours"}
    assert contact["telecom"] == [{"system": "phone", "value": "01632 960999"}]
    modes = {e["resource"]["resourceType"]: e["search"]["mode"] for e in bundle["entry"]}
    assert modes == {"Flag": "match", "PractitionerRole": "include", "Organization": "include"}
    assert "PHY" not in repr(bundle)


def test_one_flag_per_status_and_stable_ids_under_a_base_url(child):
    with_nhs(child)
    period(child, ChildStatus.LOOKED_AFTER, D(2024, 6, 3))
    period(child, ChildStatus.CHILD_IN_NEED, D(2024, 1, 8))
    bundle = fhir_flag_bundle(status_flag(child), base_url="https://safeguarding.example.gov.uk/api/fhir/")
    Bundle.model_validate(bundle)
    assert bundle["total"] == 2
    assert [f["code"]["text"] for f in resources(bundle, "Flag")] == ["Looked after", "Child in need"]
    for entry in bundle["entry"]:
        kind, ident = entry["resource"]["resourceType"], entry["resource"]["id"]
        assert entry["fullUrl"] == f"https://safeguarding.example.gov.uk/api/fhir/{kind}/{ident}"
    again = fhir_flag_bundle(status_flag(child), base_url="https://safeguarding.example.gov.uk/api/fhir")
    assert [e["fullUrl"] for e in again["entry"]] == [e["fullUrl"] for e in bundle["entry"]]
    # No one leads a child looked after here: the front door, with no practitioner named.
    (role,) = resources(bundle, "PractitionerRole")
    assert "practitioner" not in role
    assert role["code"] == [{"text": "Children's front door (no lead practitioner)"}]
    assert role["telecom"] == [{"system": "phone", "value": "01632 960000", "use": "work"}]


def test_with_no_status_the_bundle_is_empty(child):
    with_nhs(child)
    bundle = fhir_flag_bundle(status_flag(child))
    Bundle.model_validate(bundle)
    assert bundle["total"] == 0
    assert "entry" not in bundle


def test_a_child_known_by_upn_only_is_identified_by_upn(child):
    child.upn = UPN
    child.save(update_fields=["upn"])
    period(child, ChildStatus.CHILD_IN_NEED, D(2024, 1, 8))
    (flag,) = resources(fhir_flag_bundle(status_flag(child)), "Flag")
    assert flag["subject"] == {"type": "Patient", "identifier": {"system": UPN_SYSTEM, "value": UPN}}


# --- Notifications -----------------------------------------------------------------------------


def notify(recipient: Any, child: Child | None = None, text: str = "Something to know") -> Notification:
    return Notification.objects.create(recipient=recipient, child=child, kind="flag_lookup", text=text)


def test_marking_a_notification_read_is_audited_once(child, sw, frozen):
    notification = notify(sw, child)
    marked = notification_mark_read(notification_id=notification.pk, by=sw)
    assert marked.read_at == NOON
    event = AuditEvent.objects.get(action=Action.AMEND, actor=sw)
    assert (event.child, event.object_type, event.object_id) == (child, "sharing.notification", str(notification.pk))
    assert event.detail == {"what": "notification read", "kind": "flag_lookup"}
    frozen.move_to(NOON + dt.timedelta(hours=1))
    notification_mark_read(notification_id=notification.pk, by=sw)  # already read: nothing changes
    notification.refresh_from_db()
    assert notification.read_at == NOON
    assert AuditEvent.objects.filter(action=Action.AMEND, actor=sw).count() == 1


def test_no_one_marks_anothers_notification(child, sw, front_door):
    notification = notify(sw, child)
    with pytest.raises(Notification.DoesNotExist):
        notification_mark_read(notification_id=notification.pk, by=front_door)
    notification.refresh_from_db()
    assert notification.read_at is None


def test_marking_all_read_marks_only_ones_own_unread_and_audits_them_together(child, sw, front_door):
    mine = [notify(sw, child), notify(sw, None)]
    already = notify(sw, child)
    notification_mark_read(notification_id=already.pk, by=sw)
    theirs = notify(front_door, child)
    assert notifications_mark_all_read(by=sw) == 2
    assert not Notification.objects.filter(recipient=sw, read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None
    event = AuditEvent.objects.filter(action=Action.AMEND, actor=sw).latest("occurred_at", "id")
    assert event.detail == {"what": "notifications read", "notifications": [n.pk for n in mine]}
    count = AuditEvent.objects.count()
    assert notifications_mark_all_read(by=sw) == 0
    assert AuditEvent.objects.count() == count


def test_an_agency_involved_may_look_up_too_and_is_recorded_like_anyone(on_plan, entitled, school):
    involvement_ensure(child=on_plan, agency=school, basis=InvolvementBasis.ROLL)
    flag = look(entitled)
    assert flag is not None and [s.code for s in flag.statuses] == ["cp_plan"]
    assert FlagLookup.objects.get().agency == school
