"""Every page meets WCAG 2.2 AA as far as a machine can tell: axe-core (from npm, see
package.json) runs in the real browser on each page, signed out and signed in as the persona
who uses it, with real data, in its error states, after an htmx swap and with a filter applied.

axe finds perhaps a third of accessibility problems. This test also checks what it can of
the rest: the "Error: " title and an error summary on a rejected form, a visible label for
every field, error summary links that lead to a field, reflow at 320px, and where focus goes
after an htmx swap. The others (headings in order, fieldsets and legends for dates,
meaningful link text) were checked by reading the templates.
"""

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import expect

from safeguarding.access.models import AgencyKind, InvolvementBasis, Team
from safeguarding.access.services import break_glass_open, involvement_ensure
from safeguarding.assessments.services import assessment_start, child_seen_record
from safeguarding.concerns.models import AgencyEventKind, Concern
from safeguarding.concerns.services import ConcernInput, agency_event_record, concern_record
from safeguarding.earlyhelp.services import (
    early_help_assessment_record,
    early_help_review_record,
    episode_start,
    family_group_conference_record,
    plan_action_add,
    taf_member_add,
)
from safeguarding.frontdoor.models import Contact, Decision, Referral
from safeguarding.frontdoor.services import ContactInput, contact_decide, contact_record
from safeguarding.linkage.feeds import feed_import_create, feed_import_run
from safeguarding.linkage.models import FeedKind
from safeguarding.people.codes import Sex
from safeguarding.people.identifiers import upn_check_letter
from safeguarding.people.models import Child
from safeguarding.people.services import NewChild, child_create
from safeguarding.protection.models import ConferenceDecision, Discipline, ProtectionPlan, StrategyOutcome
from safeguarding.protection.services import (
    AttendeeInput,
    InviteeInput,
    initial_conference_record,
    strategy_discussion_record,
)
from safeguarding.sharing.models import Letter
from tests.factories import AgencyFactory, ChildFactory, RoleFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# GOV.UK Frontend keeps aria-expanded on radios and checkboxes that reveal a conditional
# question, knowingly (screen readers announce it; alphagov/govuk-frontend#979): that one
# attribute, on those inputs only, is not counted. Anything else on them still is.
RUN_AXE = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: "tag", values: tags}});
  const govukConditionalReveal = (v, n) => v.id === "aria-allowed-attr"
    && document.querySelector(n.target[0])?.matches(
      ".govuk-radios__input[aria-controls], .govuk-checkboxes__input[aria-controls]")
    && n.all.every((c) => (c.data?.values || []).every((a) => a.startsWith("aria-expanded=")));
  return result.violations
    .map((v) => ({...v, nodes: v.nodes.filter((n) => !govukConditionalReveal(v, n))}))
    .filter((v) => v.nodes.length)
    .map((v) => ({id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => n.target.join(" "))}));
}"""
# What axe does not check: every field has a label a sighted user can see, and every link
# in an error summary goes to a field on the page.
RUN_HOUSE_RULES = """() => {
  const problems = [];
  const seen = (el) => el.getClientRects().length && !el.closest(".govuk-visually-hidden");
  for (const field of document.querySelectorAll("input:not([type=hidden]), select, textarea")) {
    if (!field.closest("[hidden], .govuk-radios__conditional--hidden") && ![...field.labels].some(seen)) {
      problems.push(`field #${field.id} has no visible label`);
    }
  }
  for (const a of document.querySelectorAll(".govuk-error-summary__list a")) {
    const id = decodeURIComponent(a.hash.slice(1));
    const field = id && document.getElementById(id);
    if (!field || !field.matches("input, select, textarea")) {
      problems.push(`error summary link "${a.textContent.trim()}" goes to ${a.getAttribute("href")}, not a field`);
    }
  }
  return problems;
}"""


@pytest.fixture(scope="module")
def axe_source() -> str:
    if not AXE.exists():
        pytest.fail(f"axe-core not found at {AXE}: run `npm install` (or `make assets`) in the project root")
    return AXE.read_text()


class Axe:
    """Runs axe on the page as it stands and collects every violation, so that one run of
    the test reports all the pages' problems, not only the first."""

    def __init__(self, page: Any, base_url: str, source: str) -> None:
        self.page, self.base_url, self.source = page, base_url, source
        self.problems: list[str] = []

    def goto(self, path: str, *, error: bool = False) -> None:
        response = self.page.goto(self.base_url + path)
        assert response is not None
        self.check(f"GET {path}", error=error)

    def read(self, path: str) -> None:
        """A page the persona may read (not a refusal, which would pass axe trivially)."""
        response = self.page.goto(self.base_url + path)
        assert response is not None and response.status == 200, f"GET {path}: {response and response.status}"
        self.check(f"GET {path}")

    def check(self, what: str, *, error: bool = False) -> None:
        page = self.page
        page.wait_for_load_state("load")
        title = page.title()
        if error and not title.startswith("Error: "):
            self.problems.append(f"{what}: the title of a page with errors must start 'Error: ', not {title!r}")
        if not error and "Error" in title:
            self.problems.append(f"{what}: unexpected error title {title!r}")
        if error and not page.locator(".govuk-error-summary").count():
            self.problems.append(f"{what}: no error summary")
        self.problems.extend(f"{what}: {p}" for p in page.evaluate(RUN_HOUSE_RULES))
        # Reflow (WCAG 1.4.10): at 320 CSS pixels nothing makes the page scroll sideways.
        # A wide table may scroll inside its own region.
        size = page.viewport_size
        page.set_viewport_size({"width": 320, "height": size["height"]})
        wide = page.evaluate("document.documentElement.scrollWidth")
        page.set_viewport_size(size)
        if wide > 320:
            self.problems.append(f"{what}: the page is {wide}px wide on a 320px screen: it must reflow")
        page.add_script_tag(content=self.source)
        for v in page.evaluate(RUN_AXE, WCAG_22_AA):
            self.problems.append(f"{what}: {v['id']} ({v['impact']}): {v['help']}; at {'; '.join(v['targets'])}")

    def assert_clean(self) -> None:
        assert not self.problems, "Accessibility violations:\n" + "\n".join(self.problems)


