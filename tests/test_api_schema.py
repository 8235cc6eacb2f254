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
