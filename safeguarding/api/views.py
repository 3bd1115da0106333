"""The agency API's endpoints: thin. Each reads its request through a serializer, calls one
service or selector, and answers; errors are problem details (api/problems.py). The status
flag's endpoints are in flag_views.py.

Every call but the token endpoint needs a bearer token of a live client holding the
operation's scope (`required_scopes`), and acts as the client's service user: the access
rules and the audit treat it as a person of that agency. Every write needs an
Idempotency-Key and is one transaction with the stored response (api/idempotency.py).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, ClassVar

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, JsonResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from oauth2_provider.oauth2_backends import get_oauthlib_core
from rest_framework import serializers
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.parsers import FormParser
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from safeguarding.access.models import User
from safeguarding.access.permissions import Basis, basis_for
from safeguarding.api import examples, selectors
from safeguarding.api.authentication import client_of
from safeguarding.api.idempotency import idempotent
from safeguarding.api.models import ApiClient
from safeguarding.api.permissions import ClientHasScope
from safeguarding.api.problems import (
    NOT_FOUND,
    PROBLEM_CONTENT_TYPE,
    TOKEN_REFUSED,
    Problem,
    ProblemSerializer,
    invalid,
    problem_response,
)
from safeguarding.api.schema import IDEMPOTENCY_KEY, REPLAYED, RETRY_AFTER, WRITE_PROBLEMS, WWW_AUTHENTICATE, problems
from safeguarding.api.serializers import (
    ClientCredentialsSerializer,
    ConcernCreatedSerializer,
    ConcernSerializer,
    FeedRecordResultSerializer,
    FeedRecordSerializer,
    ReferralCreatedSerializer,
    ReferralPageSerializer,
    ReferralSerializer,
    ReferralSubmissionSerializer,
    TokenSerializer,
)
from safeguarding.api.services import concern_submit, feed_record_submit, referral_submit, refusal_record
from safeguarding.api.throttling import TokenRateThrottle
from safeguarding.audit.models import Action
from safeguarding.audit.services import audit_record
from safeguarding.core import clocks
from safeguarding.core.calendar import local_date
from safeguarding.core.errors import DomainError
from safeguarding.people.models import Child

# The largest id a database column holds: a larger one in a path is simply not found.
MAX_ID = 2**63 - 1


class OneMediaType(DefaultContentNegotiation):
    """Each endpoint answers in one media type whatever the Accept header asks (its errors in
    application/problem+json): a client is never refused for what it is willing to read."""

    def select_renderer(self, request: Request, renderers: Any, format_suffix: str | None = None) -> Any:
        return renderers[0], renderers[0].media_type


# --- The base of every client endpoint ----------------------------------------------------------


class ClientView(APIView):
    """A client's call: authenticated (settings: ClientAuthentication), scoped, throttled per
    client (settings: ClientRateThrottle), answered in problem details when it fails."""

    permission_classes = [ClientHasScope]
    content_negotiation_class = OneMediaType
    required_scopes: ClassVar[list[str]] = []

    @property
    def client(self) -> ApiClient:
        return client_of(self.request)

    @property
    def service_user(self) -> User:
        return self.client.service_user

    @property
    def endpoint(self) -> str:
        return f"{self.request.method} {self.request.path}"

    def submit(self, serializer_class: type[serializers.Serializer[Any]], write: Callable[[Any], Response]) -> Response:
        """Validate the body and write, once per Idempotency-Key, all or nothing. A refusal by
        the rules is audited after its transaction has rolled back."""
        request = self.request

        def handler() -> Response:
            serializer = serializer_class(data=request.data)
            serializer.is_valid(raise_exception=True)
            return write(serializer)

        try:
            return idempotent(request, handler, required=True)
        except (DomainError, PermissionDenied) as refused:
            refusal_record(client=self.client, endpoint=self.endpoint, why=str(refused))
            raise

    def visible_la_child_id(self, child: Child) -> str | None:
        """The LA child ID, if the agency may open the child's record (ADR 3)."""
        return child.la_child_id if basis_for(self.service_user, child.pk) is not Basis.NONE else None


# --- The token endpoint -------------------------------------------------------------------------


