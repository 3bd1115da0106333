"""search_children at the selector level: the child index must find a child despite the
way different agencies spell, order and date them."""

import datetime as dt

import pytest

from safeguarding.people.identifiers import upn_check_letter
from safeguarding.people.models import Child, NameKind
from safeguarding.people.selectors import MIN_SCORE, SearchQuery, SearchResult, search_children
from safeguarding.people.services import NewChild, child_create, name_row

pytestmark = pytest.mark.django_db

DOB = dt.date(2015, 3, 7)


def make(first: str, last: str, dob: dt.date | None = DOB, **extra: object) -> Child:
    return child_create(data=NewChild(first_name=first, last_name=last, date_of_birth=dob, **extra), by=None)  # type: ignore[arg-type]


def found(results: list[SearchResult], child: Child) -> SearchResult | None:
    return next((r for r in results if r.child.pk == child.pk), None)


def search(name: str = "", **kwargs: object) -> list[SearchResult]:
    return search_children(SearchQuery(name=name, **kwargs))  # type: ignore[arg-type]


@pytest.fixture
def crowd(db) -> list[Child]:  # type: ignore[no-untyped-def]
    """Other children, so that a match has to win against near misses."""
    return [
        make("Olivia", "Patel", DOB),
        make("Jack", "Smithers", dt.date(2014, 1, 2)),
        make("Mohammed", "Khan", dt.date(2016, 9, 30)),
        make("Amelia", "Brownlow", dt.date(2013, 5, 5)),
        make("Oliver", "Smith", dt.date(2012, 11, 11)),
    ]


def test_empty_query_returns_nothing(crowd: list[Child]) -> None:
    assert search_children(SearchQuery()) == []
    assert search_children(SearchQuery(name="   ", identifier="  ", postcode=" ")) == []


def test_misspelt_first_and_last_name(crowd: list[Child]) -> None:
    jayden = make("Jayden", "Smyth")
    results = search("Jaiden Smith")
    assert results[0].child == jayden
    assert results[0].score >= 0.85
    assert "name" in results[0].reasons[0]


def test_nickname_finds_formal_name(crowd: list[Child]) -> None:
    alexander = make("Alexander", "Brown")
    results = search("Alex Brown")
    assert results[0].child == alexander
    assert results[0].score >= 0.9


def test_british_nickname_finds_formal_name(crowd: list[Child]) -> None:
    alexander = make("Alexander", "Brown")
    assert search("Sasha Brown")[0].child == alexander
    alfred = make("Alfred", "Hughes")
    assert search("Alfie Hughes")[0].child == alfred


def test_swapped_first_and_last_name(crowd: list[Child]) -> None:
    jayden = make("Jayden", "Smith")
    results = search("Smith Jayden")
    assert results[0].child == jayden
    assert results[0].score >= 0.85


def test_surname_first_with_a_comma(crowd: list[Child]) -> None:
    jayden = make("Jayden", "Smith")
    result = search("Smith, Jayden")[0]
    assert result.child == jayden
    assert result.score == pytest.approx(1.0)


def test_former_surname_finds_the_child_and_says_so(crowd: list[Child]) -> None:
    child = make("Keira", "Walsh")
    name_row(child=child, first_name="Keira", last_name="McCarthy", kind=NameKind.FORMER).save()
    result = found(search("Keira McCarthy"), child)
    assert result is not None
    assert result.matched_name is not None
    assert result.matched_name.kind == NameKind.FORMER
    assert result.matched_name.last_name == "McCarthy"
    assert "former name" in result.reasons[0]
    # The current name still wins when searched by the current name.
    current = found(search("Keira Walsh"), child)
    assert current is not None and current.matched_name is not None
    assert current.matched_name.kind == NameKind.LEGAL


def test_double_barrelled_surname_found_by_either_part(crowd: list[Child]) -> None:
    first_part = make("Ruby", "Smith-Jones")
    second_part = make("Ruby", "Jones Smith")
    results = search("Ruby Smith")
    assert found(results, first_part) is not None
    assert found(results, second_part) is not None


def test_double_barrelled_surname_typed_without_hyphen(crowd: list[Child]) -> None:
    ruby = make("Ruby", "Smith-Jones")
    assert search("Ruby Smith Jones")[0].child == ruby


def test_accented_name_typed_without_accents(crowd: list[Child]) -> None:
    zoe = make("Zoë", "Łukasiewicz")
    assert search("Zoe Lukasiewicz")[0].child == zoe


