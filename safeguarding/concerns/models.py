"""Concerns from any agency, other agencies' events, and the multi-agency chronology."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class Category(models.TextChoices):
    PHYSICAL_ABUSE = "physical_abuse", "Physical abuse"
    EMOTIONAL_ABUSE = "emotional_abuse", "Emotional abuse"
    SEXUAL_ABUSE = "sexual_abuse", "Sexual abuse"
    NEGLECT = "neglect", "Neglect"
    DOMESTIC_ABUSE = "domestic_abuse", "Domestic abuse"
    CRIMINAL_EXPLOITATION = "criminal_exploitation", "Criminal exploitation"
    SEXUAL_EXPLOITATION = "sexual_exploitation", "Sexual exploitation"
    ONLINE_HARM = "online_harm", "Online harm"
    RADICALISATION = "radicalisation", "Radicalisation"
    FGM = "fgm", "Female genital mutilation (FGM)"
    TRAFFICKING = "trafficking", "Trafficking"
    MISSING = "missing", "Missing"
    HARM_OUTSIDE_HOME = "harm_outside_home", "Harm outside the home"
    OTHER = "other", "Other"


class BodyRegion(models.TextChoices):
    """Regions of the simple body map (front and back views)."""

    HEAD_FRONT = "head_front", "Head and face (front)"
    NECK_FRONT = "neck_front", "Neck (front)"
    CHEST = "chest", "Chest"
    ABDOMEN = "abdomen", "Abdomen"
    GENITAL_AREA = "genital_area", "Genital area"
    LEFT_ARM = "left_arm", "Left arm"
    RIGHT_ARM = "right_arm", "Right arm"
    LEFT_HAND = "left_hand", "Left hand"
    RIGHT_HAND = "right_hand", "Right hand"
    LEFT_LEG = "left_leg", "Left leg"
    RIGHT_LEG = "right_leg", "Right leg"
    LEFT_FOOT = "left_foot", "Left foot"
    RIGHT_FOOT = "right_foot", "Right foot"
    HEAD_BACK = "head_back", "Head (back)"
    NECK_BACK = "neck_back", "Neck (back)"
    UPPER_BACK = "upper_back", "Upper back"
    LOWER_BACK = "lower_back", "Lower back"
    BUTTOCKS = "buttocks", "Buttocks"
    BACK_OF_LEGS = "back_of_legs", "Back of legs"


class Concern(models.Model):
    """A concern recorded by a practitioner. Never edited: see ConcernAmendment."""

    child = models.ForeignKey("people.Child", on_delete=models.PROTECT, related_name="concerns")
    agency = models.ForeignKey("access.Agency", on_delete=models.PROTECT, related_name="concerns")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="concerns")
    occurred_at = models.DateTimeField(help_text="When it happened, or was seen or heard")
    recorded_at = models.DateTimeField(default=timezone.now)
    what_happened = models.TextField()
    childs_words = models.TextField(blank=True)
    categories = models.JSONField(default=list)
    immediate_danger = models.BooleanField(default=False)
    action_taken = models.TextField()
    injury_locations = models.JSONField(default=list, blank=True)
    injury_description = models.TextField(blank=True)

    class Meta:
        ordering = ["-occurred_at"]


class ConcernAmendment(models.Model):
    """A correction: the fields changed, from what to what, why and by whom. Both stay."""

    concern = models.ForeignKey(Concern, on_delete=models.PROTECT, related_name="amendments")
    amended_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    amended_at = models.DateTimeField(default=timezone.now)
    reason = models.TextField()
    changes = models.JSONField(help_text='{"field": {"old": ..., "new": ...}}')

    class Meta:
        ordering = ["amended_at", "id"]


class AgencyEventKind(models.TextChoices):
    AE_ATTENDANCE = "ae_attendance", "A&E attendance"
    POLICE_INCIDENT = "police_incident", "Police incident"
    GP_APPOINTMENT = "gp_appointment", "GP appointment"
    HEALTH_VISIT = "health_visit", "Health visitor contact"
    SCHOOL_ABSENCE = "school_absence", "School absence"
    MISSING_EPISODE = "missing_episode", "Missing episode"
    MISSING_EDUCATION = "missing_education", "Child missing education"


class AgencyEvent(models.Model):
    """Something an agency's own system knows about a child that is not itself a concern:
    an A&E attendance, a police incident, a health visit. Feeds (linkage) write these."""

    child = models.ForeignKey("people.Child", on_delete=models.PROTECT, related_name="agency_events")
    agency = models.ForeignKey("access.Agency", on_delete=models.PROTECT, related_name="events")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(max_length=30, choices=AgencyEventKind.choices)
    occurred_at = models.DateTimeField()
    recorded_at = models.DateTimeField(default=timezone.now)
    summary = models.TextField()
    injury = models.BooleanField(default=False)
    categories = models.JSONField(default=list, blank=True)
    source_reference = models.CharField(max_length=100, blank=True)


class ChronologyEntry(models.Model):
    """The read model: one row per thing that happened, whatever app recorded it.

    Written only by `concerns.chronology.chronology_record`; each kind is registered once
    (`concerns.chronology.register_kind`).
    """

    child = models.ForeignKey("people.Child", on_delete=models.CASCADE, related_name="chronology")
    kind = models.CharField(max_length=40)
    agency = models.ForeignKey("access.Agency", on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    author_label = models.CharField(max_length=200, blank=True)
    occurred_at = models.DateTimeField()
    recorded_at = models.DateTimeField()
    summary = models.TextField()
    categories = models.JSONField(default=list, blank=True)
    immediate_danger = models.BooleanField(default=False)
    injury = models.BooleanField(default=False)
    amended = models.BooleanField(default=False)
    source_type = models.CharField(max_length=60)
    source_id = models.BigIntegerField()

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["child", "-occurred_at", "-id"]),
            models.Index(fields=["child", "agency", "-occurred_at"]),
            models.Index(fields=["child", "kind", "-occurred_at"]),
            models.Index(fields=["source_type", "source_id"]),
        ]
        verbose_name_plural = "chronology entries"


class ChronologyCategory(models.Model):
    """Categories of an entry, one row each, so filtering by category is an indexed join."""

    entry = models.ForeignKey(ChronologyEntry, on_delete=models.CASCADE, related_name="category_rows")
    code = models.CharField(max_length=40)

    class Meta:
        indexes = [models.Index(fields=["code", "entry"])]


class LawfulBasis(models.TextChoices):
    """UK GDPR Article 6 basis of a share. Special-category data (health, sexual life,
    ethnicity) also rely on DPA 2018 Schedule 1 paragraph 18, safeguarding of children and
    of individuals at risk. Consent is usually not the right basis (DOMAIN.md)."""

    PUBLIC_TASK = "public_task", "Public task (UK GDPR Article 6(1)(e))"
    LEGAL_OBLIGATION = "legal_obligation", "Legal obligation (UK GDPR Article 6(1)(c))"
    VITAL_INTERESTS = "vital_interests", "Vital interests (UK GDPR Article 6(1)(d))"
    CONSENT = "consent", "Consent (UK GDPR Article 6(1)(a))"


class ChronologyShare(models.Model):
    """An entry shared with another agency: that agency's practitioners may then see it."""

    entry = models.ForeignKey(ChronologyEntry, on_delete=models.CASCADE, related_name="shares")
    agency = models.ForeignKey("access.Agency", on_delete=models.PROTECT, related_name="+")
    shared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    shared_at = models.DateTimeField(default=timezone.now)
    reason = models.TextField()
    lawful_basis = models.CharField(max_length=20, choices=LawfulBasis.choices, default=LawfulBasis.PUBLIC_TASK)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["entry", "agency"], name="share_unique")]


class SignalRule(models.Model):
    """Thresholds of one signal rule (concerns/signal_rules.py); reference data in admin."""

    key = models.SlugField(max_length=50, unique=True)
    enabled = models.BooleanField(default=True)
    params = models.JSONField(default=dict, blank=True)

    def __str__(self) -> str:
        return self.key


class ChildSignal(models.Model):
    """A pattern found in a child's chronology. Points a person at entries; decides nothing."""

    child = models.ForeignKey("people.Child", on_delete=models.CASCADE, related_name="signals")
    rule = models.SlugField(max_length=50)
    reason = models.TextField()
    raised_at = models.DateTimeField(default=timezone.now)
    cleared_at = models.DateTimeField(null=True, blank=True)
    entries = models.ManyToManyField(ChronologyEntry, related_name="signals", blank=True)

    class Meta:
        ordering = ["-raised_at"]
        indexes = [models.Index(fields=["child", "cleared_at"]), models.Index(fields=["cleared_at", "-raised_at"])]
