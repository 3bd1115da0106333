"""Identity linkage: the trained model, every agency record of a person and the child it
was linked to, the clerical review queue, merges (and their undoing) and batch feeds.

A link is evidence, never silent: each `SourceRecord` says how it was linked (an exact
identifier, the model above the auto-link threshold, a person's choice, a reviewer's merge)
and with what match weight under which model version.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone


class LinkageModel(models.Model):
    """A trained Splink model. A retrain adds a version; versions are never edited."""

    version = models.PositiveIntegerField(unique=True)
    # Splink's settings dictionary, with the trained m and u probabilities of every level.
    splink_settings = models.JSONField()
    trained_at = models.DateTimeField(default=timezone.now)
    trained_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    trained_on_records = models.PositiveIntegerField()
    # Match weights (log2 Bayes factors). At or above auto_link_weight a pair links without a
    # person; from review_weight up to it, the pair goes to the clerical review queue.
    auto_link_weight = models.FloatField()
    review_weight = models.FloatField()
    is_active = models.BooleanField(default=False)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(fields=["is_active"], condition=Q(is_active=True), name="one_active_linkage_model"),
            models.CheckConstraint(condition=Q(review_weight__lt=F("auto_link_weight")), name="review_below_auto_link"),
        ]

    def __str__(self) -> str:
        return f"Linkage model version {self.version}"


class FeedKind(models.TextChoices):
    SCHOOL_ROLL = "school_roll", "School roll"
    GP_REGISTRATION = "gp_registration", "GP registrations"
    AE_ATTENDANCE = "ae_attendance", "A&E attendances"
    POLICE_INCIDENT = "police_incident", "Police incident notifications"
    PERSON_FILE = "person_file", "Other person file (column mapping)"


class RecordSource(models.TextChoices):
    """Where a source record came from: a feed, or a person or system entering one record."""

    SCHOOL_ROLL = "school_roll", "School roll"
    GP_REGISTRATION = "gp_registration", "GP registration"
    AE_ATTENDANCE = "ae_attendance", "A&E attendance"
    POLICE_INCIDENT = "police_incident", "Police incident"
    PERSON_FILE = "person_file", "Person file"
    ENTRY = "entry", "Entered by a practitioner"
    API = "api", "Agency system (API)"


class LinkMethod(models.TextChoices):
    IDENTIFIER = "identifier", "Exact identifier (NHS number, UPN or LA child ID)"
    AUTO = "auto", "Model, above the auto-link threshold"
    CHOSEN = "chosen", "Chosen by the person entering it"
    CLERICAL = "clerical", "Clerical review"
    NEW = "new", "No match: new child"


class FeedStatus(models.TextChoices):
    QUEUED = "queued", "Waiting to start"
    RUNNING = "running", "Importing"
    DONE = "done", "Finished"
    FAILED = "failed", "Stopped with an error"


class FeedImport(models.Model):
    """One CSV extract an agency sent. The file is kept (as text) so that an interrupted import
    resumes from `rows_done`; the same file twice (by SHA-256) is refused, and each row is
    idempotent by its source key as well."""

    agency = models.ForeignKey("access.Agency", on_delete=models.PROTECT, related_name="feed_imports")
    kind = models.CharField(max_length=20, choices=FeedKind.choices)
    file_name = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    content = models.TextField()
    # Our field name -> the file's column heading.
    mapping = models.JSONField(default=dict)
    status = models.CharField(max_length=10, choices=FeedStatus.choices, default=FeedStatus.QUEUED)
    total_rows = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    rows_linked = models.PositiveIntegerField(default=0)
    rows_new = models.PositiveIntegerField(default=0)
    rows_review = models.PositiveIntegerField(default=0)
    rows_unchanged = models.PositiveIntegerField(default=0)
    rows_rejected = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-uploaded_at"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "kind", "sha256"], name="feed_file_once"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.file_name}"


class FeedRejection(models.Model):
    feed_import = models.ForeignKey(FeedImport, on_delete=models.CASCADE, related_name="rejections")
    row_number = models.PositiveIntegerField(help_text="1 is the first row after the headings")
    reason = models.TextField()
    row = models.JSONField(default=dict)

    class Meta:
        ordering = ["row_number"]
        constraints = [
            models.UniqueConstraint(fields=["feed_import", "row_number"], name="feed_rejection_once"),
        ]


class SourceRecord(models.Model):
    """One agency's record of a child as it arrived, and the child it is linked to. The fields
    are kept as received (normalised), so that the model can be retrained and a merge undone
    on evidence."""

    agency = models.ForeignKey("access.Agency", on_delete=models.PROTECT, related_name="source_records")
    source = models.CharField(max_length=20, choices=RecordSource.choices)
    # The agency's own key for this record of the person (a UPN, an NHS number, a hospital
    # number, a police person reference, a row key): unique per agency and source.
    source_key = models.CharField(max_length=200)
    first_name = models.CharField(max_length=100, blank=True)
    middle_names = models.CharField(max_length=200, blank=True)
    last_name = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    sex = models.CharField(max_length=1, blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    address = models.CharField(max_length=300, blank=True)
    school = models.CharField(max_length=200, blank=True)
    nhs_number = models.CharField(max_length=10, blank=True)
    upn = models.CharField(max_length=13, blank=True)
    la_child_id = models.CharField(max_length=20, blank=True)
    child = models.ForeignKey("people.Child", on_delete=models.PROTECT, related_name="source_records")
    link_method = models.CharField(max_length=10, choices=LinkMethod.choices)
    match_weight = models.FloatField(null=True, blank=True)
    model = models.ForeignKey(LinkageModel, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    feed_import = models.ForeignKey(
        FeedImport, null=True, blank=True, on_delete=models.SET_NULL, related_name="source_records"
    )
    received_at = models.DateTimeField(default=timezone.now)
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-received_at"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "source", "source_key"], name="source_record_once"),
        ]

    def __str__(self) -> str:
        return f"{self.get_source_display()} record {self.source_key}"


class ReviewStatus(models.TextChoices):
    OPEN = "open", "Waiting for review"
    MERGED = "merged", "Same child: merged"
    DISTINCT = "distinct", "Not the same child"


class ReviewPair(models.Model):
    """Two children the model scored between the review and auto-link thresholds. A reviewer
    merges them or records that they are different children, which stops the pair being
    queued, or auto-linked, again."""

    child_a = models.ForeignKey("people.Child", on_delete=models.PROTECT, related_name="+")
    child_b = models.ForeignKey("people.Child", on_delete=models.PROTECT, related_name="+")
    match_weight = models.FloatField()
    match_probability = models.FloatField()
    # One item per comparison: {"comparison", "level", "weight"}: the reasons shown side by side.
    comparison = models.JSONField(default=list)
    model = models.ForeignKey(LinkageModel, on_delete=models.PROTECT, related_name="+")
    found_at = models.DateTimeField(default=timezone.now)
    found_by = models.CharField(max_length=200, blank=True, help_text="The feed, entry or batch run")
    status = models.CharField(max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.OPEN)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-match_weight", "id"]
        constraints = [
            models.UniqueConstraint(fields=["child_a", "child_b"], name="review_pair_once"),
            models.CheckConstraint(condition=Q(child_a__lt=F("child_b")), name="review_pair_ordered"),
        ]
        indexes = [models.Index(fields=["status", "-match_weight"])]


class ChildMerge(models.Model):
    """Two child records found to be one child. Every row that pointed at the merged child
    was moved to the survivor, and `moved` lists them ({"app.Model": [pk, ...]}) so that an
    unmerge puts back exactly those rows. The merged child is kept, with `merged_into` set."""

    survivor = models.ForeignKey("people.Child", on_delete=models.PROTECT, related_name="+")
    merged = models.ForeignKey("people.Child", on_delete=models.PROTECT, related_name="+")
    review_pair = models.ForeignKey(ReviewPair, null=True, blank=True, on_delete=models.PROTECT, related_name="merges")
    reason = models.TextField()
    moved = models.JSONField(default=dict)
    # Identifiers the survivor lacked and took from the merged child: {"nhs_number": "..."}.
    identifiers_moved = models.JSONField(default=dict)
    merged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    merged_at = models.DateTimeField(default=timezone.now)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    undone_at = models.DateTimeField(null=True, blank=True)
    undo_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-merged_at"]
        constraints = [
            models.CheckConstraint(condition=~Q(survivor=F("merged")), name="merge_two_children"),
            models.UniqueConstraint(
                fields=["merged"], condition=Q(undone_at__isnull=True), name="merged_once_at_a_time"
            ),
        ]
