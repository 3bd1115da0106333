"""A child's status flag by NHS number or UPN, for agency systems: JSON, and FHIR R4 (a
searchset Bundle of Flag resources). Each calls sharing.flags.flag_lookup, which decides who
may look, records the lookup and tells the lead practitioner."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.parsers import FormParser
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from safeguarding.access.models import User
from safeguarding.api import examples
from safeguarding.api.problems import (
    NOT_FOUND,
    PROBLEM_CONTENT_TYPE,
    REFUSED,
    Problem,
    ProblemSerializer,
    django_errors,
    invalid,
)
from safeguarding.api.schema import RETRY_AFTER, WWW_AUTHENTICATE, problems
from safeguarding.api.serializers import (
    FhirBundleSerializer,
    FhirSearchSerializer,
    FlagSearchSerializer,
    StatusFlagSerializer,
)
from safeguarding.api.views import ClientView
from safeguarding.people.identifiers import normalise_nhs_number, normalise_upn
from safeguarding.sharing.flags import (
    NHS_NUMBER_SYSTEM,
    UPN_SYSTEM,
    FlagLookupRefused,
    StatusFlag,
    fhir_flag_bundle,
    flag_lookup,
)
from safeguarding.sharing.models import LookupChannel

FHIR_CONTENT_TYPE = "application/fhir+json"


def _not_found(kind: str) -> Problem:
    label = "NHS number" if kind == "nhs_number" else "UPN"
    return Problem(
        status=404,
        type=NOT_FOUND,
        detail=f"No child in the index has this {label}. That does not mean the child is not known to "
        "children's services: if you are worried about them, contact the front door.",
    )


def _lookup(*, identifier: str, by: User, channel: str, purpose: str, where: dict[str, str]) -> StatusFlag | None:
    """flag_lookup, its refusals as problems naming where the identifier was sent."""
    try:
        return flag_lookup(identifier=identifier, by=by, channel=channel, purpose=purpose)
    except FlagLookupRefused as refused:  # audited by flag_lookup
        raise Problem(status=403, type=REFUSED, title="Refused", detail=str(refused)) from None
    except ValidationError as error:
        raise invalid([{**where, "detail": e["detail"]} for e in django_errors(error)]) from None


class StatusFlagSearch(ClientView):
    required_scopes = ["flags:read"]

    @extend_schema(
        operation_id="status_flag_search",
        summary="A child's status flag",
        description="Whether the child is on a child protection plan, looked after, a child in need, in "
        "early help, or has an unborn child protection plan; since when; who to contact. No status is "
        "not the same as not known to children's services. Each lookup is recorded and shown to the "
        "child's lead practitioner; from a hospital or GP practice it tells them. The identifier is in "
        "the body so that it stays out of logs.",
        tags=["Status flags"],
        request=FlagSearchSerializer,
        examples=examples.FLAG_SEARCH,
        responses={
            200: StatusFlagSerializer,
            **problems(400, 401, 403, 415, 429),
            (404, PROBLEM_CONTENT_TYPE): OpenApiResponse(ProblemSerializer, description="No child has it"),
        },
        parameters=[RETRY_AFTER, WWW_AUTHENTICATE],
    )
    def post(self, request: Request) -> Response:
        search = FlagSearchSerializer(data=request.data)
        search.is_valid(raise_exception=True)
        kind = "nhs_number" if search.validated_data.get("nhs_number", "").strip() else "upn"
        asked = search.validated_data[kind]
        flag = _lookup(
            identifier=asked,
            by=self.service_user,
            channel=LookupChannel.API,
            purpose=search.validated_data["purpose"],
            where={"pointer": f"/{kind}"},
        )
        if flag is None:
            raise _not_found(kind)
        answer = flag.as_answer()
        body = {
            # As asked: a merged record's survivor may hold another number.
            "identifier": {kind: (normalise_nhs_number if kind == "nhs_number" else normalise_upn)(asked)},
            # The flag says there is a status, never its category (sharing/flags.py).
            "statuses": [{k: v for k, v in s.items() if k != "category"} for s in answer["statuses"]],
            "lead": answer["lead"],
            "out_of_hours": answer["out_of_hours"],
            "checked_at": timezone.now(),
        }
        return Response(StatusFlagSerializer(body).data)


class FhirJSONRenderer(JSONRenderer):
    media_type = FHIR_CONTENT_TYPE
    format = "fhir"


def _fhir_identifier(value: str) -> str:
    """`system|value` (or the value alone) as the bare identifier flag_lookup reads."""
    system, bar, ident = value.partition("|")
    if not bar:
        return value
    if system not in ("", NHS_NUMBER_SYSTEM, UPN_SYSTEM):
        raise ValidationError({"identifier": f"Use the system {NHS_NUMBER_SYSTEM} or {UPN_SYSTEM}"})
    if system == NHS_NUMBER_SYSTEM and not ident.replace(" ", "").isdigit():
        raise ValidationError({"identifier": "An NHS number is 10 numbers, like 9434765919"})
    if system == UPN_SYSTEM and ident.replace(" ", "").isdigit():
        raise ValidationError({"identifier": "A UPN is 13 characters, like T801201001012"})
    return ident


def _empty_bundle(diagnostics: str) -> dict[str, Any]:
    """A searchset with no match, saying why in an OperationOutcome (FHIR R4 Bundle, mode outcome)."""
    from fhir.resources.R4B.bundle import Bundle

    bundle = {
        "resourceType": "Bundle",
        "type": "searchset",
        "timestamp": timezone.now().isoformat(timespec="seconds"),
        "total": 0,
        "entry": [
            {
                "resource": {
                    "resourceType": "OperationOutcome",
                    "issue": [{"severity": "information", "code": "not-found", "diagnostics": diagnostics}],
                },
                "search": {"mode": "outcome"},
            }
        ],
    }
    result: dict[str, Any] = Bundle.model_validate(bundle).model_dump(mode="json", exclude_none=True)
    return result


class _FhirFlagSearch(ClientView):
    required_scopes = ["flags:read"]
    renderer_classes = [FhirJSONRenderer]
    parser_classes = [FormParser]

    def search(self, params: Any, *, in_body: bool) -> Response:
        def where(name: str) -> dict[str, str]:
            # A form field is named by a pointer into the body, a query parameter by its name.
            return {"pointer": f"/{name}"} if in_body else {"parameter": name}

        search = FhirSearchSerializer(data=params)
        if not search.is_valid():
            names = {"patient_identifier": "patient:identifier"}
            raise invalid(
                [
                    {**where(names.get(field, field)), "detail": str(message)}
                    for field, messages in search.errors.items()
                    for message in messages
                ]
            )
        place = where("patient:identifier")
        try:
            identifier = _fhir_identifier(search.validated_data["patient_identifier"])
        except ValidationError as error:
            raise invalid([{**place, "detail": e["detail"]} for e in django_errors(error)]) from None
        flag = _lookup(
            identifier=identifier,
            by=self.service_user,
            channel=LookupChannel.FHIR,
            purpose=search.validated_data["purpose"],
            where=place,
        )
        if flag is None:
            bundle = _empty_bundle(
                "No child in the index has this identifier. That does not mean the child is not known to "
                "children's services: if you are worried about them, contact the front door."
            )
        else:
            bundle = fhir_flag_bundle(flag)
        return Response(bundle, content_type=FHIR_CONTENT_TYPE)


FHIR_DESCRIPTION = (
    "The child's status flag as a FHIR R4 searchset Bundle: one Flag per current status (category "
    "safety, status active, period.start), the lead practitioner as an included PractitionerRole (each "
    "Flag's author) and the local authority's out-of-hours contact as an included Organization. No "
    "status, or no such child: total 0 (an OperationOutcome says which). Errors are problem details."
)


class FhirFlagSearchGet(_FhirFlagSearch):
    @extend_schema(
        operation_id="fhir_flag_search",
        summary="A child's status flag, FHIR R4 (GET)",
        description=FHIR_DESCRIPTION + " Prefer POST Flag/_search, which keeps the identifier out of logs.",
        tags=["Status flags"],
        parameters=[
            OpenApiParameter(
                "patient:identifier",
                OpenApiTypes.STR,
                required=True,
                description=f"`{NHS_NUMBER_SYSTEM}|9434765919`, `{UPN_SYSTEM}|T801201001012`, or the value alone",
                examples=[OpenApiExample("By NHS number", value=f"{NHS_NUMBER_SYSTEM}|{examples.NHS_NUMBER}")],
            ),
            OpenApiParameter("purpose", OpenApiTypes.STR, description="Why you are looking"),
            RETRY_AFTER,
            WWW_AUTHENTICATE,
        ],
        responses={(200, FHIR_CONTENT_TYPE): FhirBundleSerializer, **problems(400, 401, 403, 429)},
    )
    def get(self, request: Request) -> Response:
        return self.search(request.query_params, in_body=False)


class FhirFlagSearchPost(_FhirFlagSearch):
    @extend_schema(
        operation_id="fhir_flag_search_post",
        summary="A child's status flag, FHIR R4 (POST _search)",
        description=FHIR_DESCRIPTION,
        tags=["Status flags"],
        request={
            "application/x-www-form-urlencoded": {
                "type": "object",
                "properties": {
                    "patient:identifier": {"type": "string", "maxLength": 200},
                    "purpose": {"type": "string", "maxLength": 500},
                },
                "required": ["patient:identifier"],
            }
        },
        examples=examples.FHIR_SEARCH,
        responses={(200, FHIR_CONTENT_TYPE): FhirBundleSerializer, **problems(400, 401, 403, 415, 429)},
        parameters=[RETRY_AFTER, WWW_AUTHENTICATE],
    )
    def post(self, request: Request) -> Response:
        return self.search(request.data, in_body=True)
