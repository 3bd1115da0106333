"""The second journey of the pathway, in the browser: early help with the family's consent,
and a step up to children's social care when things get worse.

A health visitor refers a child; the front door decides "early help"; the request waits on
the front door's early help list until an early help worker starts early help from it (a step
down) with the family's consent and a lead practitioner the family chose. The early help
worker records the assessment of the whole family, adds the health visitor to the team around
the family, gives her an action with a date, reviews the plan when its 3-month clock comes
due, and records a family group conference. Then things get worse: the early help worker
steps up to children's social care; the episode ends as stepped up, a new contact reaches the
front door's queue linked back to the early help, and the front door decides a child and
family assessment.

Several people act in turn, each in their own browser, signing in through the real pages.
Time passes with time_machine (process-wide, so the live server sees it too).
"""

import datetime as dt
import re
from typing import Any

import pytest
import time_machine
from playwright.sync_api import expect

from safeguarding.access.models import AgencyKind, InvolvementBasis
from safeguarding.access.services import involvement_ensure
from safeguarding.earlyhelp.models import (
    ClosureReason,
    ConsentKind,
    EarlyHelpEpisode,
    ReviewOutcome,
)
from safeguarding.frontdoor.models import Contact, Decision, Referral
from safeguarding.people.models import Child
from tests.browser.journeys import at, fill_date
from tests.factories import AgencyFactory, ChildFactory, RoleFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def people(db: Any) -> dict[str, Any]:
    health = AgencyFactory(name="Riverside Health Visiting", kind=AgencyKind.HEALTH_VISITING)
    early_help = AgencyFactory(name="Riverside Early Help", kind=AgencyKind.LA_EARLY_HELP)
    social_care = AgencyFactory(name="Children's Social Care", kind=AgencyKind.LA_SOCIAL_CARE)
    front_door_role = RoleFactory(
        key="mash-sw",
        name="Front door social worker",
        covers_whole_la=True,
        is_social_worker=True,
        may_decide_referrals=True,
    )
    # Dates of birth and names fixed: the pages are read by them.
    child = ChildFactory(display_name="Poppy Hill", date_of_birth=dt.date(2022, 2, 14))
    involvement_ensure(child=child, agency=health, basis=InvolvementBasis.CASELOAD)
    return {
        "child": child,
        "health_visitor": UserFactory(
            username="hv",
            first_name="Hannah",
            last_name="Vale",
            job_title="Health visitor",
            agency=health,
            role=RoleFactory(key="hv", name="Health visitor"),
        ),
        "early_help_worker": UserFactory(
            username="ehw",
            first_name="Erin",
            last_name="Walsh",
            job_title="Family support worker",
            agency=early_help,
            role=RoleFactory(key="fsw", name="Family support worker"),
        ),
        "front_door": UserFactory(
            username="mash", first_name="Femi", last_name="Adeyemi", agency=social_care, role=front_door_role
        ),
    }


