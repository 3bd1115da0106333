"""Reads for the early help pages: the episode with everything under it, its review clock,
the episodes a practitioner leads, and who may be chosen as lead or team member."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Max, QuerySet
from django.db.models.functions import Coalesce

from safeguarding.access.models import Agency, User
from safeguarding.core import calendar, clocks
from safeguarding.core.calendar import long_date as _long
from safeguarding.core.clocks import ClockState, ClockStatus
from safeguarding.earlyhelp.codes import need_label
from safeguarding.earlyhelp.models import (
    EarlyHelpClosure,
    EarlyHelpEpisode,
    FamilyPlanAction,
    FamilyPlanActionDone,
    TeamAroundFamilyMember,
)
from safeguarding.frontdoor.models import Contact, ContactDecision, Referral
from safeguarding.people.models import Child

REVIEW_CLOCK = "early_help_review"

_TAGS = {
    ClockState.OVERDUE: ("Overdue", "govuk-tag--red"),
    ClockState.DUE_SOON: ("Due soon", "govuk-tag--yellow"),
    ClockState.DUE: ("Due", "govuk-tag--blue"),
    ClockState.MET: ("In time", "govuk-tag--green"),
    ClockState.MET_LATE: ("Late", "govuk-tag--orange"),
}


@dataclass(frozen=True)
class Tag:
    text: str
    css: str
    detail: str = ""


def clock_tag(status: ClockStatus) -> Tag:
    text, css = _TAGS[status.state]
    due = _long(status.due)
    if status.state is ClockState.OVERDUE:
        detail = f"Was due by {due}: {status.days_late} day{'' if status.days_late == 1 else 's'} overdue"
    elif status.state in (ClockState.MET, ClockState.MET_LATE):
        detail = f"Was due by {due}"
    else:
        detail = f"Due by {due}"
    return Tag(text, css, detail)


def review_clock(episode: EarlyHelpEpisode, last_review_on: date | None, *, today: date | None = None) -> Tag:
    """The next review of the family plan: due 3 months (local) after the start or the last review."""
    return clock_tag(clocks.clock_status(REVIEW_CLOCK, last_review_on or episode.started_on, today=today))


def action_tag(action: FamilyPlanAction, done: FamilyPlanActionDone | None, today: date) -> Tag:
    if done is not None:
        late = done.done_on > action.due_on
        return Tag("Done late" if late else "Done", "govuk-tag--orange" if late else "govuk-tag--green")
    if action.due_on < today:
        return Tag("Overdue", "govuk-tag--red")
    return Tag("To do", "govuk-tag--grey")


def loaded(obj: Any, name: str) -> Any:
    """A reverse one-to-one (closure, done, decision) or None, without a query once fetched."""
    try:
        return getattr(obj, name)
    except ObjectDoesNotExist:
        return None


@dataclass
class EpisodePage:
    episode: EarlyHelpEpisode
    closure: EarlyHelpClosure | None
    consents: list
    assessments: list[dict[str, Any]]
    team: list[TeamAroundFamilyMember]
    actions: list[dict[str, Any]]
    reviews: list[dict[str, Any]]
    conferences: list
    next_review: Tag | None
    from_contact: Contact | None
    from_contact_decision: ContactDecision | None
    step_ups: list[Contact]

    @property
    def team_user_ids(self) -> set[int]:
        return {m.practitioner_id for m in self.team if m.practitioner_id is not None}


def episode_queryset(child: Child) -> QuerySet[EarlyHelpEpisode]:
    return EarlyHelpEpisode.objects.filter(child=child).select_related(
        "lead_practitioner__agency",
        "created_by",
        "closure__stepped_up_to",
        "closure__closed_by",
        "from_referral",
        "from_contact__referrer_agency",
    )


def episode_page(episode: EarlyHelpEpisode, *, today: date | None = None) -> EpisodePage:
    today = today or calendar.today()
    closure = loaded(episode, "closure")
    reviews = list(episode.reviews.select_related("recorded_by"))
    review_rows = []
    previous = episode.started_on
    for review in reviews:
        start = min(previous, review.held_on)
        review_rows.append(
            {"review": review, "tag": clock_tag(clocks.clock_status(REVIEW_CLOCK, start, review.held_on))}
        )
        previous = review.held_on
    done_pairs = [(a, loaded(a, "done")) for a in episode.actions.select_related("done", "owner")]
    assessments = [
        {"assessment": a, "needs": [need_label(key) for key in a.needs]}
        for a in episode.assessments.select_related("recorded_by")
    ]
    contact = episode.from_contact
    return EpisodePage(
        episode=episode,
        closure=closure,
        consents=list(episode.consents.select_related("recorded_by")),
        assessments=assessments,
        team=list(episode.team.select_related("agency", "team_membership")),
        actions=[{"action": a, "done": d, "tag": action_tag(a, d, today)} for a, d in done_pairs],
        reviews=review_rows,
        conferences=list(episode.family_group_conferences.all()),
        next_review=None if closure else review_clock(episode, reviews[-1].held_on if reviews else None, today=today),
        from_contact=contact,
        from_contact_decision=loaded(contact, "decision") if contact else None,
        step_ups=list(Contact.objects.filter(early_help_episode=episode).select_related("referrer_agency")),
    )


def open_episode(child: Child) -> EarlyHelpEpisode | None:
    return EarlyHelpEpisode.objects.filter(child=child, closure__isnull=True).first()


def led_by(user: User) -> QuerySet[EarlyHelpEpisode]:
    """Open episodes `user` leads, the next review due first; one query for any number."""
    return (
        EarlyHelpEpisode.objects.filter(lead_practitioner=user, closure__isnull=True)
        .select_related("child")
        .annotate(last_review_on=Max("reviews__held_on"))
        .annotate(clock_start=Coalesce("last_review_on", "started_on"))
        .order_by("clock_start", "id")
    )


def listed_review_clock(episode: EarlyHelpEpisode) -> Tag:
    """The next review of an episode fetched with `led_by` (which annotates its clock start)."""
    start: date = getattr(episode, "clock_start")  # noqa: B009 (an annotation mypy cannot see)
    return clock_tag(clocks.clock_status(REVIEW_CLOCK, start))


def practitioner_choices(*, exclude: set[int] | None = None) -> tuple[list, dict[int, User]]:
    """Practitioners of every agency, as select choices grouped by agency (optgroups), and by id."""
    people = (
        User.objects.filter(is_active=True, agency__isnull=False)
        .exclude(pk__in=exclude or set())
        .select_related("agency")
        .order_by("agency__name", "last_name", "first_name", "pk")
    )
    groups: dict[str, list[tuple[int, str]]] = {}
    by_id: dict[int, User] = {}
    for person in people:
        assert person.agency is not None
        label = person.display_name + (f", {person.job_title}" if person.job_title else "")
        groups.setdefault(person.agency.name, []).append((person.pk, label))
        by_id[person.pk] = person
    return list(groups.items()), by_id


def agency_choices() -> tuple[list[tuple[int, str]], dict[int, Agency]]:
    agencies = list(Agency.objects.order_by("name"))
    return [(a.pk, a.name) for a in agencies], {a.pk: a for a in agencies}


def step_down_contact(child: Child, contact_id: int) -> Contact | None:
    return Contact.objects.filter(pk=contact_id, child=child).select_related("decision", "referrer_agency").first()


def step_down_referral(child: Child, referral_id: int) -> Referral | None:
    return Referral.objects.filter(pk=referral_id, child=child).select_related("closure", "contact").first()
