import hashlib
import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction

from safeguarding.audit.models import Action, AuditChainHead, AuditEvent

GENESIS = "0" * 64


def _digest(event: AuditEvent) -> str:
    """The hash covers every field a tamperer could change, and the previous hash."""
    payload = {
        "occurred_at": event.occurred_at.isoformat(),
        "actor_id": event.actor_id,
        "actor_label": event.actor_label,
        "agency_label": event.agency_label,
        "action": event.action,
        "child_id": event.child_id,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "reason": event.reason,
        "detail": event.detail,
        "prev_hash": event.prev_hash,
    }
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), cls=DjangoJSONEncoder)
    return hashlib.sha256(canonical.encode()).hexdigest()


@transaction.atomic
def audit_record(
    *,
    actor: Any,
    action: Action | str,
    child: Any = None,
    obj: models.Model | None = None,
    reason: str = "",
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to the chain, in the caller's transaction."""
    head, _ = AuditChainHead.objects.select_for_update().get_or_create(
        pk=1, defaults={"last_hash": GENESIS, "last_event_id": None}
    )
    is_person = actor is not None and getattr(actor, "is_authenticated", False)
    agency = getattr(actor, "agency", None) if is_person else None
    event = AuditEvent(
        actor=actor if is_person else None,
        actor_label=(actor.get_username() if is_person else str(actor or "system")),
        agency_label=str(agency) if agency else "",
        action=str(action),
        child=child,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        reason=reason,
        detail=json.loads(json.dumps(detail or {}, cls=DjangoJSONEncoder)),
        prev_hash=head.last_hash,
    )
    # Order is carried by the links, not the id: a deleted event breaks its successor's link.
    event.hash = _digest(event)
    event.save(force_insert=True)
    head.last_hash = event.hash
    head.last_event_id = event.pk
    head.save(update_fields=["last_hash", "last_event_id"])
    return event


def audit_verify(*, batch_size: int = 5000) -> tuple[int, AuditEvent | None, str]:
    """Walk the chain oldest first. Returns (events checked, first broken event, why)."""
    expected_prev = GENESIS
    checked = 0
    last_id = 0
    while True:
        batch = list(AuditEvent.objects.filter(pk__gt=last_id).order_by("pk")[:batch_size])
        if not batch:
            break
        for event in batch:
            if event.prev_hash != expected_prev:
                return checked, event, "its previous-hash does not match the event before it"
            if _digest(event) != event.hash:
                return checked, event, "its contents do not match its hash"
            expected_prev = event.hash
            checked += 1
            last_id = event.pk
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None and checked and head.last_hash != expected_prev:
        return checked, None, "the newest event is missing (the chain head does not match)"
    return checked, None, ""
