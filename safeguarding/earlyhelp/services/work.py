"""The work of an open episode: the early help assessment of the whole family, the team
around the family, the family plan's actions, reviews and family group conferences.

Each step locks the episode and refuses it once the episode has ended.
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction

from safeguarding.access.models import Agency, User
from safeguarding.access.services import team_member_add
from safeguarding.core.calendar import long_date
from safeguarding.core.errors import DomainError
from safeguarding.earlyhelp.codes import NEED_KEYS, need_label
from safeguarding.earlyhelp.models import ClosureReason as Reason
from safeguarding.earlyhelp.models import (
    EarlyHelpAssessment,
    EarlyHelpEpisode,
    EarlyHelpReview,
    FamilyGroupConference,
    FamilyPlanAction,
    FamilyPlanActionDone,
    ReviewOutcome,
    TeamAroundFamilyMember,
)
from safeguarding.earlyhelp.services._common import (
    audit_create,
    chronicle,
    locked_open,
    not_future,
    required_text,
    today,
)
from safeguarding.earlyhelp.services.episode import TAF_CAPACITY, close_locked
from safeguarding.pathway.projection import refreshes_clocks


def _on_or_after_start(errors: dict[str, str], field: str, day: date | None, episode: EarlyHelpEpisode) -> None:
    if field not in errors and day is not None and day < episode.started_on:
        errors[field] = f"The date must be on or after early help started ({long_date(episode.started_on)})"


@transaction.atomic
def early_help_assessment_record(
    *,
    episode: EarlyHelpEpisode,
    completed_on: date | None,
    needs: list[str],
    strengths: str,
    childs_views: str,
    family_views: str,
    summary: str,
    by: User,
) -> EarlyHelpAssessment:
    """The early help assessment of the whole family's needs and strengths, agreed with them."""
    episode = locked_open(episode)
    errors: dict[str, str] = {}
    not_future(errors, "completed_on", completed_on, "the assessment was completed")
    _on_or_after_start(errors, "completed_on", completed_on, episode)
    if not needs:
        errors["needs"] = "Select the needs the assessment identified"
    elif set(needs) - NEED_KEYS:
        errors["needs"] = "Select needs from the list"
    texts = {
        "strengths": required_text(errors, "strengths", strengths, "Enter the family's strengths"),
        "childs_views": required_text(errors, "childs_views", childs_views, "Enter the child's views"),
        "family_views": required_text(errors, "family_views", family_views, "Enter the family's views"),
        "summary": required_text(errors, "summary", summary, "Enter a summary of the assessment"),
    }
    if errors:
        raise ValidationError(errors)
    assert completed_on is not None
    ordered = [key for key in sorted(set(needs))]
    assessment = EarlyHelpAssessment.objects.create(
        episode=episode, completed_on=completed_on, needs=ordered, recorded_by=by, **texts
    )
    labels = "; ".join(need_label(key) for key in ordered)
    chronicle(
        episode=episode,
        kind_key="early_help_assessment",
        by=by,
        on=completed_on,
        summary=f"Early help assessment of the whole family completed. Needs: {labels}.",
    )
    audit_create(by=by, episode=episode, obj=assessment, needs=ordered)
    return assessment


@transaction.atomic
def taf_member_add(
    *,
    episode: EarlyHelpEpisode,
    practitioner: User | None,
    name: str,
    agency: Agency | None,
    role: str,
    by: User,
) -> TeamAroundFamilyMember:
    """Someone joins the team around the family. A practitioner on the platform joins the
    child's team too (so they may open the record); anyone else is recorded by name."""
    episode = locked_open(episode)
    errors: dict[str, str] = {}
    if practitioner is None:
        name = required_text(errors, "name", name, "Select a practitioner or enter the name of the person joining")
    else:
        if practitioner.agency_id is None or not practitioner.is_active:
            errors["practitioner"] = "Select a practitioner who belongs to an agency"
        name, agency = practitioner.display_name, practitioner.agency
    role = required_text(errors, "role", role, "Enter their role in the team around the family")
    if errors:
        raise ValidationError(errors)
    if practitioner is not None and episode.team.filter(practitioner=practitioner).exists():
        raise DomainError(f"{practitioner.display_name} is already in the team around the family")
    membership = None
    if practitioner is not None:
        membership = team_member_add(child=episode.child, practitioner=practitioner, capacity=TAF_CAPACITY, by=by)
    member = TeamAroundFamilyMember.objects.create(
        episode=episode,
        practitioner=practitioner,
        name=name,
        agency=agency,
        role=role,
        team_membership=membership,
        added_on=today(),
    )
    where = f" ({agency.name})" if agency is not None else ""
    chronicle(
        episode=episode,
        kind_key="early_help_team",
        by=by,
        on=member.added_on,
        summary=f"{name}{where} joined the team around the family as {role}.",
    )
    audit_create(by=by, episode=episode, obj=member, practitioner=practitioner.pk if practitioner else None)
    return member


