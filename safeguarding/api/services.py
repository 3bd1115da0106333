"""Writes of the agency API: issuing and revoking a client's credentials, and what a client
submits (a concern, a referral, a feed record). Each is one transaction with its audit events, so that a
submission is recorded whole or not at all."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from oauth2_provider.generators import generate_client_secret
from oauth2_provider.models import AccessToken, Application, RefreshToken

from safeguarding.access.models import Agency, AgencyKind, InvolvementBasis, User
from safeguarding.access.services import involvement_ensure
from safeguarding.api.authentication import all_scopes
from safeguarding.api.models import ApiClient
from safeguarding.audit.models import Action
from safeguarding.audit.services import audit_record
from safeguarding.concerns.models import AgencyEvent, Category, Concern
from safeguarding.concerns.services import ConcernInput, agency_event_record, concern_record, concern_validate
from safeguarding.core.calendar import long_date
from safeguarding.core.errors import DomainError
from safeguarding.frontdoor.models import Contact
from safeguarding.frontdoor.services import ContactInput, contact_record, contact_validate
from safeguarding.linkage import index
from safeguarding.linkage.features import PersonRecord
from safeguarding.linkage.feeds import preset_for
from safeguarding.linkage.models import FeedKind, RecordSource
from safeguarding.linkage.services import Received, source_record_receive

SERVICE_USER_TITLE = "Agency system (API client)"


# --- Clients -----------------------------------------------------------------------------------


@transaction.atomic
def api_client_create(*, name: str, agency: Agency, scopes: list[str], by: User | None) -> tuple[ApiClient, str]:
    """An agency's system gets credentials: a service user of the agency (no usable password,
    so no one signs in as it), a confidential OAuth2 application for the client credentials
    grant, and the client. Returns the client and its secret, which is stored only hashed:
    show it once."""
    name = name.strip()
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = "Enter the name of the agency's system, for example Riverside Primary MIS"
    elif ApiClient.objects.filter(agency=agency, name=name, revoked_at__isnull=True).exists():
        errors["name"] = "This agency already has a client with this name: revoke it first, or choose another name"
    unknown = sorted(set(scopes) - set(all_scopes()))
    if not scopes:
        errors["scopes"] = "Choose at least one scope"
    elif unknown:
        errors["scopes"] = f"Not a scope: {', '.join(unknown)}. The scopes are {', '.join(all_scopes())}"
    if errors:
        raise ValidationError(errors)
    user = User(
        username=f"api-client-{secrets.token_hex(6)}",
        first_name=name[:150],
        agency=agency,
        job_title=SERVICE_USER_TITLE,
    )
    user.set_unusable_password()
    user.save()
    secret = generate_client_secret()
    application = Application.objects.create(
        name=f"{agency.name}: {name}"[:255],
        user=user,
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_CLIENT_CREDENTIALS,
        client_secret=secret,  # hashed as it is saved
        hash_client_secret=True,
    )
    client = ApiClient.objects.create(
        name=name,
        agency=agency,
        service_user=user,
        application=application,
        scopes=sorted(set(scopes)),
        created_by=by,
    )
    audit_record(
        actor=by or "manage.py api_client_create",
        action=Action.CREATE,
        obj=client,
        detail={
            "api_client": name,
            "agency": agency.name,
            "client_id": application.client_id,
            "scopes": client.scopes,
            "service_user": user.username,
        },
    )
    return client, secret


@transaction.atomic
def api_client_revoke(*, client: ApiClient, by: User | None, reason: str = "") -> ApiClient:
    """The client's credentials stop working at once: its tokens are deleted, no new token is
    issued, and its service user is deactivated. Kept, for the audit of what it did."""
    locked = ApiClient.objects.select_for_update(of=("self",)).select_related("application").get(pk=client.pk)
    if locked.revoked_at is not None:
        raise DomainError(f"This client was already revoked on {long_date(timezone.localtime(locked.revoked_at))}")
    tokens, _ = AccessToken.objects.filter(application=locked.application).delete()
    RefreshToken.objects.filter(application=locked.application).delete()
    locked.revoked_at = timezone.now()
    locked.revoked_by = by
    locked.save(update_fields=["revoked_at", "revoked_by"])
    User.objects.filter(pk=locked.service_user_id).update(is_active=False)
    audit_record(
        actor=by or "manage.py api_client_revoke",
        action=Action.AMEND,
        obj=locked,
        reason=reason,
        detail={
            "api_client": locked.name,
            "client_id": locked.application.client_id,
            "revoked_at": {"old": None, "new": locked.revoked_at},
            "records_deleted": tokens,
        },
    )
    return locked


# --- Submissions -------------------------------------------------------------------------------


@dataclass(frozen=True)
class PersonIn:
    """A child as a client describes them: identifiers, or names and a date of birth, or both."""

    nhs_number: str = ""
    upn: str = ""
    la_child_id: str = ""
    first_name: str = ""
    middle_names: str = ""
    last_name: str = ""
    date_of_birth: date | None = None
    sex: str = ""
    postcode: str = ""
    address: str = ""
    school: str = ""

    def record(self) -> PersonRecord:
        return PersonRecord(
            first_names=(self.first_name,) if self.first_name else (),
            last_names=(self.last_name,) if self.last_name else (),
            date_of_birth=self.date_of_birth,
            sex=self.sex,
            postcode=self.postcode,
            address=self.address,
            school=self.school,
            nhs_number=self.nhs_number,
            upn=self.upn,
        )


def _prefixed(error: ValidationError, prefix: str) -> dict[str, list[str]]:
    if not hasattr(error, "error_dict"):
        return {prefix.rstrip(".") or "__all__": list(error.messages)}
    return {f"{prefix}{field}": messages for field, messages in error.message_dict.items()}


def _receive(
    *, client: ApiClient, source: str, reference: str, person: PersonIn, prefix: str
) -> tuple[Received | None, dict[str, list[str]]]:
    """Match and link the person (or add a new child); the index's refusals as field errors."""
    if person.la_child_id and not index.active_children().filter(la_child_id=person.la_child_id).exists():
        return None, {f"{prefix}la_child_id": ["No child has this LA child ID"]}
    try:
        received = source_record_receive(
            agency=client.agency,
            source=source,
            source_key=reference,
            person=person.record(),
            by=client.service_user,
            middle_names=person.middle_names,
            la_child_id=person.la_child_id,
            found_by=f"{client.agency.name}: API client {client.name}"[:200],
        )
    except ValidationError as error:
        return None, _prefixed(error, prefix)
    return received, {}


