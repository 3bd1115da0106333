"""Sharing one chronology entry with another agency (concerns.sharing.entry_share).

Access: the child through `child_for`, the entry through `entries_visible_to` (an entry the
user cannot see is a 404), then `may_share_entry` (seeing is not enough: break-glass reads,
it does not share; an agency shares only what it recorded).
"""

from django import forms
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from safeguarding.access.models import Agency, User
from safeguarding.access.permissions import entries_visible_to
from safeguarding.access.services import child_for
from safeguarding.audit.models import Action
from safeguarding.audit.services import audit_record
from safeguarding.concerns import chronology
from safeguarding.concerns.forms import apply_service_errors
from safeguarding.concerns.models import ChronologyEntry
from safeguarding.concerns.selectors import category_label, kind_label
from safeguarding.concerns.sharing import LawfulBasis, entry_share, may_share_entry, share_refusal
from safeguarding.core.errors import NoRelationship

LAWFUL_BASIS_HINTS = {
    LawfulBasis.PUBLIC_TASK: (
        "For agencies with safeguarding duties: most shares. Health and other special category "
        "information is shared under DPA 2018 Schedule 1 paragraph 18 (safeguarding of children "
        "and individuals at risk)."
    ),
    LawfulBasis.LEGAL_OBLIGATION: "A law or a court order requires you to share it.",
    LawfulBasis.VITAL_INTERESTS: "To protect someone's life when consent cannot be given.",
    LawfulBasis.CONSENT: (
        "Only if the family agreed and could refuse without putting the child at risk. "
        "Consent is usually not the right basis for safeguarding."
    ),
}


class ShareEntryForm(forms.Form):
    # Any agency is accepted here so that the service can say clearly why one is refused
    # (the entry's own agency, or one it is already shared with); the page offers only the
    # agencies it can be shared with.
    agency = forms.ModelChoiceField(
        queryset=Agency.objects.all(),
        label="Which agency are you sharing it with?",
        error_messages={
            "required": "Select the agency you are sharing this entry with",
            "invalid_choice": "Select an agency from the list",
        },
    )
    lawful_basis = forms.ChoiceField(
        choices=LawfulBasis.choices,
        label="What is the lawful basis for sharing?",
        error_messages={
            "required": "Select the lawful basis for sharing",
            "invalid_choice": "Select the lawful basis for sharing",
        },
    )
    reason = forms.CharField(
        label="Why are you sharing this entry with them?",
        help_text=(
            "Say why this agency needs it and what you expect them to do. Share only what is "
            "necessary, proportionate, relevant, adequate, accurate, timely and secure."
        ),
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Enter why you are sharing this entry"},
    )


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _no_relationship(request: HttpRequest, child_id: int) -> HttpResponse:
    """403 that shows nothing of the child (child_for has audited the refusal)."""
    user = _user(request)
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


def _entry_url(entry: ChronologyEntry) -> str:
    """The full record the entry came from (a concern, an agency event), if it has a page."""
    try:
        name = chronology.kind(entry.kind).detail_url_name
    except LookupError:
        return ""
    if not name:
        return ""
    try:
        return reverse(name, args=[entry.child_id, entry.source_id])
    except NoReverseMatch:
        return ""


@never_cache
@require_http_methods(["GET", "POST"])
def share_entry(request: HttpRequest, child_id: int, entry_id: int) -> HttpResponse:
    user = _user(request)
    shared_with = request.GET.get("shared_with", "") if request.method == "GET" else ""
    what = (
        "share entry" if request.method == "POST" else "share entry confirmation" if shared_with else "share entry form"
    )
    try:
        child, basis = child_for(user, child_id, action=Action.VIEW, what=what)
    except NoRelationship:
        return _no_relationship(request, child_id)
    entry = entries_visible_to(user, child, basis).select_related("agency", "author").filter(pk=entry_id).first()
    if entry is None:
        raise Http404("No such entry")
    record_url = reverse("people:record", args=[child.pk])
    entry_url = _entry_url(entry)
    context = {
        "child": child,
        "entry": entry,
        "entry_kind": kind_label(entry.kind),
        "entry_categories": [category_label(c) for c in entry.categories],
        "entry_url": entry_url,
        "record_url": record_url,
        "back_url": entry_url or record_url,
    }
    if not may_share_entry(user=user, basis=basis, entry=entry):
        audit_record(
            actor=user,
            action=Action.DENIED,
            child=child,
            detail={"what": "share entry", "entry": entry.pk, "basis": basis.value},
        )
        return render(
            request,
            "concerns/share_refused.html",
            {**context, "why": share_refusal(user=user, basis=basis)},
            status=403,
        )
    shares = list(entry.shares.select_related("agency", "shared_by").order_by("shared_at", "id"))

    if shared_with:
        done = next((s for s in shares if str(s.agency_id) == shared_with), None)
        if done is not None:
            return render(request, "concerns/share_done.html", {**context, "share": done})

    if request.method == "POST":
        form = ShareEntryForm(request.POST)
        if form.is_valid():
            try:
                share = entry_share(
                    entry=entry,
                    agency=form.cleaned_data["agency"],
                    reason=form.cleaned_data["reason"],
                    lawful_basis=form.cleaned_data["lawful_basis"],
                    by=user,
                )
            except ValidationError as exc:
                apply_service_errors(
                    form, exc, {"agency": "agency", "reason": "reason", "lawful_basis": "lawful_basis"}
                )
            else:
                url = reverse("concerns:share-entry", args=[child.pk, entry.pk])
                return redirect(f"{url}?shared_with={share.agency_id}")
    else:
        form = ShareEntryForm()

    unavailable = {entry.agency_id, *(s.agency_id for s in shares)}
    agencies = [a for a in Agency.objects.only("pk", "name", "kind").order_by("name") if a.pk not in unavailable]
    # GOV.UK radios: the first option takes the field's id, so that the error summary links to it.
    basis_id = form["lawful_basis"].auto_id
    lawful_bases = [
        (value, label, LAWFUL_BASIS_HINTS[LawfulBasis(value)], basis_id if i == 0 else f"{basis_id}-{value}")
        for i, (value, label) in enumerate(LawfulBasis.choices)
    ]
    return render(
        request,
        "concerns/share.html",
        {
            **context,
            "form": form,
            "shares": shares,
            "agencies": agencies,
            "selected_agency": str(form["agency"].value() or ""),
            "lawful_bases": lawful_bases,
        },
    )
