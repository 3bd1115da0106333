"""Model management (issue 4, item 5): the active model and its match weights chart, every
version, making a version active, changing thresholds, and `manage.py linkage_train`.

Personas: a reviewer of identity links (front door decision-maker covering the whole local
authority), a practitioner of another agency (the school DSL), and an outsider of no agency.
Only the reviewer sees or changes anything; each refusal is audited."""

import html as html_lib
import re
from io import StringIO
from typing import Any
from unittest import mock

import pytest
from django.contrib.messages import get_messages
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from safeguarding.audit.models import Action, AuditEvent
from safeguarding.linkage import engine, spec
from safeguarding.linkage.features import PersonRecord, features, person_from_row
from safeguarding.linkage.models import LinkageModel
from safeguarding.linkage.population import generate_population
from safeguarding.linkage.services import active_model, match_person
from safeguarding.linkage.training import MIN_TRAINING_RECORDS, linkage_model_save, linkage_thresholds_set
from safeguarding.people.models import Child

pytestmark = pytest.mark.django_db


def test_settings(prior: float = 1e-4) -> dict[str, Any]:
    """A settings dictionary for this release's comparisons with plain, made-up m and u
    probabilities: agreeing levels count for a match, disagreeing ones against."""
    settings = engine.untrained_settings()
    settings["probability_two_random_records_match"] = prior
    for comparison in settings["comparisons"]:
        for level in comparison["comparison_levels"]:
            if level.get("is_null_level"):
                continue
            label = level["label_for_charts"]
            m, u = (
                (0.9, 0.01)
                if label.startswith("Same")
                else (0.02, 0.95)
                if label.startswith("Different")
                else (0.05, 0.01)
            )
            level["m_probability"], level["u_probability"] = m, u
    return settings


test_settings.__test__ = False  # type: ignore[attr-defined]


@pytest.fixture
def active(reviewer):
    """A version trained on 5,000 children by the reviewer, made active (the reference model
    installed by the migrations is version 1)."""
    return linkage_model_save(
        settings=test_settings(),
        records=5000,
        by=reviewer,
        auto_link_weight=20.0,
        review_weight=6.0,
        notes="Trained on the index in 42.0 s",
    )


@pytest.fixture
def older(active):
    return LinkageModel.objects.get(version=1)


def _text(html: str) -> str:
    return " ".join(html_lib.unescape(re.sub(r"<[^>]+>", " ", html)).split())


def _pages(version: int) -> list[str]:
    return [
        reverse("linkage:model"),
        reverse("linkage:model-versions"),
        reverse("linkage:model-version", args=[version]),
        reverse("linkage:model-activate", args=[version]),
        reverse("linkage:model-thresholds", args=[version]),
    ]


def test_urls():
    assert _pages(3) == [
        "/linkage/model/",
        "/linkage/model/versions/",
        "/linkage/model/versions/3/",
        "/linkage/model/versions/3/activate/",
        "/linkage/model/versions/3/thresholds/",
    ]


class TestPersonas:
    def test_only_a_reviewer_sees_the_pages(self, as_user, reviewer, entitled, outsider, front_door, older):
        for url in _pages(older.version):
            assert as_user(reviewer).get(url).status_code == 200, url
            for persona in (entitled, outsider, front_door):
                assert as_user(persona).get(url).status_code == 403, (url, persona)
        refusals = AuditEvent.objects.filter(action=Action.DENIED, actor__in=[entitled, outsider, front_door])
        assert refusals.count() == 3 * 5
        assert AuditEvent.objects.filter(action=Action.VIEW, actor=reviewer).count() == 5

    def test_others_may_not_activate_or_change_thresholds(self, as_user, entitled, outsider, front_door, active, older):
        for persona in (entitled, outsider, front_door):
            client = as_user(persona)
            assert client.post(reverse("linkage:model-activate", args=[older.version])).status_code == 403
            data = {"auto_link_weight": "12", "review_weight": "4", "reason": "Trying"}
            assert client.post(reverse("linkage:model-thresholds", args=[active.version]), data).status_code == 403
        active.refresh_from_db()
        older.refresh_from_db()
        assert active.is_active and not older.is_active
        assert (active.auto_link_weight, active.review_weight) == (20.0, 6.0)

    def test_signed_out_is_sent_to_sign_in(self, client, active):
        response = client.get(reverse("linkage:model"))
        assert response.status_code == 302
        assert "sign-in" in response["Location"] or "login" in response["Location"]


