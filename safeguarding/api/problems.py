"""Errors as RFC 9457 problem details (`application/problem+json`).

Every error the API returns has `type`, `title`, `status` and `detail`. A request that fails
validation also has `errors`: one item per problem, naming where it is with `pointer` (a
JSON Pointer into the request body, "/child/nhs_number"), `parameter` (a query parameter)
or `header` (a request header), and saying what is wrong in `detail`.

Types are documented in docs/api.md; plain HTTP errors use "about:blank" (RFC 9457 4.2.1).
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, serializers
from rest_framework.response import Response
from rest_framework.views import set_rollback

from safeguarding.core.errors import DomainError, NoRelationship

logger = logging.getLogger(__name__)

PROBLEM_CONTENT_TYPE = "application/problem+json"
TYPE_BASE = "/api/problems/"
VALIDATION = TYPE_BASE + "validation-error"
REFUSED = TYPE_BASE + "refused"
IDEMPOTENCY_KEY_REUSED = TYPE_BASE + "idempotency-key-reused"
IDEMPOTENCY_KEY_IN_USE = TYPE_BASE + "idempotency-key-in-use"
NOT_FOUND = TYPE_BASE + "not-found"
NO_RELATIONSHIP = TYPE_BASE + "no-relationship"
TOKEN_REFUSED = TYPE_BASE + "token-refused"
SERVER_ERROR = TYPE_BASE + "server-error"


class Problem(exceptions.APIException):
    """An error with its problem type, title and (for validation) the list of errors."""

    def __init__(
        self,
        *,
        status: int,
        detail: str,
        type: str = "about:blank",  # noqa: A002: the RFC's member name
        title: str = "",
        errors: list[dict[str, str]] | None = None,
        headers: Mapping[str, str] | None = None,
        extensions: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(detail=detail)
        self.status_code = status
        self.type = type
        self.title = title or HTTPStatus(status).phrase
        self.errors = errors
        self.headers = dict(headers or {})
        # Extension members (RFC 9457 3.2): the token endpoint's OAuth2 `error` and
        # `error_description` (RFC 6749 5.2), so that OAuth2 client libraries read them.
        self.extensions = dict(extensions or {})


def invalid(errors: list[dict[str, str]], *, detail: str = "") -> Problem:
    """A 400 validation problem listing each error."""
    return Problem(
        status=400,
        type=VALIDATION,
        title="Your request has errors",
        detail=detail or "Correct the errors listed and send the request again.",
        errors=errors,
    )


def _pointer(path: list[str]) -> str:
    """A JSON Pointer (RFC 6901): "" is the whole body, "/child/nhs_number" a member in it."""
    return "".join("/" + p.replace("~", "~0").replace("/", "~1") for p in path)


def _flatten(detail: Any, path: list[str]) -> list[dict[str, str]]:
    """DRF's nested error detail as a flat list of {pointer, detail}."""
    if isinstance(detail, Mapping):
        found: list[dict[str, str]] = []
        for key, value in detail.items():
            if key in ("non_field_errors", "__all__"):
                found += [{"pointer": _pointer(path), "detail": e["detail"]} for e in _flatten(value, [])]
            else:
                found += _flatten(value, [*path, str(key)])
        return found
    if isinstance(detail, list):
        if all(not isinstance(item, Mapping | list) for item in detail):
            return [{"pointer": _pointer(path), "detail": str(item)} for item in detail]
        found = []
        for i, item in enumerate(detail):
            found += _flatten(item, [*path, str(i)])
        return found
    return [{"pointer": _pointer(path), "detail": str(detail)}]


def django_errors(error: DjangoValidationError, pointers: Mapping[str, str] | None = None) -> list[dict[str, str]]:
    """A service's ValidationError (field -> message) as problem errors; `pointers` maps the
    service's field names to where they are in the request ("first_name" -> "/child/first_name")."""
    pointers = pointers or {}
    if not hasattr(error, "error_dict"):
        return [{"pointer": "", "detail": m} for m in error.messages]
    found = []
    for field, messages in error.message_dict.items():
        # A dotted field ("child.first_name") is a path into the body.
        where = pointers.get(field, "" if field == "__all__" else _pointer(field.split(".")))
        found += [{"pointer": where, "detail": m} for m in messages]
    return found


def problem_response(problem: Problem) -> Response:
    body: dict[str, Any] = {
        "type": problem.type,
        "title": problem.title,
        "status": problem.status_code,
        "detail": str(problem.detail),
    }
    if problem.errors is not None:
        body["errors"] = problem.errors
    body.update({k: v for k, v in problem.extensions.items() if k not in body})
    return Response(body, status=problem.status_code, headers=problem.headers, content_type=PROBLEM_CONTENT_TYPE)


def _as_problem(exc: Exception, context: Mapping[str, Any]) -> Problem | None:
    if isinstance(exc, Problem):
        return exc
    view = context.get("view")
    if isinstance(exc, DjangoValidationError):
        return invalid(django_errors(exc, getattr(view, "service_error_pointers", None)))
    if isinstance(exc, NoRelationship):
        return Problem(status=403, type=NO_RELATIONSHIP, detail=str(exc))
    if isinstance(exc, DomainError):
        return Problem(status=422, type=REFUSED, title="Refused", detail=str(exc))
    if isinstance(exc, Http404):
        return Problem(status=404, type=NOT_FOUND, detail=str(exc) or "Not found.")
    if isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    if isinstance(exc, exceptions.ValidationError):
        return invalid(_flatten(exc.detail, []))
    if isinstance(exc, exceptions.APIException):
        detail = exc.detail
        if isinstance(detail, Mapping):
            detail = detail.get("detail", exceptions.APIException.default_detail)
        headers: dict[str, str] = {}
        auth_header = getattr(exc, "auth_header", None)
        if auth_header:
            headers["WWW-Authenticate"] = auth_header
        wait = getattr(exc, "wait", None)
        if isinstance(exc, exceptions.Throttled):
            headers["Retry-After"] = str(max(1, math.ceil(wait or 1)))
            detail = f"Too many requests: try again in {headers['Retry-After']} seconds."
        return Problem(status=exc.status_code, detail=str(detail), headers=headers)
    return None


def problem_exception_handler(exc: Exception, context: Mapping[str, Any]) -> Response:
    """REST_FRAMEWORK["EXCEPTION_HANDLER"]: every error as problem details. An error the API
    does not know is logged with its traceback (as Django would) and answered 500, saying
    nothing of its cause."""
    problem = _as_problem(exc, context)
    if problem is None:
        view = context.get("view")
        logger.error("Agency API: unhandled error in %s", type(view).__name__, exc_info=exc)
        problem = Problem(
            status=500,
            type=SERVER_ERROR,
            detail="Something went wrong on our side: nothing was recorded. Try again later.",
        )
    set_rollback()
    return problem_response(problem)


# --- For the schema --------------------------------------------------------------------------


class ProblemErrorSerializer(serializers.Serializer[Any]):
    pointer = serializers.CharField(required=False, help_text='Where in the body: a JSON Pointer, "/child/nhs_number"')
    parameter = serializers.CharField(required=False, help_text="Which query parameter")
    header = serializers.CharField(required=False, help_text="Which request header")
    detail = serializers.CharField(help_text="What is wrong, in plain English")


class ProblemSerializer(serializers.Serializer[Any]):
    """RFC 9457 problem details."""

    type = serializers.CharField(help_text='The kind of problem (a URI reference; "about:blank" for plain HTTP errors)')
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField()
    errors = ProblemErrorSerializer(many=True, required=False)
