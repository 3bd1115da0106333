from django.urls import path

from safeguarding.encompass import views

app_name = "encompass"

urlpatterns = [
    path("operation-encompass/", views.queue, name="queue"),
    path("operation-encompass/notifications/<int:pk>/", views.notification, name="notification"),
    path("operation-encompass/notifications/<int:pk>/acknowledge/", views.acknowledge, name="acknowledge"),
    path("operation-encompass/notifications/<int:pk>/support/", views.support_record, name="support-record"),
    path("operation-encompass/incidents/new/", views.incident_new, name="incident-new"),
    path("operation-encompass/incidents/<int:pk>/", views.incident, name="incident"),
    path("operation-encompass/incidents/<int:pk>/children/new/", views.incident_child_new, name="incident-child-new"),
    # Chronology entries: (child_id, the row's own id).
    path(
        "children/<int:child_id>/operation-encompass/incidents/<int:pk>/",
        views.incident_entry,
        name="incident-entry",
    ),
    path(
        "children/<int:child_id>/operation-encompass/acknowledgements/<int:pk>/",
        views.step_entry,
        {"step": "acknowledgement"},
        name="acknowledgement",
    ),
    path(
        "children/<int:child_id>/operation-encompass/support/<int:pk>/",
        views.step_entry,
        {"step": "support"},
        name="support",
    ),
    path(
        "children/<int:child_id>/operation-encompass/escalations/<int:pk>/",
        views.step_entry,
        {"step": "escalation"},
        name="escalation",
    ),
]
