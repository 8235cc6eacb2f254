"""What every API endpoint shares, with no domain code: the error format (DRF's nested errors
flattened to field paths), how the schema documents errors, input validation by JSON type, role
checks and the JSON-only parser list. In accounts so every app may use it (accounts <- exercises
<- rehab); rehab/programs/api/common.py adds the services' errors and the Idempotency-Key.
"""

from typing import Any, cast

from django.http import QueryDict
from drf_spectacular.utils import OpenApiExample, OpenApiResponse
from rest_framework import serializers
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.settings import api_settings

from accounts.models import User

# The name of the shared field-error component (rehab/ops/schema.py adds it to the schema).
VALIDATION_ERROR = "ValidationError"


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


_NOT_A = {
    "string": "Not a valid string.",
    "integer": "A valid integer is required.",
    "number": "A valid number is required.",
    "boolean": "Must be a valid boolean.",
    "object": "Expected an object.",
    "array": "Expected a list.",
}


def _json_type(field: serializers.Field) -> str | None:
    """The JSON type a field's input must have, as the schema documents it. DRF itself also
    takes 5 for "5", "5" for 5, "yes" for true and 123 for a UUID; the API does not."""
    if isinstance(field, serializers.BooleanField):
        return "boolean"
    if isinstance(field, serializers.IntegerField):
        return "integer"
    if isinstance(field, serializers.FloatField | serializers.DecimalField):
        return "number"
    if isinstance(field, serializers.CharField | serializers.ChoiceField | serializers.UUIDField):
        return "string"
    if isinstance(field, serializers.DateField | serializers.DateTimeField):
        return "string"
    if isinstance(field, serializers.DictField | serializers.Serializer):
        return "object"
    if isinstance(field, serializers.ListField | serializers.ListSerializer):
        return "array"
    return None  # custom fields check their own input


def _has_type(value: Any, kind: str) -> bool:
    if kind == "boolean":
        return isinstance(value, bool)
    if kind == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "number":
        return isinstance(value, int | float) and not isinstance(value, bool)
    if kind == "string":
        return isinstance(value, str)
    if kind == "object":
        return isinstance(value, dict)
    return isinstance(value, list)


def _type_errors(field: serializers.Field, value: Any, path: str) -> dict[str, list[str]]:
    """Values of the wrong JSON type under `field`, by path; null is left to the field."""
    kind = _json_type(field)
    if value is None or kind is None:
        return {}
    if not _has_type(value, kind):
        return {path or "detail": [_NOT_A[kind]]}
    errors: dict[str, list[str]] = {}
    if isinstance(field, serializers.Serializer):
        for name, child in field.fields.items():
            if name in value and not child.read_only:
                errors |= _type_errors(child, value[name], f"{path}.{name}" if path else name)
    elif isinstance(field, serializers.ListSerializer | serializers.ListField):
        if field.child is not None:
            for index, item in enumerate(value):
                errors |= _type_errors(field.child, item, f"{path}[{index}]")
    elif isinstance(field, serializers.DictField):
        for key, item in value.items():
            errors |= _type_errors(field.child, item, f"{path}.{key}")
    return errors


def _validated(serializer_class: type[serializers.Serializer], data: Any) -> dict[str, Any]:
    """The input checked by the serializer. A JSON body must also have the JSON types the
    schema gives (a string is not a number); a query string (or a form) is all strings, read as
    the fields read them, and an empty value is a value: `?patient=` is not a UUID."""
    if isinstance(data, QueryDict):
        serializer = serializer_class(data={key: data.get(key) for key in data})
    else:
        serializer = serializer_class(data=data)
        if isinstance(data, dict):
            errors = _type_errors(serializer, data, "")
            if errors:
                raise serializers.ValidationError(_error_body(errors))
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


# --- Schema pieces ------------------------------------------------------------------------------


class ErrorDetailSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="What went wrong, in words a person can act on.")


# The shared error bodies are components of their own (rehab/ops/schema.py adds them).
_ERROR_SCHEMA = {"$ref": f"#/components/schemas/{VALIDATION_ERROR}"}


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


class StrictPageNumberPagination(PageNumberPagination):
    """Pages as DRF numbers them, except that `page` must be one whole number: DRF reads an
    empty `?page=` as page 1 and takes the last of repeated ones; here both are a 404 "Invalid
    page.", the answer the schema documents for a page that does not exist."""

    def get_page_number(self, request: Any, paginator: Any) -> Any:
        values = request.query_params.getlist(self.page_query_param)
        if len(values) > 1 or (values and not values[0].isdigit()):
            raise NotFound(self.invalid_page_message.format(page_number=values, message=""))
        return super().get_page_number(request, paginator)
