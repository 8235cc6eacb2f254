from io import StringIO

from django.core.management import call_command


def test_the_openapi_schema_validates_without_warnings(db):
    out = StringIO()
    call_command("spectacular", "--validate", "--fail-on-warn", stdout=out)
    assert "/api/v1/exercises/" in out.getvalue()


def test_the_schema_and_docs_are_served(client, db):
    assert client.get("/api/schema/").status_code == 200
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    assert b"<script" in docs.content and b"cdn" not in docs.content.lower()


# --- Every operation documents the errors it can answer with -----------------------------------


def _schema() -> dict:
    from drf_spectacular.generators import SchemaGenerator

    return SchemaGenerator().get_schema(request=None, public=True)


def _operations(schema: dict) -> list[tuple[str, str, dict]]:
    methods = {"get", "put", "post", "patch", "delete"}
    return [
        (method.upper(), path, operation)
        for path, item in schema["paths"].items()
        for method, operation in item.items()
        if method in methods
    ]


def _body_ref(response: dict) -> str | None:
    schema = response.get("content", {}).get("application/json", {}).get("schema", {})
    return schema.get("$ref")


ERROR_DETAIL = "#/components/schemas/ErrorDetail"
VALIDATION_ERROR = "#/components/schemas/ValidationError"


def test_every_operation_documents_the_errors_it_can_return(db):
    """403 everywhere (anonymous callers and roles that may not), 404 with an id in the path or
    a page of a list, 400 with a body, filters or a header, each with the shared error body."""
    schema = _schema()
    operations = _operations(schema)
    assert len(operations) >= 40
    missing = []
    for method, path, operation in operations:
        responses = operation["responses"]
        parameters = operation.get("parameters", [])
        query = {p["name"] for p in parameters if p["in"] == "query"}
        expected = {"403": ERROR_DETAIL}
        if any(p["in"] == "path" for p in parameters) or "page" in query:
            expected["404"] = ERROR_DETAIL
        if (
            operation.get("requestBody")
            or query - {"page"}
            or any(p["in"] == "header" for p in parameters)
        ):
            expected["400"] = VALIDATION_ERROR
        for code, body in expected.items():
            if code not in responses:
                missing.append(f"{method} {path}: no {code}")
            elif _body_ref(responses[code]) != body:
                missing.append(f"{method} {path}: {code} is not {body}")
        success = [code for code in responses if code.startswith("2")]
        assert success, f"{method} {path} documents no success response"
    assert missing == []


def test_the_shared_error_bodies_are_components(db):
    schemas = _schema()["components"]["schemas"]
    assert schemas["ErrorDetail"]["required"] == ["detail"]
    assert schemas["ValidationError"]["additionalProperties"] == {
        "type": "array",
        "items": {"type": "string"},
    }


def test_every_4xx_response_uses_a_shared_error_body(db):
    wrong = [
        f"{method} {path} {code}"
        for method, path, operation in _operations(_schema())
        for code, response in operation["responses"].items()
        if code.startswith("4") and _body_ref(response) not in (ERROR_DETAIL, VALIDATION_ERROR)
    ]
    assert wrong == []


def test_every_operation_requires_the_session_cookie(db):
    schema = _schema()
    assert schema["components"]["securitySchemes"]["cookieAuth"]["in"] == "cookie"
    assert all(
        {"cookieAuth": []} in operation.get("security", [])
        for _, _, operation in _operations(schema)
    )


def test_an_api_url_that_matches_nothing_answers_json(client, world):
    """An id that is not a UUID never reaches a view; the 404 is still the documented body."""
    import rehab.urls

    assert rehab.urls.handler404 == "rehab.ops.schema.api_not_found"
    client.force_login(world.alice)
    response = client.get("/api/v1/sessions/not-a-uuid/")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}
    page = client.get("/no-such-page/")
    assert page.status_code == 404 and page["Content-Type"].startswith("text/html")


def test_an_invalid_page_is_a_documented_404(client, world):
    client.force_login(world.alice)
    response = client.get("/api/v1/sessions/", {"page": "99"})
    assert response.status_code == 404
    assert set(response.json()) == {"detail"}
    # The page is one whole number: empty, repeated or not a number is no page either (DRF
    # alone reads `?page=` as page 1 and takes the last of repeated ones).
    for query in ("?page=", "?page=1&page=2", "?page=x", "?page=-1"):
        response = client.get(f"/api/v1/sessions/{query}")
        assert response.status_code == 404, query
        assert set(response.json()) == {"detail"}
    assert client.get("/api/v1/sessions/?page=1").status_code == 200


def test_json_bodies_must_have_the_documented_types(client, world):
    """DRF would take 0 for a note and "yes" for true; the schema says string and boolean."""
    from rehab.alerts.models import RED_FLAG_QUESTIONS, RedFlagCheckin

    client.force_login(world.alice)
    answers = {key: False for key, _ in RED_FLAG_QUESTIONS}
    response = client.post(
        "/api/v1/checkins/",
        {"answers": {**answers, "walking": "yes"}, "note": 0},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json() == {
        "answers.walking": ["Must be a valid boolean."],
        "note": ["Not a valid string."],
    }
    assert not RedFlagCheckin.objects.exists()


def test_an_empty_filter_is_not_a_valid_uuid(client, world):
    client.force_login(world.carol)
    response = client.get("/api/v1/sessions/", {"patient": ""})
    assert response.status_code == 400
    assert response.json() == {"patient": ["Must be a valid UUID."]}
