"""Who may read a letter: the person or agency it is addressed to, and those who may read the
child's whole record (the front door, social care, the child's team)."""

from safeguarding.access.models import User
from safeguarding.access.permissions import Basis
from safeguarding.sharing.models import Letter


def may_read_letter(*, user: User, letter: Letter, basis: Basis) -> bool:
    if basis.sees_whole_chronology:
        return True
    if letter.recipient_user_id is not None and letter.recipient_user_id == user.pk:
        return True
    return letter.recipient_agency_id is not None and letter.recipient_agency_id == user.agency_id
