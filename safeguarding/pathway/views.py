"""My work (a practitioner's due and overdue clocks) and a team's timeliness (managers).

Both read through `pathway/selectors.py`; neither writes. The clocks link to the pages other
apps provide, and show without a link while those pages are not there.
"""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from safeguarding.access.models import Team, User
from safeguarding.audit.models import Action
from safeguarding.audit.services import audit_record
from safeguarding.core import calendar, clocks
from safeguarding.pathway import permissions
from safeguarding.pathway.selectors import (
    awaiting_authorisation,
    clocks_for_practitioner,
    front_door_waiting,
    team_timeliness,
)

PAGE_SIZE = 50
ALL_TEAMS = "all"


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _url(name: str) -> str:
    try:
        return reverse(name)
    except NoReverseMatch:
        return ""


@never_cache
@require_GET
@login_required
def my_work(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    today = calendar.today()
    items = clocks_for_practitioner(user, today)
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    page_range = (
        list(page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1))
        if page.paginator.num_pages > 1
        else []
    )
    # The list names children: which were shown, and to whom, is on the record.
    audit_record(
        actor=user,
        action=Action.VIEW,
        detail={"what": "my work", "page": page.number, "children": sorted({c.child_id for c in page.object_list})},
    )
    overdue = sum(1 for c in items if c.state is clocks.ClockState.OVERDUE)
    due_soon = sum(1 for c in items if c.state is clocks.ClockState.DUE_SOON)
    context: dict[str, Any] = {
        "today": today,
        "page": page,
        "page_range": page_range,
        "total": len(items),
        "overdue": overdue,
        "due_soon": due_soon,
        "front_door": None,
        "to_authorise": awaiting_authorisation(user),
    }
    if permissions.may_decide_referrals(user):
        context["front_door"] = front_door_waiting(today)
        context["front_door_url"] = _url("frontdoor:queue")
    if permissions.may_view_timeliness(user):
        context["timeliness_url"] = reverse("pathway:timeliness")
    return render(request, "pathway/my_work.html", context)


def _chosen_team(request: HttpRequest, user: User, teams: list[Team]) -> tuple[Team | None, str]:
    """The team asked for (whole-LA managers only), else the manager's own team.

    Returns the team and the select's value; a whole-LA manager may choose every team
    ("all"), which is also where one without a team of their own starts.
    """
    own = next((t for t in teams if t.pk == user.team_id), None)
    if not permissions.may_pick_any_team(user):
        return own, str(own.pk) if own else ""
    asked = request.GET.get("team", "")
    if asked == ALL_TEAMS:
        return None, ALL_TEAMS
    chosen = next((t for t in teams if str(t.pk) == asked), None) or own
    return chosen, str(chosen.pk) if chosen else ALL_TEAMS


@never_cache
@require_GET
@login_required
def timeliness(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not permissions.may_view_timeliness(user):
        raise PermissionDenied("Only managers see a team's timeliness.")
    teams = list(permissions.teams_for(user))
    team, selected = _chosen_team(request, user, teams)
    may_pick = permissions.may_pick_any_team(user)
    data = team_timeliness(team) if (team is not None or may_pick) else None
    return render(
        request,
        "pathway/timeliness.html",
        {
            "data": data,
            "team": team,
            "teams": teams,
            "selected": selected,
            "may_pick": may_pick,
            "all_teams": ALL_TEAMS,
            "warning_days": clocks.warning_working_days(),
        },
    )
