"""Operation Encompass, step by step. Each service is atomic, writes its own row, one
chronology entry per child it touches (ADR 4) and the audit in the same transaction, and
refuses an impossible step in words a practitioner can act on (ADR 8).

- `encompass_incident_record`: the police record a domestic abuse incident and the first
  child; `encompass_incident_child_add`: each further child. Each child on the school roll
  gets a notification to that school, due before the start of the next school day.
- `encompass_acknowledge`: the school's designated safeguarding lead acknowledges it, once.
- `encompass_support_record`: what the school did for the child, as often as it does it.
- `encompass_escalate`: nobody acknowledged it in time; the school's designated safeguarding
  leads are e-mailed again and the front door is told, once (`manage.py
  send_encompass_escalations`, through `encompass_escalations_send`).

E-mails name no child, as for clock reminders (pathway/services.py): the LA child ID and a
link. E-mail leaves the platform's access control; the page behind the link does not.
"""

import dataclasses
import datetime as dt
import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from safeguarding.access.models import Agency, InvolvementBasis, User
from safeguarding.access.services import involvement_ensure
from safeguarding.audit.models import Action
from safeguarding.audit.services import audit_record
from safeguarding.concerns.chronology import chronology_record
from safeguarding.concerns.models import Category
from safeguarding.concerns.signal_rules import signals_evaluate
from safeguarding.core import calendar
from safeguarding.core.errors import DomainError
from safeguarding.encompass import permissions, selectors, terms
from safeguarding.encompass.models import (
    DomesticAbuseIncident,
    EncompassAcknowledgement,
    EncompassEscalation,
    EncompassNotification,
    EncompassSupport,
    IncidentChild,
    Presence,
)
from safeguarding.people.models import Child
from safeguarding.people.services import NewChild, child_create
from safeguarding.sharing.models import Notification

logger = logging.getLogger(__name__)

# Operation Encompass shares only what the school needs to support the child the next day.
SUMMARY_MAX = 1000
SUPPORT_MAX = 2000
NOTIFICATION_KIND = "operation_encompass"
ESCALATION_KIND = "operation_encompass_escalation"
SYSTEM = "operation encompass escalation"


@dataclasses.dataclass(frozen=True)
class IncidentInput:
    reference: str
    occurred_at: dt.datetime
    summary_for_school: str


@dataclasses.dataclass(frozen=True)
class ChildAtIncident:
    """A child at the incident: one already in the index (chosen by the officer from the
    matches), or a new child to add to it."""

    presence: str
    child: Child | None = None
    new_child: NewChild | None = None


def incident_validate(data: IncidentInput) -> None:
    """The rules an incident must meet, as one ValidationError keyed by field (forms call it
    to show every problem at once; the services call it again)."""
    if timezone.is_naive(data.occurred_at):
        raise ValueError("occurred_at must be timezone-aware")
    errors: dict[str, str] = {}
    if not data.reference.strip():
        errors["reference"] = "Enter the police incident reference"
    elif len(data.reference.strip()) > 100:
        errors["reference"] = "The incident reference must be 100 characters or fewer"
    if data.occurred_at > timezone.now() + dt.timedelta(minutes=5):
        errors["occurred_at"] = "The date of the incident must be today or in the past"
    summary = data.summary_for_school.strip()
    if not summary:
        errors["summary_for_school"] = "Enter what the school needs to know"
    elif len(summary) > SUMMARY_MAX:
        errors["summary_for_school"] = f"What the school needs to know must be {SUMMARY_MAX:,} characters or fewer"
    if errors:
        raise ValidationError(errors)


def _police_of(by: User) -> Agency:
    if not permissions.may_record_incident(by):
        raise ValidationError("Only police officers and staff record domestic abuse incidents for Operation Encompass")
    assert isinstance(by.agency, Agency)
    return by.agency


def _site(path: str) -> str:
    return getattr(settings, "SITE_URL", "").rstrip("/") + path


def _presence_words(presence: str) -> str:
    return "was present" if presence == Presence.PRESENT else "was not present but normally lives at the address"


def incident_summary(incident: DomesticAbuseIncident, at: IncidentChild, school: Agency | None) -> str:
    told = (
        f"Operation Encompass notification sent to {school.name}."
        if school
        else "No school on record: no Operation Encompass notification was sent."
    )
    return (
        f"Police attended a domestic abuse incident (reference {incident.reference}); "
        f"the child {_presence_words(at.presence)}. {incident.summary_for_school.strip()} {told}"
    )


