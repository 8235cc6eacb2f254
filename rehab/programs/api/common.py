"""What every endpoint of the programs API shares: the error format (DRF's nested errors and
the services' ValidationErrors flattened to field paths, a reused Idempotency-Key as a 422) and
how the schema documents it, input validation, role checks, the Idempotency-Key header and the
JSON-only parser list.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, cast

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiExample, OpenApiResponse
from rest_framework import serializers, status
from rest_framework.exceptions import APIException, PermissionDenied
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.settings import api_settings

from accounts.models import User
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


def _flatten(errors: Any, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested errors as {"items[0].sets": [...]}: the paths the services use."""
    flat: dict[str, list[str]] = {}
    if isinstance(errors, dict):
        for key, value in errors.items():
            if key == api_settings.NON_FIELD_ERRORS_KEY:
                path = prefix or "detail"
            elif isinstance(key, int):
                path = f"{prefix}[{key}]"
            else:
                path = f"{prefix}.{key}" if prefix else str(key)
            flat |= _flatten(value, path)
    elif isinstance(errors, list) and all(isinstance(e, str) for e in errors):
        flat[prefix or "detail"] = [str(e) for e in errors]
    elif isinstance(errors, list):
        for index, value in enumerate(errors):
            if value:
                flat |= _flatten(value, f"{prefix}[{index}]")
    return flat


def _error_body(flat: dict[str, list[str]]) -> dict[str, Any]:
    body: dict[str, Any] = {key: value for key, value in flat.items() if key != "detail"}
    if "detail" in flat:
        body["detail"] = " ".join(flat["detail"])
    return body


def _invalid(field: str, message: str) -> serializers.ValidationError:
    return serializers.ValidationError({field: [message]})


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


def _validated(serializer_class: type[serializers.Serializer], data: Any) -> dict[str, Any]:
    serializer = serializer_class(data=data)
    if not serializer.is_valid():
        raise serializers.ValidationError(_error_body(_flatten(serializer.errors)))
    return cast(dict[str, Any], serializer.validated_data)


def _user(request: Request) -> User:
    return cast(User, request.user)


def _require_role(request: Request, *roles: str, message: str) -> User:
    """The caller if their role may use this endpoint, else 403 (an endpoint is no secret)."""
    user = _user(request)
    if user.role not in roles or user.clinic_id is None:
        raise PermissionDenied(message)
    return user


def _idempotency_key(request: Request) -> str | None:
    key = request.META.get("HTTP_IDEMPOTENCY_KEY") or None
    if key is not None and len(key) > IDEMPOTENCY_KEY_MAX:
        raise serializers.ValidationError(
            {"detail": f"The Idempotency-Key header is at most {IDEMPOTENCY_KEY_MAX} characters."}
        )
    return key


# --- Schema pieces ------------------------------------------------------------------------------


class ErrorDetailSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="What went wrong, in words a person can act on.")


_ERROR_SCHEMA = {
    "type": "object",
    "properties": {
        "detail": {"type": "string", "description": "An error about the request as a whole."}
    },
    "additionalProperties": {"type": "array", "items": {"type": "string"}},
}


def _bad_request(*examples: tuple[str, dict[str, Any]]) -> OpenApiResponse:
    return OpenApiResponse(
        _ERROR_SCHEMA,
        description=(
            "Invalid input; nothing was stored. Field errors are keyed by the field's path "
            "(`items[0].sets`, `entries[1].skip_reason`) with a list of messages; an error about "
            'the request as a whole is `{"detail": "..."}`.'
        ),
        examples=[OpenApiExample(name, value=value) for name, value in examples],
    )


FORBIDDEN = OpenApiResponse(
    ErrorDetailSerializer, description="Not signed in, or your role may not do this."
)


def _not_found(what: str) -> OpenApiResponse:
    return OpenApiResponse(
        ErrorDetailSerializer, description=f"No such {what}, or not one you may see."
    )


_JSON = [JSONParser]