def concern(child: Child, by: Any, days_ago: int, what: str, **extra: Any) -> Concern:
    data = ConcernInput(
        occurred_at=timezone.now() - dt.timedelta(days=days_ago),
        what_happened=what,
        action_taken="Spoke to the child and told the DSL",
        categories=extra.pop("categories", ["neglect"]),
        **extra,
    )
    return concern_record(child=child, data=data, by=by)


@pytest.fixture
def amy(entitled: Any, other_agency: Any, school: Any) -> Child:
    """A child with a full record: names, address, the school, and a chronology from three
    agencies that raises a signal (three concerns from two agencies)."""
    amy = child_create(
        data=NewChild(
            first_name="Amy",
            last_name="Jones",
            date_of_birth=dt.date(2015, 3, 27),
            sex=Sex.FEMALE,
            nhs_number="9434765919",
            address_line1="12 Mill Lane",
            town="Riverside",
            postcode="RV1 2AB",
        ),
        by=None,
    )
    involvement_ensure(child=amy, agency=school, basis=InvolvementBasis.ROLL)
    concern(amy, entitled, 12, "Arrived hungry and in the same clothes as last week")
    concern(amy, other_agency, 8, "Missed two appointments; mother seemed distracted")
    concern(
        amy,
        entitled,
        2,
        "Finger-shaped bruises on her upper arm at drop-off",
        categories=["physical_abuse", "domestic_abuse"],
        childs_words="Daddy grabbed me",
        immediate_danger=True,
        injury_locations=["left_arm", "upper_back"],
        injury_description="Four small round bruises",
    )
    police = AgencyFactory(name="County Police", kind=AgencyKind.POLICE)
    agency_event_record(
        child=amy,
        agency=police,
        kind=AgencyEventKind.POLICE_INCIDENT,
        occurred_at=timezone.now() - dt.timedelta(days=4),
        summary="Police attended a domestic incident at the home; child present",
        categories=["domestic_abuse"],
        source_reference="CAD-1234",
    )
    return amy


@pytest.fixture
def stranger(db: Any) -> Child:
    """A child no persona's agency is involved with."""
    return child_create(
        data=NewChild(first_name="Sam", last_name="Stranger", date_of_birth=dt.date(2012, 1, 5)), by=None
    )


def test_signed_out_pages(page, live_server, axe_source, entitled):
    axe = Axe(page, live_server.url, axe_source)
    axe.goto("/sign-in/")
    page.get_by_role("button", name="Continue").click()
    axe.check("sign in with nothing entered", error=True)
    page.get_by_label("Username").fill(entitled.username)
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Continue").click()
    axe.check("sign in with a wrong password", error=True)
    page.get_by_label("Username").fill(entitled.username)
    page.get_by_label("Password").fill("correct horse battery staple")
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(re.compile("/sign-in/security-code/"))
    axe.check("security code")
    page.get_by_label("Security code").fill("000000")
    page.get_by_role("button", name="Sign in").click()
    axe.check("security code, wrong", error=True)
    axe.assert_clean()


