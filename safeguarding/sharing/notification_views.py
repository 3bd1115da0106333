"""A practitioner's notifications: newest first, unread highlighted, marked read by them."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from safeguarding.access.models import User
from safeguarding.audit.models import Action
from safeguarding.audit.services import audit_record
from safeguarding.sharing.flags import notification_mark_read, notifications_mark_all_read
from safeguarding.sharing.models import Notification

PAGE_SIZE = 50


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


@never_cache
@require_GET
@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    """The user's own notifications. They name children, so the listing is audited."""
    user = _user(request)
    rows = Notification.objects.filter(recipient_id=user.pk).order_by("-created_at", "-id")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    shown = list(page.object_list)
    audit_record(
        actor=user,
        action=Action.VIEW,
        detail={"what": "notifications list", "page": page.number, "notifications": [n.pk for n in shown]},
    )
    return render(
        request,
        "sharing/notifications.html",
        {
            "page": page,
            "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1),
            "notifications": shown,
        },
    )


@require_POST
@login_required
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    try:
        notification_mark_read(notification_id=pk, by=user)
    except Notification.DoesNotExist:
        raise Http404("No such notification") from None
    return redirect(_back(request))


@require_POST
@login_required
def notifications_read_all(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    count = notifications_mark_all_read(by=user)
    if count:
        messages.success(request, f"{count} notification{'' if count == 1 else 's'} marked as read")
    return redirect(_back(request))


def _back(request: HttpRequest) -> str:
    """Back to the page of the list the user was on."""
    page = request.POST.get("page", "")
    target = reverse("sharing:notifications")
    return f"{target}?page={int(page)}" if page.isdigit() and int(page) > 1 else target
