"""Needs an early help assessment may identify.

The list of children who may benefit from early help, in Working Together 2023 chapter 2
(`../shared/DOMAIN.md`, "Early help"). Keys are stored on EarlyHelpAssessment.needs; labels
are the guidance's own words.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Need:
    key: str
    label: str


NEEDS: tuple[Need, ...] = (
    Need("disability_sen", "Disabled or has special educational needs"),
    Need("mental_health", "Has mental health needs"),
    Need("young_carer", "Is a young carer"),
    Need("antisocial_criminal", "Drawn into anti-social or criminal behaviour (gangs, county lines)"),
    Need("missing", "Goes missing from home, care or education"),
    Need("exclusion", "Has multiple suspensions or is at risk of exclusion"),
    Need("exploitation", "At risk of modern slavery, trafficking or exploitation"),
    Need("parent_in_custody", "Has a parent in custody"),
    Need("substance_misuse", "Lives with substance misuse"),
    Need("adult_mental_health", "Lives with adult mental ill-health"),
    Need("domestic_abuse", "Lives with domestic abuse"),
    Need("returned_from_care", "Has returned home from care"),
    Need("honour_based_abuse", "At risk of honour-based abuse (FGM, forced marriage)"),
    Need("privately_fostered", "Is privately fostered"),
    Need("persistently_absent", "Is persistently absent from education"),
    Need("bereaved", "Is bereaved"),
    Need("online_harm", "Views harmful content or forms risky relationships online"),
)

NEED_KEYS = frozenset(n.key for n in NEEDS)
_LABELS = {n.key: n.label for n in NEEDS}


def need_label(key: str) -> str:
    return _LABELS.get(key, key)


def need_choices() -> list[tuple[str, str]]:
    return [(n.key, n.label) for n in NEEDS]
