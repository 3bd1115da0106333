"""What every early help page shares: the child and the episode fetched through `child_for`,
the refusal pages, and the confirmation step before an answer that ends the episode."""

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from safeguarding.access.models import User
from safeguarding.access.permissions import Basis
from safeguarding.access.services import child_for
from safeguarding.audit.models import Action
from safeguarding.audit.services import audit_record
from safeguarding.core.errors import NoRelationship
from safeguarding.earlyhelp import permissions as perms
from safeguarding.earlyhelp import selectors
from safeguarding.earlyhelp.models import EarlyHelpEpisode
from safeguarding.people.models import Child

ACT_REFUSED = "Only the lead practitioner, the team around the family or children's social care can record this"


def user_of(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def no_relationship(request: HttpRequest, child_id: int) -> HttpResponse:
    """403 that shows nothing of the child (child_for has audited the refusal)."""
    user = user_of(request)
    return render(
        request,
        "concerns/no_relationship.html",
        {
            "child_id": child_id,
            "has_agency": user.agency_id is not None,
            "may_break_glass": bool(user.agency_id and user.role and user.role.may_break_glass),
        },
        status=403,
    )


def child_or_refusal(request: HttpRequest, child_id: int, what: str) -> tuple[Child, Basis] | HttpResponse:
    try:
        return child_for(user_of(request), child_id, action=Action.VIEW, what=what)
    except NoRelationship:
        return no_relationship(request, child_id)


def start_target(request: HttpRequest, child_id: int) -> tuple[Child, Basis] | HttpResponse:
    """The child early help is to start for.

    Early help workers (the local authority's early help service) pick up children the front
    door or social care stepped down, and families who ask for help, before their service has
    any relationship with the child: they may start early help without one (the refusal of
    the record is still audited by child_for, and this opening of the form is audited too).
    Starting makes their agency involved. Anyone else needs a relationship.
    """
    user = user_of(request)
    try:
        return child_for(user, child_id, action=Action.VIEW, what="start early help form")
    except NoRelationship:
        if not perms.is_early_help_worker(user):
            return no_relationship(request, child_id)
    child = get_object_or_404(Child.objects.only("pk", "display_name", "date_of_birth", "la_child_id"), pk=child_id)
    audit_record(
        actor=user,
        action=Action.VIEW,
        child=child,
        detail={"what": "start early help form", "basis": Basis.NONE.value, "as": "early help worker"},
    )
    return child, Basis.NONE


def episode_or_refusal(
    request: HttpRequest, child_id: int, pk: int, what: str
) -> tuple[Child, Basis, EarlyHelpEpisode] | HttpResponse:
    found = child_or_refusal(request, child_id, what)
    if isinstance(found, HttpResponse):
        return found
    child, basis = found
    perms.require(perms.may_read(basis), "You cannot see this child's early help")
    return child, basis, get_object_or_404(selectors.episode_queryset(child), pk=pk)


def open_episode_to_act(
    request: HttpRequest, child_id: int, pk: int, what: str
) -> tuple[Child, EarlyHelpEpisode] | HttpResponse:
    """The episode, if the user may act on it and it is still open (else back to its page)."""
    found = episode_or_refusal(request, child_id, pk, what)
    if isinstance(found, HttpResponse):
        return found
    child, _basis, episode = found
    perms.require(perms.may_act(user_of(request), episode), ACT_REFUSED)
    if selectors.loaded(episode, "closure") is not None:
        messages.info(request, "This early help episode has ended")
        return redirect_to_episode(episode)
    return child, episode


def redirect_to_episode(episode: EarlyHelpEpisode) -> HttpResponse:
    return redirect("earlyhelp:episode", child_id=episode.child_id, pk=episode.pk)


def needs_confirmation(request: HttpRequest) -> bool:
    return request.POST.get("confirmed") != "yes"


def confirm_page(
    request: HttpRequest, *, child: Child, episode: EarlyHelpEpisode, heading: str, body: str, button: str
) -> HttpResponse:
    """Are you sure? The answers already given travel as hidden fields; yes submits them again."""
    hidden = [
        (name, value)
        for name in request.POST
        for value in request.POST.getlist(name)
        if name
        not in {
            "csrfmiddlewaretoken",
            "confirmed",
        }
    ]
    context: dict[str, Any] = {
        "child": child,
        "episode": episode,
        "heading": heading,
        "body": body,
        "button": button,
        "hidden": hidden,
    }
    return render(request, "earlyhelp/confirm.html", context)


def episode_or_404(child: Child, pk: int) -> EarlyHelpEpisode:
    return get_object_or_404(selectors.episode_queryset(child), pk=pk)
