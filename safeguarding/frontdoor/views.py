"""Making a referral, the confirmation, and one contact's page.

Access: a practitioner may refer any child they can find, even one whose record they cannot
read (`recording_target`: write without read; they see name and date of birth only). The
contact page is fetched through `child_for`; the front door and social care (whole local
authority) see everything, the referrer and those who may read the contact's chronology
entry see what was referred and decided, never other agencies' checks or the reasons.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from safeguarding.access.models import User
from safeguarding.access.permissions import Basis, entries_visible_to
from safeguarding.access.services import child_for, recording_target
from safeguarding.audit.models import Action
from safeguarding.audit.services import audit_record
from safeguarding.concerns.models import Category
from safeguarding.core import calendar, clocks
from safeguarding.core.errors import NoRelationship
from safeguarding.core.forms import apply_service_errors
from safeguarding.frontdoor import permissions, selectors
from safeguarding.frontdoor.forms import CONTACT_FIELD_FOR, ContactForm, PublicContactForm
from safeguarding.frontdoor.models import AgencyCheck, Contact, ContactDecision
from safeguarding.frontdoor.outcomes import related
from safeguarding.frontdoor.permissions import ContactView
from safeguarding.frontdoor.services import contact_record
from safeguarding.people.models import Child
from safeguarding.sharing.models import Letter, LetterKind
from safeguarding.sharing.permissions import may_read_letter


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


# Making a referral -----------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def contact_new(request: HttpRequest, child_id: int) -> HttpResponse:
    """A practitioner refers a child; the front door records a call from the public (`?public=1`)."""
    user = user_of(request)
    public = request.GET.get("public") == "1"
    if public and not permissions.may_decide_referrals(user):
        raise PermissionDenied("Only the front door records contacts from the public")
    try:
        target = recording_target(user=user, child_id=child_id, what="referral form")
    except NoRelationship:
        raise PermissionDenied("Only practitioners who belong to an agency can make a referral") from None
    form_class = PublicContactForm if public else ContactForm
    if request.method == "POST":
        form = form_class(request.POST)
        if form.is_valid():
            try:
                contact = contact_record(child=target.child, data=form.contact_input(), by=user, from_public=public)
            except ValidationError as exc:
                apply_service_errors(form, exc, CONTACT_FIELD_FOR)
            else:
                return redirect("frontdoor:contact-sent", child_id=target.child.pk, pk=contact.pk)
    else:
        form = form_class()
    return render(request, "frontdoor/contact_new.html", {"form": form, "target": target, "public": public})


@require_GET
def contact_sent(request: HttpRequest, child_id: int, pk: int) -> HttpResponse:
    """The confirmation: the front door decides within 1 working day, by this date."""
    user = user_of(request)
    contact = get_object_or_404(
        Contact.objects.select_related("child").only(
            "id", "received_at", "child__id", "child__display_name", "child__date_of_birth", "referrer_id"
        ),
        pk=pk,
        child_id=child_id,
        recorded_by=user,
    )
    audit_record(
        actor=user,
        action=Action.VIEW,
        child=contact.child,
        obj=contact,
        detail={"what": "referral confirmation", "shown": "name and date of birth"},
    )
    received_on = calendar.local_date(contact.received_at)
    return render(
        request,
        "frontdoor/contact_sent.html",
        {
            "contact": contact,
            "child": contact.child,
            "due": clocks.due_date("referral_decision", received_on),
            "public": contact.referrer_id is None,
        },
    )


# One contact -----------------------------------------------------------------------------


def contact_access(
    request: HttpRequest, child_id: int, pk: int, *, what: str
) -> tuple[Child, Contact, ContactView] | HttpResponse:
    """The child, the contact and how much of it the user sees; or the refusal page.

    The referrer sees their own referral even without a relationship with the child (their
    agency's involvement may have ended): its details and the decision, nothing else.
    """
    user = user_of(request)
    contacts = Contact.objects.select_related("child", "referrer_agency", "early_help_episode")
    try:
        child, basis = child_for(user, child_id, action=Action.VIEW, what=what)
    except NoRelationship:
        own = contacts.filter(pk=pk, child_id=child_id, referrer=user).first() if user.agency_id else None
        if own is None:
            return no_relationship(request, child_id)
        audit_record(
            actor=user,
            action=Action.VIEW,
            child=own.child,
            obj=own,
            detail={"what": what, "basis": Basis.NONE.value, "shown": "own referral"},
        )
        return own.child, own, ContactView.DETAILS
    contact = get_object_or_404(contacts, pk=pk, child=child)
    entry_visible = False
    if basis is not Basis.WHOLE_LA and contact.referrer_id != user.pk:
        entry_visible = (
            entries_visible_to(user, child, basis)
            .filter(source_type="frontdoor.contact", source_id=contact.pk)
            .exists()
        )
    view = permissions.contact_view_for(
        user=user, referrer_id=contact.referrer_id, basis=basis, entry_visible=entry_visible
    )
    if view is None:
        raise Http404("No such contact")
    return child, contact, view


def _feedback_letter(decision: ContactDecision | None) -> Letter | None:
    if decision is None:
        return None
    return (
        Letter.objects.filter(
            kind=LetterKind.REFERRAL_FEEDBACK, source_type="frontdoor.contactdecision", source_id=decision.pk
        )
        .only("id", "child_id", "recipient_user_id", "recipient_agency_id", "recipient_name", "created_at")
        .first()
    )


@require_GET
def contact_detail(request: HttpRequest, child_id: int, pk: int) -> HttpResponse:
    found = contact_access(request, child_id, pk, what="contact")
    if isinstance(found, HttpResponse):
        return found
    child, contact, view = found
    user = user_of(request)
    full = view is ContactView.FRONT_DOOR
    decision = ContactDecision.objects.select_related("decided_by", "previous_referral").filter(contact=contact).first()
    letter = _feedback_letter(decision)
    if letter is not None and not full and not may_read_letter(user=user, letter=letter, basis=Basis.NONE):
        letter = None  # only its recipient, or the recipient's agency, beyond the front door
    context = {
        "child": child,
        "contact": contact,
        "full": full,
        "decision": decision,
        "letter": letter,
        "categories": [Category(c).label if c in Category.values else c for c in contact.categories],
        "clock": selectors.decision_clock(contact, decision.decided_at if decision else None),
    }
    if full:
        received_on = calendar.local_date(contact.received_at)
        previous = (
            decision.previous_referral
            if decision is not None
            else selectors.previous_referral(child.pk, received_on, exclude_contact_id=contact.pk)
        )
        context |= {
            "checks": list(
                AgencyCheck.objects.filter(contact=contact).select_related(
                    "agency", "requested_by", "returned", "returned__returned_by"
                )
            ),
            "previous_referral": previous,
            "referral": related(contact, "referral"),
            "may_decide": permissions.may_decide_referrals(user) and decision is None,
        }
    return render(request, "frontdoor/contact.html", context)


@require_GET
def decision_detail(request: HttpRequest, child_id: int, pk: int) -> HttpResponse:
    """A decision's chronology entry opens the contact it decided."""
    decision = get_object_or_404(ContactDecision.objects.only("id", "contact_id"), pk=pk, contact__child_id=child_id)
    return redirect("frontdoor:contact", child_id=child_id, pk=decision.contact_id)