def test_day_and_month_transposed_ranks_child_with_the_reason(crowd: list[Child]) -> None:
    jayden = make("Jayden", "Smith", dt.date(2015, 3, 7))
    twin_dob_other = make("Jayden", "Smith", dt.date(2015, 9, 9))
    results = search("Jayden Smith", date_of_birth=dt.date(2015, 7, 3))
    assert results[0].child == jayden
    assert "date of birth matches with day and month swapped" in results[0].reasons
    other = found(results, twin_dob_other)
    assert other is not None and other.score < results[0].score


def test_date_of_birth_alone_finds_transposed_date(crowd: list[Child]) -> None:
    jayden = make("Jayden", "Smith", dt.date(2015, 3, 7))
    results = search(date_of_birth=dt.date(2015, 7, 3))
    result = found(results, jayden)
    assert result is not None
    assert "date of birth matches with day and month swapped" in result.reasons


def test_same_date_of_birth_different_name_is_not_returned(crowd: list[Child]) -> None:
    jayden = make("Jayden", "Smith", DOB)
    olivia = crowd[0]  # Olivia Patel, same date of birth
    results = search("Jayden Smith", date_of_birth=DOB)
    assert results[0].child == jayden
    assert found(results, olivia) is None
    assert all(r.score < results[0].score for r in results[1:])


def test_wrong_date_of_birth_does_not_hide_a_matching_name(crowd: list[Child]) -> None:
    # Agencies often hold a wrong date of birth; the name still finds the child, ranked
    # below a child whose date of birth matches too.
    jayden = make("Jayden", "Smyth", dt.date(2015, 3, 7))
    twin = make("Jaiden", "Smith", dt.date(2011, 12, 25))
    results = search("Jaiden Smith", date_of_birth=dt.date(2011, 12, 25))
    assert results[0].child == twin
    assert found(results, jayden) is not None


def test_name_query_does_not_return_unrelated_names(crowd: list[Child]) -> None:
    results = search("Jayden Smith")
    assert all(r.child.display_name != "Olivia Patel" for r in results)
    assert all(r.score >= MIN_SCORE for r in results)


def test_results_are_ranked_best_first(crowd: list[Child]) -> None:
    exact = make("Jayden", "Smith")
    near = make("Jaydon", "Smithson")
    results = search("Jayden Smith")
    assert results[0].child == exact
    assert [r.score for r in results] == sorted((r.score for r in results), reverse=True)
    assert found(results, near) is None or found(results, near).score < results[0].score  # type: ignore[union-attr]


def test_search_by_nhs_number_with_spaces(crowd: list[Child]) -> None:
    child = make("Ava", "Green", nhs_number="9434765919")
    results = search_children(SearchQuery(identifier="943 476 5919"))
    assert [r.child for r in results] == [child]
    assert results[0].reasons == ["identifier matches"]


def test_search_by_upn_in_lower_case(crowd: list[Child]) -> None:
    upn = upn_check_letter("201300124001") + "201300124001"
    child = make("Ava", "Green", upn=upn)
    results = search_children(SearchQuery(identifier=upn.lower()))
    assert [r.child for r in results] == [child]


def test_search_by_la_child_id(crowd: list[Child]) -> None:
    child = make("Ava", "Green")
    results = search_children(SearchQuery(identifier=child.la_child_id.lower()))
    assert [r.child for r in results] == [child]


def test_unknown_identifier_finds_nothing(crowd: list[Child]) -> None:
    make("Ava", "Green", nhs_number="9434765919")
    assert search_children(SearchQuery(identifier="4010232137")) == []
    # Punctuation alone must not match children that have no NHS number or UPN.
    assert search_children(SearchQuery(identifier=" - ")) == []


def test_name_that_folds_to_nothing_finds_nothing(crowd: list[Child]) -> None:
    assert search("'' --") == []


def test_postcode_narrows_and_is_a_reason(crowd: list[Child]) -> None:
    here = make("Jayden", "Smith", postcode="ls1 4ap")
    there = make("Jayden", "Smith", postcode="M1 1AA")
    results = search("Jayden Smith", postcode="LS14AP")
    assert [r.child for r in results] == [here]
    assert "postcode matches" in results[0].reasons
    assert there not in [r.child for r in results]


def test_search_query_count_is_constant(crowd: list[Child], django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    for i in range(10):
        make("Jayden", f"Smith{'e' * i}")
    with django_assert_max_num_queries(5):
        results = search("Jayden Smith")
        for r in results:
            list(r.child.names.all())
    assert len(results) >= 5
