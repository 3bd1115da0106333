"""The signals list: active signals across the children the practitioner may open."""

from typing import Any, cast

from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import urlencode

from safeguarding.access.models import User
from safeguarding.access.permissions import children_visible_to
from safeguarding.audit.models import Action
from safeguarding.audit.services import audit_record
from safeguarding.concerns.signal_rules import NOT_A_DECISION, active_signals, rule_settings

PER_PAGE = 50


def pagination_items(page: Page[Any], query: dict[str, str | int]) -> list[dict[str, Any]]:
    """GOV.UK pagination: first, last, current and its neighbours; gaps become ellipses."""
    last = page.paginator.num_pages
    wanted = sorted({1, last, page.number - 1, page.number, page.number + 1} & set(range(1, last + 1)))
    items: list[dict[str, Any]] = []
    previous = 0
    for n in wanted:
        if n - previous > 1:
            items.append({"ellipsis": True})
        items.append({"number": n, "href": "?" + urlencode({**query, "page": n}), "current": n == page.number})
        previous = n
    return items


def signals_index(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)
    settings = rule_settings()
    rules = [s.rule for s in settings if s.enabled]
    rule_filter = request.GET.get("rule", "")
    if rule_filter not in {r.key for r in rules}:
        rule_filter = ""
    signals = (
        active_signals()
        .filter(child__in=children_visible_to(user))
        .select_related("child")
        .order_by("-raised_at", "-id")
    )
    if rule_filter:
        signals = signals.filter(rule=rule_filter)
    page = Paginator(signals, PER_PAGE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    # Seeing which children have signals is a read of their records: audit the page.
    audit_record(
        actor=user,
        action=Action.VIEW,
        detail={
            "what": "signals list",
            "children": sorted({s.child_id for s in rows}),
            "rule": rule_filter,
            "page": page.number,
        },
    )
    query: dict[str, str | int] = {"rule": rule_filter} if rule_filter else {}
    context = {
        "page": page,
        "signals": rows,
        "rules": rules,
        "settings": settings,
        "rule_filter": rule_filter,
        "not_a_decision": NOT_A_DECISION,
        "pagination": pagination_items(page, query) if page.paginator.num_pages > 1 else [],
        "previous_href": "?" + urlencode({**query, "page": page.number - 1}) if page.has_previous() else "",
        "next_href": "?" + urlencode({**query, "page": page.number + 1}) if page.has_next() else "",
    }
    return render(request, "concerns/signals.html", context)