def _errors_of(check: Callable[[], None]) -> dict[str, list[str]]:
    try:
        check()
    except ValidationError as error:
        return _prefixed(error, "")
    return {}


@dataclass(frozen=True)
class ConcernSubmitted:
    concern: Concern
    received: Received


@transaction.atomic
def concern_submit(
    *, client: ApiClient, reference: str, person: PersonIn, data: ConcernInput, endpoint: str
) -> ConcernSubmitted:
    """A concern from an agency's system about a child it identifies or describes: the child
    is found (or added, with near misses queued for review) through the one matching path,
    then the concern is recorded as the client's service user. Every problem with either part
    is reported at once, and nothing is kept unless both are."""
    concern_errors = _errors_of(lambda: concern_validate(data))
    received, child_errors = _receive(
        client=client, source=RecordSource.API, reference=reference, person=person, prefix="child."
    )
    if concern_errors or child_errors:
        raise ValidationError({**child_errors, **concern_errors})  # rolls back a child just added
    assert received is not None
    child = received.record.child
    concern = concern_record(child=child, data=data, by=client.service_user)
    audit_record(
        actor=client.service_user,
        action=Action.CREATE,
        child=child,
        obj=concern,
        detail=_call_detail(client, endpoint, reference=reference, link_method=received.record.link_method),
    )
    return ConcernSubmitted(concern=concern, received=received)


@dataclass(frozen=True)
class ReferralSubmitted:
    contact: Contact
    received: Received


@transaction.atomic
def referral_submit(
    *, client: ApiClient, reference: str, person: PersonIn, data: ContactInput, endpoint: str
) -> ReferralSubmitted:
    """A referral to the front door from an agency's system, as its practitioners make one on
    the referral form (frontdoor.services.contact_record): the child found or added as for a
    concern, the CIN referral source following from the agency's kind, the 1-working-day
    decision clock started. Both parts, or neither."""
    contact_errors = _errors_of(lambda: contact_validate(data, from_public=False))
    received, child_errors = _receive(
        client=client, source=RecordSource.API, reference=reference, person=person, prefix="child."
    )
    if contact_errors or child_errors:
        raise ValidationError({**child_errors, **contact_errors})
    assert received is not None
    child = received.record.child
    contact = contact_record(child=child, data=data, by=client.service_user)
    audit_record(
        actor=client.service_user,
        action=Action.CREATE,
        child=child,
        obj=contact,
        detail=_call_detail(client, endpoint, reference=reference, link_method=received.record.link_method),
    )
    return ReferralSubmitted(contact=contact, received=received)


# Feed records a client may send one at a time, and the agencies each may come from: a
# record that says the child is on the roll or registered makes the agency involved with the
# child (access/permissions.py), so only a school or a GP practice may say so; an attendance
# or an incident lands on the chronology as the hospital's or the force's own entry.
FEED_KINDS: dict[str, tuple[str, ...]] = {
    FeedKind.SCHOOL_ROLL: (AgencyKind.SCHOOL, AgencyKind.EARLY_YEARS),
    FeedKind.GP_REGISTRATION: (AgencyKind.GP_PRACTICE,),
    FeedKind.AE_ATTENDANCE: (AgencyKind.HOSPITAL,),
    FeedKind.POLICE_INCIDENT: (AgencyKind.POLICE,),
    FeedKind.PERSON_FILE: tuple(AgencyKind.values),
}


@dataclass(frozen=True)
class EventIn:
    """The attendance or incident a feed record of those kinds carries."""

    reference: str
    occurred_at: datetime
    summary: str = ""
    injury: bool = False  # A&E: the presenting complaint is an injury
    role: str = ""  # police: the child's involvement (victim, witness, present ...)
    domestic_abuse: bool = False  # police: a domestic abuse incident


