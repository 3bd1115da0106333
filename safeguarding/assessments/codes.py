"""CIN census "factors identified at the end of assessment" (`AssessmentFactors`).

Codes and descriptions are the DfE's, as in the CIN census schema (reference/cin_census/
CIN_schema_2025.xsd and 2026, type `assessmentfactorstype`) and ../shared/DOMAIN.md. The
suffix says whose factor it is: A the child, B the parent(s) or carer(s), C another person
in the household. 18A and 19A were replaced by 18B/18C and 19B/19C (who harmed the child);
they are kept only so that older records still read, and are not offered for new
assessments.
"""

from dataclasses import dataclass

NO_FACTORS = "21"


@dataclass(frozen=True)
class Factor:
    code: str
    group: str  # the question the form asks it under
    option: str  # the checkbox label, read after the group's legend
    label: str  # on its own, on the assessment page and in lists
    census: str  # the DfE description


_WHO = {
    "A": ("The child", "the child"),
    "B": ("A parent or carer", "the parent(s) or carer(s)"),
    "C": ("Another person in the household", "another person in the household"),
}

# Factors 1 to 6 are asked about the child, the parent(s) or carer(s) and the household.
_BY_PERSON = (
    ("1", "Alcohol misuse", "Alcohol misuse: concerns about alcohol misuse by {who}"),
    ("2", "Drug misuse", "Drug misuse: concerns about drug misuse by {who}"),
    ("3", "Domestic abuse", "Domestic violence: concerns about {who} being the subject of domestic violence"),
    ("4", "Mental health", "Mental health: concerns about the mental health of {who}"),
    ("5", "Learning disability", "Learning disability: concerns about the learning disability of {who}"),
    ("6", "Physical disability or illness", "Physical disability or illness: concerns about {who}"),
)

ABUSE = "Abuse or neglect"
OUTSIDE = "Harm outside the home and exploitation"
CIRCUMSTANCES = "The child's circumstances"
OTHER = "Other"

_SINGLE: tuple[tuple[str, str, str, str], ...] = (
    # code, group, label, census description
    ("16A", ABUSE, "Neglect", "Abuse or neglect - 'NEGLECT'"),
    ("17A", ABUSE, "Emotional abuse", "Abuse or neglect - 'EMOTIONAL ABUSE'"),
    ("18B", ABUSE, "Physical abuse by another child", "Abuse or neglect - 'PHYSICAL ABUSE' (child on child)"),
    ("18C", ABUSE, "Physical abuse by an adult", "Abuse or neglect - 'PHYSICAL ABUSE' (adult on child)"),
    ("19B", ABUSE, "Sexual abuse by another child", "Abuse or neglect - 'SEXUAL ABUSE' (child on child)"),
    ("19C", ABUSE, "Sexual abuse by an adult", "Abuse or neglect - 'SEXUAL ABUSE' (adult on child)"),
    ("22A", ABUSE, "Female genital mutilation (FGM)", "Female genital mutilation (FGM)"),
    ("23A", ABUSE, "Abuse linked to faith or belief", "Abuse linked to faith or belief"),
    ("10A", OUTSIDE, "Going or being missing", "Missing: the child may be at risk of harm due to going/being missing"),
    ("11A", OUTSIDE, "Child sexual exploitation", "Child sexual exploitation"),
    ("24A", OUTSIDE, "Child criminal exploitation", "Child criminal exploitation"),
    ("12A", OUTSIDE, "Trafficking", "Trafficking"),
    ("13A", OUTSIDE, "Gangs", "Gangs: involvement in/with gangs"),
    ("14A", OUTSIDE, "Socially unacceptable behaviour", "Socially unacceptable behaviour"),
    ("15A", OUTSIDE, "Self-harm", "Self-harm: suspected/actual self-harming"),
    ("7A", CIRCUMSTANCES, "Young carer", "Young carer: the child's caring responsibilities"),
    (
        "8B",
        CIRCUMSTANCES,
        "Privately fostered: from overseas, intending to return",
        "Privately fostered - overseas children who intend to return",
    ),
    (
        "8C",
        CIRCUMSTANCES,
        "Privately fostered: from overseas, intending to stay",
        "Privately fostered - overseas children who intend to stay",
    ),
    (
        "8D",
        CIRCUMSTANCES,
        "Privately fostered: UK child in an educational placement",
        "Privately fostered - UK children in educational placements",
    ),
    (
        "8E",
        CIRCUMSTANCES,
        "Privately fostered: UK child, alternative family arrangement",
        "Privately fostered - UK children making alternative family arrangements",
    ),
    ("8F", CIRCUMSTANCES, "Privately fostered: other", "Privately fostered - other"),
    ("9A", CIRCUMSTANCES, "Unaccompanied asylum-seeking child", "UASC: unaccompanied asylum-seeking child"),
    ("20", OTHER, "Other", "Other"),
    (
        NO_FACTORS,
        OTHER,
        "No factors identified",
        "No factors identified - only use this if there is no evidence of any of the factors above "
        "and no further action is being taken",
    ),
)

_LEGACY: tuple[tuple[str, str, str, str], ...] = (
    ("18A", ABUSE, "Physical abuse (before 18B and 18C)", "Abuse or neglect - 'PHYSICAL ABUSE'"),
    ("19A", ABUSE, "Sexual abuse (before 19B and 19C)", "Abuse or neglect - 'SEXUAL ABUSE'"),
)


def _build() -> tuple[list[Factor], list[Factor]]:
    factors = []
    for number, topic, census in _BY_PERSON:
        for suffix, (option, who) in _WHO.items():
            factors.append(
                Factor(
                    code=f"{number}{suffix}",
                    group=topic,
                    option=option,
                    label=f"{topic}: {who}",
                    census=census.format(who=who),
                )
            )
    factors += [Factor(code=c, group=g, option=label, label=label, census=census) for c, g, label, census in _SINGLE]
    legacy = [Factor(code=c, group=g, option=label, label=label, census=census) for c, g, label, census in _LEGACY]
    return factors, legacy


FACTORS, LEGACY_FACTORS = _build()
BY_CODE: dict[str, Factor] = {f.code: f for f in (*FACTORS, *LEGACY_FACTORS)}
# What a new assessment may record.
SELECTABLE: frozenset[str] = frozenset(f.code for f in FACTORS)

# The order of the questions on the form: who the factor is about first (1 to 6), then the rest.
GROUPS: tuple[str, ...] = tuple(dict.fromkeys(f.group for f in FACTORS))


def factor_label(code: str) -> str:
    factor = BY_CODE.get(code)
    return factor.label if factor else code


def factors_in(group: str) -> list[Factor]:
    return [f for f in FACTORS if f.group == group]


def sort_key(code: str) -> tuple[int, str]:
    """Census order: 1A, 1B, ... 9A, 10A, ... 24A."""
    digits = "".join(ch for ch in code if ch.isdigit())
    return int(digits or 0), code
