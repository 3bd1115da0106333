"""Match on entry (issue 4, item 1), as the practitioner sees it: recording a concern about a
child who does not seem to be in the index scores the description against the index with
the active linkage model first, and offers the likely children with the reasons (which
details agreed, how strongly). Nothing is linked or created until the practitioner chooses.

The model is the one installed by the migrations (the reference model): these tests check
the page and its wording, and that the model's own view reaches the person, not the model's
quality (the benchmark and `test_matching.py` do that)."""

import datetime as dt
import html as html_lib
import re

import pytest

from safeguarding.audit.models import Action, AuditEvent
from safeguarding.concerns.models import Concern
from safeguarding.concerns.tests.recording_helpers import new_child_post
from safeguarding.linkage.features import PersonRecord
from safeguarding.linkage.models import LinkageModel, SourceRecord
from safeguarding.linkage.services import match_person
from safeguarding.linkage.templatetags.linkage_text import evidence, percent, signed_weight
from safeguarding.people.identifiers import nhs_number_check_digit, upn_check_letter
from safeguarding.people.models import Child
from safeguarding.people.services import NewChild, child_create

pytestmark = pytest.mark.django_db

NEW_URL = "/concerns/new/"


def _child(first: str, last: str, dob: dt.date, **extra: str) -> Child:
    return child_create(
        data=NewChild(
            first_name=first,
            last_name=last,
            date_of_birth=dob,
            sex=extra.get("sex", "M"),
            address_line1=extra.get("address", "12 Mill Lane"),
            town="Brackenford",
            postcode=extra.get("postcode", "BK4 7QT"),
            nhs_number=extra.get("nhs_number", ""),
            upn=extra.get("upn", ""),
        ),
        by=None,
    )


def _nhs(stem: str) -> str:
    for nine in (stem, stem[:-1] + "1", stem[:-1] + "2", stem[:-1] + "3"):
        check = nhs_number_check_digit(nine)
        if check is not None:
            return f"{nine}{check}"
    raise AssertionError("no valid NHS number from this stem")


def _upn(stem: str) -> str:
    return upn_check_letter(stem) + stem


def _jayden_smyth(**overrides: str) -> dict[str, object]:
    """The issue's own case: Jayden Smyth, born 3 July 2019, at Jaiden Smith's address."""
    typed: dict[str, str] = {
        "first_name": "Jayden",
        "last_name": "Smyth",
        "dob_day": "3",
        "dob_month": "7",
        "dob_year": "2019",
        "sex": "M",
        "address_line1": "12 Mill Lane",
        "town": "Brackenford",
        "postcode": "bk4 7qt",
    }
    return new_child_post(**{**typed, **overrides})


def _cards(html: str) -> list[str]:
    """Each offered child's card, in the order shown."""
    return re.findall(r'<div class="govuk-summary-card" id="match-\d+">(.*?)</form>', html, flags=re.S)