class TokenView(APIView):
    """OAuth2 client credentials (RFC 6749 section 4.4): a client's ID and secret for a bearer
    token. Refusals are problem details carrying OAuth2's own `error` and `error_description`."""

    authentication_classes: ClassVar[list[Any]] = []
    permission_classes = [AllowAny]
    throttle_classes = [TokenRateThrottle]
    parser_classes = [FormParser]
    content_negotiation_class = OneMediaType

    @extend_schema(
        operation_id="token",
        summary="Get a bearer token",
        description="Send your client ID and secret with HTTP Basic authentication (or as client_id and "
        "client_secret in the form) and `grant_type=client_credentials`. The token lasts `expires_in` "
        "seconds: get a new one when it expires. Refusals: 400 invalid_request, invalid_scope or "
        "unsupported_grant_type; 401 invalid_client (unknown, wrong secret or revoked).",
        tags=["Credentials"],
        auth=[],
        request={"application/x-www-form-urlencoded": ClientCredentialsSerializer},
        examples=examples.TOKEN,
        responses={200: TokenSerializer, **problems(400, 401, 415, 429)},
        parameters=[RETRY_AFTER],
    )
    def post(self, request: Request) -> Response:
        grant_type = request.data.get("grant_type", "")
        if grant_type != "client_credentials":
            raise Problem(
                status=400,
                type=TOKEN_REFUSED,
                title="Token refused",
                detail="Only the client credentials grant is offered: send grant_type=client_credentials.",
                errors=[{"pointer": "/grant_type", "detail": "Must be client_credentials"}],
                extensions={"error": "unsupported_grant_type"},
            )
        _, headers, body, status = get_oauthlib_core().create_token_response(request._request)
        data = json.loads(body)
        if status == 200:
            return Response(data, status=200, headers={k: v for k, v in headers.items() if k != "Content-Type"})
        error = str(data.get("error", "invalid_request"))
        description = str(data.get("error_description", "")) or {
            "invalid_client": "The client ID or secret is wrong, or the client's credentials have been revoked.",
            "invalid_scope": "Ask only for scopes your client was given.",
        }.get(error, "The token request was refused.")
        field_errors = None
        if error == "invalid_scope":
            field_errors = [{"pointer": "/scope", "detail": "Not a scope this client was given"}]
        raise Problem(
            status=status,
            type=TOKEN_REFUSED,
            title="Token refused",
            detail=description,
            errors=field_errors,
            headers={k: v for k, v in headers.items() if k.lower() == "www-authenticate"},
            extensions={"error": error, "error_description": description},
        )


# --- Concerns -----------------------------------------------------------------------------------


class ConcernCreate(ClientView):
    required_scopes = ["concerns:write"]

    @extend_schema(
        operation_id="concern_create",
        summary="Submit a concern",
        description="A concern about a child, recorded on the child's chronology as your agency's. The "
        "child is found by identifier or by the matching model; one the index does not hold is added.",
        tags=["Concerns"],
        request=ConcernSerializer,
        examples=examples.CONCERN,
        responses={201: ConcernCreatedSerializer, **problems(*WRITE_PROBLEMS)},
        parameters=[IDEMPOTENCY_KEY, REPLAYED, RETRY_AFTER, WWW_AUTHENTICATE],
    )
    def post(self, request: Request) -> Response:
        def write(serializer: ConcernSerializer) -> Response:
            reference = serializer.validated_data["reference"]
            submitted = concern_submit(
                client=self.client,
                reference=reference,
                person=serializer.person(),
                data=serializer.concern(),
                endpoint=self.endpoint,
            )
            concern = submitted.concern
            body = {
                "id": concern.pk,
                "reference": reference,
                "la_child_id": self.visible_la_child_id(concern.child),
                "linked": submitted.received.record.link_method,
                "recorded_at": concern.recorded_at,
            }
            return Response(ConcernCreatedSerializer(body).data, status=201)

        return self.submit(ConcernSerializer, write)


# --- Referrals ----------------------------------------------------------------------------------


class ReferralListCreate(ClientView):
    @property
    def required_scopes(self) -> list[str]:  # type: ignore[override]
        return ["referrals:write"] if self.request.method == "POST" else ["referrals:read"]

    @extend_schema(
        operation_id="referral_list",
        summary="The outcomes of your agency's referrals",
        description="Every referral your agency made (through this API or on the referral form), newest "
        f"first: the front door's decision and each later stage with its date, as the referrer sees them "
        f"in My referrals. {selectors.PAGE_SIZE} a page.",
        tags=["Referrals"],
        parameters=[
            OpenApiParameter("page", OpenApiTypes.INT, description="The page, from 1 (default 1)"),
            RETRY_AFTER,
            WWW_AUTHENTICATE,
        ],
        responses={
            200: ReferralPageSerializer,
            **problems(400, 401, 403, 429),
            (404, PROBLEM_CONTENT_TYPE): OpenApiResponse(ProblemSerializer, description="Past the last page"),
        },
    )
    def get(self, request: Request) -> Response:
        raw = request.query_params.get("page", "1")
        number = int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 10 else 0
        if number < 1:
            raise invalid([{"parameter": "page", "detail": "The page is a whole number from 1"}])
        try:
            page = selectors.referral_page(agency_id=self.client.agency_id, number=number)
        except selectors.PageOutOfRange:
            raise Problem(status=404, type=NOT_FOUND, detail="There is no page with this number.") from None
        audit_record(
            actor=self.service_user,
            action=Action.VIEW,
            detail={
                "what": "referral outcomes",
                "endpoint": self.endpoint,
                "api_client": self.client.name,
                "page": page.number,
                "contacts": [c.pk for c in page.contacts],
            },
        )
        url = request.build_absolute_uri(request.path)
        body = {
            "count": page.count,
            "next": f"{url}?page={page.number + 1}" if page.has_next else None,
            "previous": (f"{url}?page={page.number - 1}" if page.number > 2 else url) if page.number > 1 else None,
            "results": [selectors.referral_body(c) for c in page.contacts],
        }
        return Response(ReferralPageSerializer(body).data)

    @extend_schema(
        operation_id="referral_create",
        summary="Submit a referral",
        description="A referral to the front door (the same questions as the referral form), which decides "
        "within 1 working day. The CIN referral source follows from your agency's kind.",
        tags=["Referrals"],
        request=ReferralSubmissionSerializer,
        examples=examples.REFERRAL,
        responses={201: ReferralCreatedSerializer, **problems(*WRITE_PROBLEMS)},
        parameters=[IDEMPOTENCY_KEY, REPLAYED, RETRY_AFTER, WWW_AUTHENTICATE],
    )
    def post(self, request: Request) -> Response:
        def write(serializer: ReferralSubmissionSerializer) -> Response:
            reference = serializer.validated_data["reference"]
            submitted = referral_submit(
                client=self.client,
                reference=reference,
                person=serializer.person(),
                data=serializer.contact(),
                endpoint=self.endpoint,
            )
            contact = submitted.contact
            body = {
                "id": contact.pk,
                "reference": reference,
                "la_child_id": self.visible_la_child_id(contact.child),
                "linked": submitted.received.record.link_method,
                "received_at": contact.received_at,
                "decision_due": clocks.due_date("referral_decision", local_date(contact.received_at)),
            }
            return Response(ReferralCreatedSerializer(body).data, status=201)

        return self.submit(ReferralSubmissionSerializer, write)