@transaction.atomic
def encompass_incident_record(*, data: IncidentInput, child: ChildAtIncident, by: User) -> DomesticAbuseIncident:
    """The police record a domestic abuse incident and the first child at it."""
    police = _police_of(by)
    errors: dict[str, list[str]] = {}
    try:
        incident_validate(data)
    except ValidationError as exc:
        errors = exc.message_dict
    reference = data.reference.strip()
    if reference and DomesticAbuseIncident.objects.filter(police=police, reference=reference).exists():
        errors["reference"] = [f"Incident {reference} is already recorded: add the child to it from its page"]
    if child.presence not in Presence.values:
        errors["presence"] = ["Select whether the child was present or normally lives at the address"]
    if errors:
        raise ValidationError(errors)
    incident = DomesticAbuseIncident.objects.create(
        police=police,
        reference=reference,
        occurred_at=data.occurred_at,
        summary_for_school=data.summary_for_school.strip(),
        recorded_by=by,
    )
    audit_record(
        actor=by,
        action=Action.CREATE,
        obj=incident,
        detail={"reference": reference, "occurred_at": data.occurred_at},
    )
    _child_add(incident=incident, at=child, by=by)
    return incident


@transaction.atomic
def encompass_incident_child_add(*, incident: DomesticAbuseIncident, child: ChildAtIncident, by: User) -> IncidentChild:
    """Another child at an incident already recorded (a sibling found later)."""
    police = _police_of(by)
    incident = DomesticAbuseIncident.objects.select_for_update().get(pk=incident.pk)
    if incident.police_id != police.pk:
        raise ValidationError("Only the force that recorded this incident can add children to it")
    return _child_add(incident=incident, at=child, by=by)


def _child_add(*, incident: DomesticAbuseIncident, at: ChildAtIncident, by: User) -> IncidentChild:
    if at.presence not in Presence.values:
        raise ValidationError({"presence": "Select whether the child was present or normally lives at the address"})
    if (at.child is None) == (at.new_child is None):
        raise ValueError("Give either a child in the index or a new child")
    child = at.child if at.child is not None else child_create(data=at.new_child, by=by)  # type: ignore[arg-type]
    while child.merged_into_id is not None:  # a merged record is its survivor now
        child = Child.objects.get(pk=child.merged_into_id)
    if IncidentChild.objects.filter(incident=incident, child=child).exists():
        raise ValidationError(f"{child.display_name or child.la_child_id} is already on this incident")
    row = IncidentChild.objects.create(incident=incident, child=child, presence=at.presence, added_by=by)
    involvement_ensure(child=child, agency=incident.police, basis=InvolvementBasis.RECORDED)
    school = selectors.current_school(child)
    notification = (
        EncompassNotification.objects.create(incident_child=row, school=school, notified_at=row.added_at)
        if school
        else None
    )
    chronology_record(
        child=child,
        kind_key="encompass_incident",
        source=row,
        agency=incident.police,
        author=by,
        occurred_at=incident.occurred_at,
        recorded_at=row.added_at,
        summary=incident_summary(incident, row, school),
        categories=[Category.DOMESTIC_ABUSE],
    )
    audit_record(
        actor=by,
        action=Action.CREATE,
        child=child,
        obj=row,
        detail={
            "incident": incident.pk,
            "reference": incident.reference,
            "presence": at.presence,
            "new_child": at.new_child is not None,
            "school": school.name if school else None,
            "notification": notification.pk if notification else None,
        },
    )
    if notification is not None:
        _tell_school(notification=notification, child=child)
    signals_evaluate(child=child)
    return row


def _tell_school(*, notification: EncompassNotification, child: Child) -> None:
    """The school's key adults: a notification in the platform now, an e-mail once committed."""
    adults = list(permissions.key_adults_of(notification.school_id))
    due = selectors.moment_words(terms.due_at(notification.notified_at))
    text = (
        f"Operation Encompass: police attended a domestic abuse incident involving child {child.la_child_id}. "
        f"Acknowledge it before {due}."
    )
    Notification.objects.bulk_create(
        [
            Notification(
                recipient=adult,
                child=child,
                kind=NOTIFICATION_KIND,
                text=text,
                source_type=notification._meta.label_lower,
                source_id=notification.pk,
            )
            for adult in adults
        ]
    )
    addresses = [a.email for a in adults if a.email]
    if not addresses:
        return
    link = _site(reverse("encompass:notification", args=[notification.pk]))
    body = (
        "Operation Encompass notification.\n\n"
        f"Police attended a domestic abuse incident involving child {child.la_child_id}, who is on your school's "
        f"roll. Sign in to read what the police shared and acknowledge it before {due}:\n{link}\n\n"
        "If it is not acknowledged by then, it is sent to you again and the front door is told."
    )
    transaction.on_commit(
        lambda: send_mail(
            subject="Operation Encompass notification",
            message=body,
            from_email=None,
            recipient_list=addresses,
            fail_silently=True,
        )
    )


