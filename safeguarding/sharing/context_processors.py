"""The unread notifications count in the navigation, and whether to offer "Check a status".

Lazy: nothing is counted unless a page shows it (base.html, for a signed-in, verified user),
so anonymous pages and htmx partials cost no query, and a full page one cheap count.
"""

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from safeguarding.sharing.flags import may_look_up_flags
from safeguarding.sharing.models import Notification


def notifications(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)

    def unread() -> int:
        if user is None or not user.is_authenticated:
            return 0
        return Notification.objects.filter(recipient_id=user.pk, read_at__isnull=True).count()

    def may_check_status() -> bool:
        # Reads user.agency, which the page's "Signed in as" line reads anyway.
        return user is not None and may_look_up_flags(user)

    return {
        "unread_notifications": SimpleLazyObject(unread),
        "may_check_status": SimpleLazyObject(may_check_status),
    }
