"""Agency checks and a child and family assessment (section 17) to the closure of the referral,
and statutory visits on a child protection plan, in the browser, as each person sees them.

Monday 2 March 2026: Dr Gita Patel, a GP at Riverside Medical Practice, refers Leo from his
record. Femi Adeyemi at the front door opens the referral and asks Riverside Primary School
what it knows; Dana Price, the school's designated safeguarding lead, finds the question under
"Checks the front door has asked of your agency" and answers it. Femi reads the answer on the
contact and decides a child and family assessment.

Tuesday 3 March: Morgan Hale, a team manager, starts the assessment led by Fay Brooks, a family
support worker who is not a social worker: the page refuses until a social-work-qualified
supervisor is named (Sam Okafor). Fay, who sees Leo's record only because she now leads his
assessment, records that she saw him alone. The assessment is due by 7 May 2026 (45 working
days, with Good Friday, Easter Monday and the early May bank holiday not counted); Fay
completes it on Tuesday 19 May, 8 working days late, so the page asks why before it keeps
anything. The assessment waits for Sam's authorisation; Sam authorises it and starts the child
in need plan it recommends, reviews it in August, ends it in September after a confirmation
page, and closes the referral (RC7) after another. The next day Leo's record shows no current
child in need status, and Dr Patel sees every stage in "My referrals" and reads the letters.

The second test: on a child protection plan, a visit at which the child is seen alone restarts
the 10-working-day visiting clock; a visit at which the child is not seen does not.

Several people act in turn, each in their own browser, signing in through the real pages.
Time passes with time_machine (process-wide, so the live server sees it too).
"""

import datetime as dt
import re
from typing import Any, cast

import pytest
import time_machine
from playwright.sync_api import expect

from safeguarding.access.models import Agency, AgencyKind, ChildTeamMembership, InvolvementBasis, User
from safeguarding.access.services import involvement_ensure
from safeguarding.assessments.models import (
    Assessment,
    AssessmentAuthorisation,
    AssessmentCompletion,
    AssessmentOutcome,
    ChildSeen,
    CINPlan,
    CINPlanEnd,
)
from safeguarding.frontdoor.models import AgencyCheck, ClosureReason, Contact, Decision, Referral, ReferralClosure
from safeguarding.frontdoor.services import ContactInput, contact_decide, contact_record
from safeguarding.people.models import Child, ChildStatus, StatusPeriod
from safeguarding.protection.models import (
    ConferenceDecision,
    Discipline,
    ProtectionPlan,
    StatutoryVisit,
    StrategyOutcome,
)
from safeguarding.protection.services import (
    AttendeeInput,
    InviteeInput,
    initial_conference_record,
    strategy_discussion_record,
)
from safeguarding.sharing.models import Letter, LetterKind
from tests.browser.journeys import at, fill_date
from tests.factories import AgencyFactory, ChildFactory, RoleFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

SOCIAL_CARE = "Northshire Children's Services"


def nav(page: Any, name: str) -> None:
    page.get_by_role("navigation", name="Menu").get_by_role("link", name=name, exact=True).click()


def banner(page: Any) -> Any:
    """The green "Success" banner at the top of the page."""
    return page.locator(".govuk-notification-banner--success .govuk-notification-banner__heading")


def step(page: Any, title: str) -> Any:
    """A row of the referral's "What has happened" table, by its step."""
    steps = page.get_by_role("region", name="Steps of the referral")
    return steps.get_by_role("row").filter(has=page.get_by_role("cell", name=title, exact=True))


def summary_row(scope: Any, key: str) -> Any:
    """The row of a summary list (in a page, or in a locator such as a card) whose key is `key`."""
    page = getattr(scope, "page", scope)
    return scope.locator(".govuk-summary-list__row").filter(
        has=page.locator(".govuk-summary-list__key", has_text=re.compile(f"^{re.escape(key)}$"))
    )


