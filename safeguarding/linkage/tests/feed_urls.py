"""The site's URLs with the feed pages in the `linkage` namespace, for the feed view tests,
whether or not `linkage/urls.py` includes them yet."""

from django.urls import URLResolver, include, path

from config.urls import urlpatterns as site
from safeguarding.linkage import urls as linkage_urls
from safeguarding.linkage.feed_views import feed_urlpatterns

_names = {getattr(p, "name", None) for p in linkage_urls.urlpatterns}
_linkage = [*linkage_urls.urlpatterns, *(p for p in feed_urlpatterns if p.name not in _names)]

urlpatterns = [
    path("linkage/", include((_linkage, "linkage"))),
    *(p for p in site if not (isinstance(p, URLResolver) and p.namespace == "linkage")),
]