def test_front_door_pages(signed_in_page, live_server, axe_source, front_door, amy):
    page = signed_in_page(front_door)
    axe = Axe(page, live_server.url, axe_source)
    axe.check("home")
    axe.goto("/children/")
    axe.goto("/children/?name=Amy+Jones")
    axe.goto("/children/?name=Nobody+Known")
    axe.goto("/children/?name=Amy&dob_day=31&dob_month=2&dob_year=2015", error=True)

    record = f"/children/{amy.pk}/"
    axe.goto(record)
    expect(page.locator(".app-signals")).to_be_visible()
    expect(page.locator("#chronology-results tbody tr")).to_have_count(4)
    # Filtering swaps the results in place (htmx): check the page as it is then.
    page.get_by_label("County Police").check()
    page.get_by_role("button", name="Apply filters").click()
    page.locator("#chronology-results").get_by_text("filtered by agency: County Police").wait_for()
    expect(page.locator("#chronology-results [data-results-summary]")).to_be_focused()
    axe.check("child record, filtered by agency (htmx)")
    dates = page.locator("#chronology").get_by_role("group", name="From")
    dates.get_by_label("Day").fill("31")
    dates.get_by_label("Month").fill("2")
    dates.get_by_label("Year").fill("2024")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.locator("#chronology .govuk-error-summary")).to_be_focused()
    expect(page).to_have_title(re.compile(r"^Error: "))  # htmx takes the partial's <title>
    axe.check("child record, filter with an impossible date (htmx)", error=True)
    # Correcting the date swaps the whole section again: the errors and the "Error: " go.
    dates = page.locator("#chronology").get_by_role("group", name="From")
    dates.get_by_label("Day").fill("1")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.locator("#chronology [data-results-summary]")).to_be_focused()
    expect(page.locator("#chronology .govuk-error-summary")).to_have_count(0)
    expect(page).not_to_have_title(re.compile(r"^Error"))
    axe.check("child record, corrected filter (htmx)")
    axe.goto(f"{record}?category=neglect&from_day=1&from_month=1&from_year=2020")
    axe.goto(f"{record}?category=physical_abuse&from_day=1&from_month=1&from_year=2099")  # no entries match
    axe.goto(f"{record}?from_day=31&from_month=2&from_year=2024", error=True)

    concern_pk = next(c.pk for c in Concern.objects.all() if c.injury_locations)  # with a body map
    axe.goto(f"/children/{amy.pk}/concerns/{concern_pk}/")
    event = amy.agency_events.get()
    axe.goto(f"/children/{amy.pk}/events/{event.pk}/")
    axe.goto("/signals/")
    axe.goto("/signals/?rule=repeated_ae")

    axe.goto("/concerns/new/")
    page.get_by_role("button", name="Continue").click()
    axe.check("record a concern about a new child, nothing entered", error=True)
    page.get_by_label("First name").fill("Amy")
    page.get_by_label("Last name").fill("Jones")
    page.get_by_label("Yes", exact=True).first.check()
    page.locator("#conditional-born-yes").get_by_label("Day").fill("27")
    page.locator("#conditional-born-yes").get_by_label("Month").fill("3")
    page.locator("#conditional-born-yes").get_by_label("Year").fill("2015")
    page.get_by_role("radio", name="Female").check()
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    page.locator("#occurred").get_by_label("Day").fill(str(yesterday.day))
    page.locator("#occurred").get_by_label("Month").fill(str(yesterday.month))
    page.locator("#occurred").get_by_label("Year").fill(str(yesterday.year))
    page.get_by_label("Time it happened").fill("09:15")
    page.get_by_label("What did you see or hear?").fill("Told a teacher she is scared to go home")
    page.get_by_role("checkbox", name="Neglect").check()
    page.get_by_role("group", name="Is the child in immediate danger?").get_by_label("No").check()
    page.get_by_label("What action have you taken?").fill("Called the front door")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Is this the same child?")).to_be_visible()
    axe.check("record a concern about a new child: likely matches")

    axe.goto("/audit/")  # not the DPO: refused
    axe.goto("/children/999999/")  # not found
    axe.assert_clean()


