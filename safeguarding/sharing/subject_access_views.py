"""Subject access pages: past requests, the start page, the confirmation, the result and the
downloads (JSON and PDF). For data protection officers only (Role.may_view_audit); anyone
else is refused, and the refusal is audited. Producing and downloading are audited exports
(sharing/subject_access.py); every page read is audited too."""

import json
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from safeguarding.audit.models import Action
from safeguarding.audit.services import audit_record
from safeguarding.sharing.models import SubjectAccessRequest
from safeguarding.sharing.subject_access import (
    NOT_PERMITTED,
    due_date,
    subject_access_download,
    subject_access_export,
)
from safeguarding.sharing.subject_access_forms import SubjectAccessForm
from safeguarding.sharing.subject_access_pdf import subject_access_pdf

PAGE_SIZE = 25
View = Callable[..., HttpResponse]


def dpo_required(what: str) -> Callable[[View], View]:
    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            user: Any = request.user
            if not user.may_view_audit:
                audit_record(actor=user, action=Action.DENIED, detail={"what": what})
                raise PermissionDenied(NOT_PERMITTED)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


@require_GET
@dpo_required("subject access requests")
def request_list(request: HttpRequest) -> HttpResponse:
    rows = SubjectAccessRequest.objects.select_related("requested_by").defer("export")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    audit_record(actor=request.user, action=Action.VIEW, detail={"what": "subject access requests"})
    return render(
        request,
        "sharing/subject_access_list.html",
        {"page": page, "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)},
    )


def _confirm_context(form: SubjectAccessForm) -> dict[str, Any]:
    assert form.subject is not None
    received = form.cleaned_data["received_on"]
    return {"form": form, "subject": form.subject, "received_on": received, "due_on": due_date(received)}


@require_http_methods(["GET", "POST"])
@dpo_required("subject access: start")
def start(request: HttpRequest) -> HttpResponse:
    """Find the subject and enter the request; a valid answer shows the confirmation page."""
    form = SubjectAccessForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid() and form.subject is not None:
        subject = form.subject
        audit_record(
            actor=request.user,
            action=Action.SEARCH,
            child=subject.child,
            detail={
                "what": "subject access: find the subject",
                "subject": subject.kind,
                "subject_ids": [subject.child.pk] if subject.child else [p.pk for p in subject.persons],
            },
        )
        return render(request, "sharing/subject_access_confirm.html", _confirm_context(form))
    return render(request, "sharing/subject_access_start.html", {"form": form})


@require_POST
@dpo_required("subject access: produce")
def produce(request: HttpRequest) -> HttpResponse:
    form = SubjectAccessForm(request.POST)
    if not (form.is_valid() and form.subject is not None):
        return render(request, "sharing/subject_access_start.html", {"form": form})
    row = subject_access_export(
        subject=form.subject,
        reference=form.cleaned_data["reference"],
        received_on=form.cleaned_data["received_on"],
        note=form.cleaned_data["note"],
        by=request.user,  # type: ignore[arg-type]
    )
    return redirect("sharing:subject-access-result", pk=row.pk)


@require_GET
@dpo_required("subject access: result")
def result(request: HttpRequest, pk: int) -> HttpResponse:
    row = get_object_or_404(SubjectAccessRequest.objects.select_related("requested_by"), pk=pk)
    # Not a view of the child's record (the summary of an export): the request row says whose.
    audit_record(actor=request.user, action=Action.VIEW, obj=row, detail={"what": "subject access: result"})
    sections = [(s["title"], len(s["items"])) for s in row.export.get("sections", [])]
    return render(
        request,
        "sharing/subject_access_result.html",
        {"row": row, "sections": sections, "summary": row.export.get("summary", {})},
    )


@require_GET
@dpo_required("subject access: download")
def download(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    row = get_object_or_404(SubjectAccessRequest, pk=pk)
    subject_access_download(request_row=row, fmt=fmt, by=request.user)  # type: ignore[arg-type]
    name = f"subject-access-{row.reference or row.pk}".replace(" ", "-").replace("/", "-")
    if fmt == "pdf":
        response = HttpResponse(subject_access_pdf(row.export), content_type="application/pdf")
    else:
        body = json.dumps(row.export, indent=2, ensure_ascii=False, cls=DjangoJSONEncoder)
        response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    response["Cache-Control"] = "no-store"
    return response


subject_access_urlpatterns = [
    path("subject-access/", request_list, name="subject-access"),
    path("subject-access/new/", start, name="subject-access-start"),
    path("subject-access/produce/", produce, name="subject-access-produce"),
    path("subject-access/<int:pk>/", result, name="subject-access-result"),
    path("subject-access/<int:pk>/export.json", download, {"fmt": "json"}, name="subject-access-json"),
    path("subject-access/<int:pk>/export.pdf", download, {"fmt": "pdf"}, name="subject-access-pdf"),
]
