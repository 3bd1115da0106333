"""The whole child protection journey in the browser, with its clocks, as each person sees it.

Tuesday 13 January 2026: Dana Price, the designated safeguarding lead at Riverside Primary
School, refers Amelia from her record; the confirmation says the front door will decide by the
end of Wednesday 14 January. Femi Adeyemi at the front door finds the referral on the queue
with its clock "due soon", and decides the same morning on a strategy discussion: the queue
empties, the decision is "Decided in time", and Dana sees the decision in "My referrals".

Thursday 15 January: Sam Okafor, a social worker, records the strategy discussion (social care,
health and police took part), which starts a section 47 enquiry that Sam leads. The enquiry's
page, and Sam's "My work", show the initial conference due by 5 February (15 working days).
Wednesday 21 January: the enquiry ends recommending an initial conference. Tuesday 3 February:
the conference is held in time ("Met") and makes a child protection plan under the category
neglect; Dana is among the invitees, so she joins the child's team and, while the plan lasts,
sees Amelia's help and protection in her record. The plan page shows the first core group due
by 17 February; the core group meets on 10 February, in time.

Thursday 30 April, about three months later: a review conference decides Amelia is no longer
at risk of significant harm, which ends the plan; everyone invited to the initial conference is
written to and Dana leaves the child's team. Dana's "My referrals" lists every stage; Sam has
nothing left due; the team manager's timeliness page counts each step as done in time.

The dates avoid bank holidays (Easter 2026 falls between the core group and the review, which
counts in months, not working days).
"""

import datetime as dt
from typing import Any, cast

import pytest
import time_machine
from playwright.sync_api import expect

from safeguarding.access.models import Agency, AgencyKind, ChildTeamMembership, InvolvementBasis, Team
from safeguarding.access.services import involvement_ensure
from safeguarding.frontdoor.models import Contact, ContactDecision, Decision, Referral
from safeguarding.people.models import Child
from safeguarding.protection.models import (
    Conference,
    ConferenceDecision,
    ConferenceKind,
    PlanEnd,
    PlanEndReason,
    ProtectionPlan,
    Section47Enquiry,
    StrategyDiscussion,
)
from safeguarding.sharing.models import Letter, LetterKind
from tests.browser.journeys import at, fill_date
from tests.factories import AgencyFactory, ChildFactory, RoleFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def person(page: Any, row: str, *, user: str = "", name: str = "") -> Any:
    """Fill one labelled row of people (attendees or invitees) and return it."""
    group = page.get_by_role("group", name=row, exact=True)
    if user:
        group.get_by_label("User of this service (optional)").select_option(label=user)
    if name:
        group.get_by_label("Name", exact=True).fill(name)
    return group


def nav(page: Any, name: str) -> None:
    page.get_by_role("navigation", name="Menu").get_by_role("link", name=name, exact=True).click()


@pytest.fixture
def people() -> dict[str, Any]:
    school = cast(Agency, AgencyFactory(name="Riverside Primary School", kind=AgencyKind.SCHOOL))
    social_care = cast(Agency, AgencyFactory(name="Northshire Children's Services", kind=AgencyKind.LA_SOCIAL_CARE))
    mash = Team.objects.create(agency=social_care, name="Front door (MASH)")
    protection_team = Team.objects.create(agency=social_care, name="Child protection team")
    amelia = cast(Child, ChildFactory(display_name="Amelia Jones", date_of_birth=dt.date(2017, 4, 9)))
    involvement_ensure(child=amelia, agency=school, basis=InvolvementBasis.ROLL)
    return {
        "child": amelia,
        "dsl": UserFactory(
            username="dana",
            first_name="Dana",
            last_name="Price",
            agency=school,
            role=RoleFactory(key="dsl", name="Designated safeguarding lead"),
        ),
        "front_door": UserFactory(
            username="femi",
            first_name="Femi",
            last_name="Adeyemi",
            agency=social_care,
            team=mash,
            role=RoleFactory(
                key="front-door",
                name="Front door social worker",
                covers_whole_la=True,
                is_social_worker=True,
                may_decide_referrals=True,
            ),
        ),
        "social_worker": UserFactory(
            username="sam",
            first_name="Sam",
            last_name="Okafor",
            agency=social_care,
            team=protection_team,
            role=RoleFactory(key="social-worker", name="Social worker", covers_whole_la=True, is_social_worker=True),
        ),
        "manager": UserFactory(
            username="morgan",
            first_name="Morgan",
            last_name="Hale",
            agency=social_care,
            team=protection_team,
            role=RoleFactory(key="team-manager", name="Team manager", covers_whole_la=True, is_manager=True),
        ),
    }


