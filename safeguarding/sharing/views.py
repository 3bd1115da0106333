"""Reading a letter the partnership sent. Printable; every reading is audited."""

from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from safeguarding.access.models import User
from safeguarding.access.permissions import Basis, basis_for
from safeguarding.audit.models import Action
from safeguarding.audit.services import audit_record
from safeguarding.sharing.models import Letter
from safeguarding.sharing.permissions import may_read_letter


@require_GET
def letter(request: HttpRequest, child_id: int, pk: int) -> HttpResponse:
    """A letter, for its recipient or for those who may read the child's whole record.

    A referrer without a relationship with the child still reads the feedback letter sent to
    them: it says only what the front door decided to tell them. Anyone else gets a 404, so
    that the letter's existence is not disclosed; the refusal is audited.
    """
    user = request.user
    assert isinstance(user, User)
    row = (
        Letter.objects.select_related("child", "recipient_agency", "created_by")
        .filter(pk=pk, child_id=child_id)
        .first()
    )
    if row is None:
        raise Http404("No such letter")
    basis = basis_for(user, child_id)
    if not may_read_letter(user=user, letter=row, basis=basis):
        audit_record(actor=user, action=Action.DENIED, child=row.child, obj=row, detail={"what": "letter"})
        raise Http404("No such letter")
    audit_record(
        actor=user,
        action=Action.VIEW,
        child=row.child,
        obj=row,
        detail={"what": "letter", "basis": basis.value if basis is not Basis.NONE else "recipient"},
    )
    return render(request, "sharing/letter.html", {"letter": row, "basis": basis})


PAGE_SIZE = 50


@require_GET
def letters(request: HttpRequest) -> HttpResponse:
    """Letters addressed to the practitioner or to their agency, newest first: the outcome
    of an assessment sent to a school, the end of a plan sent to a conference invitee.

    Listing shows each child's name, so the listing is audited (which letters were shown)."""
    user = request.user
    assert isinstance(user, User)
    addressed = Q(recipient_user_id=user.pk)
    if user.agency_id is not None:
        addressed |= Q(recipient_agency_id=user.agency_id)
    rows = Letter.objects.filter(addressed).select_related("child", "recipient_agency").order_by("-created_at", "-id")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    shown = list(page.object_list)
    audit_record(
        actor=user,
        action=Action.VIEW,
        detail={"what": "letters list", "page": page.number, "letters": [letter.pk for letter in shown]},
    )
    return render(
        request,
        "sharing/letters.html",
        {
            "page": page,
            "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1),
            "letters": shown,
        },
    )
