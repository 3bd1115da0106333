"""Example requests, shown in the schema (Swagger UI, ReDoc) and sent by its property-based
test. Fictional: 943 476 5919 is the NHS's own example number, T801201001012 a UPN with a
valid check letter that belongs to no one, ZZ99 postcodes are not real."""

from drf_spectacular.utils import OpenApiExample

from safeguarding.sharing.flags import UPN_SYSTEM

NHS_NUMBER = "9434765919"
UPN = "T801201001012"
CHILD = {
    "nhs_number": NHS_NUMBER,
    "first_name": "Amelia",
    "last_name": "Jones",
    "date_of_birth": "2015-06-01",
    "sex": "F",
    "postcode": "ZZ99 3AZ",
}
EXAMPLE_CLIENT_ID = "example-client-id"
# A documented example: no real client has it (the schema's test gives it to one of its own).
EXAMPLE_CLIENT_SECRET = "example-client-secret"  # noqa: S105


FORM = "application/x-www-form-urlencoded"


def _example(name: str, value: dict[str, object], media_type: str = "application/json") -> OpenApiExample:
    return OpenApiExample(name, value=value, request_only=True, media_type=media_type)


TOKEN = [
    _example(
        "Credentials in the form",
        {"grant_type": "client_credentials", "client_id": EXAMPLE_CLIENT_ID, "client_secret": EXAMPLE_CLIENT_SECRET},
        FORM,
    )
]
CONCERN = [
    _example(
        "A bruise seen at school",
        {
            "reference": "PUPIL-0042",
            "child": CHILD,
            "occurred_at": "2026-03-02T08:45:00Z",
            "what_happened": "A bruise on her upper arm, finger-shaped. She said her stepfather grabbed her.",
            "childs_words": "He grabbed me because I was late.",
            "categories": ["physical_abuse"],
            "immediate_danger": False,
            "action_taken": "Spoke to her calmly; told the DSL; referred to the front door.",
            "injury_locations": ["left_arm"],
            "injury_description": "Four small round bruises, about 1 cm each.",
        },
    )
]
REFERRAL = [
    _example(
        "A referral from a school",
        {
            "reference": "PUPIL-0042",
            "child": CHILD,
            "concern": "A finger-shaped bruise on her arm; she said her stepfather grabbed her.",
            "categories": ["physical_abuse"],
            "immediate_danger": False,
            "household": "Mother, stepfather, a brother aged 3",
            "action_taken": "Spoke to her; recorded a concern; the DSL is referring.",
            "family_aware": False,
            "consent": "not_sought",
            "consent_reason": "Telling the family first could put her at greater risk.",
            "referrer_contact": "Jo Bloggs, designated safeguarding lead, 01632 960321",
        },
    )
]
FEED_RECORD = [
    _example(
        "A GP registration",
        {
            "kind": "gp_registration",
            "reference": NHS_NUMBER,
            "nhs_number": NHS_NUMBER,
            "first_name": "Amelia",
            "last_name": "Jones",
            "date_of_birth": "2015-06-01",
            "sex": "F",
            "postcode": "ZZ99 3AZ",
        },
    ),
    _example(
        "An A&E attendance",
        {
            "kind": "ae_attendance",
            "reference": "RXH1234567",
            "nhs_number": NHS_NUMBER,
            "first_name": "Amelia",
            "last_name": "Jones",
            "date_of_birth": "2015-06-01",
            "event": {
                "reference": "ATT-20260302-0113",
                "occurred_at": "2026-03-02T22:10:00Z",
                "summary": "Head injury; fell down the stairs",
                "injury": True,
            },
        },
    ),
    _example(
        "A pupil on the school roll",
        {
            "kind": "school_roll",
            "reference": UPN,
            "upn": UPN,
            "first_name": "Amelia",
            "last_name": "Jones",
            "date_of_birth": "2015-06-01",
        },
    ),
]
FLAG_SEARCH = [
    _example("By NHS number", {"nhs_number": NHS_NUMBER, "purpose": "Attended A&E with a head injury"}),
    _example("By UPN", {"upn": UPN, "purpose": "Missing from school for three days"}),
]
FHIR_SEARCH = [_example("By UPN", {"patient:identifier": f"{UPN_SYSTEM}|{UPN}"}, FORM)]