def test_school_dsl_pages(signed_in_page, live_server, axe_source, entitled, amy, stranger):
    page = signed_in_page(entitled)
    axe = Axe(page, live_server.url, axe_source)
    axe.goto(f"/children/{amy.pk}/")  # sees only the school's own entries
    new = f"/children/{amy.pk}/concerns/new/"
    axe.goto(new)
    page.get_by_role("button", name="Record concern").click()
    axe.check("record a concern, nothing entered", error=True)
    page.get_by_label("Day").fill("31")
    page.get_by_label("Month").fill("2")
    page.get_by_label("Year").fill("2025")
    page.get_by_label("Time it happened").fill("25:99")
    page.get_by_role("checkbox", name="Left arm").check()
    page.get_by_role("button", name="Record concern").click()
    axe.check("record a concern, invalid date and time", error=True)

    concern_pk = Concern.objects.filter(author=entitled).order_by("-occurred_at").values_list("pk", flat=True)[0]
    axe.goto(f"/children/{amy.pk}/concerns/{concern_pk}/amend/")
    page.get_by_label("What did you see or hear?").fill("")
    page.get_by_role("button", name="Save amendment").click()
    axe.check("amend a concern, no reason", error=True)
    page.get_by_label("What did you see or hear?").fill("Finger-shaped bruises on her left upper arm")
    page.get_by_label("Reason for the amendment").fill("It was the left arm")
    page.get_by_role("button", name="Save amendment").click()
    page.wait_for_url(re.compile(rf"/concerns/{concern_pk}/$"))
    axe.check("concern with its amendment history")

    axe.goto(f"/children/{stranger.pk}/")  # no working relationship
    axe.goto(f"/children/{stranger.pk}/concerns/new/")  # may still record a concern
    axe.goto(f"/children/{stranger.pk}/emergency-access/")
    page.get_by_role("button", name="Open the record with emergency access").click()
    axe.check("emergency access, no reason", error=True)
    page.get_by_label("Why do you need emergency access?").fill("Sam disclosed abuse; the front door is closed")
    page.get_by_role("button", name="Open the record with emergency access").click()
    page.wait_for_url(re.compile(rf"/children/{stranger.pk}/$"))
    axe.check("child record under emergency access")
    axe.assert_clean()


def test_data_protection_officer_pages(signed_in_page, live_server, axe_source, dpo, entitled, amy, stranger):
    break_glass_open(user=entitled, child_id=stranger.pk, reason="Disclosure at school; the front door is closed")
    page = signed_in_page(dpo)
    axe = Axe(page, live_server.url, axe_source)
    axe.goto("/audit/")
    axe.goto("/audit/?q=Amy+Jones")
    axe.goto("/audit/?q=Nobody")
    axe.goto("/audit/?from_day=31&from_month=2&from_year=2025", error=True)
    axe.goto(f"/audit/children/{amy.pk}/")
    axe.goto(f"/audit/children/{stranger.pk}/?show=break-glass")
    axe.goto("/audit/break-glass/")
    axe.goto("/audit/chain/")
    axe.assert_clean()


# The pathway's pages ---------------------------------------------------------------------
# Built through the services on the days they happened, so that the clocks, tags and letters
# on the pages are the real ones: referrals from the school DSL on 2 and 4 June 2025; a
# strategy discussion, section 47 and a child protection plan for Ruby; an open assessment
# for Leo; early help for Poppy with its assessment, team, plan, review and conference; an
# early help request for Zac; and Mia's contact waiting at the front door on the day the
# pages are read, Wednesday 11 June 2025.

LONDON = ZoneInfo("Europe/London")


def on(day: int, hour: int = 10) -> dt.datetime:
    return dt.datetime(2025, 6, day, hour, tzinfo=LONDON)


def refer(child: Child, by: Any, concern_text: str, **extra: Any) -> Contact:
    data = ContactInput(
        concern=concern_text,
        action_taken="Spoke to the child; told the DSL",
        family_aware=True,
        consent="given",
        categories=extra.pop("categories", ["neglect"]),
        **extra,
    )
    return contact_record(child=child, data=data, by=by)


