"""A retried submission creates nothing twice (the IETF draft "The Idempotency-Key HTTP Header
Field").

Every write carries an `Idempotency-Key` header (400 without one). The first request with a key runs and, when it
succeeds, its response is stored with the key in the same transaction as the write: both or
neither. The same key again with the same body gets the stored response (same status and
body, `Idempotent-Replayed: true`) and creates nothing; with a different body it is refused
(422), and while the first is still being processed a second is refused (409), as the draft
says. Keys are per client. Failed requests are not stored, so a corrected request may reuse the
key.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from rest_framework.request import Request
from rest_framework.response import Response

from safeguarding.api.authentication import client_of
from safeguarding.api.models import ApiClient, IdempotentRequest
from safeguarding.api.problems import IDEMPOTENCY_KEY_IN_USE, IDEMPOTENCY_KEY_REUSED, Problem, invalid
from safeguarding.audit.models import Action
from safeguarding.audit.services import audit_record

HEADER = "Idempotency-Key"
KEY_MAX_LENGTH = 200
# What the schema asks for (printable ASCII, no spaces); the server also takes inner spaces.
KEY_PATTERN = r"^[!-~]{1,200}$"


def request_hash(request: Request) -> str:
    """The same method, path and JSON body (whatever its spacing or key order) hash the same."""
    canonical = json.dumps(
        {"method": request.method, "path": request.path, "body": request.data},
        sort_keys=True,
        separators=(",", ":"),
        cls=DjangoJSONEncoder,
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def _key(request: Request, *, required: bool) -> str | None:
    key = request.headers.get(HEADER)
    if key is None:
        if required:
            raise invalid(
                [
                    {
                        "header": HEADER,
                        "detail": f"Send an {HEADER} header: a new random value (a UUID) for each submission, "
                        "the same value when you send it again",
                    }
                ]
            )
        return None
    key = key.strip()
    if not key or len(key) > KEY_MAX_LENGTH or not key.isascii() or not key.isprintable():
        raise invalid(
            [{"header": HEADER, "detail": f"The {HEADER} must be 1 to {KEY_MAX_LENGTH} printable ASCII characters"}]
        )
    return key


@transaction.atomic
def idempotent_response_store(
    *, client: ApiClient, key: str, request: Request, digest: str, response: Response
) -> IdempotentRequest:
    body = json.loads(json.dumps(response.data, cls=DjangoJSONEncoder))
    return IdempotentRequest.objects.create(
        client=client,
        key=key,
        method=request.method or "",
        path=request.path[:300],
        request_hash=digest,
        response_status=response.status_code,
        response_body=body,
    )


def idempotent(request: Request, handler: Callable[[], Response], *, required: bool = True) -> Response:
    """Run `handler` (which writes) at most once per Idempotency-Key of the client, in one
    transaction with the stored response."""
    key = _key(request, required=required)
    if key is None:
        return handler()
    client = client_of(request)
    digest = request_hash(request)
    with transaction.atomic():
        stored = IdempotentRequest.objects.select_for_update().filter(client=client, key=key).first()
        if stored is not None:
            if stored.request_hash != digest:
                raise Problem(
                    status=422,
                    type=IDEMPOTENCY_KEY_REUSED,
                    title="Idempotency key already used",
                    detail=f"This {HEADER} was used for a different request: use a new key for a new submission.",
                    errors=[{"header": HEADER, "detail": "Already used with a different request body"}],
                )
            audit_record(
                actor=client.service_user,
                action=Action.VIEW,
                obj=stored,
                detail=_audit_detail(request, client, replayed=True),
            )
            return Response(
                stored.response_body, status=stored.response_status, headers={"Idempotent-Replayed": "true"}
            )
        response = handler()
        if 200 <= response.status_code < 300:
            try:
                idempotent_response_store(client=client, key=key, request=request, digest=digest, response=response)
            except IntegrityError:
                # Another request with this key committed first: this one's writes roll back.
                raise Problem(
                    status=409,
                    type=IDEMPOTENCY_KEY_IN_USE,
                    title="Idempotency key in use",
                    detail=f"Another request with this {HEADER} was being processed: send it again to get its result.",
                ) from None
        return response


def _audit_detail(request: Request, client: ApiClient, **extra: Any) -> dict[str, Any]:
    return {"endpoint": f"{request.method} {request.path}", "api_client": client.name, **extra}