def _text(fragment: str) -> str:
    return " ".join(html_lib.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def _reasons(card: str) -> dict[str, tuple[str, str, str]]:
    """{comparison: (level, evidence, weight)} from a card's reasons table."""
    rows = re.findall(
        r'<th scope="row" class="govuk-table__header">(.*?)</th>\s*'
        r'<td class="govuk-table__cell">(.*?)</td>\s*<td class="govuk-table__cell">(.*?)</td>\s*'
        r'<td class="govuk-table__cell govuk-table__cell--numeric">(.*?)</td>',
        card,
        flags=re.S,
    )
    return {_text(c): (_text(level), _text(_shown(words)), _text(weight)) for c, level, words, weight in rows}


def _shown(fragment: str) -> str:
    """Without the decorative ticks and crosses hidden from screen readers."""
    return re.sub(r'<span aria-hidden="true">.*?</span>', "", fragment)


@pytest.fixture
def jaiden():
    return _child("Jaiden", "Smith", dt.date(2019, 3, 7))


class TestTheIssuesCase:
    def test_jayden_smyth_is_offered_jaiden_smith_with_the_reasons(self, as_user, other_agency, jaiden):
        _child("Olivia", "Brown", dt.date(2017, 1, 20), sex="F", address="3 Mill Lane")  # same postcode only
        response = as_user(other_agency).post(NEW_URL, _jayden_smyth())
        assert response.status_code == 200
        html = response.content.decode()
        assert "Is this the same child?" in html
        assert "You described Jayden Smyth, born 3 July 2019, BK4 7QT." in _text(html)

        cards = _cards(html)
        assert len(cards) == 1, "only Jaiden is offered: Olivia shares the postcode and nothing else"
        card = _text(cards[0])
        assert "Jaiden Smith" in card
        assert "Date of birth 7 March 2019" in card
        assert "Postcode BK4 7QT" in card
        assert "School None recorded" in card

        reasons = _reasons(cards[0])
        assert reasons["Date of birth"][0] == "Day and month transposed"
        assert reasons["First name"][0].startswith("First names spelt")
        assert reasons["Surname"][0].startswith(("Surnames spelt", "Surnames sound"))
        assert reasons["Address and postcode"][0] in {"Same postcode", "Same address and postcode"}
        # Details neither record has are not reasons either way.
        assert "NHS number" not in reasons and "UPN" not in reasons and "School" not in reasons

        # Each reason says how strongly it counts, in words as well as a signed number, and
        # those are the model's own weights.
        outcome = match_person(
            PersonRecord(
                first_names=("Jayden",),
                last_names=("Smyth",),
                date_of_birth=dt.date(2019, 7, 3),
                sex="M",
                postcode="BK4 7QT",
                address="12 Mill Lane",
            )
        )
        (candidate,) = outcome.candidates
        assert candidate.child == jaiden
        for level in candidate.score.levels:
            if level.is_null:
                continue
            assert reasons[level.comparison] == (level.level, evidence(level.weight), signed_weight(level.weight))

        # How likely, from the weight against the active model's thresholds, and as a percentage.
        model = LinkageModel.objects.get(is_active=True)
        expected = (
            "Very likely the same child"
            if candidate.match_weight >= model.auto_link_weight
            else "Possibly the same child"
        )
        assert (
            f"How likely {expected}: the linkage model puts the chance at {percent(candidate.score.match_probability)}"
            in card
        )

        # Nothing is linked or created until the practitioner chooses.
        assert Child.objects.count() == 2
        assert not Concern.objects.exists()
        assert not SourceRecord.objects.exists()
        search = AuditEvent.objects.get(action=Action.SEARCH, actor=other_agency)
        assert search.detail["results"] == 1
        assert search.detail["model_version"] == model.version
        assert search.detail["name"] == "Jayden Smyth"

    def test_yes_takes_what_was_typed_about_the_concern_to_jaidens_form(self, as_user, other_agency, jaiden):
        client = as_user(other_agency)
        card = _cards(client.post(NEW_URL, _jayden_smyth()).content.decode())[0]
        assert f'action="/children/{jaiden.pk}/concerns/new/"' in card
        assert "Yes, record against this child" in card
        assert 'name="prefill"' in card
        assert 'value="Amelia had a large bruise on her upper arm at drop-off."' in card
        # The child's details are not sent on: the concern is recorded against Jaiden as he is.
        assert 'name="first_name"' not in card

        fields: dict[str, list[str]] = {}
        for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', card):
            fields.setdefault(name, []).append(html_lib.unescape(value))
        fields.pop("prefill")
        response = client.post(f"/children/{jaiden.pk}/concerns/new/", fields)
        assert response.status_code == 302
        assert Concern.objects.get().child == jaiden
        assert Child.objects.count() == 1

    def test_none_of_these_creates_a_new_child(self, as_user, other_agency, jaiden):
        response = as_user(other_agency).post(NEW_URL, {**_jayden_smyth(), "confirmed": "1"})
        assert response.status_code == 302
        jayden = Child.objects.get(display_name="Jayden Smyth")
        assert Concern.objects.get().child == jayden
        assert jaiden.pk != jayden.pk

    def test_changing_the_details_keeps_everything_typed(self, as_user, other_agency, jaiden):
        html = as_user(other_agency).post(NEW_URL, {**_jayden_smyth(), "edit": "1"}).content.decode()
        assert "There is a problem" not in html
        for value in ('value="Jayden"', 'value="Smyth"', 'value="12 Mill Lane"', 'value="bk4 7qt"', 'value="2019"'):
            assert value in html, value
        assert "Amelia had a large bruise on her upper arm at drop-off.</textarea>" in html
        assert Child.objects.count() == 1


class TestIdentifiers:
    def test_a_child_with_the_same_nhs_number_is_shown_first_and_labelled(self, as_user, other_agency, jaiden):
        number = _nhs("943476591")
        same_number = _child("Millie", "Evans", dt.date(2012, 2, 2), sex="F", postcode="BK9 1AA", nhs_number=number)
        html = as_user(other_agency).post(NEW_URL, _jayden_smyth(nhs_number=number)).content.decode()
        cards = _cards(html)
        assert [("Millie Evans" in c, "Jaiden Smith" in c) for c in cards] == [(True, False), (False, True)]
        first = _text(cards[0])
        assert "Same NHS number" in first
        # Nothing but the number agrees, and the page says so rather than calling it likely.
        assert "The other details do not suggest the same child" in first
        assert _reasons(cards[0])["NHS number"][0] == "Same NHS number"
        assert Child.objects.filter(pk=same_number.pk).exists() and Child.objects.count() == 2

    def test_a_child_with_the_same_upn_is_labelled(self, as_user, other_agency):
        number = _upn("801200001001")
        _child("Jaiden", "Smith", dt.date(2019, 3, 7), upn=number)
        card = _text(_cards(as_user(other_agency).post(NEW_URL, _jayden_smyth(upn=number)).content.decode())[0])
        assert "Jaiden Smith Same UPN" in card


class TestThresholds:
    def test_a_child_below_the_review_threshold_is_not_offered(self, as_user, other_agency):
        _child("Olivia", "Brown", dt.date(2017, 1, 20), sex="F", address="3 Mill Lane")
        response = as_user(other_agency).post(NEW_URL, _jayden_smyth())
        # No one to offer: the child and the concern are recorded at once, as before.
        assert response.status_code == 302
        assert Child.objects.filter(display_name="Jayden Smyth").exists()
        assert AuditEvent.objects.get(action=Action.SEARCH, actor=other_agency).detail["results"] == 0

    def test_above_the_auto_link_threshold_reads_very_likely_and_is_still_not_linked(self, as_user, other_agency):
        same = _child("Jayden", "Smyth", dt.date(2019, 7, 3))
        model = LinkageModel.objects.get(is_active=True)
        html = as_user(other_agency).post(NEW_URL, _jayden_smyth()).content.decode()
        (card,) = _cards(html)
        weight = match_person(
            PersonRecord(
                first_names=("Jayden",),
                last_names=("Smyth",),
                date_of_birth=dt.date(2019, 7, 3),
                sex="M",
                postcode="BK4 7QT",
                address="12 Mill Lane",
            )
        ).candidates[0]
        assert weight.child == same
        assert weight.match_weight >= model.auto_link_weight
        assert "Very likely the same child" in _text(card)
        assert Child.objects.count() == 1 and not Concern.objects.exists()


def test_with_no_active_model_the_index_search_still_checks(as_user, other_agency, jaiden):
    LinkageModel.objects.update(is_active=False)
    data = _jayden_smyth(first_name="Jaiden", last_name="Smith", dob_day="7", dob_month="3")
    html = as_user(other_agency).post(NEW_URL, data).content.decode()
    (card,) = _cards(html)
    assert "Jaiden Smith" in card
    assert "Why they may match" in _text(card)
    assert AuditEvent.objects.get(action=Action.SEARCH, actor=other_agency).detail["model_version"] is None


@pytest.mark.parametrize(
    ("weight", "words"),
    [
        (14.7, "Strong evidence for a match"),
        (8.0, "Strong evidence for a match"),
        (7.99, "Moderate evidence for a match"),
        (3.0, "Moderate evidence for a match"),
        (2.9, "Weak evidence for a match"),
        (0.93, "Weak evidence for a match"),
        (0.0, "No evidence either way"),
        (-0.5, "Weak evidence against a match"),
        (-3.37, "Moderate evidence against a match"),
        (-24.0, "Strong evidence against a match"),
    ],
)
def test_weights_in_words(weight, words):
    assert evidence(weight) == words


@pytest.mark.parametrize(
    ("probability", "text"),
    [(0.5, "50.0%"), (0.9853, "98.5%"), (0.99937, "more than 99.9%"), (0.0004, "less than 0.1%")],
)
def test_probabilities_never_read_as_certain(probability, text):
    assert percent(probability) == text