@pytest.fixture
def pathway(entitled: Any, school: Any, social_care: Any) -> Iterator[SimpleNamespace]:
    team = Team.objects.create(agency=social_care, name="Assessment team")
    sw_role = RoleFactory(
        key="mash-sw", covers_whole_la=True, is_social_worker=True, may_decide_referrals=True, name="MASH social worker"
    )
    mash = UserFactory(username="mash", agency=social_care, role=sw_role, team=team)
    manager_role = RoleFactory(key="tm", covers_whole_la=True, is_social_worker=True, is_manager=True, name="Manager")
    manager = UserFactory(username="manager", agency=social_care, role=manager_role, team=team)
    early_help = AgencyFactory(name="Riverside Early Help", kind=AgencyKind.LA_EARLY_HELP)
    ehw = UserFactory(username="ehw", agency=early_help, role=RoleFactory(key="fsw", name="Family support worker"))
    kids = {}
    for name in ("Ruby Stone", "Leo Park", "Poppy Hill", "Zac Moore", "Mia Cole"):
        kids[name.split()[0].lower()] = child = ChildFactory(display_name=name)
        involvement_ensure(child=child, agency=school, basis=InvolvementBasis.ROLL)
    k = SimpleNamespace(**kids)

    with time_machine.travel(on(2, 9), tick=True) as traveller:
        ruby_contact = refer(k.ruby, entitled, "Finger-shaped bruises; Ruby said her stepfather grabbed her")
        poppy_contact = refer(k.poppy, entitled, "Poppy is often hungry; mother seems low")
        traveller.move_to(on(2, 11))
        contact_decide(contact=ruby_contact, decision=Decision.STRATEGY_DISCUSSION, reason="Disclosure", by=mash)
        contact_decide(contact=poppy_contact, decision=Decision.EARLY_HELP, reason="Family wants help", by=mash)
        ruby_referral = Referral.objects.get(contact=ruby_contact)

        traveller.move_to(on(3))
        strategy = strategy_discussion_record(
            referral=ruby_referral,
            held_on=dt.date(2025, 6, 3),
            chair=mash,
            reason="Bruising seen; Ruby said her stepfather grabbed her.",
            decisions="Joint visit with the police; medical examination.",
            attendees=[
                AttendeeInput(mash, "", None, Discipline.SOCIAL_CARE),
                AttendeeInput(None, "Dr Patel", None, Discipline.HEALTH),
                AttendeeInput(None, "DC Smith", None, Discipline.POLICE),
            ],
            missing_agencies_reason="",
            outcome=StrategyOutcome.SECTION47,
            lead_social_worker=mash,
            by=mash,
        )
        episode = episode_start(
            child=k.poppy,
            started_on=dt.date(2025, 6, 3),
            lead_practitioner=ehw,
            lead_chosen_with_family=True,
            lead_choice_note="Mother asked for Erin",
            consent_given_by="Laura Hill",
            consent_relationship="Mother",
            consent_on=dt.date(2025, 6, 3),
            by=ehw,
            from_contact=poppy_contact,
        )

        traveller.move_to(on(4))
        leo_contact = refer(k.leo, entitled, "Leo says there is no food at home", categories=["neglect"])
        zac_contact = refer(k.zac, entitled, "Zac's mother asked the school for help with his behaviour")
        contact_decide(contact=leo_contact, decision=Decision.ASSESSMENT, reason="Needs assessing", by=mash)
        contact_decide(contact=zac_contact, decision=Decision.EARLY_HELP, reason="Family support", by=mash)
        leo_referral = Referral.objects.get(contact=leo_contact)

        traveller.move_to(on(5))
        assessment = assessment_start(
            referral=leo_referral, started_on=dt.date(2025, 6, 5), lead_practitioner=mash, supervisor=None, by=mash
        )
        early_help_assessment_record(
            episode=episode,
            completed_on=dt.date(2025, 6, 5),
            needs=["adult_mental_health", "persistently_absent"],
            strengths="Warm with the children",
            childs_views="Likes school",
            family_views="Mother wants help",
            summary="Support for mother; school attendance",
            by=ehw,
        )
        taf_member_add(episode=episode, practitioner=entitled, name="", agency=None, role="School DSL", by=ehw)
        plan_action_add(
            episode=episode, action="Breakfast club place", owner_name="", owner=entitled, due_on=on(6).date(), by=ehw
        )
        plan_action_add(
            episode=episode,
            action="Perinatal referral",
            owner_name="Laura Hill",
            owner=None,
            due_on=on(30).date(),
            by=ehw,
        )

        traveller.move_to(on(6))
        child_seen_record(assessment=assessment, seen_on=dt.date(2025, 6, 6), seen_alone=True, note="At home", by=mash)

        traveller.move_to(on(10))
        conference = initial_conference_record(
            section47=strategy.section47,
            held_on=dt.date(2025, 6, 10),
            chair=manager,
            childs_views="She wants to feel safe at home.",
            summary="Significant harm from physical abuse is likely.",
            decision=ConferenceDecision.PLAN,
            category="PHY",
            invitees=[InviteeInput(entitled, "", None, Discipline.EDUCATION, True, True, "Report sent")],
            lead_social_worker=mash,
            outline="Stepfather to leave the home; weekly visits.",
            by=mash,
        )
        early_help_review_record(
            episode=episode, held_on=dt.date(2025, 6, 10), progress="Breakfast club helps", outcome="continue", by=ehw
        )
        family_group_conference_record(
            episode=episode,
            held_on=dt.date(2025, 6, 10),
            family_network="Mother, grandmother",
            plan_agreed="Nan helps",
            by=ehw,
        )

        traveller.move_to(on(11, 9))
        mia_contact = refer(k.mia, entitled, "Mia arrived with a burn on her hand", immediate_danger=True)
        traveller.move_to(on(11, 10))
        yield SimpleNamespace(
            mash=mash,
            manager=manager,
            ehw=ehw,
            kids=k,
            ruby_contact=ruby_contact,
            ruby_referral=ruby_referral,
            leo_referral=leo_referral,
            zac_contact=zac_contact,
            mia_contact=mia_contact,
            assessment=assessment,
            plan=ProtectionPlan.objects.get(initial_conference=conference),
            episode=episode,
            letter=Letter.objects.get(recipient_user=entitled, source_id=ruby_contact.decision.pk),
        )


