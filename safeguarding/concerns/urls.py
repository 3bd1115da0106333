from django.urls import path

from safeguarding.concerns import signal_views

app_name = "concerns"

urlpatterns = [
    # Recording concerns (concerns/views.py):
    #   children/<int:child_id>/concerns/new/                 name="record"
    #   concerns/new/  (a child not yet in the index)         name="record-new-child"
    #   children/<int:child_id>/concerns/<int:pk>/            name="detail"
    #   children/<int:child_id>/concerns/<int:pk>/amend/      name="amend"
    #   children/<int:child_id>/events/<int:pk>/              name="event-detail"
    path("signals/", signal_views.signals_index, name="signals"),
]
