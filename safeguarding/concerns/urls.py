from django.urls import path

from safeguarding.concerns import share_views, signal_views, views

app_name = "concerns"

urlpatterns = [
    path("children/<int:child_id>/concerns/new/", views.record, name="record"),
    path("concerns/new/", views.record_new_child, name="record-new-child"),
    path("children/<int:child_id>/concerns/<int:pk>/", views.detail, name="detail"),
    path("children/<int:child_id>/concerns/<int:pk>/amend/", views.amend, name="amend"),
    path("children/<int:child_id>/events/<int:pk>/", views.event_detail, name="event-detail"),
    path("signals/", signal_views.signals_index, name="signals"),
    path("children/<int:child_id>/entries/<int:entry_id>/share/", share_views.share_entry, name="share-entry"),
]