class TestActiveModel:
    def test_version_trainer_records_thresholds_and_prior(self, as_user, reviewer, active):
        response = as_user(reviewer).get(reverse("linkage:model"))
        text = _text(response.content.decode())
        assert "The active linkage model" in text
        assert f"Version {active.version} Active" in text
        assert "by Priya Shah" in text
        assert "5,000 children in the index" in text
        assert "Trained on the index in 42.0 s" in text
        # Thresholds as match weights and as probabilities.
        assert "Auto-link threshold Match weight 20.0: a match probability of 99.9999%" in text
        assert "About 1 in 1,048,577 pairs scored at this weight are not the same child" in text
        assert "Review threshold Match weight 6.0: a match probability of 98.5%" in text
        # The prior: the chance two random records are the same child.
        assert "1 in 10,000 (a probability of 0.0001, match weight -13.3)" in text
        assert "manage.py linkage_train" in text
        assert "Make this the active model" not in text
        event = AuditEvent.objects.get(action=Action.VIEW, actor=reviewer)
        assert (event.object_type, event.object_id) == ("linkage.linkagemodel", str(active.pk))

    def test_the_chart_shows_every_level_of_every_comparison(self, as_user, reviewer, active):
        html = as_user(reviewer).get(reverse("linkage:model")).content.decode()
        chart = html[html.index('id="weights-chart"') : html.index('id="weights-table"')]
        table = html[html.index('id="weights-table"') :]
        for comparison in spec.COMPARISONS:
            assert f'id="chart-{comparison.name}">{html_lib.escape(comparison.description)}</h3>' in chart
            section = chart[chart.index(f'id="chart-{comparison.name}"') :]
            section = section[: section.index("</ul>")]
            shown = [lv for lv in comparison.levels if not lv.is_null]
            labels = re.findall(r'class="app-weights__label[^"]*"[^>]*>(.*?)</span>', section)
            assert [html_lib.unescape(label) for label in labels] == [lv.label for lv in shown]
            for level in shown:
                assert f'<td class="govuk-table__cell">{html_lib.escape(level.label)}</td>' in table
            missing = next(lv for lv in comparison.levels if lv.is_null)
            assert missing.label not in chart and missing.label not in table  # a missing detail never counts
        # Each bar's direction follows its sign, and the value is on the page as text with
        # its meaning for screen readers (the bars themselves are hidden from them).
        same_first = re.search(r"Same first name</span>.*?</li>", chart, flags=re.S)
        assert same_first is not None
        assert "app-weights__bar--for" in same_first.group(0)
        assert '+6.5<span class="govuk-visually-hidden">: moderate evidence for a match</span>' in same_first.group(0)
        different = re.search(r"Different first names</span>.*?</li>", chart, flags=re.S)
        assert different is not None
        assert "app-weights__bar--against" in different.group(0)
        assert "-5.6" in different.group(0)
        assert 'aria-hidden="true"' in same_first.group(0)
        # The table alternative has the same weights with m and u.
        assert re.search(
            r"Same first name</td>\s*<td[^>]*>\+6\.5</td>\s*<td[^>]*>Moderate evidence for a match</td>\s*"
            r"<td[^>]*>90%</td>\s*<td[^>]*>1\.0%</td>",
            table,
        )

    def test_a_long_bar_is_cut_at_the_edge_and_says_its_full_weight(self, as_user, reviewer, reviewer_settings_huge):
        html = as_user(reviewer).get(reverse("linkage:model")).content.decode()
        row = re.search(r"Different NHS numbers</span>.*?</li>", html, flags=re.S)
        assert row is not None
        assert "app-weights__bar--beyond" in row.group(0)
        assert "width: 100.0%" in row.group(0)
        assert "-93.0" in row.group(0)

    def test_no_active_model(self, as_user, reviewer):
        LinkageModel.objects.update(is_active=False)
        text = _text(as_user(reviewer).get(reverse("linkage:model")).content.decode())
        assert "No linkage model is active" in text


@pytest.fixture
def reviewer_settings_huge(reviewer):
    settings = test_settings()
    nhs = next(c for c in settings["comparisons"] if c["output_column_name"] == "nhs_number")
    different = nhs["comparison_levels"][-1]
    different["m_probability"], different["u_probability"] = 2.0**-93, 1.0
    return linkage_model_save(settings=settings, records=1200, by=reviewer)


