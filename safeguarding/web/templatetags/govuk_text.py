"""Text filters for GOV.UK-style sentences."""

from django import template

register = template.Library()


@register.filter
def in_sentence(label: str) -> str:
    """A label as it reads mid-sentence: "Police incident" -> "police incident", but
    acronyms stay as they are: "A&E attendance", "GP appointment"."""
    text = str(label)
    first = text.split(" ", 1)[0]
    letters = first.replace("&", "")
    if len(letters) > 1 and letters.isupper():
        return text
    return text[:1].lower() + text[1:]
