"""Sharing one chronology entry with another agency.

The access rule "other practitioners see their own agency's entries and what was shared
with their agency" (access/permissions.py `entries_visible_to`) needs a recorded path for
"what was shared". This is it: a share names the entry, the receiving agency, who shared
it, why and on what lawful basis, and it is written with its audit row in one transaction.

The seven golden rules of information sharing (gov.uk information-sharing advice): share
what is necessary, proportionate, relevant, adequate, accurate, timely and secure, and
record the decision and the reasons. A share, once made, is history: there is no
"unshare" (the receiving agency may already have acted on it).
"""

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from safeguarding.access.models import Agency, ChildInvolvement, InvolvementBasis, User
from safeguarding.access.permissions import Basis, basis_for
from safeguarding.access.services import involvement_ensure
from safeguarding.audit.models import Action
from safeguarding.audit.services import audit_record
from safeguarding.concerns.models import ChronologyEntry, ChronologyShare, LawfulBasis

# Whole local authority (front door, social care) and the child's team see the whole
# chronology and may pass on what they see. Break-glass is emergency access to read, not
# to share; an agency practitioner shares only what their own agency recorded.
SHARES_ANY_VISIBLE_ENTRY = (Basis.WHOLE_LA, Basis.CHILDS_TEAM)


def may_share_entry(*, user: User, basis: Basis, entry: ChronologyEntry) -> bool:
    """Whether `user`, opening the child's record on `basis`, may share `entry`."""
    if user.agency_id is None:
        return False
    if basis in SHARES_ANY_VISIBLE_ENTRY:
        return True
    return basis is Basis.AGENCY and entry.agency_id == user.agency_id


def share_refusal(*, user: User, basis: Basis) -> str:
    """Why `user` may not share an entry they can see, in words they can act on."""
    if basis is Basis.BREAK_GLASS:
        return (
            "Emergency access lets you read this child's record, not share it. "
            "Ask the front door or the agency that recorded the entry to share it."
        )
    return "Only the agency that recorded an entry, the child's team, or the front door and social care can share it."


def entry_share_url(*, user: User, source: models.Model) -> str:
    """The page to share the chronology entry of `source` (a concern, an agency event), or
    "" if `user` may not share it. For links on detail pages; the share view checks again."""
    entry = (
        ChronologyEntry.objects.filter(source_type=source._meta.label_lower, source_id=source.pk)
        .only("pk", "child_id", "agency_id")
        .first()
    )
    if entry is None:
        return ""
    if not may_share_entry(user=user, basis=basis_for(user, entry.child_id), entry=entry):
        return ""
    return reverse("concerns:share-entry", args=[entry.child_id, entry.pk])


def _active_involvement(child_id: int, agency_id: int) -> Q:
    today = timezone.localdate()
    return Q(child_id=child_id, agency_id=agency_id) & (Q(ended_on__isnull=True) | Q(ended_on__gte=today))


def _ensure_involved(entry: ChronologyEntry, agency: Agency) -> str:
    """Make sure the receiving agency can open the child's record at all, so that it can
    act on what it was sent. Returns what was done, for the audit."""
    if ChildInvolvement.objects.filter(_active_involvement(entry.child_id, agency.pk)).exists():
        return "already involved"
    involvement = involvement_ensure(child=entry.child, agency=agency, basis=InvolvementBasis.CASELOAD)
    if involvement.ended_on is not None and involvement.ended_on < timezone.localdate():
        # An ended caseload involvement: the agency is involved again from today. The
        # audit row keeps the earlier end date.
        ended_on = involvement.ended_on
        involvement.ended_on = None
        involvement.save(update_fields=["ended_on"])
        return f"caseload involvement reopened (had ended on {ended_on.isoformat()})"
    return "caseload involvement created"


@transaction.atomic
def entry_share(
    *,
    entry: ChronologyEntry,
    agency: Agency,
    reason: str,
    by: User,
    lawful_basis: str = LawfulBasis.PUBLIC_TASK,
) -> ChronologyShare:
    """Share one chronology entry with another agency, with the reason and lawful basis.

    The receiving agency's practitioners then see the entry (and can open the record it
    came from); if the agency had no involvement with the child it gets one (basis
    "caseload"), since a share they cannot open does not help them act. The share and the
    involvement are audited with the reason in the same transaction.

    Raises ValidationError keyed by "agency", "reason" or "lawful_basis", or a general one
    if `by` may not share the entry.
    """
    # Lock the entry: two practitioners sharing it with the same agency at the same moment
    # get one share and one clear refusal, not a database error.
    entry = ChronologyEntry.objects.select_for_update(of=("self",)).select_related("child", "agency").get(pk=entry.pk)
    basis = basis_for(by, entry.child_id)
    if not may_share_entry(user=by, basis=basis, entry=entry):
        raise ValidationError(share_refusal(user=by, basis=basis))
    errors: dict[str, str] = {}
    if agency.pk == entry.agency_id:
        errors["agency"] = f"This entry was recorded by {agency.name}. Choose another agency"
    elif ChronologyShare.objects.filter(entry=entry, agency=agency).exists():
        errors["agency"] = f"This entry is already shared with {agency.name}"
    reason = reason.strip()
    if not reason:
        errors["reason"] = "Enter why you are sharing this entry"
    if lawful_basis not in LawfulBasis.values:
        errors["lawful_basis"] = "Select the lawful basis for sharing"
    if errors:
        raise ValidationError(errors)

    share = ChronologyShare.objects.create(
        entry=entry, agency=agency, shared_by=by, reason=reason, lawful_basis=lawful_basis
    )
    involvement = _ensure_involved(entry, agency)
    audit_record(
        actor=by,
        action=Action.CREATE,
        child=entry.child,
        obj=share,
        reason=reason,
        detail={
            "shared_with": agency.name,
            "shared_with_agency": agency.pk,
            "entry": entry.pk,
            "entry_kind": entry.kind,
            "entry_agency": entry.agency.name,
            "lawful_basis": lawful_basis,
            "basis": basis.value,
            "involvement": involvement,
        },
    )
    return share
