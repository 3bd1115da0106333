"""The scripted stories: always present, on fixed names, so the demo guide can point at them.

In each, every agency saw one thing and none of them, alone, saw danger; only the joined-up
chronology shows it. Dates are relative to the day the demo is loaded, except Jaiden
Smith's date of birth (2019-03-07), which linkage tests rely on.

1. Lily-Mae Turner, about 3 months old, 14 Ashgrove Close (BK3 4QT): the GP saw crying and
   feeding problems, the health visitor a bruise on the cheek explained as a fall, A&E
   two attendances in under five weeks (the second a fractured arm), the police a domestic
   abuse incident at the address. Mother's partner Ryan Cole lives there.
2. Tyler Brooks, 14, Riverside Academy: school absences and two small concerns at school
   (asleep in class, collected by older males), two missing episodes, a police stop with
   cash and a second phone, and a youth worker's concern about criminal exploitation.
3. Poppy Walsh, 8, Riverside Academy: concerns from school and from her GP after contact
   weekends; her half-brother Kayden Price, 5, at their father's address, is on a child
   protection plan (emotional abuse: domestic abuse), and his mother is expecting a baby.
4. Jaiden Smith, born 2019-03-07, 23 Wharf Street, BK2 7DL: an ordinary pupil whose record
   other agencies' feeds will later try to match (linkage).

The demo users see them through ordinary relationships: `dsl` and `teacher` work at
Riverside Academy (Tyler, Poppy, Jaiden and Kai Turner are on its roll), `gp` at Castle
Street Surgery (all the story families are registered there except Kayden's), `socialworker`
is Kayden's lead practitioner.
"""

from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from safeguarding.synthetic.caseload import plan_caseload
from safeguarding.synthetic.finalize import finalize
from safeguarding.synthetic.pathway import back_working_days
from safeguarding.synthetic.plan import (
    STORY_GP,
    STORY_SCHOOL,
    ChildPlan,
    Household,
    NamePlan,
    PersonPlan,
    RelPlan,
)

if TYPE_CHECKING:
    from safeguarding.synthetic.families import Planner
    from safeguarding.synthetic.plan import PractitionerPlan

JAIDEN_SMITH_DOB = date(2019, 3, 7)
JAIDEN_SMITH_POSTCODE = "BK2 7DL"


def _child(
    p: "Planner",
    first: str,
    last: str,
    sex: str,
    dob: date,
    nhs_first_nine: str,
    *,
    middle: str = "",
    ethnicity: str = "WBRI",
) -> ChildPlan:
    return ChildPlan(
        la_child_id=p.la_child_id(),
        sex=sex,
        ethnicity=ethnicity,
        names=[NamePlan("legal", first, last, middle)],
        date_of_birth=dob,
        nhs_number=p.reserve_nhs_number(nhs_first_nine),
    )


def _person(p: "Planner", first: str, last: str, age_years: int, phone: str = "") -> PersonPlan:
    return PersonPlan(first, last, p.today - timedelta(days=age_years * 365 + 100), phone)


def _household(p: "Planner", mother: PersonPlan, address_line: str, postcode: str, **kw: str) -> Household:
    return Household(
        group="white",
        ethnicity="WBRI",
        structure=kw.get("structure", "single_mother"),
        children=[],
        mother=mother,
        address=p.fixed_address(address_line, postcode),
        primary=kw.get("primary", STORY_SCHOOL),
        secondary=kw.get("secondary", STORY_SCHOOL),
        gp=kw.get("gp", STORY_GP),
        tier="story",
    )


def _settle(p: "Planner", hh: Household, child: ChildPlan, moved_in: date) -> None:
    child.addresses.append((hh.address, max(moved_in, child.date_of_birth or moved_in), None))
    p._school(child, hh)
    p._registrations(child, hh)
    hh.children.append(child)


def _siblings(children: list[ChildPlan]) -> None:
    """Both directions, as for the random families."""
    for a in children:
        for b in children:
            if a is not b and a.date_of_birth and b.date_of_birth:
                started = max(a.date_of_birth, b.date_of_birth)
                a.relationships.append(RelPlan("sibling", None, b, True, False, started))


