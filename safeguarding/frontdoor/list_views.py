"""Lists: the front door queue, my referrals, and early help requests waiting to be picked up.

Each runs a constant number of queries whatever the number of rows (asserted in the tests):
the page with its joins, then one query per kind of thing its rows need.
"""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from safeguarding.audit.models import Action
from safeguarding.audit.services import audit_record
from safeguarding.frontdoor import outcomes, permissions, selectors
from safeguarding.frontdoor.models import Contact
from safeguarding.frontdoor.outcomes import related
from safeguarding.frontdoor.views import user_of
from safeguarding.sharing.models import Letter, LetterKind

MINE_PAGE_SIZE = 20
EARLY_HELP_PAGE_SIZE = 50


@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    """Contacts waiting for a decision, oldest (nearest due) first; or those decided this week."""
    user = user_of(request)
    if not permissions.may_decide_referrals(user):
        raise PermissionDenied("Only the front door sees its queue")
    decided = request.GET.get("show") == "decided"
    page: Page[Any]
    if decided:
        page = Paginator(selectors.recently_decided(), selectors.QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
        rows = selectors.decided_rows(page.object_list)
    else:
        page = Paginator(selectors.undecided_contacts(), selectors.QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
        rows = selectors.queue_rows(page.object_list)
    audit_record(
        actor=user,
        action=Action.VIEW,
        detail={"what": "front door queue", "decided": decided, "page": page.number, "rows": len(rows)},
    )
    return render(
        request,
        "frontdoor/queue.html",
        {
            "page": page,
            "page_range": page.paginator.get_elided_page_range(page.number),
            "rows": rows,
            "decided": decided,
            "recent_days": selectors.RECENT_DAYS,
        },
    )


@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    """The referrals I made, newest first, with the decision and each later stage."""
    user = user_of(request)
    if not permissions.may_refer(user):
        raise PermissionDenied("Only practitioners who belong to an agency make referrals")
    contacts = outcomes.with_outcomes(Contact.objects.filter(referrer=user).order_by("-received_at", "-id"))
    page = Paginator(contacts, MINE_PAGE_SIZE).get_page(request.GET.get("page"))
    contacts_on_page = list(page.object_list)
    decision_ids = [d.pk for c in contacts_on_page if (d := related(c, "decision")) is not None]
    letters = dict(
        Letter.objects.filter(
            kind=LetterKind.REFERRAL_FEEDBACK,
            recipient_user=user,
            source_type="frontdoor.contactdecision",
            source_id__in=decision_ids,
        ).values_list("source_id", "id")
    )
    rows = []
    for c in contacts_on_page:
        decision = related(c, "decision")
        rows.append(outcomes.my_referral(c, letter_id=letters.get(decision.pk) if decision else None))
    audit_record(
        actor=user,
        action=Action.VIEW,
        detail={"what": "my referrals", "page": page.number, "contacts": [c.pk for c in contacts_on_page]},
    )
    return render(
        request,
        "frontdoor/mine.html",
        {"page": page, "page_range": page.paginator.get_elided_page_range(page.number), "rows": rows},
    )


@require_GET
def early_help_requests(request: HttpRequest) -> HttpResponse:
    """Contacts decided "early help" that no early help episode has picked up yet."""
    user = user_of(request)
    if not permissions.may_pick_up_early_help(user):
        raise PermissionDenied("Only the front door, social care and early help see early help requests")
    page = Paginator(selectors.early_help_requests(), EARLY_HELP_PAGE_SIZE).get_page(request.GET.get("page"))
    audit_record(
        actor=user,
        action=Action.VIEW,
        detail={"what": "early help requests", "page": page.number, "waiting": page.paginator.count},
    )
    return render(
        request,
        "frontdoor/early_help_requests.html",
        {"page": page, "page_range": page.paginator.get_elided_page_range(page.number)},
    )
