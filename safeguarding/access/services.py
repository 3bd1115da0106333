"""Fetch-and-check in one call, break-glass, and the writes that create relationships."""

from dataclasses import dataclass
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from safeguarding.access.models import (
    Agency,
    BreakGlassAccess,
    ChildInvolvement,
    ChildTeamMembership,
    InvolvementBasis,
    User,
)
from safeguarding.access.permissions import Basis, basis_for, break_glass_expiry
from safeguarding.audit.models import Action
from safeguarding.audit.services import audit_record
from safeguarding.core.errors import NoRelationship
from safeguarding.people.models import Child


def child_for(
    user: User, child_id: int, *, action: Action = Action.VIEW, what: str = "record", follow_merges: bool = True
) -> tuple[Child, Basis]:
    """The child, if `user` may open the record; audits the access (or its refusal).

    Raises Http404 if there is no such child, NoRelationship if there is no basis.

    Not one atomic block on purpose: the refusal is audited in its own transaction
    (audit_record is atomic) and only then raised, so that the exception does not roll the
    DENIED event back with it.
    """
    child = Child.objects.filter(pk=child_id).first()
    if child is None:
        raise Http404("No such child")
    opened = child.pk
    # A record merged into another (linkage.merge) is the survivor now: every page and every
    # write about the merged record reaches the survivor, access-checked on the survivor.
    for _ in range(10 if follow_merges else 0):  # identity review opens the merged record itself
        if child.merged_into_id is None:
            break
        child = Child.objects.get(pk=child.merged_into_id)
    detail: dict[str, object] = {"what": what}
    if child.pk != opened:
        detail["opened_merged_record"] = opened
    basis = basis_for(user, child.pk)
    if basis is Basis.NONE:
        audit_record(actor=user, action=Action.DENIED, child=child, detail=detail)
        raise NoRelationship(child.pk)
    audit_record(actor=user, action=action, child=child, detail={**detail, "basis": basis.value})
    return child, basis


@transaction.atomic
def break_glass_open(*, user: User, child_id: int, reason: str) -> BreakGlassAccess:
    """Emergency access without a relationship: time-limited, reasoned, audited, reported."""
    reason = reason.strip()
    if len(reason) < 10:
        raise ValidationError({"reason": "Explain why you need emergency access (at least 10 characters)"})
    if user.agency_id is None or not (user.role and user.role.may_break_glass):
        raise ValidationError("Your role does not allow emergency access. Contact the front door.")
    child = Child.objects.filter(pk=child_id).first()
    if child is None:
        raise Http404("No such child")
    now = timezone.now()
    grant = BreakGlassAccess.objects.create(
        practitioner=user, child=child, reason=reason, granted_at=now, expires_at=now + break_glass_expiry()
    )
    audit_record(
        actor=user,
        action=Action.BREAK_GLASS,
        child=child,
        obj=grant,
        reason=reason,
        detail={"expires_at": grant.expires_at},
    )
    transaction.on_commit(lambda: break_glass_notify(grant=grant))
    return grant


def break_glass_notify(*, grant: BreakGlassAccess) -> int:
    """Tell those who review access (roles that may view the audit) that emergency access
    was used. The e-mail carries no child's name: only the LA child ID and where to look."""
    reviewers = list(
        User.objects.filter(is_active=True, role__may_view_audit=True).exclude(email="").values_list("email", flat=True)
    )
    if not reviewers:
        return 0
    practitioner = grant.practitioner
    body = (
        f"{practitioner.display_name} ({practitioner.agency}) used emergency access to the record of "
        f"child {grant.child.la_child_id} at {timezone.localtime(grant.granted_at):%H:%M on %d %B %Y}, "
        f"until {timezone.localtime(grant.expires_at):%H:%M}.\n\n"
        f"Reason given: {grant.reason}\n\n"
        "Review it in Who looked > Emergency access."
    )
    return send_mail(
        subject="Emergency access to a child's record",
        message=body,
        from_email=None,
        recipient_list=reviewers,
        fail_silently=True,
    )


def involvement_ensure(
    *, child: Child, agency: Agency, basis: InvolvementBasis, started_on: date | None = None
) -> ChildInvolvement:
    """Record (idempotently) that an agency is involved with a child."""
    involvement, _ = ChildInvolvement.objects.get_or_create(
        child=child, agency=agency, basis=basis, defaults={"started_on": started_on or timezone.localdate()}
    )
    return involvement


@transaction.atomic
def team_member_add(*, child: Child, practitioner: User, capacity: str, by: User | None) -> ChildTeamMembership:
    membership = ChildTeamMembership.objects.create(child=child, practitioner=practitioner, capacity=capacity)
    audit_record(
        actor=by,
        action=Action.CREATE,
        child=child,
        obj=membership,
        detail={"practitioner": practitioner.pk, "capacity": capacity},
    )
    return membership


@dataclass(frozen=True)
class RecordingTarget:
    """The child a concern is about, and what the recording practitioner may be shown.

    `child` is for the services only. Templates get `name` and `date_of_birth`: the two
    things the search already showed.
    """

    child: Child
    basis: Basis

    @property
    def may_read(self) -> bool:
        return self.basis is not Basis.NONE

    @property
    def name(self) -> str:
        return self.child.display_name

    @property
    def date_of_birth(self) -> date | None:
        return self.child.date_of_birth

    @property
    def expected_date_of_birth(self) -> date | None:
        return self.child.expected_date_of_birth if self.child.date_of_birth is None else None


def recording_target(*, user: User, child_id: int, what: str = "record concern form") -> RecordingTarget:
    """The child a practitioner is about to record a concern about: write without read.

    Anyone who works with children must be able to record a concern about any child (a GP
    who sees a child for the first time). A practitioner with no relationship may record,
    never read: they get the name and date of birth only, and recording creates their
    agency's involvement (concern_record). Both the refusal to open the record and the
    opening of the recording form are audited. Raises Http404 or, for someone who belongs
    to no agency, NoRelationship. Not atomic, like child_for: a refusal's audit must not be
    rolled back by the exception that reports it.
    """
    try:
        child, basis = child_for(user, child_id, action=Action.VIEW, what=what)
    except NoRelationship:
        if user.agency_id is None:
            raise
        child = Child.objects.only("pk", "display_name", "date_of_birth", "expected_date_of_birth").get(pk=child_id)
        audit_record(
            actor=user,
            action=Action.VIEW,
            child=child,
            detail={"what": what, "basis": Basis.NONE.value, "shown": "name and date of birth"},
        )
        return RecordingTarget(child=child, basis=Basis.NONE)
    return RecordingTarget(child=child, basis=basis)


@transaction.atomic
def team_member_end(*, membership: ChildTeamMembership, ended_at: datetime, by: User | None) -> ChildTeamMembership:
    """A practitioner leaves the child's team (the plan ended, the episode closed)."""
    membership = ChildTeamMembership.objects.select_for_update().get(pk=membership.pk)
    if membership.ended_at is not None and membership.ended_at <= ended_at:
        return membership
    membership.ended_at = ended_at
    membership.save(update_fields=["ended_at"])
    audit_record(
        actor=by,
        action=Action.AMEND,
        child=membership.child,
        obj=membership,
        detail={"practitioner": membership.practitioner_id, "ended_at": ended_at},
    )
    return membership