@pytest.fixture
def people() -> dict[str, Any]:
    school = cast(Agency, AgencyFactory(name="Riverside Primary School", kind=AgencyKind.SCHOOL))
    practice = cast(Agency, AgencyFactory(name="Riverside Medical Practice", kind=AgencyKind.GP_PRACTICE))
    social_care = cast(Agency, AgencyFactory(name=SOCIAL_CARE, kind=AgencyKind.LA_SOCIAL_CARE))
    leo = cast(Child, ChildFactory(display_name="Leo Carter", date_of_birth=dt.date(2018, 7, 21)))
    involvement_ensure(child=leo, agency=school, basis=InvolvementBasis.ROLL)
    involvement_ensure(child=leo, agency=practice, basis=InvolvementBasis.REGISTERED)
    return {
        "child": leo,
        "gp": UserFactory(
            username="gita",
            first_name="Gita",
            last_name="Patel",
            agency=practice,
            role=RoleFactory(key="gp", name="GP"),
        ),
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
            role=RoleFactory(
                key="front-door",
                name="Front door social worker",
                covers_whole_la=True,
                is_social_worker=True,
                may_decide_referrals=True,
            ),
        ),
        "manager": UserFactory(
            username="morgan",
            first_name="Morgan",
            last_name="Hale",
            agency=social_care,
            role=RoleFactory(
                key="team-manager", name="Team manager", covers_whole_la=True, is_manager=True, is_social_worker=True
            ),
        ),
        "social_worker": UserFactory(
            username="sam",
            first_name="Sam",
            last_name="Okafor",
            agency=social_care,
            role=RoleFactory(key="social-worker", name="Social worker", covers_whole_la=True, is_social_worker=True),
        ),
        # Works in social care but is not a social worker, and sees a child's record only when
        # she is in the child's team (as the lead practitioner of an assessment, for example).
        "family_support": UserFactory(
            username="fay",
            first_name="Fay",
            last_name="Brooks",
            job_title="Family support worker",
            agency=social_care,
            role=RoleFactory(key="fsw", name="Family support worker"),
        ),
    }