def test_front_door_and_social_care_pathway_pages(signed_in_page, live_server, axe_source, pathway):
    page = signed_in_page(pathway.mash)
    axe = Axe(page, live_server.url, axe_source)
    k = pathway.kids
    axe.read("/front-door/")
    expect(page.get_by_role("row", name=re.compile("Mia Cole"))).to_contain_text("Immediate danger")
    axe.read("/front-door/?show=decided")
    axe.read("/front-door/early-help/")
    mia = f"/children/{k.mia.pk}/contacts/{pathway.mia_contact.pk}/"
    axe.read(mia)
    axe.read(f"/children/{k.ruby.pk}/contacts/{pathway.ruby_contact.pk}/")  # decided, with its letter
    axe.read(f"{mia}decide/")
    page.get_by_role("button", name="Record decision").click()
    axe.check("decide on a contact, nothing chosen", error=True)
    page.get_by_label("Immediate protection").check()
    page.get_by_role("button", name="Record decision").click()
    axe.check("decide on immediate protection, with no details", error=True)

    axe.read(f"/children/{k.ruby.pk}/referrals/{pathway.ruby_referral.pk}/")  # strategy, s47, ICPC, plan
    axe.read(f"/children/{k.leo.pk}/referrals/{pathway.leo_referral.pk}/")  # an assessment under way
    assessment = f"/children/{k.leo.pk}/assessments/{pathway.assessment.pk}/"
    axe.read(assessment)
    axe.read(f"{assessment}complete/")
    page.get_by_role("button", name="Complete the assessment").click()
    axe.check("complete an assessment, nothing entered", error=True)
    axe.read(f"/children/{k.leo.pk}/referrals/{pathway.leo_referral.pk}/strategy-discussions/new/")
    page.get_by_role("button", name="Save the strategy discussion").click()
    axe.check("record a strategy discussion, nothing entered", error=True)
    axe.read(f"/children/{k.ruby.pk}/plans/{pathway.plan.pk}/")
    axe.read("/my-work/")
    expect(page.get_by_text("Leo Park").first).to_be_visible()
    axe.read(f"/children/{k.poppy.pk}/early-help/{pathway.episode.pk}/")  # social care reads early help too
    axe.assert_clean()


def test_referrer_pathway_pages(signed_in_page, live_server, axe_source, entitled, pathway):
    page = signed_in_page(entitled)
    axe = Axe(page, live_server.url, axe_source)
    axe.read(f"/children/{pathway.kids.ruby.pk}/referrals/new/")
    page.get_by_role("button", name="Send referral").click()
    axe.check("make a referral, nothing entered", error=True)
    axe.read("/referrals/mine/")
    expect(page.get_by_text("Initial child protection conference 10 June 2025").first).to_be_visible()
    axe.read(f"/children/{pathway.kids.ruby.pk}/contacts/{pathway.ruby_contact.pk}/")  # what the referrer sees
    axe.read(f"/children/{pathway.kids.ruby.pk}/letters/{pathway.letter.pk}/")
    axe.read("/letters/")  # the feedback letter is listed to its recipient
    axe.read("/my-work/")
    axe.assert_clean()


