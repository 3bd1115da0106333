"""The agency API, version 1 (included at /api/v1/ by config/urls.py)."""

from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from safeguarding.api import flag_views, views

app_name = "api"

urlpatterns = [
    path("oauth/token/", views.TokenView.as_view(), name="token"),
    path("concerns/", views.ConcernCreate.as_view(), name="concerns"),
    path("referrals/", views.ReferralListCreate.as_view(), name="referrals"),
    path("referrals/<int:pk>/", views.ReferralDetail.as_view(), name="referral"),
    path("feed-records/", views.FeedRecordCreate.as_view(), name="feed-records"),
    path("status-flags/search/", flag_views.StatusFlagSearch.as_view(), name="status-flag-search"),
    path("fhir/Flag", flag_views.FhirFlagSearchGet.as_view(), name="fhir-flag"),
    path("fhir/Flag/_search", flag_views.FhirFlagSearchPost.as_view(), name="fhir-flag-search"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api:schema"), name="redoc"),
    re_path(r"^.*$", views.not_found),
]
