"""Match weights in words, for the people who decide on a match.

A match weight is a log2 Bayes factor, in bits: +3 makes a match 8 times more likely, +8
256 times. People choosing between children need "how strongly" in words, not numbers; the
bands are ours, chosen so that a single agreeing detail rarely reads as strong:
at least 8 bits strong, at least 3 moderate, any other non-zero weight weak.
"""

from django import template

register = template.Library()

STRONG = 8.0
MODERATE = 3.0
# Weights are shown to one decimal place: below this, a level says nothing either way.
NEUTRAL = 0.05


@register.filter
def evidence(weight: float) -> str:
    """ "Strong evidence for a match", "Weak evidence against a match", "No evidence either way"."""
    size = abs(float(weight))
    if size < NEUTRAL:
        return "No evidence either way"
    band = "Strong" if size >= STRONG else "Moderate" if size >= MODERATE else "Weak"
    return f"{band} evidence {'for' if weight > 0 else 'against'} a match"


@register.filter
def signed_weight(weight: float) -> str:
    """+4.9, -2.6, 0.0: the sign always shown, so the direction never depends on colour."""
    value = round(float(weight), 1)
    return "0.0" if value == 0 else f"{value:+.1f}"


@register.filter
def percent(probability: float) -> str:
    """A match probability as people read it, never rounded to a certainty it is not:
    "99.9%", "more than 99.9%", "less than 0.1%"."""
    p = float(probability)
    if p > 0.999:
        return "more than 99.9%"
    if p < 0.001:
        return "less than 0.1%"
    return f"{p * 100:.1f}%"


@register.filter
def one_in(chance: float) -> str:
    """A small chance as people read it: 0.0009765 -> "1 in 1,024"."""
    value = float(chance)
    if value <= 0:
        return "less than 1 in a billion"
    return f"1 in {round(1 / value):,}"


@register.filter
def thousands(value: int) -> str:
    """12345 -> "12,345"."""
    return f"{int(value):,}"
