"""The clinic's audit trail for staff: GET /staff/audit/ and /staff/audit/export.csv."""

import csv
import io
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts import audit
from accounts.models import AuditEvent, AuditKind

PERSONAS = ["anonymous", "alice", "bob", "carol", "dave", "erin", "frank", "grace"]


@pytest.mark.parametrize(
    ("url", "codes"),
    [
        ("/staff/audit/", [302, 403, 403, 403, 403, 403, 200, 200]),
        ("/staff/audit/export.csv", [302, 403, 403, 403, 403, 403, 200, 200]),
    ],
)
def test_only_staff_open_the_audit_trail(client, world, url, codes):
    for persona, expected in zip(PERSONAS, codes, strict=True):
        client.logout()
        user = world.persona(persona)
        if user is not None:
            client.force_login(user)
        assert client.get(url).status_code == expected, persona


@pytest.fixture
def history(client, world):
    """carol reads alice's page, dave fails to sign in, alice's profile is changed by frank."""
    client.force_login(world.carol)
    client.get(f"/patients/{world.alice.public_id}/")
    client.force_login(world.erin)
    client.get(f"/patients/{world.heidi.public_id}/")
    client.logout()
    client.post("/accounts/login/", {"login": "dave@example.org", "password": "not-it"})
    client.force_login(world.frank)
    client.post(
        f"/staff/people/{world.alice.public_id}/details/",
        {"time_zone": "Europe/London", "condition_notes": '=HYPERLINK("x")'},
    )
    return world


def rows_of(response):
    return response.context["rows"]


def test_staff_see_reads_sign_ins_and_changes_of_their_clinic_only(client, history):
    world = history
    client.force_login(world.frank)
    rows = rows_of(client.get("/staff/audit/"))
    kinds = [row.kind for row in rows]
    assert AuditKind.READ in kinds and AuditKind.LOGIN_FAILED in kinds and "change" in kinds
    read = next(row for row in rows if row.kind == AuditKind.READ)
    assert (read.actor, read.patient) == (world.carol, world.alice)
    change = next(row for row in rows if row.kind == "change" and "condition_notes" in row.detail)
    assert change.actor == world.frank
    people = {row.actor for row in rows} | {row.patient for row in rows}
    assert not people & {world.erin, world.heidi, world.grace}
    # And clinic B's staff see erin's read, not clinic A's events.
    client.force_login(world.grace)
    rows = rows_of(client.get("/staff/audit/"))
    assert {row.patient for row in rows if row.kind == AuditKind.READ} == {world.heidi}
    assert not {row.actor for row in rows} & {world.carol, world.frank}
    assert all(row.actor_email != "dave@example.org" for row in rows)


def test_changes_made_by_the_system_to_a_clinics_records_are_shown(client, world):
    from rehab.alerts import services as alerts
    from rehab.alerts.models import RED_FLAG_QUESTIONS

    # No request, no actor: the alert is raised by the service itself.
    alerts.checkin_submit(
        patient=world.alice, answers={key: key == "walking" for key, _ in RED_FLAG_QUESTIONS}
    )
    client.force_login(world.frank)
    labels = [row.kind_label for row in rows_of(client.get("/staff/audit/?kind=change"))]
    assert "Created alert" in labels
    client.force_login(world.grace)
    labels = [row.kind_label for row in rows_of(client.get("/staff/audit/?kind=change"))]
    assert "Created alert" not in labels