def test_early_help_with_consent_then_a_step_up_to_social_care(sign_in, live_server, people):
    child: Child = people["child"]
    hv, ehw, mash = people["health_visitor"], people["early_help_worker"], people["front_door"]
    url = live_server.url
    referred_on = dt.date(2025, 6, 2)  # a Monday
    started_on = dt.date(2025, 6, 3)
    review_on = dt.date(2025, 9, 1)  # the review clock: 3 months after the start, due 3 September
    fgc_on = dt.date(2025, 9, 15)
    worse_on = dt.date(2025, 10, 6)

    with time_machine.travel(at(referred_on, 10), tick=True) as traveller:
        # 1. The health visitor refers Poppy from her record.
        page = sign_in(hv)
        page.goto(f"{url}/children/{child.pk}/")
        page.get_by_role("link", name="Make a referral to children's social care").click()
        expect(page.get_by_role("heading", name="Make a referral to the front door")).to_be_visible()
        page.get_by_label("What are you worried about?").fill(
            "Mother is isolated and low since the birth of Poppy's brother; the home is cold and Poppy's "
            "development checks have been missed twice."
        )
        page.get_by_role("checkbox", name="Neglect").check()
        page.get_by_role("group", name="Is the child in immediate danger?").get_by_label("No").check()
        page.get_by_label("What have you already done?").fill("Home visit; talked to mother about support")
        page.get_by_role("group", name="Does the family know about this referral?").get_by_label("Yes").check()
        page.get_by_label("The family knows and agreed to the referral").check()
        page.get_by_role("button", name="Send referral").click()
        expect(page.get_by_text("1 working day").first).to_be_visible()
        contact = Contact.objects.get(child=child)
        assert contact.referrer == hv and contact.early_help_episode_id is None
        page.context.close()

        # 2. The front door decides "early help" the same day.
        traveller.move_to(at(referred_on, 14))
        page = sign_in(mash)
        page.get_by_role("link", name="The front door queue").click()
        page.get_by_role("link", name="Poppy Hill").click()
        page.get_by_role("link", name="Decide what happens next").click()
        page.get_by_label("Early help", exact=True).check()
        page.get_by_label("Reasons for the decision").fill(
            "Needs are below the threshold for social care; mother wants support. Early help to lead."
        )
        page.get_by_role("button", name="Record decision").click()
        expect(page.get_by_text("Decision recorded")).to_be_visible()
        expect(page.locator(".govuk-summary-list").first).to_contain_text("Early help")
        assert contact.decision.decision == Decision.EARLY_HELP
        assert not Referral.objects.filter(contact=contact).exists()  # early help is not a referral
        # The request waits on the front door's early help list.
        page.goto(f"{url}/front-door/")
        page.get_by_role("link", name="Early help requests").click()
        expect(page.get_by_role("row", name=re.compile("Poppy Hill"))).to_contain_text("Riverside Health Visiting")
        page.context.close()

        # 3. The next day an early help worker starts early help from that request (step down),
        # with the family's consent and a lead practitioner chosen with the family.
        traveller.move_to(at(started_on, 10))
        page = sign_in(ehw)
        page.goto(f"{url}/front-door/early-help/")
        page.get_by_role("link", name="Start early help for Poppy Hill").click()
        expect(page.get_by_role("heading", name="Stepped down from the front door")).to_be_visible()
        expect(page.get_by_text("the home is cold")).to_be_visible()
        fill_date(page, "When did early help start?", started_on)
        page.get_by_label("Lead practitioner", exact=True).select_option(label="Erin Walsh, Family support worker")
        page.get_by_role("group", name="Did the family help choose the lead practitioner?").get_by_label("Yes").check()
        page.get_by_label("How the lead practitioner was chosen").fill(
            "Mother met Erin at the children's centre and asked for her"
        )
        # Consent not yet confirmed: early help is voluntary, so the form says so.
        page.get_by_label("Who gave consent").fill("Laura Hill")
        page.get_by_label("Their relationship to the child").fill("Mother")
        fill_date(page, "When did they give consent?", started_on)
        page.get_by_role("button", name="Start early help").click()
        summary = page.locator(".govuk-error-summary")
        expect(summary.get_by_role("link", name=re.compile("confirm the family has agreed"))).to_be_visible()
        assert not EarlyHelpEpisode.objects.exists()
        expect(page.get_by_label("Who gave consent")).to_have_value("Laura Hill")
        page.get_by_label("The family has agreed to early help").check()
        page.get_by_role("button", name="Start early help").click()
        expect(page.get_by_text("Early help started")).to_be_visible()
        episode = EarlyHelpEpisode.objects.get(child=child)
        assert episode.from_contact == contact and episode.lead_practitioner == ehw and episode.lead_chosen_with_family
        assert list(episode.consents.values_list("kind", "given_by")) == [(ConsentKind.GIVEN, "Laura Hill")]
        expect(page.get_by_text("Stepped down from the front door")).to_be_visible()
        review_row = page.locator(".govuk-summary-list__row", has_text="Next review")
        expect(review_row).to_contain_text("Due by 3 September 2025")  # 3 months after the start

        # The early help assessment of the whole family.
        page.get_by_role("button", name="Record the assessment").click()
        fill_date(page, "When was the assessment completed?", started_on)
        page.get_by_role("checkbox", name="Lives with adult mental ill-health").check()
        page.get_by_label("The family's strengths").fill("Mother is warm with both children; grandmother nearby")
        page.get_by_label("The child's views").fill("Poppy likes nursery and her baby brother")
        page.get_by_label("The family's views").fill("Mother wants help with the house and her mood")
        page.get_by_label("Summary").fill("Support for mother's mental health; warm home; nursery place")
        page.get_by_role("button", name="Record the assessment").click()
        expect(page.get_by_text("Early help assessment recorded")).to_be_visible()
        expect(page.get_by_text("Lives with adult mental ill-health")).to_be_visible()

        # The health visitor joins the team around the family.
        page.get_by_role("link", name="Add someone to the team around the family").click()
        page.get_by_label("Practitioner on the platform").select_option(label="Hannah Vale, Health visitor")
        page.get_by_label("Their role in the team").fill("Health visitor")
        page.get_by_role("button", name="Add to the team").click()
        expect(page.get_by_text("Added to the team around the family")).to_be_visible()
        team = page.get_by_role("table", name="Team around the family")
        expect(team.get_by_role("row", name=re.compile("Hannah Vale"))).to_contain_text("Riverside Health Visiting")

        # An action of the family plan, with its owner and date.
        page.get_by_role("button", name="Add an action").click()
        page.get_by_label("What will be done").fill("Refer mother to the perinatal mental health team")
        page.get_by_label("Who will do it (a member of the team)").select_option(label="Hannah Vale (Health visitor)")
        fill_date(page, "When should it be done by?", dt.date(2025, 6, 20))
        page.get_by_role("button", name="Add the action").click()
        expect(page.get_by_text("Action added to the family plan")).to_be_visible()
        action_row = page.get_by_role("table", name="Actions of the family plan").get_by_role(
            "row", name=re.compile("perinatal")
        )
        expect(action_row).to_contain_text("Hannah Vale")
        expect(action_row).to_contain_text("20 June 2025")
        expect(action_row).to_contain_text("To do")
        action = episode.actions.get()
        assert action.owner == hv and action.due_on == dt.date(2025, 6, 20)
        page.context.close()

        # 4. Three months on, the review is due soon; the lead reviews the plan.
        traveller.move_to(at(review_on, 10))
        page = sign_in(ehw)
        page.goto(f"{url}/children/{child.pk}/early-help/{episode.pk}/")
        review_row = page.locator(".govuk-summary-list__row", has_text="Next review")
        expect(review_row).to_contain_text("Due soon")
        expect(review_row).to_contain_text("Due by 3 September 2025")
        action_row = page.get_by_role("table", name="Actions of the family plan").get_by_role(
            "row", name=re.compile("perinatal")
        )
        expect(action_row).to_contain_text("Overdue")  # nobody marked it done
        page.get_by_role("button", name="Review the family plan").click()
        fill_date(page, "When was the review held?", review_on)
        page.get_by_label("Progress against the family plan").fill(
            "Mother is on the perinatal team's waiting list; the house is warmer. Poppy attends nursery."
        )
        page.get_by_label("Continue with the family plan").check()
        page.get_by_role("button", name="Record the review").click()
        expect(page.get_by_text("Review recorded")).to_be_visible()
        reviews = page.get_by_role("table", name="Reviews of the family plan")
        expect(reviews.get_by_role("row", name=re.compile("1 September 2025"))).to_contain_text("In time")
        expect(review_row).to_contain_text("Due by 1 December 2025")  # the clock starts again
        assert list(episode.reviews.values_list("held_on", "outcome")) == [(review_on, ReviewOutcome.CONTINUE)]
        page.context.close()

        # 5. A family group conference.
        traveller.move_to(at(fgc_on, 16))
        page = sign_in(ehw)
        page.goto(f"{url}/children/{child.pk}/early-help/{episode.pk}/")
        page.get_by_role("link", name="Record a family group conference").click()
        fill_date(page, "When was the conference held?", fgc_on)
        page.get_by_label("Who from the family network took part").fill("Mother, grandmother, aunt")
        page.get_by_label("The plan the family agreed").fill("Grandmother takes Poppy to nursery three days")
        page.get_by_role("button", name="Record the conference").click()
        expect(page.get_by_text("Family group conference recorded")).to_be_visible()
        expect(page.get_by_text("Grandmother takes Poppy to nursery three days")).to_be_visible()
        page.context.close()

        # 6. Things get worse: the lead steps up to children's social care.
        traveller.move_to(at(worse_on, 9))
        page = sign_in(ehw)
        page.goto(f"{url}/children/{child.pk}/early-help/{episode.pk}/")
        page.get_by_role("link", name="Step up to children's social care").click()
        page.get_by_label("What are you worried about?").fill(
            "Mother's partner has moved back in; police called twice; Poppy has a bruise on her cheek."
        )
        page.get_by_role("checkbox", name="Physical abuse").check()
        page.get_by_role("checkbox", name="Domestic abuse").check()
        page.get_by_label("What has already been done?").fill("Saw Poppy at nursery; told mother I am referring")
        page.get_by_role("group", name="Is the child in immediate danger?").get_by_label("No").check()
        page.get_by_role("group", name="Does the family know about this referral?").get_by_label("Yes").check()
        page.get_by_label("The family was asked and did not agree").check()
        page.get_by_label("Why was consent not sought, or why are you referring without it?").fill(
            "Poppy may be at risk of significant harm"
        )
        page.get_by_role("button", name="Make the referral and end early help").click()
        expect(page.get_by_text("Referral made to the front door. Early help has ended")).to_be_visible()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Ended")
        ended = page.locator(".govuk-summary-list__row", has_text="Ended")
        expect(ended).to_contain_text("Stepped up to children's social care")
        expect(ended.get_by_role("link", name="referral to the front door, 6 October 2025")).to_be_visible()
        expect(page.get_by_role("link", name="Step up to children's social care")).to_have_count(0)
        episode.refresh_from_db()
        assert episode.closure.reason == ClosureReason.STEPPED_UP and episode.closure.closed_on == worse_on
        step_up = Contact.objects.get(early_help_episode=episode)
        assert episode.closure.stepped_up_to == step_up and step_up.referrer == ehw
        page.context.close()

        # 7. The front door sees the step up on its queue, where it came from, and decides.
        traveller.move_to(at(worse_on, 11))
        page = sign_in(mash)
        page.get_by_role("link", name="The front door queue").click()
        row = page.get_by_role("row", name=re.compile("Poppy Hill"))
        expect(row).to_contain_text("Step up")
        expect(row).to_contain_text("Riverside Early Help")
        row.get_by_role("link", name="Poppy Hill").click()
        came_from = page.locator(".govuk-summary-list__row", has_text="Stepped up from")
        expect(came_from).to_contain_text("Early help, started 3 June 2025")
        came_from.get_by_role("link", name="Early help").click()
        expect(page.get_by_text("Mother, grandmother, aunt")).to_be_visible()  # the history came across
        page.go_back()
        page.get_by_role("link", name="Decide what happens next").click()
        page.get_by_label("Child and family assessment (section 17)").check()
        page.get_by_label("Reasons for the decision").fill("Escalating domestic abuse; an assessment is needed.")
        page.get_by_role("button", name="Record decision").click()
        expect(page.get_by_text("Decision recorded")).to_be_visible()
        expect(page.get_by_role("link", name="See the referral")).to_be_visible()
        assert step_up.decision.decision == Decision.ASSESSMENT
        referral = Referral.objects.get(contact=step_up)
        assert referral.child == child and referral.referral_date == worse_on
        page.context.close()

        # The health visitor sees what became of her referral.
        page = sign_in(hv)
        page.get_by_role("link", name="My referrals and their outcomes").click()
        expect(page.get_by_text("Early help started 3 June 2025")).to_be_visible()
        page.context.close()


