from django.urls import path

from safeguarding.linkage import review_views

app_name = "linkage"

urlpatterns = [
    path("review/", review_views.review_queue, name="review"),
    path("review/<int:pk>/", review_views.review_pair, name="review-pair"),
    path("review/<int:pk>/merge/", review_views.review_merge, name="review-merge"),
    path("review/<int:pk>/not-the-same-child/", review_views.review_distinct, name="review-distinct"),
    path("merges/", review_views.merge_list, name="merges"),
    path("merges/<int:pk>/undo/", review_views.merge_undo, name="merge-undo"),
]
