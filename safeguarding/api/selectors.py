"""Reads of the agency API: the outcomes of an agency's referrals, as its referrers see them in
"My referrals" (frontdoor/outcomes.py), a page at a time in a constant number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.paginator import Paginator
from django.db.models import QuerySet

from safeguarding.core.calendar import local_date
from safeguarding.frontdoor import outcomes
from safeguarding.frontdoor.models import Contact, Decision
from safeguarding.frontdoor.outcomes import related

PAGE_SIZE = 50


def agency_referrals(agency_id: int) -> QuerySet[Contact]:
    """Contacts the agency made (by any of its practitioners or systems), newest first. Scope:
    the agency's own referrals only (frontdoor.permissions: a referrer sees their own)."""
    return outcomes.with_outcomes(Contact.objects.filter(referrer_agency_id=agency_id)).order_by("-received_at", "-id")


def referral_of(*, agency_id: int, pk: int) -> Contact | None:
    return agency_referrals(agency_id).filter(pk=pk).first()


def referral_body(contact: Contact) -> dict[str, Any]:
    """One referral as the API shows it: the decision, the clock while it waits, every stage."""
    mine = outcomes.my_referral(contact)
    decision = related(contact, "decision")
    return {
        "id": contact.pk,
        "received_at": contact.received_at,
        "la_child_id": contact.child.la_child_id,
        "referrer_name": contact.referrer_name,
        "decision": None
        if decision is None
        else {
            "code": decision.decision,
            "label": Decision(decision.decision).label,
            "decided_on": local_date(decision.decided_at),
        },
        "waiting": None
        if mine.waiting is None
        else {"due": mine.waiting.status.due, "state": mine.waiting.status.state.value},
        "stages": [{"on": line.on, "text": line.text} for line in mine.outcomes],
    }


class PageOutOfRange(Exception):
    pass


@dataclass(frozen=True)
class ReferralPage:
    number: int
    count: int
    has_next: bool
    contacts: list[Contact]


def referral_page(*, agency_id: int, number: int) -> ReferralPage:
    """Page `number` (from 1) of the agency's referrals. Raises PageOutOfRange past the last
    page (page 1 of none is empty, not out of range)."""
    paginator = Paginator(agency_referrals(agency_id), PAGE_SIZE)
    if number > max(1, paginator.num_pages):
        raise PageOutOfRange
    page = paginator.page(number)
    return ReferralPage(number=number, count=paginator.count, has_next=page.has_next(), contacts=list(page))