def test_early_help_pages(signed_in_page, live_server, axe_source, pathway):
    page = signed_in_page(pathway.ehw)
    axe = Axe(page, live_server.url, axe_source)
    axe.read("/front-door/early-help/")
    axe.read(f"/children/{pathway.kids.zac.pk}/early-help/new/?contact={pathway.zac_contact.pk}")
    page.get_by_role("button", name="Start early help").click()
    axe.check("start early help, nothing entered", error=True)
    axe.read(f"/children/{pathway.kids.poppy.pk}/early-help/{pathway.episode.pk}/")
    expect(page.get_by_role("table", name="Actions of the family plan")).to_contain_text("Overdue")
    episode = f"/children/{pathway.kids.poppy.pk}/early-help/{pathway.episode.pk}/"
    for path, button in (("reviews/new/", "Record the review"), ("step-up/", "Make the referral and end early help")):
        axe.read(episode + path)
        page.get_by_role("button", name=button).click()
        axe.check(f"{path}, nothing entered", error=True)
    axe.read(f"{episode}consent/")
    page.get_by_label("Consent withdrawn").check()
    page.get_by_label("Who gave or withdrew consent").fill("Laura Hill")
    page.get_by_label("Their relationship to the child").fill("Mother")
    page.get_by_label("Day").fill("11")
    page.get_by_label("Month").fill("6")
    page.get_by_label("Year").fill("2025")
    page.get_by_role("button", name="Record consent").click()
    expect(page.get_by_role("heading", name="Are you sure the family has withdrawn consent?")).to_be_visible()
    axe.check("withdraw consent: are you sure?")
    axe.read("/early-help/mine/")
    axe.read("/my-work/")
    axe.assert_clean()


def test_manager_pathway_pages(signed_in_page, live_server, axe_source, pathway):
    page = signed_in_page(pathway.manager)
    axe = Axe(page, live_server.url, axe_source)
    axe.read("/team/timeliness/")
    expect(page.get_by_text(pathway.mash.display_name).first).to_be_visible()
    axe.read("/team/timeliness/?team=all")
    axe.assert_clean()


# Identity linkage (issue 4) --------------------------------------------------------------
# A pair brought by a police feed ("J Smith", Jaiden's date of birth and address), a school
# roll with two rejected rows, and a reviewer (a MASH manager) who merges, undoes and manages
# the model; the school's DSL imports feeds and is offered Jaiden when recording a concern.


@pytest.fixture
def linkage(entitled: Any, school: Any, social_care: Any) -> SimpleNamespace:
    def feed(agency: Any, kind: str, name: str, lines: list[str]) -> Any:
        created = feed_import_create(agency=agency, kind=kind, file_name=name, content="\r\n".join(lines), by=entitled)
        return feed_import_run(feed_import=created)

    jaiden = child_create(
        data=NewChild(
            first_name="Jaiden",
            last_name="Smith",
            date_of_birth=dt.date(2019, 3, 7),
            sex=Sex.MALE,
            address_line1="12 Mill Lane",
            town="Brackenford",
            postcode="BK4 7QT",
        ),
        by=None,
    )
    concern(jaiden, entitled, 10, "Came to school with a cut lip")
    police = AgencyFactory(name="County Police", kind=AgencyKind.POLICE)
    incident_day = timezone.localdate() - dt.timedelta(days=5)
    feed(
        police,
        FeedKind.POLICE_INCIDENT,
        "incidents.csv",
        [
            "Incident Reference,Incident Date,Person Reference,Surname,Forenames,Date of Birth,Address,Postcode,"
            "Role,Domestic Abuse Y/N,Summary",
            f"INC-0419,{incident_day:%d/%m/%Y} 22:40,P-77812,Smith,J,07/03/2019,12 Mill Lane,BK4 7QT,"
            "Child present,Y,Officers attended an argument between the adults",
        ],
    )
    upns = [upn_check_letter(f"99912345600{n}") + f"99912345600{n}" for n in range(1, 4)]
    roll = feed(
        school,
        FeedKind.SCHOOL_ROLL,
        "roll-autumn.csv",
        [
            "UPN,Surname,Forename,Middle names,DOB,Gender,Address line 1,Postcode,Former surname",
            f"{upns[0]},Khan,Amir,,14/09/2017,M,8 Elm Street,BK3 2CD,",
            f"{upns[1]},Hill,Ava,,31/02/2017,F,1 High Street,BK9 1AA,",
            f"{upns[2]},,Noah,,02/06/2018,M,5 Park Row,BK5 6GH,",
        ],
    )
    assert roll.rows_rejected == 2
    role = RoleFactory(
        key="mash-manager", name="MASH team manager", covers_whole_la=True, may_decide_referrals=True, is_manager=True
    )
    reviewer = UserFactory(username="reviewer", agency=social_care, role=role)
    return SimpleNamespace(jaiden=jaiden, roll=roll, reviewer=reviewer)