class TestVersions:
    def test_every_version_newest_first_with_activate_links(self, as_user, reviewer, active):
        linkage_model_save(settings=test_settings(), records=6000, by=None, activate=False)
        html = as_user(reviewer).get(reverse("linkage:model-versions")).content.decode()
        rows = re.findall(r"<tr class=\"govuk-table__row\">\s*<th scope=\"row\".*?</tr>", html, flags=re.S)
        assert [re.search(r"Version (\d+)", r).group(1) for r in rows] == ["3", "2", "1"]  # type: ignore[union-attr]
        texts = [_text(r) for r in rows]
        assert "Not active" in texts[0] and "Make this the active model (version 3)" in texts[0]
        assert "Active" in texts[1] and "Make this the active model" not in texts[1]
        assert "by Priya Shah" in texts[1] and "5,000" in texts[1]
        assert "20.0 (99.9999%)" in texts[1] and "6.0 (98.5%)" in texts[1]
        assert "Synthetic" in texts[2] and "by the system" in texts[2]

    def test_the_query_count_does_not_grow_with_versions(self, as_user, reviewer, active):
        client = as_user(reviewer)
        url = reverse("linkage:model-versions")
        client.get(url)
        few = _queries(client, url)
        for _ in range(3):
            linkage_model_save(settings=test_settings(), records=6000, by=reviewer, activate=False)
        assert _queries(client, url) == few

    def test_an_older_version_shows_its_chart_and_offers_activation(self, as_user, reviewer, active):
        other = linkage_model_save(settings=test_settings(prior=2e-5), records=7000, by=reviewer, activate=False)
        text = _text(as_user(reviewer).get(reverse("linkage:model-version", args=[other.version])).content.decode())
        assert f"Linkage model version {other.version}" in text
        assert "Not active" in text
        assert "1 in 50,000" in text
        assert "Make this the active model" in text
        assert "Match weights" in text

    def test_an_unknown_version_is_404(self, as_user, reviewer, active):
        assert as_user(reviewer).get(reverse("linkage:model-version", args=[99])).status_code == 404