def test_agency_checks_then_an_assessment_led_by_a_family_support_worker_to_closure(sign_in, live_server, people):
    child: Child = people["child"]
    gp: User = people["gp"]
    dsl, front_door, manager = people["dsl"], people["front_door"], people["manager"]
    sam, fay = people["social_worker"], people["family_support"]
    record_url = f"{live_server.url}/children/{child.pk}/"
    referred_on = dt.date(2026, 3, 2)  # a Monday
    started_on = dt.date(2026, 3, 3)
    seen_on = dt.date(2026, 3, 4)
    completed_on = dt.date(2026, 5, 19)  # due by 7 May: 8 working days late
    review_on = dt.date(2026, 8, 13)  # the first review is due 3 months after the plan starts
    ended_on = dt.date(2026, 9, 10)

    with time_machine.travel(at(referred_on, 9, 30), tick=True) as traveller:
        # --- The GP refers Leo from his record ----------------------------------------------
        page = sign_in(gp)
        page.goto(record_url)
        page.get_by_role("link", name="Make a referral to children's social care").click()
        page.get_by_label("What are you worried about?").fill(
            "Leo's mother told me she cannot cope since her partner left; Leo has lost weight and "
            "has missed two asthma reviews. She said she shouts at him and is frightened she will hurt him."
        )
        page.get_by_role("checkbox", name="Neglect").check()
        page.get_by_role("group", name="Is the child in immediate danger?").get_by_label("No").check()
        page.get_by_label("What have you already done?").fill("Referred mother to talking therapies; booked Leo in.")
        page.get_by_role("group", name="Does the family know about this referral?").get_by_label("Yes").check()
        page.get_by_label("The family knows and agreed to the referral").check()
        page.get_by_role("button", name="Send referral").click()
        expect(page.get_by_role("heading", name="Referral sent")).to_be_visible()
        contact = Contact.objects.get(child=child)
        assert contact.referrer == gp and contact.referrer_agency == gp.agency
        page.context.close()

        # --- The front door opens the referral and asks the school what it knows -------------
        traveller.move_to(at(referred_on, 11))
        page = sign_in(front_door)
        nav(page, "Front door")
        page.get_by_role("region", name="Contacts waiting for a decision").get_by_role(
            "link", name="Leo Carter"
        ).click()
        expect(page.get_by_role("heading", name="Referral of 2 March 2026")).to_be_visible()
        expect(page.get_by_text("No checks have been asked.")).to_be_visible()
        page.get_by_role("link", name="Ask an agency for a check").click()
        page.get_by_label("Which agency do you want to ask?").select_option(label="Riverside Primary School")
        page.get_by_label("What do you want to know?").fill(
            "How is Leo's attendance, and have you any worries about his weight, his clothes "
            "or what he says about home?"
        )
        page.get_by_role("button", name="Send check").click()
        expect(banner(page)).to_have_text("Check sent to Riverside Primary School")
        check_card = page.locator(".govuk-summary-card").filter(has_text="Riverside Primary School")
        expect(check_card.locator(".govuk-tag")).to_have_text("Waiting")
        check = AgencyCheck.objects.get(contact=contact)
        assert check.agency == dsl.agency and check.requested_by == front_door
        page.context.close()

        # --- The school's DSL finds the check from the home page and answers it -------------
        traveller.move_to(at(referred_on, 13))
        page = sign_in(dsl)
        page.get_by_role("link", name="Checks the front door has asked of your agency").click()
        expect(page.get_by_role("heading", name="Agency checks")).to_be_visible()
        waiting = page.get_by_role("region", name="Checks waiting for an answer")
        row = waiting.get_by_role("row").filter(has_text="Leo Carter")
        expect(row).to_contain_text("21 July 2018")  # the date of birth: the school knows which Leo
        expect(row).to_contain_text("2 March 2026, 11:00 by Femi Adeyemi")
        row.get_by_role("link", name="Answer the check about Leo Carter").click()
        expect(page.get_by_role("heading", name="Answer a check from the front door")).to_be_visible()
        expect(page.get_by_text("have you any worries about his weight")).to_be_visible()
        page.get_by_label("What does your agency know?").fill(
            "Attendance 88% this term. Leo has come in hungry most Mondays since January and his "
            "uniform is too small. He told his teacher mum cries a lot. No injuries seen."
        )
        page.get_by_role("button", name="Send answer").click()
        expect(banner(page)).to_have_text("Your answer has been sent to the front door")
        expect(page.get_by_text("There are no checks waiting for your agency.")).to_be_visible()
        expect(page.get_by_text("Leo Carter: answered 2 March 2026 by Dana Price")).to_be_visible()
        check.refresh_from_db()
        assert check.returned.returned_by == dsl and "hungry most Mondays" in check.returned.information
        page.context.close()

        # --- The front door reads the answer and decides a child and family assessment -------
        traveller.move_to(at(referred_on, 15))
        page = sign_in(front_door)
        nav(page, "Front door")
        page.get_by_role("region", name="Contacts waiting for a decision").get_by_role(
            "link", name="Leo Carter"
        ).click()
        check_card = page.locator(".govuk-summary-card").filter(has_text="Riverside Primary School")
        expect(check_card.locator(".govuk-tag")).to_have_text("Returned")
        expect(summary_row(check_card, "Answer")).to_contain_text("2 March 2026, 13:00 by Dana Price")
        expect(summary_row(check_card, "Answer")).to_contain_text("hungry most Mondays")
        page.get_by_role("link", name="Decide what happens next").click()
        page.get_by_label("Child and family assessment (section 17)").check()
        page.get_by_label("Reasons for the decision").fill(
            "Mother struggling alone; school confirms hunger and Leo's worries. Needs assessing under section 17."
        )
        page.get_by_role("button", name="Record decision").click()
        expect(banner(page)).to_have_text("Decision recorded")
        expect(summary_row(page, "Decided")).to_have_text(re.compile("Child and family assessment \\(section 17\\)"))
        expect(page.get_by_text("Decided in time")).to_be_visible()
        assert contact.decision.decision == Decision.ASSESSMENT
        referral = Referral.objects.get(contact=contact)
        assert referral.referral_date == referred_on
        assert StatusPeriod.objects.get(child=child, status=ChildStatus.CHILD_IN_NEED).ended_on is None
        page.context.close()

        # --- A team manager starts the assessment: a lead who is not a social worker needs a
        # social-work-qualified supervisor --------------------------------------------------
        traveller.move_to(at(started_on, 10))
        page = sign_in(manager)
        page.goto(record_url)
        page.locator("#open-episodes").get_by_role("link", name="Referral to children's social care").click()
        expect(step(page, "Child and family assessment")).to_contain_text("Not started yet")
        page.get_by_role("link", name="Start a child and family assessment").click()
        expect(page.get_by_text("within 45 working days of the referral on 2 March 2026")).to_be_visible()
        fill_date(page, "When did the assessment start?", started_on)
        fay_option = f"Fay Brooks, Family support worker ({SOCIAL_CARE})"
        page.get_by_label("Lead practitioner").select_option(label=fay_option)
        expect(page.get_by_label("Supervisor (social-work qualified)")).to_have_value("")  # "No supervisor"
        page.get_by_role("button", name="Start the assessment").click()

        supervisor_error = (
            "Select a social-work-qualified supervisor: Fay Brooks is not a social worker, "
            "so the assessment must be supervised by one"
        )
        expect(page).to_have_title(re.compile("^Error: "))
        expect(page.locator(".govuk-error-summary").get_by_role("link", name=supervisor_error)).to_be_visible()
        expect(page.locator(".govuk-error-message").filter(has_text=supervisor_error)).to_be_visible()
        assert not Assessment.objects.exists()
        expect(page.get_by_label("Lead practitioner")).to_have_value(str(fay.pk))  # what was chosen is kept
        expect(page.get_by_role("group", name="When did the assessment start?").get_by_label("Day")).to_have_value("3")
        # Only social workers are offered as supervisors.
        supervisors = page.get_by_label("Supervisor (social-work qualified)").locator("option")
        expect(supervisors.filter(has_text="Fay Brooks")).to_have_count(0)
        page.get_by_label("Supervisor (social-work qualified)").select_option(
            label=f"Sam Okafor, Social worker ({SOCIAL_CARE})"
        )
        page.get_by_role("button", name="Start the assessment").click()

        expect(banner(page)).to_have_text("Assessment started")
        expect(page.get_by_role("heading", name="Child and family assessment")).to_be_visible()
        expect(summary_row(page, "Lead practitioner")).to_contain_text("Fay Brooks, " + SOCIAL_CARE)
        expect(summary_row(page, "Lead practitioner")).to_contain_text("Not a social worker: supervised")
        expect(summary_row(page, "Supervisor")).to_contain_text("Sam Okafor")
        expect(page.get_by_text("Due by 7 May 2026: 44 working days left")).to_be_visible()
        assessment = Assessment.objects.get(referral=referral)
        assert (assessment.lead_practitioner, assessment.supervisor, assessment.started_on) == (fay, sam, started_on)
        # Fay joins Leo's team so that she can open his record; Sam sees it as social care already.
        team = ChildTeamMembership.objects.filter(child=child, ended_at__isnull=True)
        assert list(team.values_list("practitioner__username", flat=True)) == ["fay"]
        page.context.close()

        # --- The lead practitioner, in Leo's team now, records that she saw him alone -------
        traveller.move_to(at(seen_on, 16))
        page = sign_in(fay)
        nav(page, "My work")
        work = page.get_by_role("table", name="Open steps")
        assessment_due = work.get_by_role("row").filter(has_text="Leo Carter")
        expect(assessment_due).to_contain_text("7 May 2026")
        assessment_due.get_by_role("link", name=re.compile("Child and family assessment")).click()
        expect(page.get_by_text("No dates recorded yet. The child must be seen before")).to_be_visible()
        page.get_by_role("link", name="Record a date the child was seen").click()
        fill_date(page, "When was the child seen?", seen_on)
        page.get_by_role("group", name="Was the child seen alone?").get_by_label("Yes").check()
        page.get_by_label("Notes (optional)").fill("Saw Leo in his bedroom; he showed me his drawings of home.")
        page.get_by_role("button", name="Save").click()
        expect(banner(page)).to_have_text("Date the child was seen recorded")
        seen_row = page.get_by_role("table", name="Dates the child was seen").get_by_role("row").nth(1)
        expect(seen_row).to_contain_text("4 March 2026")
        expect(seen_row.get_by_role("cell").nth(1)).to_have_text("Yes")
        assert list(ChildSeen.objects.values_list("seen_on", "seen_alone", "recorded_by")) == [(seen_on, True, fay.pk)]
        page.context.close()

        # --- Past the 45 working days: completing needs a reason for the delay --------------
        traveller.move_to(at(completed_on, 10))
        page = sign_in(fay)
        nav(page, "My work")
        late_row = page.get_by_role("table", name="Open steps").get_by_role("row").filter(has_text="Leo Carter")
        expect(late_row.locator(".govuk-tag")).to_have_text("Overdue")
        late_row.get_by_role("link", name=re.compile("Child and family assessment")).click()
        expect(page.get_by_text("Was due by 7 May 2026: 8 working days overdue")).to_be_visible()
        page.get_by_role("link", name="Complete the assessment").click()
        fill_date(page, "When was the assessment completed?", completed_on)
        page.get_by_role("group", name="Mental health", exact=True).get_by_label("A parent or carer").check()
        page.get_by_role("group", name="Abuse or neglect", exact=True).get_by_label("Neglect (16A)").check()
        page.get_by_role("group", name="The child's primary need").get_by_label("Family in acute stress").check()
        analysis = "Mother is depressed and isolated; Leo is hungry and anxious but attached to her. Needs support."
        page.get_by_label("Findings and analysis").fill(analysis)
        page.get_by_role("group", name="What happens next?").get_by_label("Child in need plan").check()
        page.get_by_role("button", name="Complete the assessment").click()

        expect(page).to_have_title(re.compile("^Error: "))
        late_error = "Enter why the assessment was completed late"
        expect(page.locator(".govuk-error-summary").get_by_role("link", name=late_error)).to_be_visible()
        assert (
            not AssessmentCompletion.objects.exists()
            and not Letter.objects.filter(kind__startswith="assessment_outcome").exists()
        )
        # Nothing typed is lost.
        expect(page.get_by_label("Findings and analysis")).to_have_value(analysis)
        expect(
            page.get_by_role("group", name="Abuse or neglect", exact=True).get_by_label("Neglect (16A)")
        ).to_be_checked()
        expect(
            page.get_by_role("group", name="Mental health", exact=True).get_by_label("A parent or carer")
        ).to_be_checked()
        expect(page.get_by_label("Family in acute stress")).to_be_checked()
        expect(page.get_by_role("group", name="What happens next?").get_by_label("Child in need plan")).to_be_checked()
        expect(page.get_by_role("group", name="When was the assessment completed?").get_by_label("Day")).to_have_value(
            "19"
        )
        page.get_by_label("Why was the assessment completed late?").fill(
            "Mother was in hospital for three weeks in April; Leo stayed with his grandmother out of area."
        )
        page.get_by_role("button", name="Complete the assessment").click()

        expect(banner(page)).to_have_text("Assessment completed. Letters have been written to the family and agencies")
        clock = page.locator("p.govuk-body").filter(has=page.locator(".govuk-tag")).first
        expect(clock.locator(".govuk-tag")).to_have_text("Completed late")
        expect(clock).to_contain_text("Was due by 7 May 2026: 8 working days late")
        expect(page.locator(".govuk-warning-text")).to_contain_text("Awaiting authorisation by Sam Okafor")
        expect(summary_row(page, "Why it was late")).to_contain_text("Mother was in hospital")
        expect(summary_row(page, "Primary need")).to_have_text(re.compile("Family in acute stress \\(N4\\)"))
        expect(page.get_by_role("link", name="Authorise the assessment")).to_have_count(0)  # not by the lead
        completion = AssessmentCompletion.objects.get(assessment=assessment)
        assert completion.completed_on == completed_on and completion.outcome == AssessmentOutcome.CIN_PLAN
        assert completion.factors == ["4B", "16A"] and completion.primary_need == "N4"
        assert completion.late_reason.startswith("Mother was in hospital")
        # The family and each agency working with Leo are told the outcome; never social care itself.
        outcome_letters = Letter.objects.filter(source_type="assessments.assessmentcompletion", source_id=completion.pk)
        assert sorted(outcome_letters.values_list("kind", "recipient_agency__name")) == [
            (LetterKind.ASSESSMENT_OUTCOME_AGENCY, "Riverside Medical Practice"),
            (LetterKind.ASSESSMENT_OUTCOME_AGENCY, "Riverside Primary School"),
            (LetterKind.ASSESSMENT_OUTCOME_FAMILY, None),
        ]
        family_letter = outcome_letters.get(kind=LetterKind.ASSESSMENT_OUTCOME_FAMILY)
        assert "child in need" in family_letter.body and analysis not in family_letter.body
        letters = page.locator("ul.govuk-list").filter(has_text="Riverside Medical Practice")
        expect(letters.get_by_role("listitem")).to_have_count(3)
        page.context.close()

        # --- The supervisor authorises it and starts the child in need plan ------------------
        traveller.move_to(at(completed_on + dt.timedelta(days=1), 9))
        plan_started_on = completed_on + dt.timedelta(days=1)
        page = sign_in(sam)
        page.goto(record_url)
        page.locator("#open-episodes").get_by_role("link", name="Referral to children's social care").click()
        assessment_step = step(page, "Child and family assessment")
        expect(assessment_step).to_contain_text("Child in need plan")
        expect(assessment_step.locator(".govuk-tag")).to_have_text("Completed late")
        assessment_step.get_by_role("link", name="Child and family assessment").click()
        page.get_by_role("link", name="Authorise the assessment").click()
        expect(page.get_by_role("heading", name="Authorise the assessment")).to_be_visible()
        page.get_by_label("Comments (optional)").fill("Analysis is sound; the delay was unavoidable.")
        page.get_by_role("button", name="Authorise the assessment").click()
        expect(banner(page)).to_have_text("Assessment authorised")
        expect(page.locator(".govuk-warning-text")).to_have_count(0)
        expect(summary_row(page, "Authorised")).to_contain_text("20 May 2026 by Sam Okafor")
        authorisation = AssessmentAuthorisation.objects.get(assessment=assessment)
        assert authorisation.authorised_by == sam

        page.get_by_role("link", name="Start the child in need plan").click()
        expect(page.get_by_text("following the assessment started on 3 March 2026")).to_be_visible()
        fill_date(page, "When did the plan start?", plan_started_on)
        page.get_by_label("Lead practitioner").select_option(label=f"Sam Okafor, Social worker ({SOCIAL_CARE})")
        page.get_by_label("The plan", exact=True).fill(
            "Food bank and school breakfast club (school, from this week); mother's GP review for depression "
            "(Dr Patel, by 5 June); family support worker twice a week (Fay Brooks, until the review)."
        )
        page.get_by_role("button", name="Start the plan").click()
        expect(banner(page)).to_have_text("Child in need plan started")
        expect(page.get_by_role("heading", name="Child in need plan")).to_be_visible()
        expect(page.get_by_text("Next review:")).to_contain_text("Due by 20 August 2026")
        plan = CINPlan.objects.get(referral=referral)
        assert plan.started_on == plan_started_on and plan.lead_practitioner == sam
        page.context.close()

        # --- The plan is reviewed in time, then ends after a confirmation page ----------------
        traveller.move_to(at(review_on, 15))
        page = sign_in(sam)
        page.goto(record_url)
        page.locator("#open-episodes").get_by_role("link", name="Child in need plan").click()
        page.get_by_role("link", name="Record a review").click()
        fill_date(page, "When was the review held?", review_on)
        page.get_by_label("What the review found and agreed").fill(
            "Mother's mood much better on treatment; Leo has put on weight and goes to breakfast club."
        )
        page.get_by_role("button", name="Save the review").click()
        expect(banner(page)).to_have_text("Review recorded")
        review = page.get_by_role("table", name="Reviews of the plan").get_by_role("row").nth(1)
        expect(review).to_contain_text("13 August 2026")
        expect(review.locator(".govuk-tag")).to_have_text("Held in time")
        expect(page.get_by_text("Next review:")).to_contain_text("Due by 13 November 2026")
        assert list(plan.reviews.values_list("held_on", flat=True)) == [review_on]
        page.context.close()

        traveller.move_to(at(ended_on, 11))
        page = sign_in(sam)
        page.goto(record_url)
        page.locator("#open-episodes").get_by_role("link", name="Child in need plan").click()
        page.get_by_role("link", name="End the plan").click()
        expect(page.get_by_role("heading", name="Are you sure you want to end the child in need plan?")).to_be_visible()
        expect(page.locator(".govuk-warning-text")).to_contain_text("Ending the plan cannot be undone")
        fill_date(page, "When did the plan end?", ended_on)
        page.get_by_label("Why is the plan ending?").fill(
            "The plan's goals are met; the family manages with universal help."
        )
        page.get_by_role("button", name="Yes, end the plan").click()
        expect(banner(page)).to_have_text("Child in need plan ended")
        expect(page.locator("h1 + p .govuk-tag")).to_have_text("Ended")
        expect(page.get_by_role("link", name="Record a review")).to_have_count(0)
        assert CINPlanEnd.objects.get(plan=plan).ended_on == ended_on

        # --- The referral closes (RC7) after its confirmation page ---------------------------
        page.get_by_role("link", name="Back to the referral").click()
        page.get_by_role("link", name="Close the referral").click()
        fill_date(page, "Date the referral closed", ended_on)
        rc7 = "Services ceased for any other reason, including the child no longer in need (RC7)"
        page.get_by_role("group", name="Why is the referral closing?").get_by_label(rc7).check()
        page.get_by_role("button", name="Continue").click()
        expect(page.get_by_role("heading", name="Are you sure you want to close this referral?")).to_be_visible()
        expect(summary_row(page, "Reason")).to_contain_text(rc7)
        expect(page.get_by_text('The child\'s "child in need" status ends on that day.')).to_be_visible()
        assert not ReferralClosure.objects.exists()  # nothing happens before the confirmation
        page.get_by_role("button", name="Close the referral").click()
        expect(banner(page)).to_have_text("Referral closed")
        expect(page.locator("h1 + p .govuk-tag").first).to_have_text("Closed")
        expect(summary_row(page, "Closed")).to_contain_text(f"10 September 2026: {rc7}")
        closure = ReferralClosure.objects.get(referral=referral)
        assert (closure.closed_on, closure.reason, closure.closed_by) == (ended_on, ClosureReason.RC7, sam)
        assert StatusPeriod.objects.get(child=child, status=ChildStatus.CHILD_IN_NEED).ended_on == ended_on
        page.context.close()

        # --- The next day Leo's record shows nothing current ---------------------------------
        traveller.move_to(at(ended_on + dt.timedelta(days=1), 9))
        page = sign_in(sam)
        page.goto(record_url)
        expect(page.locator("#status + *")).to_have_text(
            "No current early help, child in need, child protection or looked-after status."
        )
        expect(page.locator("#open-episodes")).to_have_text("No open referral, plan or early help episode.")
        page.context.close()

        # --- The GP sees every stage, and reads the letters -----------------------------------
        page = sign_in(gp)
        nav(page, "My referrals")
        card = page.locator(".govuk-summary-card").filter(has_text="Leo Carter")
        expect(card.get_by_role("listitem")).to_have_text(
            [
                "Decision 2 March 2026: child and family assessment (section 17)",
                "Assessment completed 19 May 2026: child in need plan",
                "Child in need plan started 20 May 2026",
                "Child in need plan ended 10 September 2026",
                "Case closed 10 September 2026",
            ]
        )
        card.get_by_role("link", name="Read the feedback letter about Leo Carter").click()
        expect(page.locator(".govuk-caption-l")).to_have_text("Feedback to the referrer")
        feedback = Letter.objects.get(kind=LetterKind.REFERRAL_FEEDBACK, child=child)
        assert feedback.recipient_user == gp
        # The practice's letter about the outcome of the assessment.
        practice_letter = outcome_letters.get(recipient_agency=gp.agency)
        page.goto(f"{live_server.url}/children/{child.pk}/letters/{practice_letter.pk}/")
        expect(
            page.get_by_role("heading", name="Outcome of the child and family assessment: Leo Carter")
        ).to_be_visible()
        expect(summary_row(page, "To")).to_have_text(re.compile("The safeguarding lead, Riverside Medical Practice"))
        expect(page.locator(".app-letter")).to_contain_text("Leo Carter is a child in need of support")
        expect(page.locator(".app-letter")).not_to_contain_text("depressed")  # the analysis stays with social care