def test_identity_review_and_model_pages(signed_in_page, live_server, axe_source, linkage):
    page = signed_in_page(linkage.reviewer)
    axe = Axe(page, live_server.url, axe_source)
    axe.read("/linkage/review/")
    page.get_by_role("link", name="Compare Jaiden Smith and J Smith").click()
    expect(page.get_by_role("heading", name="Are these the same child?")).to_be_visible()
    axe.check("pair comparison, with the model's reasons")
    page.get_by_role("button", name="Merge: these are the same child").click()
    axe.check("merge with no reason", error=True)
    page.get_by_label("Why are these the same child?").fill("The police confirmed J Smith is Jaiden")
    page.get_by_role("button", name="Merge: these are the same child").click()
    expect(page.get_by_role("heading", name="Are you sure you want to merge these records?")).to_be_visible()
    axe.check("merge confirmation")
    page.get_by_role("button", name="Merge the records").click()
    page.wait_for_url(f"{live_server.url}/linkage/review/")
    axe.check("review queue after a merge, empty, with its message")
    axe.read("/linkage/merges/")
    page.get_by_role("link", name=re.compile("^Undo this merge")).click()
    expect(page.get_by_role("heading", name="Undo this merge")).to_be_visible()
    axe.check("undo a merge")
    page.get_by_role("button", name="Undo this merge").click()
    axe.check("undo a merge, no reason", error=True)

    axe.read("/linkage/model/")
    page.get_by_text("Show the match weights as a table").click()
    axe.check("linkage model, with the match weights table open")
    axe.read("/linkage/model/versions/")
    page.goto(f"{live_server.url}/linkage/model/")
    page.get_by_role("link", name="Change the thresholds").first.click()
    axe.check("change the thresholds")
    page.get_by_label("Auto-link threshold (match weight)").fill("11")
    page.get_by_label("Review threshold (match weight)").fill("12")
    page.get_by_role("button", name="Change the thresholds").click()
    axe.check("change the thresholds: review above auto-link, no reason", error=True)
    axe.assert_clean()


def test_feed_and_entry_check_pages(signed_in_page, live_server, axe_source, entitled, linkage):
    page = signed_in_page(entitled)
    axe = Axe(page, live_server.url, axe_source)
    axe.read("/linkage/feeds/")
    axe.read("/linkage/feeds/new/")
    page.get_by_role("button", name="Upload and import").click()
    axe.check("import a feed, nothing chosen", error=True)
    axe.read(f"/linkage/feeds/{linkage.roll.pk}/")
    expect(page.get_by_role("heading", name="Rejected rows")).to_be_visible()

    # "Is this the same child?": Jayden Smyth, born 03/07/2019 at Jaiden's address.
    axe.read("/concerns/new/")
    page.get_by_label("First name").fill("Jayden")
    page.get_by_label("Last name").fill("Smyth")
    page.get_by_role("group", name="Has the child been born?").get_by_label("Yes", exact=True).check()
    dob = page.locator("#conditional-born-yes")
    dob.get_by_label("Day").fill("3")
    dob.get_by_label("Month").fill("7")
    dob.get_by_label("Year").fill("2019")
    page.get_by_role("radio", name="Male", exact=True).check()
    page.get_by_label("Address line 1 (optional)").fill("12 Mill Lane")
    page.get_by_label("Postcode (optional)").fill("BK4 7QT")
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    page.locator("#occurred").get_by_label("Day").fill(str(yesterday.day))
    page.locator("#occurred").get_by_label("Month").fill(str(yesterday.month))
    page.locator("#occurred").get_by_label("Year").fill(str(yesterday.year))
    page.get_by_label("Time it happened").fill("08:50")
    page.get_by_label("What did you see or hear?").fill("A cut lip; he would not say how")
    page.get_by_role("checkbox", name="Physical abuse").check()
    page.get_by_role("group", name="Is the child in immediate danger?").get_by_label("No").check()
    page.get_by_label("What action have you taken?").fill("Logged it for the DSL")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Is this the same child?")).to_be_visible()
    expect(page.get_by_role("table", name="Why Jaiden Smith may or may not be the same child")).to_be_visible()
    axe.check("is this the same child?, with the reasons")
    axe.assert_clean()
