"""`{% entry_share_url source as url %}`: the "Share with another agency" link of a detail
page, empty when the signed-in user may not share the entry. The rule is
`concerns.sharing.may_share_entry`; this tag only asks it."""

from typing import Any

from django import template
from django.db import models

from safeguarding.access.models import User
from safeguarding.concerns.sharing import entry_share_url as _entry_share_url

register = template.Library()


@register.simple_tag(takes_context=True)
def entry_share_url(context: dict[str, Any], source: models.Model) -> str:
    request = context.get("request")
    user = getattr(request, "user", None)
    if not isinstance(user, User):
        return ""
    return _entry_share_url(user=user, source=source)