def test_filters_by_who_patient_kind_and_dates(client, history):
    world = history
    client.force_login(world.frank)

    def kinds(query):
        response = client.get(f"/staff/audit/?{query}")
        assert response.status_code == 200
        return {row.kind for row in rows_of(response)}

    assert kinds("kind=read") == {AuditKind.READ}
    assert kinds("kind=login_failed") == {AuditKind.LOGIN_FAILED}
    assert kinds("kind=change") == {"change"}
    # Who: carol's read and sign-in; dave's failed attempt is his too.
    assert kinds("who=carol@example.org") == {AuditKind.READ, AuditKind.LOGIN}
    assert AuditKind.LOGIN_FAILED in kinds("who=DAVE@example.org")
    # Patient: reads of alice's data and changes of her records.
    by_patient = rows_of(client.get(f"/staff/audit/?patient={world.alice.public_id}"))
    assert {row.kind for row in by_patient} == {AuditKind.READ, "change"}
    assert not rows_of(client.get("/staff/audit/?kind=read&patient=bob@example.org"))
    tomorrow = (timezone.localdate() + timedelta(days=2)).isoformat()
    assert kinds(f"date_from={tomorrow}") == set()
    assert AuditKind.READ in kinds(f"date_to={tomorrow}")


def test_a_person_of_another_clinic_is_not_a_filter(client, history):
    client.force_login(history.frank)
    response = client.get("/staff/audit/?who=erin@example.org")
    assert response.status_code == 400
    assert "Nobody in your clinic" in response.content.decode()
    assert client.get("/staff/audit/export.csv?patient=heidi@example.org").status_code == 400


def test_the_page_is_paginated(client, world):
    for _ in range(60):
        audit.record(AuditKind.LOGIN, actor=world.alice)
    client.force_login(world.frank)
    first = client.get("/staff/audit/?kind=login")
    assert len(rows_of(first)) == 50
    assert first.context["page"].paginator.count == 61  # and frank's own sign-in
    assert len(rows_of(client.get("/staff/audit/?kind=login&page=2"))) == 11


def test_reading_the_log_is_not_a_read_but_the_export_is_recorded(client, history):
    world = history
    client.force_login(world.frank)
    before = AuditEvent.objects.filter(actor=world.frank).count()
    client.get("/staff/audit/")
    assert AuditEvent.objects.filter(actor=world.frank).count() == before
    response = client.get("/staff/audit/export.csv?kind=change")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    b"".join(response.streaming_content)
    export = AuditEvent.objects.filter(actor=world.frank).latest("pk")
    assert export.kind == AuditKind.AUDIT_EXPORT
    assert export.detail["kind"] == "change"
    assert export.patient is None


def test_the_export_has_the_filtered_rows_with_formulas_escaped(client, history):
    world = history
    client.force_login(world.frank)
    response = client.get(f"/staff/audit/export.csv?patient={world.alice.email}")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == audit.CSV_HEADER
    body = rows[1:]
    kinds = {row[1] for row in body}
    assert kinds == {AuditKind.READ, "change"}
    read = next(row for row in body if row[1] == AuditKind.READ)
    assert read[3:9] == [
        "Carol Therapist",
        "carol@example.org",
        "therapist",
        "Alice Patient",
        "alice@example.org",
        f"GET /patients/{world.alice.public_id}/",
    ]
    notes = next(row for row in body if "condition_notes" in row[9])
    assert "=HYPERLINK" in notes[9]
    # A cell that a spreadsheet would run starts with an apostrophe.
    assert audit.safe_cell('=HYPERLINK("x")') == '\'=HYPERLINK("x")'
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in body for cell in row)


def test_the_page_runs_a_fixed_number_of_queries(client, world):
    client.force_login(world.frank)
    for _ in range(5):
        client.get(f"/patients/{world.alice.public_id}/")

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/staff/audit/").status_code == 200
        return len(ctx.captured_queries)

    few = queries()
    for _ in range(40):
        client.get(f"/patients/{world.bob.public_id}/")
    world.alice.full_name = "Alice Renamed"
    world.alice.save()
    assert queries() == few


def test_staff_have_the_audit_trail_in_their_menu(client, world):
    client.force_login(world.frank)
    labels = [item["label"] for item in client.get("/staff/audit/").context["nav_items"]]
    assert "Audit" in labels
    client.force_login(world.carol)
    labels = [item["label"] for item in client.get("/caseload/").context["nav_items"]]
    assert "Audit" not in labels
