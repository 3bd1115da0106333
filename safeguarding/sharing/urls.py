from django.urls import path

from safeguarding.sharing import flag_views, notification_views, views
from safeguarding.sharing.share_views import share_urlpatterns
from safeguarding.sharing.subject_access_views import subject_access_urlpatterns

app_name = "sharing"

urlpatterns = [
    path("letters/", views.letters, name="letters"),
    path("children/<int:child_id>/letters/<int:pk>/", views.letter, name="letter"),
    *share_urlpatterns,
    # Subject access (issue 5, item 5).
    *subject_access_urlpatterns,
    # Status flags and notifications (issue 5, item 2).
    path("flags/", flag_views.flag_check, name="flags"),
    path("notifications/", notification_views.notifications, name="notifications"),
    path("notifications/read/", notification_views.notifications_read_all, name="notifications-read-all"),
    path("notifications/<int:pk>/read/", notification_views.notification_read, name="notification-read"),
]
