"""Who may do what with identity linkage.

Merging two child records shows one child's history on another's record if it is wrong, so
it is a decision for the people who already see every child's record and decide at the
front door (MASH) or manage a service: `covers_whole_la` and (`may_decide_referrals` or
`is_manager`). Feeds are imported by anyone in the agency that sent them, or by those
reviewers; model training and thresholds are a reviewer's decision too.
"""

from safeguarding.access.models import Agency, User


def may_review_links(user: User) -> bool:
    role = getattr(user, "role", None)
    if not user.is_active or role is None:
        return False
    return bool(role.covers_whole_la and (role.may_decide_referrals or role.is_manager))


def may_import_feed(user: User, agency: Agency) -> bool:
    return may_review_links(user) or (user.is_active and user.agency_id == agency.pk)