def _demo(p: "Planner", username: str) -> "PractitionerPlan":
    return next(x for x in p.world.practitioners if x.username == username)


def plan_stories(p: "Planner") -> list[Household]:
    today = p.today

    def ago(days: int, hour: int, minute: int = 0) -> datetime:
        moment = datetime.combine(today - timedelta(days=days), time(hour, minute), tzinfo=p.tz)
        return min(moment, p.cfg.now - timedelta(minutes=30))

    # 1. Lily-Mae Turner -------------------------------------------------------------------
    chantelle = _person(p, "Chantelle", "Turner", 23, "07700 900123")
    ryan = _person(p, "Ryan", "Cole", 27)
    turner = _household(p, chantelle, "14 Ashgrove Close", "BK3 4QT", structure="mother_partner")
    lily = _child(p, "Lily-Mae", "Turner", "F", today - timedelta(days=95), "999000001")
    kai = _child(p, "Kai", "Turner", "M", today - timedelta(days=4 * 365 + 150), "999000002")
    for child in (kai, lily):
        _settle(p, turner, child, today - timedelta(days=900))
        child.relationships.append(RelPlan("mother", chantelle, None, True, True, child.date_of_birth))
        child.relationships.append(RelPlan("parents_partner", ryan, None, True, False, today - timedelta(days=400)))
    _siblings([kai, lily])
    gp, hv = _demo(p, "gp"), _demo(p, "healthvisitor")
    p._event(
        lily,
        "gp_appointment",
        STORY_GP,
        ago(80, 10, 20),
        "Seen with mother: crying a lot and feeding poorly for a week. Weight has dropped from the 25th "
        "to the 9th centile. Feeding advice given; review in two weeks.",
        author=gp,
    )
    p._event(
        lily,
        "health_visit",
        "hv",
        ago(62, 11, 0),
        "Health visitor home contact: small bruise on the left cheek. Mother says Lily-Mae rolled off the "
        "sofa. Mother tired and quiet; her partner answered most questions.",
        author=hv,
        injury=True,
    )
    p._event(
        lily,
        "ae_attendance",
        "hospital",
        ago(45, 23, 40),
        "Attended with mother and partner: inconsolable crying after a reported fall from the changing mat. "
        "No injury found on examination; discharged.",
        reference="ED0450001",
    )
    p._event(
        lily,
        "ae_attendance",
        "hospital",
        ago(18, 2, 15),
        "Attended with mother's partner: swelling of the right upper arm; said to have caught it in the cot "
        "bars. X-ray: fracture of the right humerus. Sling; fracture clinic follow-up.",
        injury=True,
        reference="ED0450002",
    )
    for child in (lily, kai):
        p._event(
            child,
            "police_incident",
            "police",
            ago(10, 22, 50),
            "Domestic abuse incident at 14 Ashgrove Close: neighbour reported shouting, banging and a baby "
            "screaming. Adult male (Ryan Cole) left before officers arrived. Mother declined to make a "
            "statement. Children present. DASH risk: medium.",
            categories=["domestic_abuse"],
            reference="BKP-101001",
        )
    p._event(
        kai,
        "school_absence",
        STORY_SCHOOL,
        ago(9, 9, 0),
        "Absent, no reason given (unauthorised). Attendance this term 91%.",
    )

    # 2. Tyler Brooks --------------------------------------------------------------------------
    donna = _person(p, "Donna", "Brooks", 39, "07700 900456")
    brooks = _household(p, donna, "7 Tannery Lane", "BK5 2HN")
    tyler = _child(p, "Tyler", "Brooks", "M", today - timedelta(days=14 * 365 + 120), "999000003", middle="James")
    _settle(p, brooks, tyler, today - timedelta(days=3000))
    tyler.relationships.append(RelPlan("mother", donna, None, True, True, tyler.date_of_birth))
    for days, pct in ((70, 88), (56, 85), (35, 83), (14, 80), (7, 78)):
        p._event(
            tyler,
            "school_absence",
            STORY_SCHOOL,
            ago(days, 9, 0),
            f"Absent, no reason given (unauthorised). Attendance this term {pct}%.",
        )
    p._event(
        tyler,
        "missing_episode",
        "police",
        ago(49, 22, 40),
        "Reported missing by his mother at 22:40; found the next afternoon at a flat in another town with "
        "older males. Would not say how he got there. Return home interview offered.",
        categories=["missing"],
        reference="MISS-2001",
    )
    p._event(
        tyler,
        "police_incident",
        "police",
        ago(30, 16, 20),
        "Stop and search on Station Road: Tyler found with £340 in cash and a second mobile phone. No arrest; "
        "intelligence submitted.",
        categories=["criminal_exploitation"],
        reference="BKP-101002",
    )
    p._event(
        tyler,
        "missing_episode",
        "police",
        ago(20, 23, 10),
        "Reported missing overnight; returned by himself at 07:00 with a cut to his hand. Return home "
        "interview declined.",
        categories=["missing"],
        reference="MISS-2002",
    )
    p.concern(
        tyler,
        STORY_SCHOOL,
        _demo(p, "teacher"),
        ago(25, 11, 5),
        "Tyler fell asleep in maths again. When I woke him he said he had been 'out working' late. He has a "
        "new phone that he keeps checking under the desk.",
        ["other"],
        action="Passed to the designated safeguarding lead.",
        childs_words="I was out working, it's none of your business.",
    )
    p.concern(
        tyler,
        STORY_SCHOOL,
        _demo(p, "dsl"),
        ago(16, 15, 35),
        "Tyler was collected from the school gate by two older males in a car, not known to the school. His "
        "mother says he is staying with 'friends' some nights.",
        ["harm_outside_home"],
        action="Spoke to mother by phone; monitoring.",
    )
    p.concern(
        tyler,
        "vol:1",
        p.world.staff("vol:1")[0],
        ago(9, 19, 30),
        "Tyler has been seen getting into a car with older young men after Thursday sessions, and has new "
        "designer trainers and a jacket. When I asked, he said he can't stop now.",
        ["criminal_exploitation", "harm_outside_home"],
        action="Shared with the front door (MASH).",
        childs_words="I can't stop now, I owe them.",
    )

    # 3. Poppy Walsh and her half-brother Kayden Price -----------------------------------------------
    leanne = _person(p, "Leanne", "Walsh", 31, "07700 900789")
    darren = _person(p, "Darren", "Price", 34)
    jade = _person(p, "Jade", "Price", 26)
    walsh = _household(p, leanne, "31 Gladstone Terrace", "BK2 6RW")
    prices = _household(
        p,
        jade,
        "Flat 6, Heron Court",
        "BK4 1DS",
        structure="both_parents",
        primary=p.world.primaries[1],
        secondary=p.world.secondaries[-1],
        gp=p.world.gp_practices[1],
    )
    prices.address.line2 = "Kestrel Way"
    poppy = _child(p, "Poppy", "Walsh", "F", today - timedelta(days=8 * 365 + 200), "999000004", middle="Rose")
    _settle(p, walsh, poppy, today - timedelta(days=2000))
    kayden = _child(p, "Kayden", "Price", "M", today - timedelta(days=5 * 365 + 60), "999000005")
    _settle(p, prices, kayden, today - timedelta(days=1400))
    poppy.relationships.append(RelPlan("mother", leanne, None, True, True, poppy.date_of_birth))
    poppy.relationships.append(RelPlan("father", darren, None, False, True, poppy.date_of_birth))
    kayden.relationships.append(RelPlan("mother", jade, None, True, True, kayden.date_of_birth))
    kayden.relationships.append(RelPlan("father", darren, None, True, True, kayden.date_of_birth))
    poppy.relationships.append(RelPlan("half_sibling", None, kayden, False, False, kayden.date_of_birth))
    kayden.relationships.append(RelPlan("half_sibling", None, poppy, False, False, kayden.date_of_birth))
    unborn = p.add_unborn(prices, days_to_birth=70)
    unborn.relationships.append(RelPlan("father", darren, None, True, True, None))
    plan_start = today - timedelta(days=150)
    sw = _demo(p, "socialworker")
    # Kayden's whole pathway: the police refer after the MARAC incident, a strategy discussion
    # the next day starts a section 47 enquiry, the ICPC makes a plan (emotional abuse).
    p.pathway.rng = p._stream("pathway-stories", 0)
    p.pathway.attempt(
        p.pathway.protection,
        kayden,
        prices,
        back_working_days(plan_start, 14),
        category="EMO",
        lead=sw,
        referrer=_demo(p, "police"),
        sd_gap=1,
        icpc_gap=13,
    )
    finalize(kayden)
    unborn.statuses.append(("unborn_plan", today - timedelta(days=20), None, ""))
    unborn.team.append((sw, "Lead practitioner (social worker)", today - timedelta(days=20)))
    for days, text in (
        (
            220,
            "Domestic abuse incident at Flat 6, Heron Court: Darren Price arrested for assaulting his partner; "
            "Kayden present. DASH risk: high; referred to MARAC.",
        ),
        (
            120,
            "Domestic abuse incident: Jade Price reported threats by text from Darren Price in breach of bail "
            "conditions. Kayden present.",
        ),
        (
            60,
            "Domestic abuse incident at Flat 6, Heron Court: verbal argument; Darren Price back living at the "
            "address. DASH risk: medium.",
        ),
    ):
        p._event(
            kayden,
            "police_incident",
            "police",
            ago(days, 21, 30),
            text,
            categories=["domestic_abuse"],
            reference=f"BKP-10{days:04d}",
        )
    p.concern(
        poppy,
        STORY_SCHOOL,
        _demo(p, "dsl"),
        ago(40, 10, 15),
        "Poppy came back from a weekend at her dad's very withdrawn and tearful. She said Daddy shouted and "
        "hit Jade and she hid in the bathroom with Kayden.",
        ["domestic_abuse", "emotional_abuse"],
        action="Spoke to mother at collection: contact with father is every other weekend. Monitoring.",
        childs_words="Daddy shouts and he hit Jade. I hid in the bathroom with Kayden.",
    )
    p.concern(
        poppy,
        STORY_GP,
        gp,
        ago(21, 15, 40),
        "Mother reports Poppy is wetting the bed again and having nightmares since overnight stays with her "
        "father. Poppy told me she does not want to go to Daddy's.",
        ["emotional_abuse"],
        action="Advice given to mother; review in four weeks.",
        childs_words="I don't want to go to Daddy's.",
    )
    p._event(
        poppy,
        "school_absence",
        STORY_SCHOOL,
        ago(12, 9, 0),
        "Absent on the Monday after a contact weekend (unauthorised). Attendance this term 92%.",
    )

    # 4. Jaiden Smith ---------------------------------------------------------------------------------
    kerry = _person(p, "Kerry", "Smith", 33, "07700 900321")
    wayne = _person(p, "Wayne", "Smith", 35)
    smith = _household(p, kerry, "23 Wharf Street", JAIDEN_SMITH_POSTCODE, structure="both_parents")
    jaiden = _child(p, "Jaiden", "Smith", "M", JAIDEN_SMITH_DOB, "999000006", middle="Lee")
    _settle(p, smith, jaiden, JAIDEN_SMITH_DOB)
    jaiden.relationships.append(RelPlan("mother", kerry, None, True, True, JAIDEN_SMITH_DOB))
    jaiden.relationships.append(RelPlan("father", wayne, None, True, True, JAIDEN_SMITH_DOB))
    p._event(
        jaiden,
        "gp_appointment",
        STORY_GP,
        ago(100, 9, 10),
        "Seen with mother: cough and fever for three days. Viral; advice given.",
        author=gp,
    )
    return [turner, brooks, walsh, prices, smith, *plan_caseload(p)]