def _queries(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


class TestActivate:
    def test_confirmation_then_activation(self, as_user, reviewer, active):
        other = linkage_model_save(settings=test_settings(prior=2e-5), records=7000, by=reviewer, activate=False)
        client = as_user(reviewer)
        url = reverse("linkage:model-activate", args=[other.version])
        text = _text(client.get(url).content.decode())
        assert f"Make version {other.version} the active model" in text
        assert f"Active now Version {active.version}" in text
        assert f"instead of version {active.version}" in text
        other.refresh_from_db()
        assert not other.is_active  # a GET changes nothing

        response = client.post(url)
        assert response.status_code == 302
        assert response["Location"] == reverse("linkage:model")
        assert [str(m) for m in get_messages(response.wsgi_request)] == [
            f"Version {other.version} is now the active model"
        ]
        other.refresh_from_db()
        active.refresh_from_db()
        assert other.is_active and not active.is_active
        event = AuditEvent.objects.get(action=Action.AMEND, actor=reviewer, object_id=str(other.pk))
        assert event.detail == {"version": other.version, "active": True}
        # Matching now uses it.
        assert match_person(PersonRecord(first_names=("Ann",), last_names=("Lee",))).model == other

    def test_the_active_version_is_not_activated_again(self, as_user, reviewer, active):
        url = reverse("linkage:model-activate", args=[active.version])
        response = as_user(reviewer).post(url)
        assert response.status_code == 200
        assert f"Version {active.version} is already the active model" in _text(response.content.decode())
        assert not AuditEvent.objects.filter(action=Action.AMEND).exists()

    def test_a_version_this_release_cannot_use_is_refused(self, as_user, reviewer, active):
        settings = test_settings()
        settings["comparisons"][0]["comparison_levels"].pop()
        stale = LinkageModel.objects.create(
            version=9, splink_settings=settings, trained_on_records=3000, auto_link_weight=20, review_weight=6
        )
        client = as_user(reviewer)
        text = _text(client.get(reverse("linkage:model-version", args=[9])).content.decode())
        assert "cannot be used or shown as a chart" in text
        assert "Make this the active model" not in text
        response = client.post(reverse("linkage:model-activate", args=[9]))
        assert "Version 9 was trained on comparisons this release no longer makes" in _text(response.content.decode())
        stale.refresh_from_db()
        assert not stale.is_active


class TestThresholds:
    def url(self, model: LinkageModel) -> str:
        return reverse("linkage:model-thresholds", args=[model.version])

    def test_the_form_shows_the_current_values_and_what_weights_mean(self, as_user, reviewer, active):
        html = as_user(reviewer).get(self.url(active)).content.decode()
        assert 'name="auto_link_weight" type="text" value="20.0"' in html
        assert 'name="review_weight" type="text" value="6.0"' in html
        text = _text(html)
        assert "auto-link at a match weight of 20.0 (a match probability of 99.9999%)" in text
        assert "10 99.9% About 1 in 1,025" in text

    def test_a_reviewer_changes_the_thresholds_with_a_reason(self, as_user, reviewer, active):
        data = {"auto_link_weight": "22.5", "review_weight": "8", "reason": "Two wrong auto-links at 21 this month"}
        response = as_user(reviewer).post(self.url(active), data)
        assert response.status_code == 302
        assert response["Location"] == reverse("linkage:model")
        active.refresh_from_db()
        assert (active.auto_link_weight, active.review_weight) == (22.5, 8.0)
        event = AuditEvent.objects.get(action=Action.AMEND, actor=reviewer)
        assert event.reason == "Two wrong auto-links at 21 this month"
        assert event.detail == {
            "old": {"auto_link_weight": 20.0, "review_weight": 6.0},
            "new": {"auto_link_weight": 22.5, "review_weight": 8.0},
        }
        # The new thresholds take effect for the next record.
        assert match_person(PersonRecord(first_names=("Ann",), last_names=("Lee",))).model.auto_link_weight == 22.5

    def test_an_inactive_version_returns_to_its_own_page(self, as_user, reviewer, active, older):
        data = {"auto_link_weight": "18", "review_weight": "5", "reason": "Trying the reference model's"}
        response = as_user(reviewer).post(self.url(older), data)
        assert response["Location"] == reverse("linkage:model-version", args=[older.version])

    @pytest.mark.parametrize(
        ("data", "field", "message"),
        [
            (
                {"auto_link_weight": "12", "review_weight": "12", "reason": "Fewer reviews"},
                "review_weight",
                "The review threshold must be below the auto-link threshold",
            ),
            (
                {"auto_link_weight": "8", "review_weight": "4", "reason": "More auto-links"},
                "auto_link_weight",
                "The auto-link threshold must be at least 10 (a match probability of 0.999)",
            ),
            (
                {"auto_link_weight": "twenty", "review_weight": "6", "reason": "Typo"},
                "auto_link_weight",
                "Auto-link threshold must be a number, like 20",
            ),
            (
                {"auto_link_weight": "21", "review_weight": "6", "reason": "  "},
                "reason",
                "Enter why the thresholds are changing",
            ),
            (
                {"auto_link_weight": "", "review_weight": "6", "reason": "Blank"},
                "auto_link_weight",
                "Enter the auto-link threshold",
            ),
        ],
    )
    def test_a_refused_change_keeps_what_was_typed(self, as_user, reviewer, active, data, field, message):
        response = as_user(reviewer).post(self.url(active), data)
        assert response.status_code == 200
        html = response.content.decode()
        assert f'<a href="#id_{field}">{html_lib.escape(message)}</a>' in html
        assert f'id="id_{field}-error"' in html
        assert f'name="auto_link_weight" type="text" value="{data["auto_link_weight"]}"' in html
        assert f'name="review_weight" type="text" value="{data["review_weight"]}"' in html
        active.refresh_from_db()
        assert (active.auto_link_weight, active.review_weight) == (20.0, 6.0)
        assert not AuditEvent.objects.filter(action=Action.AMEND).exists()

    @pytest.mark.parametrize(
        ("data", "messages"),
        [
            (
                {"auto_link_weight": "8", "review_weight": "9", "reason": ""},
                [
                    "The auto-link threshold must be at least 10 (a match probability of 0.999)",
                    "The review threshold must be below the auto-link threshold",
                    "Enter why the thresholds are changing",
                ],
            ),
            (
                {"auto_link_weight": "twenty", "review_weight": "", "reason": ""},
                [
                    "Auto-link threshold must be a number, like 20",
                    "Enter the review threshold",
                    "Enter why the thresholds are changing",
                ],
            ),
        ],
    )
    def test_every_problem_is_reported_at_once(self, as_user, reviewer, active, data, messages):
        html = as_user(reviewer).post(self.url(active), data).content.decode()
        summary = html[
            html.index("govuk-error-summary__list") : html.index("</ul>", html.index("govuk-error-summary__list"))
        ]
        assert [html_lib.unescape(m) for m in re.findall(r'<a href="#id_\w+">(.*?)</a>', summary)] == messages

    def test_what_the_typed_numbers_mean_is_shown_when_refused(self, as_user, reviewer, active):
        data = {"auto_link_weight": "15", "review_weight": "3", "reason": ""}
        text = _text(as_user(reviewer).post(self.url(active), data).content.decode())
        assert "auto-link at a match weight of 15.0, a match probability of 99.997%" in text
        assert "review at a match weight of 3.0, a match probability of 88.9%" in text


# --- manage.py linkage_train -------------------------------------------------------------------


def _index_of(n: int) -> None:
    """n children, cheaply: enough for the training service to accept the index."""
    Child.objects.bulk_create(Child(la_child_id=f"C{i:07d}", display_name=f"Child {i}", sex="F") for i in range(n))


def _fake_train(rows: Any, **kwargs: Any) -> engine.TrainingResult:
    records = list(rows)
    return engine.TrainingResult(
        settings=test_settings(), records=len(records), timings=engine.Timings({"load": 0.2, "u": 1.0, "em": 2.3})
    )


class TestTrainCommand:
    def test_trains_on_the_index_and_makes_the_new_version_active(self, reviewer):
        _index_of(MIN_TRAINING_RECORDS)
        current = LinkageModel.objects.get(is_active=True)
        linkage_thresholds_set(model=current, auto_link_weight=18.5, review_weight=7.0, reason="Local", by=reviewer)
        out = StringIO()
        with mock.patch("safeguarding.linkage.training.engine.train", side_effect=_fake_train) as train:
            call_command("linkage_train", "--by", "reviewer", stdout=out)
        train.assert_called_once()
        assert len(train.call_args.args[0]) == MIN_TRAINING_RECORDS  # every child in the index, as feature rows
        new = LinkageModel.objects.get(is_active=True)
        assert new.version == 2
        assert new.trained_on_records == MIN_TRAINING_RECORDS
        assert new.trained_by == reviewer
        assert (new.auto_link_weight, new.review_weight) == (18.5, 7.0)  # carried over from the active version
        output = out.getvalue()
        assert f"Training on the child index: {MIN_TRAINING_RECORDS:,} children" in output
        assert "Trained on the index in 3.5 s;" in output
        assert "s in all, reading the index included" in output
        assert "Version 2 trained and now the active model" in output
        assert AuditEvent.objects.filter(action=Action.CREATE, object_id=str(new.pk), actor=reviewer).exists()

    def test_no_activate_keeps_the_current_model(self):
        _index_of(MIN_TRAINING_RECORDS)
        out = StringIO()
        with mock.patch("safeguarding.linkage.training.engine.train", side_effect=_fake_train):
            call_command("linkage_train", "--no-activate", stdout=out)
        assert LinkageModel.objects.get(is_active=True).version == 1
        new = LinkageModel.objects.get(version=2)
        assert not new.is_active and new.trained_by is None
        assert "Version 2 trained, not active (version 1 stays active)" in out.getvalue()
        assert "/linkage/model/versions/" in out.getvalue()

    def test_too_small_an_index_is_a_clear_refusal(self):
        _index_of(12)
        with mock.patch("safeguarding.linkage.training.engine.train") as train, pytest.raises(CommandError) as refused:
            call_command("linkage_train", stdout=StringIO())
        assert str(refused.value) == (
            "The index holds 12 children: at least 1,000 are needed to train. Version 1 stays the active model."
        )
        train.assert_not_called()
        assert LinkageModel.objects.count() == 1

    def test_an_unknown_user_is_refused(self):
        with pytest.raises(CommandError, match="No active user with the username 'nobody'"):
            call_command("linkage_train", "--by", "nobody", stdout=StringIO())

    def test_a_real_training_run_on_a_small_generated_index(self, as_user, reviewer):
        """Splink's expectation maximisation, for real, on 1,200 generated records (about 10 s):
        the rows the index would give are the generator's, so as not to write 1,200 children."""
        population = generate_population(1200, seed=11)
        rows = [features(str(i), person_from_row(r)) for i, r in enumerate(population.records)]
        out = StringIO()
        with mock.patch("safeguarding.linkage.training.iter_index", return_value=iter(rows)):
            call_command("linkage_train", stdout=out)
        new = LinkageModel.objects.get(is_active=True)
        assert new.version == 2 and new.trained_on_records == len(rows)
        assert "Version 2 trained and now the active model" in out.getvalue()
        weights = {comparison: dict(levels) for comparison, levels in active_model()[1].level_weights()}
        # What EM learnt from unlabelled records: agreement counts for, disagreement against.
        assert weights["Date of birth"]["Same date of birth"] > 5 > weights["Date of birth"]["Different dates of birth"]
        assert weights["Surname"]["Same surname"] > 0 > weights["Surname"]["Different surnames"]
        # And the chart shows the new version.
        text = _text(as_user(reviewer).get(reverse("linkage:model")).content.decode())
        assert "Version 2 Active" in text and f"{len(rows):,} children in the index" in text