@dataclass(frozen=True)
class FeedRecordSubmitted:
    received: Received
    event: AgencyEvent | None  # the attendance or incident, new or already recorded
    event_added: bool


def _event_errors(kind: str, event: EventIn | None, person: PersonIn) -> dict[str, list[str]]:
    preset = preset_for(kind)
    if not preset.event_kind:
        if event is not None:
            return {"event": ["Only an A&E attendance or a police incident has an event: leave it out"]}
        return {}
    label = "attendance" if kind == FeedKind.AE_ATTENDANCE else "incident"
    if event is None:
        return {"event": [f"Give the {label}: its reference and when it happened"]}
    errors: dict[str, list[str]] = {}
    if not event.reference.strip():
        errors["event.reference"] = [f"Enter your system's reference for the {label}"]
    if timezone.is_naive(event.occurred_at):
        raise ValueError("occurred_at must be timezone-aware")
    if event.occurred_at > timezone.now() + timedelta(minutes=5):
        errors["event.occurred_at"] = [f"The {label} must be today or in the past"]
    elif person.date_of_birth and timezone.localdate(event.occurred_at) < person.date_of_birth:
        errors["event.occurred_at"] = [f"The {label} is before the date of birth"]
    return errors


def _event_summary(kind: str, event: EventIn) -> tuple[str, list[str]]:
    """The chronology's words for the event, as a feed file's row gives them (linkage/feeds.py)."""
    if kind == FeedKind.AE_ATTENDANCE:
        complaint = event.summary.strip()
        return (f"A&E attendance: {complaint}" if complaint else "A&E attendance"), []
    parts = [f"Incident {event.reference.strip()}.", event.summary.strip() or "Police incident notification."]
    if event.role.strip():
        parts.append(f"Child's involvement: {event.role.strip()}.")
    return " ".join(parts), [Category.DOMESTIC_ABUSE] if event.domestic_abuse else []


@transaction.atomic
def feed_record_submit(
    *, client: ApiClient, kind: str, reference: str, person: PersonIn, event: EventIn | None = None, endpoint: str
) -> FeedRecordSubmitted:
    """One person record, as one row of the agency's extract would arrive: linked by identifier
    or above the auto-link threshold, or a new child with near misses queued for review. The
    same reference again is the same record (`unchanged`). An A&E attendance or a police
    incident also records its event on the chronology, once per event reference and child.

    Raises PermissionDenied when the client's agency may not send this kind of record."""
    allowed = FEED_KINDS.get(kind)
    if allowed is None:
        raise ValidationError({"kind": f"Choose one of {', '.join(FEED_KINDS)}"})
    if client.agency.kind not in allowed:
        raise PermissionDenied(
            f"A {client.agency.get_kind_display().lower()} cannot send {FeedKind(kind).label.lower()} records"
        )
    preset = preset_for(kind)
    if kind == FeedKind.SCHOOL_ROLL and not person.school:
        # A school's own roll says which school the child attends (as the feed files do).
        person = replace(person, school=client.agency.name)
    event_errors = _event_errors(kind, event, person)
    received, errors = _receive(client=client, source=preset.source, reference=reference, person=person, prefix="")
    if errors or event_errors:
        raise ValidationError({**errors, **event_errors})
    assert received is not None
    record = received.record
    if preset.involvement:
        involvement_ensure(child=record.child, agency=client.agency, basis=InvolvementBasis(preset.involvement))
    agency_event: AgencyEvent | None = None
    event_added = False
    if preset.event_kind and event is not None:
        event_reference = event.reference.strip()[:100]
        agency_event = AgencyEvent.objects.filter(
            agency=client.agency, kind=preset.event_kind, source_reference=event_reference, child=record.child
        ).first()
        if agency_event is None:
            summary, categories = _event_summary(kind, event)
            agency_event = agency_event_record(
                child=record.child,
                agency=client.agency,
                kind=preset.event_kind,
                occurred_at=event.occurred_at,
                summary=summary,
                by=client.service_user,
                injury=event.injury,
                categories=categories,
                source_reference=event_reference,
            )
            event_added = True
    audit_record(
        actor=client.service_user,
        action=Action.CREATE,
        child=record.child,
        obj=record,
        detail=_call_detail(
            client,
            endpoint,
            reference=reference,
            kind=kind,
            link_method=record.link_method,
            unchanged=received.unchanged,
            queued_for_review=received.queued_for_review,
            event=agency_event.pk if agency_event else None,
            event_added=event_added,
        ),
    )
    return FeedRecordSubmitted(received=received, event=agency_event, event_added=event_added)


def refusal_record(*, client: ApiClient, endpoint: str, why: str) -> None:
    """A submission the rules refused (after its transaction rolled back): audited, as a
    person's refused action is."""
    audit_record(actor=client.service_user, action=Action.DENIED, detail=_call_detail(client, endpoint, why=why))


def _call_detail(client: ApiClient, endpoint: str, **extra: Any) -> dict[str, Any]:
    return {"endpoint": endpoint, "api_client": client.name, "client_id": client.application.client_id, **extra}
