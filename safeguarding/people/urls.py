from django.urls import path

from safeguarding.people import amend_views, views

app_name = "people"

urlpatterns = [
    path("", views.search, name="search"),
    path("<int:child_id>/", views.record, name="record"),
    path("<int:child_id>/chronology.pdf", views.chronology_pdf, name="chronology-pdf"),
    path("<int:child_id>/emergency-access/", views.break_glass, name="break-glass"),
    path("<int:child_id>/details/amend/", amend_views.amend_details, name="amend-details"),
    path("<int:child_id>/details/history/", amend_views.details_history, name="details-history"),
    path("<int:child_id>/names/new/", amend_views.name_add, name="name-add"),
    path("<int:child_id>/name/change/", amend_views.name_change, name="name-change"),
    path("<int:child_id>/addresses/new/", amend_views.address_move, name="address-move"),
    path("<int:child_id>/family/new/", amend_views.relationship_add_view, name="relationship-add"),
    path("<int:child_id>/family/<int:rel_id>/end/", amend_views.relationship_end_view, name="relationship-end"),
]
