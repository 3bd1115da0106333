"""The project's URLs with the model management pages wired under /linkage/model/, as
`safeguarding/linkage/urls.py` is to include them, for tests run before that wiring lands."""

from django.urls import URLPattern, URLResolver, include, path

from config import urls as project
from safeguarding.linkage import urls as linkage
from safeguarding.linkage.model_views import model_urlpatterns

_wired = any(str(p.pattern) == "model/" for p in linkage.urlpatterns)
_linkage: list[URLPattern | URLResolver] = [*linkage.urlpatterns]
if not _wired:
    _linkage.append(path("model/", include(model_urlpatterns)))

urlpatterns = [p for p in project.urlpatterns if str(p.pattern) != "linkage/"]
urlpatterns.append(path("linkage/", include((_linkage, "linkage"))))
