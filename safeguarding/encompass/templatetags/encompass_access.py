"""Which Operation Encompass links a page shows. The rules are encompass/permissions.py's;
the views check them again."""

from typing import Any

from django import template

from safeguarding.encompass import permissions

register = template.Library()


@register.filter
def is_encompass_key_adult(user: Any) -> bool:
    return permissions.is_key_adult(user)


@register.filter
def may_record_encompass_incident(user: Any) -> bool:
    return permissions.may_record_incident(user)