def test_a_referral_becomes_a_child_protection_plan_and_ends_with_every_clock_met(sign_in, live_server, people):
    child, dsl, front_door, sam = people["child"], people["dsl"], people["front_door"], people["social_worker"]
    record_url = f"{live_server.url}/children/{child.pk}/"
    sam_option = "Sam Okafor, Northshire Children's Services"
    dana_option = "Dana Price, Riverside Primary School"
    referred_on = dt.date(2026, 1, 13)  # a Tuesday
    strategy_on = dt.date(2026, 1, 15)
    enquiry_done_on = dt.date(2026, 1, 21)
    icpc_on = dt.date(2026, 2, 3)
    core_group_on = dt.date(2026, 2, 10)
    review_on = dt.date(2026, 4, 30)

    with time_machine.travel(at(referred_on, 9, 30), tick=True) as traveller:
        # --- The DSL refers Amelia from her record -----------------------------------------
        page = sign_in(dsl)
        page.goto(record_url)
        page.get_by_role("link", name="Make a referral to children's social care").click()
        expect(page.get_by_role("heading", name="Make a referral to the front door")).to_be_visible()
        page.get_by_label("What are you worried about?").fill(
            "Amelia has come to school hungry every day this week, in the same clothes, and fell asleep in class."
        )
        page.get_by_role("checkbox", name="Neglect").check()
        page.get_by_role("group", name="Is the child in immediate danger?").get_by_label("No").check()
        page.get_by_label("What have you already done?").fill("Gave her breakfast; spoke to her; phoned mum.")
        page.get_by_role("group", name="Does the family know about this referral?").get_by_label("Yes").check()
        page.get_by_label("The family knows and agreed to the referral").check()
        page.get_by_role("button", name="Send referral").click()

        expect(page.get_by_role("heading", name="Referral sent")).to_be_visible()
        expect(page.get_by_text("by the end of Wednesday 14 January 2026")).to_be_visible()
        contact = Contact.objects.get(child=child)
        assert contact.referrer == dsl
        assert contact.categories == ["neglect"]

        # --- The front door finds it on the queue, due, and decides the same morning ---------
        traveller.move_to(at(referred_on, 11))
        page = sign_in(front_door)
        nav(page, "Front door")
        queue = page.get_by_role("region", name="Contacts waiting for a decision")
        row = queue.get_by_role("row").filter(has_text="Amelia Jones")
        expect(row).to_contain_text("Riverside Primary School")
        expect(row.locator(".govuk-tag")).to_have_text("Due soon")
        expect(row).to_contain_text("Due by 14 January 2026")
        row.get_by_role("link", name="Amelia Jones").click()

        expect(page.get_by_role("heading", name="Referral of 13 January 2026")).to_be_visible()
        page.get_by_role("link", name="Decide what happens next").click()
        page.get_by_label("Strategy discussion (section 47)").check()
        page.get_by_label("Reasons for the decision").fill(
            "Persistent neglect reported by school; health visitor records missed appointments. "
            "Reasonable cause to suspect significant harm."
        )
        page.get_by_role("button", name="Record decision").click()

        expect(page.get_by_text("Decision recorded")).to_be_visible()
        expect(page.locator(".govuk-summary-list").first).to_contain_text("Strategy discussion (section 47)")
        expect(page.get_by_text("Decided in time")).to_be_visible()
        decision = ContactDecision.objects.get(contact=contact)
        assert decision.decision == Decision.STRATEGY_DISCUSSION and decision.decided_by == front_door
        referral = Referral.objects.get(contact=contact)

        nav(page, "Front door")
        expect(page.get_by_text("No contacts are waiting for a decision.")).to_be_visible()

        # The CIN episode: the decision met its clock; the strategy discussion's clock runs.
        page.goto(record_url)
        page.get_by_role("link", name="Referral to children's social care", exact=True).click()
        steps = page.get_by_role("region", name="Steps of the referral")
        decided = steps.get_by_role("row").filter(has=page.get_by_role("cell", name="Front door decision", exact=True))
        expect(decided).to_contain_text("Decided in time")
        waiting = steps.get_by_role("row").filter(has=page.get_by_role("cell", name="Strategy discussion", exact=True))
        expect(waiting).to_contain_text("Not held yet")
        expect(waiting).to_contain_text("Due by 16 January 2026")

        # --- The DSL sees the decision in "My referrals" ------------------------------------
        traveller.move_to(at(referred_on, 15))
        page = sign_in(dsl)
        nav(page, "My referrals")
        expect(page.get_by_text("Decision 13 January 2026: strategy discussion (section 47)")).to_be_visible()

        # --- Two days later the strategy discussion starts a section 47 enquiry -------------
        traveller.move_to(at(strategy_on, 14))
        page = sign_in(sam)
        page.goto(record_url)
        page.get_by_role("link", name="Referral to children's social care", exact=True).click()
        page.get_by_role("link", name="Record a strategy discussion").click()
        fill_date(page, "When was it held?", strategy_on)
        expect(page.get_by_label("Who chaired it?")).to_have_value(str(sam.pk))
        person(page, "Children's social care", user=sam_option)
        person(page, "Health", name="Dr Priya Shah")
        person(page, "Police", name="DC Tom Reed")
        page.get_by_label("Why is there reasonable cause to suspect significant harm?").fill(
            "Chronic neglect: hunger, hygiene, missed health appointments; mother's drinking reported by police."
        )
        page.get_by_label("What did the strategy discussion decide?").fill(
            "Section 47 enquiry led by Sam Okafor; joint visit with police tomorrow; GP to share records."
        )
        page.get_by_role("group", name="What happens next?").get_by_label("Start a section 47 enquiry").check()
        page.get_by_label("Social worker to lead the section 47 enquiry").select_option(label=sam_option)
        page.get_by_role("button", name="Save the strategy discussion").click()

        expect(page.get_by_role("heading", name="Section 47 enquiry")).to_be_visible()
        icpc_clock = page.locator(".govuk-summary-list__row").filter(has_text="Initial child protection conference")
        expect(icpc_clock.locator(".govuk-tag")).to_have_text("Due")
        expect(icpc_clock).to_contain_text("Due by 5 February 2026: 15 working days left.")
        discussion = StrategyDiscussion.objects.get(referral=referral)
        assert sorted(discussion.attendees.values_list("discipline", flat=True)) == ["health", "police", "social_care"]
        enquiry = Section47Enquiry.objects.get(strategy_discussion=discussion)
        assert enquiry.lead_social_worker == sam

        # Sam's "My work" shows the enquiry and the conference it must lead to.
        nav(page, "My work")
        work = page.get_by_role("table", name="Open steps")
        conference_due = work.get_by_role("row").filter(has_text="Initial child protection conference")
        expect(conference_due).to_contain_text("Amelia Jones")
        expect(conference_due).to_contain_text("5 February 2026")
        expect(conference_due.locator(".govuk-tag")).to_have_text("Due")
        expect(work.get_by_role("row").filter(has_text="Section 47 enquiry")).to_contain_text("23 January 2026")

        # --- The enquiry ends recommending an initial conference ----------------------------
        traveller.move_to(at(enquiry_done_on, 10))
        page = sign_in(sam)
        nav(page, "My work")
        page.get_by_role("table", name="Open steps").get_by_role("link", name="Section 47 enquiry").click()
        page.get_by_role("link", name="Complete the enquiry").click()
        fill_date(page, "When was the enquiry completed?", enquiry_done_on)
        page.get_by_label("What did the enquiry find?").fill(
            "Amelia is suffering significant harm through neglect. Mother accepts she needs help."
        )
        page.get_by_role("group", name="Outcome of the enquiry").get_by_label(
            "Initial child protection conference"
        ).check()
        page.get_by_role("button", name="Complete the enquiry").click()
        expect(page.get_by_text("Section 47 enquiry completed")).to_be_visible()

        # --- The initial conference, in time, makes a plan; the DSL is invited ---------------
        traveller.move_to(at(icpc_on, 15))
        page = sign_in(sam)
        nav(page, "My work")
        page.get_by_role("table", name="Open steps").get_by_role(
            "link", name="Initial child protection conference"
        ).click()
        page.get_by_role("link", name="Record the initial child protection conference").click()
        fill_date(page, "When was it held?", icpc_on)
        person(page, "Children's social care", user=sam_option)
        person(page, "Health", name="Dr Priya Shah")
        person(page, "Police", name="DC Tom Reed").get_by_label("Attended").uncheck()
        school_row = person(page, "School or education", user=dana_option)
        school_row.get_by_label("Sent a report").check()
        school_row.get_by_label("What the report said (optional)").fill("Attendance 81%; hungry most mornings.")
        page.get_by_label("The child's views").fill("Amelia said she wants mum to be well and to have tea every night.")
        page.get_by_label("Summary of the conference").fill("Neglect over many months; mother engaging with help.")
        page.get_by_role("group", name="The conference's decision").get_by_label("Child protection plan").check()
        page.get_by_role("group", name="Category of abuse or neglect").get_by_label("Neglect").check()
        page.get_by_label("Lead social worker for the plan").select_option(label=sam_option)
        page.get_by_label("Outline of the child protection plan").fill(
            "Mother to attend alcohol service weekly; school breakfast club daily; health visitor fortnightly."
        )
        page.get_by_role("button", name="Save the conference").click()

        expect(page.get_by_text("Conference recorded: the child protection plan has started")).to_be_visible()
        expect(page.get_by_role("heading", name="Child protection plan")).to_contain_text("Open")
        first_core_group = page.locator(".govuk-summary-list__row").filter(has_text="First core group meeting")
        expect(first_core_group.locator(".govuk-tag")).to_have_text("Due")
        expect(first_core_group).to_contain_text("Due by 17 February 2026: 10 working days left.")
        plan = ProtectionPlan.objects.get(child=child)
        assert plan.initial_category == "NEG" and plan.lead_social_worker == sam
        assert ChildTeamMembership.objects.filter(child=child, practitioner=dsl, ended_at__isnull=True).exists()

        page.get_by_role("link", name="initial conference").click()
        held_in_time = page.locator(".govuk-summary-list__row").filter(
            has_text="Within 15 working days of the strategy discussion"
        )
        expect(held_in_time.locator(".govuk-tag")).to_have_text("Met")
        expect(page.get_by_role("row").filter(has_text="Dana Price")).to_contain_text("Sent: Attendance 81%")
        expect(page.get_by_role("row").filter(has_text="DC Tom Reed")).to_contain_text("Did not attend")
        expect(page.get_by_text("4 invited, 3 attended, 1 report received.")).to_be_visible()

        # --- During the plan the DSL, in the child's team, sees Amelia's help and protection -
        traveller.move_to(at(icpc_on + dt.timedelta(days=1), 9))
        page = sign_in(dsl)
        page.goto(record_url)
        episodes = page.locator("#open-episodes")
        expect(episodes.get_by_role("link", name="Child protection plan")).to_be_visible()
        expect(episodes).to_contain_text("since 3 February 2026")

        # --- The core group meets within 10 working days ------------------------------------
        traveller.move_to(at(core_group_on, 16))
        page = sign_in(sam)
        page.goto(record_url)
        page.locator("#open-episodes").get_by_role("link", name="Child protection plan").click()
        page.get_by_role("link", name="Record a core group meeting").click()
        fill_date(page, "When did the core group meet?", core_group_on)
        page.get_by_label("Who attended?").fill("Sam Okafor, Dana Price, Dr Priya Shah, Amelia's mother")
        page.get_by_label("Progress against the plan and actions agreed").fill(
            "Mother has been to two alcohol service sessions; Amelia at breakfast club every day."
        )
        page.get_by_role("button", name="Save the meeting").click()
        expect(page.get_by_text("Core group meeting recorded")).to_be_visible()
        first_core_group = page.locator(".govuk-summary-list__row").filter(has_text="First core group meeting")
        expect(first_core_group.locator(".govuk-tag")).to_have_text("Met")

        # --- About three months later a review conference ends the plan ----------------------
        traveller.move_to(at(review_on, 14))
        page = sign_in(sam)
        page.goto(record_url)
        page.locator("#open-episodes").get_by_role("link", name="Child protection plan").click()
        page.get_by_role("link", name="Record a review conference").click()
        fill_date(page, "When was it held?", review_on)
        person(page, "Children's social care", user=sam_option)
        person(page, "Health", name="Dr Priya Shah")
        person(page, "School or education", user=dana_option)
        page.get_by_label("The child's views").fill("Amelia says home is better and mum cooks tea.")
        page.get_by_label("Summary of the conference").fill("Sustained change for three months; no longer at risk.")
        page.get_by_role("group", name="The conference's decision").get_by_label(
            "End the plan: no longer at risk of significant harm"
        ).check()
        page.get_by_role("button", name="Save the conference").click()

        expect(page.get_by_text("Review recorded: the plan has ended and the invitees have been told")).to_be_visible()
        expect(page.get_by_role("heading", name="Child protection plan")).to_contain_text("Ended")
        review_row = page.locator("#reviews + .govuk-summary-list .govuk-summary-list__row")
        expect(review_row.locator(".govuk-tag")).to_have_text("Met")
        expect(page.get_by_text("Everyone invited to the initial conference has been told in writing.")).to_be_visible()
        end = PlanEnd.objects.get(plan=plan)
        assert end.reason == PlanEndReason.NO_LONGER_AT_RISK and end.ended_on == review_on
        assert end.conference == Conference.objects.get(kind=ConferenceKind.REVIEW, plan=plan)
        assert end.conference.decision == ConferenceDecision.END
        letters = Letter.objects.filter(kind=LetterKind.PLAN_END_NOTICE, child=child)
        assert sorted(letters.values_list("recipient_name", flat=True)) == [
            "DC Tom Reed",
            "Dana Price",
            "Dr Priya Shah",
            "Sam Okafor",
        ]
        assert letters.get(recipient_user=dsl).recipient_agency == dsl.agency
        assert not ChildTeamMembership.objects.filter(child=child, practitioner=dsl, ended_at__isnull=True).exists()

        # Nothing is left due for Sam.
        nav(page, "My work")
        expect(page.get_by_role("heading", name="Nothing is due")).to_be_visible()

        # --- The DSL sees every outcome, and no longer sees the child's whole record ---------
        traveller.move_to(at(review_on, 16))
        page = sign_in(dsl)
        nav(page, "My referrals")
        outcomes = page.locator(".govuk-summary-card").filter(has_text="Amelia Jones").get_by_role("listitem")
        expect(outcomes).to_have_text(
            [
                "Decision 13 January 2026: strategy discussion (section 47)",
                "Strategy discussion 15 January 2026: section 47 enquiry",
                "Section 47 enquiry completed 21 January 2026: initial child protection conference",
                "Initial child protection conference 3 February 2026: child protection plan (neglect)",
                "Review conference 30 April 2026: the plan ends",
                "Plan ended 30 April 2026",
            ]
        )
        page.goto(record_url)
        expect(page.locator("#open-episodes")).to_have_count(0)
        expect(page.get_by_text("You can see entries recorded by Riverside Primary School")).to_be_visible()

        # --- The team manager's timeliness counts each step as done in time ------------------
        page = sign_in(people["manager"])
        nav(page, "Team timeliness")
        expect(page.get_by_text("Child protection team", exact=True)).to_be_visible()
        completed = page.get_by_role("table", name="Steps completed in time and late over the last 12 months")
        for step in (
            "Initial child protection conferences within 15 working days of the strategy discussion",
            "First core group meetings within 10 working days",
            "Review conferences in time",
        ):
            expect(completed.get_by_role("row").filter(has_text=step)).to_contain_text("1 of 1 in time (100%), 0 late")
        page.get_by_label("Team").select_option(label="Every team in the local authority")
        page.get_by_role("button", name="Show timeliness").click()
        completed = page.get_by_role("table", name="Steps completed in time and late over the last 12 months")
        expect(
            completed.get_by_role("row").filter(has_text="Decisions on contacts within 1 working day")
        ).to_contain_text("1 of 1 in time (100%), 0 late")