def test_withdrawing_consent_ends_early_help_and_it_refuses_further_steps(sign_in, live_server, people):
    child: Child = people["child"]
    ehw = people["early_help_worker"]
    url = live_server.url
    started_on = dt.date(2025, 6, 3)
    withdrawn_on = dt.date(2025, 7, 8)

    with time_machine.travel(at(started_on, 10), tick=True) as traveller:
        # Early help started for a family who asked for it themselves (no referral behind it).
        page = sign_in(ehw)
        page.goto(f"{url}/children/{child.pk}/early-help/new/")
        fill_date(page, "When did early help start?", started_on)
        page.get_by_label("Lead practitioner", exact=True).select_option(label="Erin Walsh, Family support worker")
        page.get_by_role("group", name="Did the family help choose the lead practitioner?").get_by_label("Yes").check()
        page.get_by_label("The family has agreed to early help").check()
        page.get_by_label("Who gave consent").fill("Laura Hill")
        page.get_by_label("Their relationship to the child").fill("Mother")
        fill_date(page, "When did they give consent?", started_on)
        page.get_by_role("button", name="Start early help").click()
        expect(page.get_by_text("Early help started")).to_be_visible()
        episode = EarlyHelpEpisode.objects.get(child=child)
        episode_url = f"{url}/children/{child.pk}/early-help/{episode.pk}/"
        page.context.close()

        traveller.move_to(at(withdrawn_on, 10))
        page = sign_in(ehw)
        page.goto(episode_url)
        page.get_by_role("link", name="Record consent given or withdrawn").click()
        page.get_by_label("Consent withdrawn").check()
        page.get_by_label("Who gave or withdrew consent").fill("Laura Hill")
        page.get_by_label("Their relationship to the child").fill("Mother")
        fill_date(page, "When was consent given or withdrawn?", withdrawn_on)
        page.get_by_label("Notes (optional)").fill("Mother says things are better and does not want help")
        page.get_by_role("button", name="Record consent").click()

        # A confirmation step before the episode ends; nothing is recorded yet.
        expect(page.get_by_role("heading", name="Are you sure the family has withdrawn consent?")).to_be_visible()
        assert not hasattr(EarlyHelpEpisode.objects.get(pk=episode.pk), "closure")
        page.get_by_role("button", name="Yes, consent was withdrawn").click()
        expect(page.get_by_text("Consent withdrawn: early help has ended")).to_be_visible()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Ended")
        expect(page.locator(".govuk-summary-list__row", has_text="Ended")).to_contain_text(
            "The family withdrew consent"
        )
        consents = page.get_by_role("table", name="Consent history")
        expect(consents.get_by_role("row", name=re.compile("8 July 2025"))).to_contain_text("Consent withdrawn")
        episode.refresh_from_db()
        assert episode.closure.reason == ClosureReason.CONSENT_WITHDRAWN
        assert episode.closure.closed_on == withdrawn_on
        assert list(episode.consents.values_list("kind", flat=True)) == [ConsentKind.GIVEN, ConsentKind.WITHDRAWN]

        # The ended episode offers no further steps, and refuses them if asked directly.
        for step in ("Review the family plan", "Add an action", "Record the assessment"):
            expect(page.get_by_role("button", name=step)).to_have_count(0)
        for step in ("Record consent given or withdrawn", "Step up to children's social care", "Close early help"):
            expect(page.get_by_role("link", name=step)).to_have_count(0)
        page.goto(f"{episode_url}reviews/new/")
        page.wait_for_url(episode_url)
        expect(page.get_by_text("This early help episode has ended")).to_be_visible()
        assert not episode.reviews.exists()
        page.context.close()
