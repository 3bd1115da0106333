import pytest

from safeguarding.web.templatetags.govuk_text import in_sentence


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("Police incident", "police incident"),
        ("A&E attendance", "A&E attendance"),
        ("GP appointment", "GP appointment"),
        ("Concern", "concern"),
        ("", ""),
    ],
)
def test_labels_read_naturally_mid_sentence(label, expected):
    assert in_sentence(label) == expected
