"""The API's error responses, documented and served the same way everywhere.

`document_error_responses` is a drf-spectacular postprocessing hook (SPECTACULAR_SETTINGS): every
operation documents the errors it can answer with, in one of two shared bodies,

- `ErrorDetail` {"detail": "..."}: 403 (not signed in, or the role may not do this; Django's
  session authentication has no challenge to send, so anonymous callers get 403, never 401),
  404 (no such object, or one the caller may not see; no such page of a list), 405, 415, 422;
- `ValidationError` {"field.path": ["message", ...], "detail": "..."}: 400, input that was
  refused with nothing stored.

An operation that takes an id in its path documents 404; one with a request body or filter
parameters documents 400; a paginated list documents 404 for a page past the end. What a view
documents itself (examples, wording) is kept; only what is missing is added.

`api_not_found` is the 404 handler (rehab/urls.py `handler404`): a URL under /api/ that matches
no route (an id that is not a UUID, a typo) answers the same JSON body as any other API 404
instead of the HTML page.
"""

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.defaults import page_not_found

from accounts.api_errors import VALIDATION_ERROR

ERROR_DETAIL = "ErrorDetail"

ERROR_DETAIL_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "detail": {
            "type": "string",
            "description": "What went wrong, in words a person can act on.",
        }
    },
    "required": ["detail"],
}
VALIDATION_ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": (
        "Field errors keyed by the field's path in the request (`items[0].sets`, "
        "`entries[1].skip_reason`, `inputs.items[3]`), each a list of messages; an error about "
        'the request as a whole is `{"detail": "..."}`.'
    ),
    "properties": {
        "detail": {"type": "string", "description": "An error about the request as a whole."}
    },
    "additionalProperties": {"type": "array", "items": {"type": "string"}},
}

_DESCRIPTIONS = {
    "400": "Invalid input; nothing was stored.",
    "403": "Not signed in, or your role may not do this.",
    "404": "No such object, or not one you may see.",
    "404-page": "No such page of the list (`page` past the last page, or not a page number).",
}
_METHODS = {"get", "put", "post", "patch", "delete"}


def _ref(name: str) -> dict[str, Any]:
    return {"$ref": f"#/components/schemas/{name}"}


def _response(description: str, schema: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": _ref(schema)}}}


def document_error_responses(
    result: dict[str, Any], generator: Any, request: Any, public: bool
) -> dict[str, Any]:
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas[ERROR_DETAIL] = ERROR_DETAIL_SCHEMA
    schemas[VALIDATION_ERROR] = VALIDATION_ERROR_SCHEMA
    for methods in result.get("paths", {}).values():
        for method, operation in methods.items():
            if method not in _METHODS:
                continue
            responses = operation.setdefault("responses", {})
            parameters = operation.get("parameters", [])
            in_path = any(p.get("in") == "path" for p in parameters)
            query = {p["name"] for p in parameters if p.get("in") == "query"}
            paginated = "page" in query
            filters = query - {"page"}
            header = any(p.get("in") == "header" for p in parameters)
            if operation.get("requestBody") or filters or header:
                responses.setdefault("400", _response(_DESCRIPTIONS["400"], VALIDATION_ERROR))
            responses.setdefault("403", _response(_DESCRIPTIONS["403"], ERROR_DETAIL))
            if in_path:
                responses.setdefault("404", _response(_DESCRIPTIONS["404"], ERROR_DETAIL))
            if paginated:
                existing = responses.get("404")
                if existing is None:
                    responses["404"] = _response(_DESCRIPTIONS["404-page"], ERROR_DETAIL)
                elif _DESCRIPTIONS["404-page"] not in existing.get("description", ""):
                    existing["description"] = (
                        f"{existing.get('description', '')} {_DESCRIPTIONS['404-page']}".strip()
                    )
    return result


def api_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """handler404: JSON under /api/, Django's page (templates/404.html) elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Not found."}, status=404)
    return page_not_found(request, exception)