class ReferralDetail(ClientView):
    required_scopes = ["referrals:read"]

    @extend_schema(
        operation_id="referral_detail",
        summary="The outcome of one of your agency's referrals",
        tags=["Referrals"],
        responses={200: ReferralSerializer, **problems(401, 403, 404, 429)},
        parameters=[RETRY_AFTER, WWW_AUTHENTICATE],
    )
    def get(self, request: Request, pk: int) -> Response:
        contact = selectors.referral_of(agency_id=self.client.agency_id, pk=pk) if pk <= MAX_ID else None
        if contact is None:
            raise Problem(status=404, type=NOT_FOUND, detail="Your agency made no referral with this ID.")
        audit_record(
            actor=self.service_user,
            action=Action.VIEW,
            child=contact.child,
            obj=contact,
            detail={"what": "referral outcome", "endpoint": self.endpoint, "api_client": self.client.name},
        )
        return Response(ReferralSerializer(selectors.referral_body(contact)).data)


# --- Feed records -------------------------------------------------------------------------------


class FeedRecordCreate(ClientView):
    required_scopes = ["feeds:write"]

    @extend_schema(
        operation_id="feed_record_create",
        summary="Submit a feed record",
        description="One person record, as one row of your agency's extract: a school's pupil, a GP "
        "practice's registered patient, an A&E attendance (a hospital) or a child in a police incident "
        "(the police), or any other person record. Linked to the child it identifies or added; an "
        "attendance or incident lands on the child's chronology. The same reference again is the same "
        "record: 200 and unchanged.",
        tags=["Feeds"],
        request=FeedRecordSerializer,
        examples=examples.FEED_RECORD,
        responses={
            201: OpenApiResponse(FeedRecordResultSerializer, description="A new record, or a new event"),
            200: OpenApiResponse(FeedRecordResultSerializer, description="Already received: nothing changed"),
            **problems(*WRITE_PROBLEMS),
        },
        parameters=[IDEMPOTENCY_KEY, REPLAYED, RETRY_AFTER, WWW_AUTHENTICATE],
    )
    def post(self, request: Request) -> Response:
        def write(serializer: FeedRecordSerializer) -> Response:
            data = serializer.validated_data
            submitted = feed_record_submit(
                client=self.client,
                kind=data["kind"],
                reference=data["reference"],
                person=serializer.person(),
                event=serializer.event_in(),
                endpoint=self.endpoint,
            )
            received = submitted.received
            body = {
                "reference": data["reference"],
                "kind": data["kind"],
                "linked": received.record.link_method,
                "unchanged": received.unchanged and not submitted.event_added,
                "queued_for_review": received.queued_for_review,
                "event_added": submitted.event_added,
                "la_child_id": self.visible_la_child_id(received.record.child),
            }
            status = 200 if body["unchanged"] else 201
            return Response(FeedRecordResultSerializer(body).data, status=status)

        return self.submit(FeedRecordSerializer, write)


# --- Anything else under /api/ ------------------------------------------------------------------


def not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
    """An address the API does not have: a problem, not the web's HTML page."""
    response = problem_response(Problem(status=404, type=NOT_FOUND, detail="The API has no such address."))
    return JsonResponse(response.data, status=404, content_type=PROBLEM_CONTENT_TYPE)
