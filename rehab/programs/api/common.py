"""What the rehab API endpoints share beyond accounts/api_errors.py (re-exported here): the
services' ValidationErrors flattened to field paths, a reused Idempotency-Key as a 422, and the
Idempotency-Key header.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers, status
from rest_framework.exceptions import APIException
from rest_framework.request import Request

from accounts.api_errors import (  # noqa: F401 - the API modules import these from here
    _JSON,
    FORBIDDEN,
    ErrorDetailSerializer,
    _bad_request,
    _error_body,
    _flatten,
    _invalid,
    _not_found,
    _require_role,
    _user,
    _validated,
)
from rehab.programs import services

IDEMPOTENCY_KEY_MAX = 100


# --- Errors -----------------------------------------------------------------------------------


class IdempotencyKeyReused(APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_detail = (
        "This Idempotency-Key was already used for a different session. "
        "Send a new key to log another session."
    )
    default_code = "idempotency_conflict"


@contextmanager
def _service_errors() -> Iterator[None]:
    """Turn what a service raises into API errors (400 with field paths, 422 for a reused key).
    Services are atomic, so nothing they started is left behind."""
    try:
        yield
    except services.IdempotencyConflict as exc:
        raise IdempotencyKeyReused from exc
    except DjangoValidationError as error:
        if hasattr(error, "error_dict"):
            flat = {
                "detail" if key == NON_FIELD_ERRORS else key: messages
                for key, messages in error.message_dict.items()
            }
        else:
            flat = {"detail": error.messages}
        raise serializers.ValidationError(_error_body(flat)) from error


def _idempotency_key(request: Request) -> str | None:
    key = request.META.get("HTTP_IDEMPOTENCY_KEY") or None
    if key is not None and len(key) > IDEMPOTENCY_KEY_MAX:
        raise serializers.ValidationError(
            {"detail": f"The Idempotency-Key header is at most {IDEMPOTENCY_KEY_MAX} characters."}
        )
    return key