def _locked(notification: EncompassNotification) -> EncompassNotification:
    return (
        EncompassNotification.objects.select_for_update(of=("self",))
        .select_related("school", "incident_child__child", "incident_child__incident")
        .get(pk=notification.pk)
    )


def _acknowledgement_of(notification: EncompassNotification) -> EncompassAcknowledgement | None:
    return EncompassAcknowledgement.objects.select_related("acknowledged_by").filter(notification=notification).first()


def _refuse_unless_key_adult(notification: EncompassNotification, by: User, what: str) -> None:
    if not permissions.is_key_adult_of(by, notification.school_id):
        raise ValidationError(f"Only a designated safeguarding lead at {notification.school.name} can {what}")


@transaction.atomic
def encompass_acknowledge(*, notification: EncompassNotification, by: User) -> EncompassAcknowledgement:
    """The school's designated safeguarding lead has read the notification. Once only."""
    notification = _locked(notification)
    _refuse_unless_key_adult(notification, by, "acknowledge this notification")
    earlier = _acknowledgement_of(notification)
    if earlier is not None:
        raise ValidationError(
            f"This notification was already acknowledged by {earlier.acknowledged_by.display_name} "
            f"at {selectors.moment_words(earlier.acknowledged_at)}"
        )
    now = timezone.now()
    due = terms.due_at(notification.notified_at)
    ack = EncompassAcknowledgement.objects.create(notification=notification, acknowledged_by=by, acknowledged_at=now)
    incident = notification.incident_child.incident
    child = notification.incident_child.child
    late = now >= due
    chronology_record(
        child=child,
        kind_key="encompass_acknowledgement",
        source=ack,
        agency=notification.school,
        author=by,
        occurred_at=now,
        summary=(
            f"{notification.school.name} acknowledged the Operation Encompass notification of the domestic abuse "
            f"incident of {calendar.long_date(calendar.local_date(incident.occurred_at))}"
            + (f", after it was due (before {selectors.moment_words(due)})." if late else ", in time.")
        ),
    )
    audit_record(
        actor=by,
        action=Action.CREATE,
        child=child,
        obj=ack,
        detail={"notification": notification.pk, "due_at": due, "late": late},
    )
    return ack


@transaction.atomic
def encompass_support_record(*, notification: EncompassNotification, support: str, by: User) -> EncompassSupport:
    """Support the school gave the child after the incident (one row each time)."""
    notification = _locked(notification)
    _refuse_unless_key_adult(notification, by, "record the support the school gave")
    if _acknowledgement_of(notification) is None:
        raise ValidationError("Acknowledge the notification before you record the support the school gave")
    text = support.strip()
    if not text:
        raise ValidationError({"support": "Enter the support the school gave"})
    if len(text) > SUPPORT_MAX:
        raise ValidationError({"support": f"The support the school gave must be {SUPPORT_MAX:,} characters or fewer"})
    row = EncompassSupport.objects.create(notification=notification, support=text, recorded_by=by)
    child = notification.incident_child.child
    chronology_record(
        child=child,
        kind_key="encompass_support",
        source=row,
        agency=notification.school,
        author=by,
        occurred_at=row.recorded_at,
        summary="Support after a domestic abuse incident (Operation Encompass): "
        + (text if len(text) <= 300 else text[:297] + "..."),
    )
    audit_record(actor=by, action=Action.CREATE, child=child, obj=row, detail={"notification": notification.pk})
    return row


def _emails(users: Iterable[User]) -> list[str]:
    return sorted({u.email for u in users if u.email})