@transaction.atomic
def plan_action_add(
    *,
    episode: EarlyHelpEpisode,
    action: str,
    owner_name: str,
    owner: User | None,
    due_on: date | None,
    by: User,
) -> FamilyPlanAction:
    """An action of the family plan: what, who (a practitioner or a family member), by when."""
    episode = locked_open(episode)
    errors: dict[str, str] = {}
    text = required_text(errors, "action", action, "Enter what will be done")
    if owner is not None:
        owner_name = owner.display_name
    who = required_text(errors, "owner_name", owner_name, "Select or enter who will do it")
    if due_on is None:
        errors["due_on"] = "Enter the date it should be done by"
    _on_or_after_start(errors, "due_on", due_on, episode)
    if errors:
        raise ValidationError(errors)
    assert due_on is not None
    row = FamilyPlanAction.objects.create(
        episode=episode, action=text, owner_name=who, owner=owner, due_on=due_on, created_by=by
    )
    chronicle(
        episode=episode,
        kind_key="early_help_plan_action",
        by=by,
        on=today(),
        summary=f"Family plan action for {who}, by {long_date(due_on)}: {text[:200]}",
    )
    audit_create(by=by, episode=episode, obj=row, owner=owner.pk if owner else None)
    return row


@transaction.atomic
def plan_action_done(*, action: FamilyPlanAction, done_on: date | None, note: str, by: User) -> FamilyPlanActionDone:
    """Mark an action done, once."""
    episode = locked_open(action.episode)
    action = FamilyPlanAction.objects.select_for_update(of=("self",)).get(pk=action.pk)
    if FamilyPlanActionDone.objects.filter(action=action).exists():
        raise DomainError("This action has already been marked as done")
    errors: dict[str, str] = {}
    not_future(errors, "done_on", done_on, "it was done")
    _on_or_after_start(errors, "done_on", done_on, episode)
    if errors:
        raise ValidationError(errors)
    assert done_on is not None
    done = FamilyPlanActionDone.objects.create(
        action=action, done_on=done_on, note=(note or "").strip(), recorded_by=by
    )
    chronicle(
        episode=episode,
        kind_key="early_help_plan_action",
        by=by,
        on=done_on,
        summary=f"Family plan action done ({action.owner_name}): {action.action[:200]}",
    )
    audit_create(by=by, episode=episode, obj=done, action=action.pk)
    return done


@transaction.atomic
@refreshes_clocks
def early_help_review_record(
    *, episode: EarlyHelpEpisode, held_on: date | None, progress: str, outcome: str, by: User
) -> EarlyHelpReview:
    """A review of the family plan. "Close" ends the episode (needs met); "step up" is recorded
    here and the step up itself is its own step (it makes a referral to the front door)."""
    episode = locked_open(episode)
    errors: dict[str, str] = {}
    not_future(errors, "held_on", held_on, "the review was held")
    _on_or_after_start(errors, "held_on", held_on, episode)
    last = episode.reviews.order_by("-held_on", "-id").values_list("held_on", flat=True).first()
    if "held_on" not in errors and last is not None and held_on is not None and held_on < last:
        errors["held_on"] = f"The review must be on or after the last review ({long_date(last)})"
    text = required_text(errors, "progress", progress, "Enter the progress made against the family plan")
    if outcome not in ReviewOutcome.values:
        errors["outcome"] = "Select the outcome of the review"
    if errors:
        raise ValidationError(errors)
    assert held_on is not None
    review = EarlyHelpReview.objects.create(
        episode=episode, held_on=held_on, progress=text, outcome=outcome, recorded_by=by
    )
    chronicle(
        episode=episode,
        kind_key="early_help_review",
        by=by,
        on=held_on,
        summary=f"Early help review: {ReviewOutcome(outcome).label.lower()}.",
    )
    audit_create(by=by, episode=episode, obj=review, outcome=outcome)
    if outcome == ReviewOutcome.CLOSE:
        close_locked(episode=episode, closed_on=held_on, reason=Reason.NEEDS_MET, note=text, by=by)
    return review


@transaction.atomic
def family_group_conference_record(
    *, episode: EarlyHelpEpisode, held_on: date | None, family_network: str, plan_agreed: str, by: User
) -> FamilyGroupConference:
    """A family group conference: the family network makes its own plan for the child."""
    episode = locked_open(episode)
    errors: dict[str, str] = {}
    not_future(errors, "held_on", held_on, "the conference was held")
    _on_or_after_start(errors, "held_on", held_on, episode)
    network = required_text(errors, "family_network", family_network, "Enter who from the family network took part")
    plan = required_text(errors, "plan_agreed", plan_agreed, "Enter the plan the family agreed")
    if errors:
        raise ValidationError(errors)
    assert held_on is not None
    conference = FamilyGroupConference.objects.create(
        episode=episode, held_on=held_on, family_network=network, plan_agreed=plan, recorded_by=by
    )
    chronicle(
        episode=episode,
        kind_key="family_group_conference",
        by=by,
        on=held_on,
        summary=f"Family group conference held. Family network: {network[:200]}",
    )
    audit_create(by=by, episode=episode, obj=conference)
    return conference
