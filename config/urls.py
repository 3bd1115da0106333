from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Safeguarding partnership: reference data"

urlpatterns = [
    path("", include("safeguarding.web.urls")),
    path("children/", include("safeguarding.people.urls")),
    path("", include("safeguarding.concerns.urls")),
    path("", include("safeguarding.frontdoor.urls")),
    path("", include("safeguarding.earlyhelp.urls")),
    path("", include("safeguarding.assessments.urls")),
    path("", include("safeguarding.protection.urls")),
    path("", include("safeguarding.sharing.urls")),
    path("", include("safeguarding.pathway.urls")),
    path("linkage/", include("safeguarding.linkage.urls")),
    path("", include("safeguarding.encompass.urls")),
    path("audit/", include("safeguarding.audit.urls")),
    path("api/v1/", include("safeguarding.api.urls")),
    path("admin/", admin.site.urls),
]
