from django.urls import include, path

from safeguarding.linkage import review_views
from safeguarding.linkage.feed_views import feed_urlpatterns
from safeguarding.linkage.model_views import model_urlpatterns

app_name = "linkage"

urlpatterns = [
    path("review/", review_views.review_queue, name="review"),
    path("review/<int:pk>/", review_views.review_pair, name="review-pair"),
    path("review/<int:pk>/merge/", review_views.review_merge, name="review-merge"),
    path("review/<int:pk>/not-the-same-child/", review_views.review_distinct, name="review-distinct"),
    path("merges/", review_views.merge_list, name="merges"),
    path("merges/<int:pk>/undo/", review_views.merge_undo, name="merge-undo"),
    path("model/", include(model_urlpatterns)),
    *feed_urlpatterns,
]
