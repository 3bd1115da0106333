"""Batch feed pages (issue 4, item 2): upload an agency's extract, choose a person file's
columns, watch the import's progress, read its report and download its rejected rows.

Anyone in the agency that sent a file may import it and read its report; reviewers of
identity links may do so for any agency (`linkage.permissions.may_import_feed`). Another
agency's import is a 404, as if it did not exist. Each page is audited: the report and the
columns page show rows of the file (names and dates of birth), the CSV download is an export.
The progress fragment that htmx polls every second shows only counts and is not audited.

`feed_urlpatterns` are wired into `linkage/urls.py` (`linkage:feeds` ...).
"""

import csv
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from safeguarding.access.models import Agency, User
from safeguarding.audit.models import Action
from safeguarding.audit.services import audit_record
from safeguarding.core.errors import DomainError
from safeguarding.core.forms import Options, apply_service_errors
from safeguarding.linkage.feeds import (
    MAX_FILE_BYTES,
    PERSON_FIELDS,
    cell_safe,
    decode,
    feed_import_columns_choose,
    feed_import_create,
    feed_import_retry,
    feed_import_start,
    file_headings,
    file_rows,
    progress_text,
    suggest_mapping,
    waiting_for_columns,
)
from safeguarding.linkage.models import FeedImport, FeedKind, FeedRejection, FeedStatus
from safeguarding.linkage.permissions import may_import_feed, may_review_links

PAGE_SIZE = 50
POLL_SECONDS = 1


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _agencies(user: User) -> list[Agency]:
    """The agencies whose files this user may import: their own, or any for a reviewer."""
    if may_review_links(user):
        return list(Agency.objects.order_by("name"))
    if user.is_active and user.agency is not None:
        return [user.agency]
    return []


def _importer(request: HttpRequest) -> tuple[User, list[Agency]]:
    user = _user(request)
    agencies = _agencies(user)
    if not agencies:
        raise PermissionDenied("Only practitioners of an agency import its feeds")
    return user, agencies


def _feed_import(user: User, pk: int) -> FeedImport:
    """The import, if this user may see it; another agency's is a 404."""
    feed_import = get_object_or_404(FeedImport.objects.select_related("agency", "uploaded_by").defer("content"), pk=pk)
    if not may_import_feed(user, feed_import.agency):
        raise Http404("No such import")
    return feed_import


def _page_range(page: Any) -> Any:
    return page.paginator.get_elided_page_range(page.number)


# --- The list -------------------------------------------------------------------------------


@never_cache
@require_GET
def feed_list(request: HttpRequest) -> HttpResponse:
    user, agencies = _importer(request)
    reviewer = may_review_links(user)
    imports = (
        FeedImport.objects.select_related("agency", "uploaded_by").defer("content").order_by("-uploaded_at", "-pk")
    )
    if not reviewer:
        imports = imports.filter(agency__in=agencies)
    page = Paginator(imports, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    audit_record(
        actor=user,
        action=Action.VIEW,
        detail={"what": "feed imports", "page": page.number, "imports": [f.pk for f in rows]},
    )
    return render(
        request,
        "linkage/feed_list.html",
        {
            "page": page,
            "page_range": _page_range(page),
            "rows": [(f, progress_text(f)) for f in rows],
            "all_agencies": reviewer,
        },
    )


# --- Upload ---------------------------------------------------------------------------------


class FeedUploadForm(forms.Form):
    agency = forms.TypedChoiceField(
        label="Which agency sent the file?",
        coerce=int,
        error_messages={
            "required": "Select the agency that sent the file",
            "invalid_choice": "Select the agency that sent the file",
        },
    )
    kind = forms.ChoiceField(
        label="What kind of file is it?",
        choices=FeedKind.choices,
        error_messages={
            "required": "Select what kind of file it is",
            "invalid_choice": "Select what kind of file it is",
        },
    )
    file = forms.FileField(
        label="Upload a file",
        help_text="A CSV file, with the column headings on the first row",
        error_messages={
            "required": "Select a CSV file",
            "empty": "The selected file is empty",
            "invalid": "Select a CSV file",
        },
    )

    def __init__(self, *args: Any, agencies: list[Agency], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.agencies = agencies
        field = self.fields["agency"]
        assert isinstance(field, forms.ChoiceField)
        choices = [(str(a.pk), a.name) for a in agencies]
        field.choices = choices if len(agencies) == 1 else [("", "Select an agency"), *choices]
        if len(agencies) == 1:
            field.initial = agencies[0].pk
        self.kind_options = Options(
            self["kind"],
            FeedKind.choices,
            hints={
                FeedKind.SCHOOL_ROLL: "UPN, Surname, Forename, Middle names, DOB, Gender, Address line 1, "
                "Postcode, Former surname",
                FeedKind.GP_REGISTRATION: "NHS Number, Family Name, Given Name, Date of Birth, Sex, "
                "Address Line 1, Postcode",
                FeedKind.AE_ATTENDANCE: "Attendance ID, Arrival Date/Time, NHS Number, Surname, Forename, DOB, "
                "Gender, Postcode, Address, Presenting Complaint, Injury Y/N",
                FeedKind.POLICE_INCIDENT: "Incident Reference, Incident Date, Person Reference, Surname, "
                "Forenames, Date of Birth, Address, Postcode, Role, Domestic Abuse Y/N, Summary",
                FeedKind.PERSON_FILE: "Any file with a row for each person: you choose which column holds what",
            },
        )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".csv", ".txt")):
            raise ValidationError("The selected file must be a CSV")
        if upload.size > MAX_FILE_BYTES:
            raise ValidationError(f"The selected file must be smaller than {MAX_FILE_BYTES // (1024 * 1024)} MB")
        return upload

    def agency_chosen(self) -> Agency:
        return next(a for a in self.agencies if a.pk == self.cleaned_data["agency"])