@transaction.atomic
def encompass_escalate(*, notification: EncompassNotification, now: dt.datetime) -> EncompassEscalation:
    """Nobody acknowledged the notification by its due moment: e-mail the school's
    designated safeguarding leads again and tell the front door. Once per notification.

    The row, the chronology, the audit and the in-platform notifications are written with the
    e-mails sent in one transaction: a mail server that refuses leaves nothing recorded, and
    the next run tries again (as clock reminders do)."""
    notification = _locked(notification)
    if _acknowledgement_of(notification) is not None:
        raise DomainError("This notification was acknowledged: it does not escalate")
    earlier = EncompassEscalation.objects.filter(notification=notification).first()
    if earlier is not None:
        raise DomainError(f"This notification already escalated at {selectors.moment_words(earlier.escalated_at)}")
    due = terms.due_at(notification.notified_at)
    if now < due:
        raise DomainError(f"This notification is not due until {selectors.moment_words(due)}: it cannot escalate yet")
    child = notification.incident_child.child
    incident = notification.incident_child.incident
    adults = list(permissions.key_adults_of(notification.school_id))
    front_door = list(permissions.front_door())
    school_emails, front_door_emails = _emails(adults), _emails(front_door)
    escalation = EncompassEscalation.objects.create(
        notification=notification,
        escalated_at=now,
        school_emails=len(school_emails),
        front_door_told=len(front_door),
    )
    when = selectors.moment_words(due)
    chronology_record(
        child=child,
        kind_key="encompass_escalation",
        source=escalation,
        agency=notification.school,
        author=None,
        author_label="Operation Encompass",
        occurred_at=now,
        summary=(
            f"The Operation Encompass notification to {notification.school.name} was not acknowledged before "
            f"{when}: its designated safeguarding leads were told again and the front door was told."
        ),
    )
    audit_record(
        actor=SYSTEM,
        action=Action.CREATE,
        child=child,
        obj=escalation,
        detail={
            "notification": notification.pk,
            "due_at": due,
            "school_emailed": school_emails,
            "front_door_told": [u.pk for u in front_door],
        },
    )
    link = _site(reverse("encompass:notification", args=[notification.pk]))
    record = _site(reverse("people:record", args=[child.pk]))
    to_school = (
        f"Operation Encompass: the notification about child {child.la_child_id} was not acknowledged before "
        f"{when}. Acknowledge it now."
    )
    to_front_door = (
        f"Operation Encompass: {notification.school.name} has not acknowledged the notification of a domestic "
        f"abuse incident involving child {child.la_child_id} (due before {when})."
    )
    Notification.objects.bulk_create(
        [
            Notification(
                recipient=u,
                child=child,
                kind=ESCALATION_KIND,
                text=text,
                source_type=notification._meta.label_lower,
                source_id=notification.pk,
            )
            for users, text in ((adults, to_school), (front_door, to_front_door))
            for u in users
        ]
    )
    if school_emails:
        send_mail(
            subject="Operation Encompass notification not yet acknowledged",
            message=(
                f"The Operation Encompass notification about child {child.la_child_id} (police incident "
                f"{incident.reference}) was due to be acknowledged before {when}, and has not been.\n\n"
                f"Sign in, read it and acknowledge it now:\n{link}\n\nThe front door has been told."
            ),
            from_email=None,
            recipient_list=school_emails,
            fail_silently=False,
        )
    if front_door_emails:
        send_mail(
            subject="Operation Encompass: a school has not acknowledged a notification",
            message=(
                f"{notification.school.name} has not acknowledged the Operation Encompass notification of a "
                f"domestic abuse incident (police incident {incident.reference}) involving child "
                f"{child.la_child_id}. It was due before {when}. The school's designated safeguarding leads have "
                f"been e-mailed again.\n\nThe child's record:\n{record}"
            ),
            from_email=None,
            recipient_list=front_door_emails,
            fail_silently=False,
        )
    return escalation


@dataclasses.dataclass
class EscalationReport:
    escalated: int = 0
    already: int = 0
    failed: int = 0


def encompass_escalations_send(*, now: dt.datetime, dry_run: bool = False) -> EscalationReport:
    """Escalate every notification still unacknowledged at its due moment, once each. Each in
    its own transaction: one failure (a mail server error) does not hold up the others."""
    report = EscalationReport()
    for notification in selectors.escalation_candidates(now):
        if dry_run:
            report.escalated += 1
            continue
        try:
            encompass_escalate(notification=notification, now=now)
        except (DomainError, IntegrityError):
            report.already += 1  # acknowledged or escalated by someone else meanwhile
        except Exception:  # a mail server error: nothing recorded, tried again next run
            logger.exception("Operation Encompass escalation failed for notification %s", notification.pk)
            report.failed += 1
        else:
            report.escalated += 1
    return report
