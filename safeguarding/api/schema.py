"""The parts of the OpenAPI schema every endpoint shares: the problem responses (RFC 9457, as
application/problem+json) and the headers of rate limits, authentication and idempotency."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse

from safeguarding.api.idempotency import HEADER as IDEMPOTENCY_HEADER
from safeguarding.api.idempotency import KEY_PATTERN
from safeguarding.api.problems import PROBLEM_CONTENT_TYPE, ProblemSerializer

_PROBLEM_TEXT = {
    400: "The request has errors: each is in `errors`, naming the field (`pointer`), parameter or header",
    401: "No bearer token, or it is not valid (expired, or the client's credentials were revoked)",
    403: "The client may not do this: the token lacks the operation's scope, or the agency may not",
    404: "Not found",
    409: "Another request with this Idempotency-Key is being processed: send it again for its result",
    415: "The body is not in the media type this operation takes",
    422: "This Idempotency-Key was used with a different request body, or a rule refused the request",
    429: "Too many requests: wait for the seconds in Retry-After",
}
RETRY_AFTER = OpenApiParameter(
    "Retry-After", OpenApiTypes.INT, OpenApiParameter.HEADER, description="Seconds to wait", response=[429]
)
WWW_AUTHENTICATE = OpenApiParameter(
    "WWW-Authenticate", OpenApiTypes.STR, OpenApiParameter.HEADER, description="Bearer", response=[401]
)
IDEMPOTENCY_KEY = OpenApiParameter(
    IDEMPOTENCY_HEADER,
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=True,
    pattern=KEY_PATTERN,
    description="A new random value (a UUID) for each submission; the same value when you retry it. A retry "
    "gets the first response again (with `Idempotent-Replayed: true`) and creates nothing twice",
    examples=[OpenApiExample("A UUID", value="5f0c8a52-7d3e-4b9a-9c41-2e7f1d6b8a30")],
)
REPLAYED = OpenApiParameter(
    "Idempotent-Replayed",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    enum=["true"],
    description="Present when this is the stored response to an earlier request with the same key",
    response=[200, 201],
)


def problems(*codes: int) -> dict[Any, Any]:
    """Documented problem responses, as application/problem+json."""
    return {
        (code, PROBLEM_CONTENT_TYPE): OpenApiResponse(ProblemSerializer, description=_PROBLEM_TEXT[code])
        for code in codes
    }


WRITE_PROBLEMS = (400, 401, 403, 409, 415, 422, 429)