@never_cache
@require_http_methods(["GET", "POST"])
def feed_new(request: HttpRequest) -> HttpResponse:
    user, agencies = _importer(request)
    form = FeedUploadForm(request.POST or None, request.FILES or None, agencies=agencies)
    if request.method == "POST" and form.is_valid():
        agency = form.agency_chosen()
        if not may_import_feed(user, agency):  # the choices already say so; the rule says it again
            raise PermissionDenied("You cannot import this agency's files")
        upload = form.cleaned_data["file"]
        try:
            feed_import = feed_import_create(
                agency=agency,
                kind=form.cleaned_data["kind"],
                file_name=upload.name,
                content=decode(upload.read()),
                by=user,
            )
        except ValidationError as error:
            apply_service_errors(form, error, {"file": "file", "mapping": "file"})
        else:
            if waiting_for_columns(feed_import):
                return redirect("linkage:feed-columns", pk=feed_import.pk)
            feed_import_start(feed_import)
            return redirect("linkage:feed", pk=feed_import.pk)
    audit_record(actor=user, action=Action.VIEW, detail={"what": "import a feed"})
    return render(request, "linkage/feed_new.html", {"form": form})


# --- A person file's columns ----------------------------------------------------------------


class ColumnsForm(forms.Form):
    """For each of our fields, the file's column that holds it (or none)."""

    def __init__(self, *args: Any, headings: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", "Not in this file"), *((h, h) for h in headings)]
        self.required_labels: dict[str, str] = {}
        for name, label, required in PERSON_FIELDS:
            self.fields[name] = forms.ChoiceField(
                label=label if required else f"{label} (optional)",
                choices=choices,
                required=False,
                error_messages={"invalid_choice": f"Select a column of the file for the {label.lower()}"},
            )
            if required:
                self.required_labels[name] = label

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name, label in self.required_labels.items():
            if not data.get(name) and name not in self.errors:
                self.add_error(name, f"Select the column that holds the {label.lower()}")
        return data


@never_cache
@require_http_methods(["GET", "POST"])
def feed_columns(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    feed_import = _feed_import(user, pk)
    if not waiting_for_columns(feed_import):
        return redirect("linkage:feed", pk=feed_import.pk)
    content = FeedImport.objects.values_list("content", flat=True).get(pk=pk)
    headings = file_headings(content)
    first = next(file_rows(content), (0, {}))[1]
    form = ColumnsForm(request.POST or None, headings=headings, initial=suggest_mapping(headings))
    if request.method == "POST" and form.is_valid():
        try:
            feed_import_columns_choose(
                feed_import=feed_import,
                mapping={k: v for k, v in form.cleaned_data.items() if v},
                by=user,
            )
        except ValidationError as error:
            apply_service_errors(form, error, {"mapping": "__all__"})
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            feed_import.refresh_from_db(fields=["mapping", "status"])
            feed_import_start(feed_import)
            return redirect("linkage:feed", pk=feed_import.pk)
    audit_record(
        actor=user, action=Action.VIEW, obj=feed_import, detail={"what": "feed import columns", "sample_row": 1}
    )
    return render(
        request,
        "linkage/feed_columns.html",
        {"feed_import": feed_import, "form": form, "columns": [(h, first.get(h, "")) for h in headings]},
    )


# --- The import: progress, then the report --------------------------------------------------


def _progress_context(feed_import: FeedImport) -> dict[str, Any]:
    running = feed_import.status in (FeedStatus.QUEUED, FeedStatus.RUNNING) and not waiting_for_columns(feed_import)
    return {
        "feed_import": feed_import,
        "progress": progress_text(feed_import),
        "running": running,
        "poll_url": reverse("linkage:feed-progress", args=[feed_import.pk]),
        "poll_seconds": POLL_SECONDS,
    }


@never_cache
@require_GET
def feed_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    feed_import = _feed_import(user, pk)
    page = Paginator(FeedRejection.objects.filter(feed_import=feed_import).order_by("row_number"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rejections = list(page.object_list)
    headings = _row_headings(feed_import, rejections)
    for rejection in rejections:
        rejection.cells = [(h, (rejection.row or {}).get(h, "")) for h in headings]  # type: ignore[attr-defined]
    audit_record(
        actor=user,
        action=Action.VIEW,
        obj=feed_import,
        detail={"what": "feed import report", "page": page.number, "rejected_rows": [r.row_number for r in rejections]},
    )
    counts = [
        ("Linked to a child already on the index", feed_import.rows_linked),
        ("New children", feed_import.rows_new),
        ("New children with a possible match queued for review", feed_import.rows_review),
        ("Unchanged: already imported", feed_import.rows_unchanged),
        ("Rejected", feed_import.rows_rejected),
    ]
    return render(
        request,
        "linkage/feed_import.html",
        {
            **_progress_context(feed_import),
            "waiting_for_columns": waiting_for_columns(feed_import),
            "counts": counts,
            "page": page,
            "page_range": _page_range(page),
            "rejections": rejections,
        },
    )


@never_cache
@require_GET
def feed_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress panel, polled by htmx while the import runs. When it has finished the
    page reloads to show the report (HX-Refresh), which also stops the polling."""
    feed_import = _feed_import(_user(request), pk)
    context = _progress_context(feed_import)
    response = render(request, "linkage/feed_progress.html", context)
    if not context["running"] and getattr(request, "htmx", False):
        response["HX-Refresh"] = "true"
    return response


def _row_headings(feed_import: FeedImport, rejections: list[FeedRejection]) -> list[str]:
    """The rejected rows' columns in the file's own order. A JSON column does not keep key
    order on PostgreSQL (jsonb), so the order comes from the file's heading line."""
    present = list(dict.fromkeys(h for r in rejections for h in (r.row or {})))
    ordered = [h for h in file_headings(feed_import.content) if h in present]
    return ordered + [h for h in present if h not in ordered]


@never_cache
@require_GET
def feed_rejections_csv(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    feed_import = _feed_import(user, pk)
    rejections = list(FeedRejection.objects.filter(feed_import=feed_import).order_by("row_number"))
    headings = _row_headings(feed_import, rejections)
    audit_record(
        actor=user,
        action=Action.EXPORT,
        obj=feed_import,
        detail={"what": "feed import rejected rows", "rows": len(rejections)},
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    stem = feed_import.file_name.rsplit(".", 1)[0] or "feed"
    safe_stem = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in stem)[:80]
    response["Content-Disposition"] = f'attachment; filename="{safe_stem}-rejected-rows.csv"'
    writer = csv.writer(response)
    writer.writerow(["Row", "Reason", *headings])
    for r in rejections:
        row = r.row or {}
        writer.writerow([r.row_number, cell_safe(r.reason), *(cell_safe(row.get(h, "")) for h in headings)])
    return response


@never_cache
@require_POST
def feed_retry(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    feed_import = _feed_import(user, pk)
    try:
        feed_import = feed_import_retry(feed_import=feed_import, by=user)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        feed_import_start(feed_import)
    return redirect("linkage:feed", pk=feed_import.pk)


feed_urlpatterns = [
    path("feeds/", feed_list, name="feeds"),
    path("feeds/new/", feed_new, name="feed-new"),
    path("feeds/<int:pk>/", feed_detail, name="feed"),
    path("feeds/<int:pk>/columns/", feed_columns, name="feed-columns"),
    path("feeds/<int:pk>/progress/", feed_progress, name="feed-progress"),
    path("feeds/<int:pk>/rejected-rows.csv", feed_rejections_csv, name="feed-rejections-csv"),
    path("feeds/<int:pk>/try-again/", feed_retry, name="feed-retry"),
]