@pytest.fixture
def on_a_plan(people: dict[str, Any]) -> ProtectionPlan:
    """Leo on a child protection plan from Tuesday 10 March 2026, recorded through the services:
    the school's referral, a strategy discussion, a section 47 enquiry and the initial conference."""
    child, dsl, front_door, sam = people["child"], people["dsl"], people["front_door"], people["social_worker"]
    held_on = dt.date(2026, 3, 10)
    with time_machine.travel(at(held_on, 9), tick=False):
        contact = contact_record(
            child=child,
            data=ContactInput(
                concern="Leo arrived with a bruise on his cheek and said his mum's boyfriend hit him.",
                action_taken="Photographed the bruise; kept Leo in school.",
                family_aware=False,
                consent="not_sought",
                consent_reason="Telling the family could put Leo at risk.",
                categories=["physical_abuse"],
            ),
            by=dsl,
        )
        contact_decide(
            contact=contact, decision=Decision.STRATEGY_DISCUSSION, reason="Disclosure of assault.", by=front_door
        )
        discussion = strategy_discussion_record(
            referral=Referral.objects.get(contact=contact),
            held_on=held_on,
            chair=front_door,
            reason="Leo disclosed an assault by his mother's partner.",
            decisions="Joint visit today; medical; partner to leave the home.",
            attendees=[
                AttendeeInput(front_door, "", None, Discipline.SOCIAL_CARE),
                AttendeeInput(None, "Dr Ruth Ellis", None, Discipline.HEALTH),
                AttendeeInput(None, "DC Omar Khan", None, Discipline.POLICE),
            ],
            missing_agencies_reason="",
            outcome=StrategyOutcome.SECTION47,
            lead_social_worker=sam,
            by=front_door,
        )
        conference = initial_conference_record(
            section47=discussion.section47,
            held_on=held_on,
            chair=front_door,
            childs_views="Leo wants his mum's boyfriend to go away.",
            summary="Physical abuse; mother protective but frightened.",
            decision=ConferenceDecision.PLAN,
            category="PHY",
            invitees=[InviteeInput(None, "Kerry Carter", None, Discipline.FAMILY)],
            lead_social_worker=sam,
            outline="Partner not to return; weekly visits; school to report any marks.",
            by=sam,
        )
    return ProtectionPlan.objects.get(initial_conference=conference)


