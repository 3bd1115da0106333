"""Information sharing in the demo (issue 5), written through the services as a person would,
each write audited:

- The Reids (`dsl` referred Mason and Ruby; `socialworker` leads their plans): the `gp` checks
  Mason's status before an appointment and the A&E nurse (`aenurse`) checks Ruby's, so that
  `socialworker` has two notifications and the record's "who looked up the status" panel has
  entries. The `dsl` records a phone call with the GP about Mason (shared, consent not sought,
  the family not told, with the reasons) and a decision not to share with a sports coach who
  asked about him.
- Operation Encompass: the `police` record a domestic abuse incident at the Reids' home with
  both children present: Mason's school (Riverside Academy, the `dsl`'s) is notified. A second
  incident, at Noah Fletcher's home, has been acknowledged by the `dsl`, with the support the
  school gave, so that the queue shows both kinds.

Does nothing where any record of sharing, status lookup or incident exists already, and
leaves out what it cannot find (a smaller or differently seeded demo).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from django.utils import timezone

from safeguarding.access.models import User
from safeguarding.concerns.models import LawfulBasis
from safeguarding.encompass.models import DomesticAbuseIncident, EncompassNotification, Presence
from safeguarding.encompass.services import (
    ChildAtIncident,
    IncidentInput,
    encompass_acknowledge,
    encompass_incident_child_add,
    encompass_incident_record,
    encompass_support_record,
)
from safeguarding.people.models import Child, ChildName
from safeguarding.sharing.flags import flag_lookup
from safeguarding.sharing.models import (
    FamilyTold,
    FlagLookup,
    InformationShare,
    LookupChannel,
    ShareChannel,
    ShareConsent,
    ShareDecision,
)
from safeguarding.sharing.shares import ShareInput, information_share_record


@dataclass
class SharingSeed:
    lookups: int = 0
    shares: int = 0
    incidents: int = 0
    skipped: list[str] = field(default_factory=list)

    def summary(self) -> str:
        text = (
            f"Information sharing: {self.shares} records of sharing, {self.lookups} status lookups, "
            f"{self.incidents} Operation Encompass incidents."
        )
        return text + (f" Not added: {'; '.join(self.skipped)}." if self.skipped else "")


def _user(username: str) -> User | None:
    return User.objects.select_related("agency", "role").filter(username=username, is_active=True).first()


def _child(first: str, last: str) -> Child | None:
    ids = ChildName.objects.filter(kind="legal", first_name=first, last_name=last).values_list("child_id", flat=True)
    return Child.objects.filter(pk__in=list(ids), merged_into__isnull=True).order_by("pk").first()


def seed_sharing() -> SharingSeed:
    result = SharingSeed()
    if InformationShare.objects.exists() or FlagLookup.objects.exists() or DomesticAbuseIncident.objects.exists():
        return result
    users = {name: _user(name) for name in ("dsl", "gp", "aenurse", "police")}
    mason, ruby, noah = _child("Mason", "Reid"), _child("Ruby", "Reid"), _child("Noah", "Fletcher")
    today = timezone.localdate()

    gp, aenurse = users["gp"], users["aenurse"]
    for who, child, purpose in (
        (gp, mason, "Appointment today: chest infection"),
        (aenurse, ruby, "Attended A&E with a burn to the hand"),
    ):
        if who is None or child is None or not child.nhs_number:
            result.skipped.append("a status lookup (no such user or child)")
            continue
        if flag_lookup(identifier=child.nhs_number, by=who, channel=LookupChannel.WEB, purpose=purpose):
            result.lookups += 1

    dsl = users["dsl"]
    if dsl is not None and mason is not None and gp is not None and gp.agency is not None:
        information_share_record(
            child=mason,
            by=dsl,
            data=ShareInput(
                decision=ShareDecision.SHARED,
                decided_on=today - timedelta(days=2),
                with_agency=gp.agency,
                with_person=f"{gp.display_name}, {gp.job_title}",
                channel=ShareChannel.PHONE,
                what="Mason has come to school without a coat, hungry, four days out of five this week.",
                why="The GP asked before Mason's appointment; it bears on his health and the plan's neglect concerns.",
                lawful_basis=LawfulBasis.PUBLIC_TASK,
                consent=ShareConsent.NOT_SOUGHT,
                consent_reason="He is on a child protection plan: the GP is in his core group.",
                family_told=FamilyTold.NOT_TOLD,
                family_not_told_reason="His mother was told at the core group that agencies share; "
                "calling her now, before the home visit, could put Mason at risk.",
            ),
        )
        information_share_record(
            child=mason,
            by=dsl,
            data=ShareInput(
                decision=ShareDecision.NOT_SHARED,
                decided_on=today - timedelta(days=1),
                with_person="Football club coach (Brackenford Juniors)",
                what="The coach asked whether Mason's family are 'in trouble with social services'.",
                why="Not necessary or proportionate: the coach has no safeguarding role in the plan. "
                "Told him to raise any worry about Mason with the club's welfare officer.",
            ),
        )
        result.shares += 2
    else:
        result.skipped.append("records of sharing (no dsl, gp or Mason Reid)")

    police = users["police"]
    if police is None or mason is None:
        result.skipped.append("Operation Encompass (no police user or Mason Reid)")
        return result
    now = timezone.now()
    reid = encompass_incident_record(
        data=IncidentInput(
            reference="BK/DA/24117",
            occurred_at=now - timedelta(hours=10),
            summary_for_school="Police attended a domestic incident at the family home last night. Both children "
            "were in the house and saw the argument. Mason was upset but unhurt.",
        ),
        child=ChildAtIncident(presence=Presence.PRESENT, child=mason),
        by=police,
    )
    if ruby is not None:
        encompass_incident_child_add(
            incident=reid, child=ChildAtIncident(presence=Presence.PRESENT, child=ruby), by=police
        )
    result.incidents += 1
    if noah is not None and dsl is not None:
        fletcher = encompass_incident_record(
            data=IncidentInput(
                reference="BK/DA/23980",
                occurred_at=now - timedelta(days=6),
                summary_for_school="Police were called to a verbal argument between adults at Noah's home. Noah "
                "normally lives there and was asleep upstairs.",
            ),
            child=ChildAtIncident(presence=Presence.NORMALLY_LIVES, child=noah),
            by=police,
        )
        notification = EncompassNotification.objects.filter(incident_child__incident=fletcher).first()
        if notification is not None:
            encompass_acknowledge(notification=notification, by=dsl)
            encompass_support_record(
                notification=notification,
                support="Class teacher told to watch for signs of tiredness or upset; Noah offered a morning "
                "check-in with the learning mentor, which he took.",
                by=dsl,
            )
        result.incidents += 1
    return result
