"""The information sharing demo (synthetic/sharing.py): written through the services, so each
piece is what a person doing it would leave, audited."""

from safeguarding.audit.models import Action, AuditEvent
from safeguarding.encompass.models import EncompassAcknowledgement, EncompassNotification, EncompassSupport
from safeguarding.sharing.models import FlagLookup, InformationShare, Notification, ShareDecision
from safeguarding.synthetic.sharing import seed_sharing


def test_the_social_worker_is_told_of_two_status_checks_from_unscheduled_care(seed):
    seed(sharing=True)
    lookups = FlagLookup.objects.select_related("agency", "looked_by", "notified").order_by("looked_at")
    assert [(lk.looked_by.username, lk.agency.kind) for lk in lookups] == [
        ("gp", "gp_practice"),
        ("aenurse", "hospital"),
    ]
    assert {lk.notified.username for lk in lookups} == {"socialworker"}
    assert all(lk.answer["statuses"][0]["code"] == "cp_plan" for lk in lookups)
    told = Notification.objects.filter(recipient__username="socialworker", kind="flag_lookup")
    assert told.count() == 2
    assert AuditEvent.objects.filter(action=Action.VIEW, detail__what="status flag").count() == 2


def test_the_dsl_has_recorded_a_share_and_a_decision_not_to_share_about_mason(seed):
    seed(sharing=True)
    shares = InformationShare.objects.select_related("child", "decided_by", "with_agency").order_by("decided_on")
    assert [(s.decision, s.decided_by.username, s.child.display_name) for s in shares] == [
        (ShareDecision.SHARED, "dsl", "Mason Reid"),
        (ShareDecision.NOT_SHARED, "dsl", "Mason Reid"),
    ]
    shared, not_shared = shares
    assert shared.with_agency is not None and shared.with_agency.kind == "gp_practice"
    assert shared.consent_reason and shared.family_not_told_reason
    assert not_shared.with_agency is None and not_shared.lawful_basis == ""
    assert AuditEvent.objects.filter(action=Action.CREATE, object_type="sharing.informationshare").count() == 2


def test_riverside_has_one_encompass_notification_waiting_and_one_acknowledged_with_support(seed):
    seed(sharing=True)
    notifications = EncompassNotification.objects.select_related("school", "incident_child__child")
    assert {n.school.name for n in notifications} == {"Riverside Academy"}
    assert {n.incident_child.child.display_name for n in notifications} == {"Mason Reid", "Noah Fletcher"}
    acknowledged = EncompassAcknowledgement.objects.select_related("notification__incident_child__child").get()
    assert acknowledged.notification.incident_child.child.display_name == "Noah Fletcher"
    assert EncompassSupport.objects.filter(notification=acknowledged.notification).count() == 1


def test_seeding_twice_adds_nothing(seed):
    seed(sharing=True)
    counts = (InformationShare.objects.count(), FlagLookup.objects.count(), EncompassNotification.objects.count())
    again = seed_sharing()
    assert (again.shares, again.lookups, again.incidents) == (0, 0, 0)
    assert counts == (
        InformationShare.objects.count(),
        FlagLookup.objects.count(),
        EncompassNotification.objects.count(),
    )