def test_a_visit_seeing_the_child_alone_restarts_the_visiting_clock_and_one_not_seeing_him_does_not(
    sign_in, live_server, people, on_a_plan
):
    plan, sam = on_a_plan, people["social_worker"]
    plan_url = f"{live_server.url}/children/{plan.child_id}/plans/{plan.pk}/"
    seen_on = dt.date(2026, 3, 17)  # a Tuesday, a week into the plan
    not_seen_on = dt.date(2026, 3, 19)

    def next_visit(page: Any) -> Any:
        return summary_row(page, "Next statutory visit")

    def record_visit(page: Any, on: dt.date, *, seen: str, alone: str, note: str) -> None:
        page.get_by_role("link", name="Record a visit").click()
        fill_date(page, "When was the visit?", on)
        page.get_by_role("group", name="Was the child seen?", exact=True).get_by_label(seen).check()
        if alone:
            page.get_by_role("group", name="Was the child seen alone?").get_by_label(alone).check()
        page.get_by_label("What happened on the visit?").fill(note)
        page.get_by_role("button", name="Save the visit").click()
        expect(banner(page)).to_have_text("Visit recorded")

    with time_machine.travel(at(seen_on, 16), tick=True) as traveller:
        page = sign_in(sam)
        page.goto(f"{live_server.url}/children/{plan.child_id}/")
        page.locator("#open-episodes").get_by_role("link", name="Child protection plan").click()
        # Ten working days from the plan's start on 10 March.
        expect(next_visit(page)).to_contain_text("Due by 24 March 2026: 5 working days left.")
        expect(page.get_by_text("No visits recorded yet.")).to_be_visible()

        record_visit(page, seen_on, seen="Yes", alone="Yes", note="Saw Leo alone in his room; he says home is calmer.")
        expect(page).to_have_url(re.compile(re.escape(plan_url)))
        # The clock restarts from the visit at which Leo was seen.
        expect(next_visit(page)).to_contain_text("Due by 31 March 2026: 10 working days left.")
        visits = page.get_by_role("table", name="Statutory visits to the child")
        first = visits.get_by_role("row").nth(1)
        expect(first).to_contain_text("17 Mar 2026")
        expect(first.get_by_role("cell").nth(1)).to_have_text("Yes")
        expect(first.get_by_role("cell").nth(2)).to_have_text("Yes")
        assert list(StatutoryVisit.objects.values_list("visited_on", "child_seen", "seen_alone", "visited_by")) == [
            (seen_on, True, True, sam.pk)
        ]
        page.context.close()

        # Two days later Leo is out when Sam calls: the clock still runs from the 17th.
        traveller.move_to(at(not_seen_on, 17))
        page = sign_in(sam)
        page.goto(plan_url)
        record_visit(
            page,
            not_seen_on,
            seen="No",
            alone="",
            note="No answer at the door; mother texted that Leo was at his nan's.",
        )
        expect(next_visit(page)).to_contain_text("Due by 31 March 2026: 8 working days left.")
        not_seen = (
            page.get_by_role("table", name="Statutory visits to the child")
            .get_by_role("row")
            .filter(has_text="19 Mar 2026")
        )
        expect(not_seen.locator(".govuk-tag")).to_have_text("Not seen")
        visit = StatutoryVisit.objects.get(visited_on=not_seen_on)
        assert (visit.child_seen, visit.seen_alone) == (False, False)
        assert StatutoryVisit.objects.count() == 2
