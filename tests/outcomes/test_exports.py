"""Record downloads: who may download which record, the CSV's content and its protection against
spreadsheet formulas, and the "Your record" page."""

import csv
import io
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from rehab.outcomes import exports
from rehab.outcomes import services as outcome_services
from rehab.outcomes.models import CalendarFeed, WorkstationCheck
from rehab.programs import selectors
from rehab.programs import services as programs
from rehab.programs.services import patient_today

from .exports_data import CROM, EXERCISE_NAMES, FORMULA_NOTE, build_alice_record

PERSONAS = ["anonymous", "alice", "bob", "carol", "dave", "erin", "frank", "grace"]
SELF_ONLY = [302, 200, 200, 403, 403, 403, 403, 403]
CARE_TEAM = [302, 403, 403, 200, 404, 404, 200, 404]

ACCESS = [
    ("GET", "/record/", SELF_ONLY),
    ("GET", "/record/export.csv", SELF_ONLY),
    ("GET", "/record/export.fhir.json", SELF_ONLY),
    ("POST", "/record/calendar/", [302, 302, 302, 403, 403, 403, 403, 403]),
    ("GET", "/patients/{alice}/export.csv", CARE_TEAM),
    ("GET", "/patients/{alice}/export.fhir.json", CARE_TEAM),
    ("GET", "/calendar/{token}.ics", [200] * 8),
]


@pytest.fixture
def alice_record(world):
    return build_alice_record(world)


@pytest.mark.parametrize(
    ("method", "url", "persona", "expected"),
    [
        pytest.param(method, url, persona, codes[i], id=f"{method} {url} as {persona}")
        for method, url, codes in ACCESS
        for i, persona in enumerate(PERSONAS)
    ],
)
def test_access_per_persona(client, world, method, url, persona, expected):
    feed = CalendarFeed.objects.create(patient=world.alice, token="t" * 43)
    user = world.persona(persona)
    if user is not None:
        client.force_login(user)
    path = url.format(alice=world.alice.public_id, token=feed.token)
    response = client.get(path) if method == "GET" else client.post(path, {"action": "reset"})
    assert response.status_code == expected


def test_a_patient_downloads_only_their_own_record(client, world, alice_record):
    client.force_login(world.bob)
    text = client.get("/record/export.csv").content.decode("utf-8-sig")
    assert "bob@example.org" in text
    assert "alice@example.org" not in text and "Seated chin tuck" not in text
    bundle = client.get("/record/export.fhir.json").json()
    assert [e["resource"]["id"] for e in bundle["entry"]] == [str(world.bob.public_id)]


def test_another_clinics_patient_id_is_not_confirmed(client, world):
    client.force_login(world.frank)
    assert client.get(f"/patients/{world.heidi.public_id}/export.csv").status_code == 404
    assert client.get(f"/patients/{world.carol.public_id}/export.csv").status_code == 404


@pytest.mark.parametrize(
    ("url", "content_type", "suffix"),
    [
        ("/record/export.csv", "text/csv; charset=utf-8", ".csv"),
        ("/record/export.fhir.json", "application/fhir+json; charset=utf-8", ".fhir.json"),
    ],
)
def test_downloads_are_uncached_attachments_named_without_the_patient(
    client, world, alice_record, url, content_type, suffix
):
    client.force_login(world.alice)
    response = client.get(url)
    today = patient_today(world.alice)
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"] == f'attachment; filename="record-{today}{suffix}"'
    assert "no-store" in response["Cache-Control"]


def test_the_care_team_download_is_named_by_the_patients_opaque_id(client, world, alice_record):
    client.force_login(world.carol)
    response = client.get(f"/patients/{world.alice.public_id}/export.csv")
    short = str(world.alice.public_id)[:8]
    filename = f"record-{short}-{patient_today(world.alice)}.csv"
    assert response["Content-Disposition"] == f'attachment; filename="{filename}"'
    assert "Alice" not in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]


def _sections(body: bytes) -> dict[str, list[list[str]]]:
    """The CSV's sections by title, each as its header row and data rows."""
    assert body.startswith(b"\xef\xbb\xbf"), "UTF-8 byte order mark for Excel"
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    sections: dict[str, list[list[str]]] = {}
    current: list[list[str]] | None = None
    for row in rows:
        if not row:
            current = None
        elif current is None:
            current = sections.setdefault(row[0], [])
        else:
            current.append(row)
    return sections


def _table(sections, title):
    header, *rows = sections[title]
    return [dict(zip(header, row, strict=True)) for row in rows]


def test_the_csv_holds_every_part_of_the_record(client, world, alice_record):
    client.force_login(world.carol)
    sections = _sections(client.get(f"/patients/{world.alice.public_id}/export.csv").content)

    patient = {row["Field"]: row["Value"] for row in _table(sections, "Patient")}
    assert patient["Name"] == "Alïce Pâtient"  # accents survive the round trip
    assert patient["Email"] == "alice@example.org"
    assert patient["Date of birth"] == "1984-02-29"
    assert patient["Time zone"] == "Europe/London"

    programs = _table(sections, "Programs")
    assert [(r["Version"], r["Exercise"], r["Sets"]) for r in programs] == [
        ("1", EXERCISE_NAMES[0], "2"),
        ("2", EXERCISE_NAMES[0], "3"),
        ("2", EXERCISE_NAMES[1], "1"),
    ]
    assert programs[2]["Dosage"] == "1 set of 3 reps, left side, 1 time a day, every day"
    assert programs[1]["Change note"] == "More sets"

    sessions = _table(sections, "Sessions")
    assert [(r["Pain before (0-10)"], r["Pain after (0-10)"]) for r in sessions] == [
        ("6", "4"),
        ("5", ""),
    ]
    assert sessions[0]["Difficulty"] == "About right"

    logs = _table(sections, "Exercise logs")
    assert len(logs) == 4 and {r["Dose done (%)"] for r in logs} == {"100"}

    outcomes = {r["Measure"]: r for r in _table(sections, "Outcome measures")}
    ndi = outcomes["Neck Disability Index"]
    assert (ndi["Value"], ndi["Band"], ndi["Scoring version"], ndi["Entered by"]) == (
        "35.6",
        "moderate",
        "ndi-1",
        "patient",
    )
    assert "Concentration: blank" in ndi["Details"]
    assert outcomes["Deep neck flexor endurance"]["Value"] == "24.3"
    assert outcomes["Deep neck flexor endurance"]["Entered by"] == "therapist"
    assert f"Flexion: {CROM['flexion']} degrees" in outcomes["Cervical range of motion"]["Details"]
    assert outcomes["Craniovertebral angle"]["Details"] == "left side"

    (check,) = _table(sections, "Workstation checks")
    assert (check["Score"], check["Lumbar"], check["Monitor"]) == ("4", "no", "yes")

    (photo,) = _table(sections, "Posture photos (the photos themselves are not included)")
    assert (photo["Side"], photo["Angle (degrees)"]) == ("Left side", "49.4")
    assert (
        "posture/"
        not in client.get(f"/patients/{world.alice.public_id}/export.csv").content.decode()
    )


def test_a_note_that_looks_like_a_formula_is_written_as_text(client, world, alice_record):
    client.force_login(world.alice)
    sections = _sections(client.get("/record/export.csv").content)
    notes = [row["Note"] for row in _table(sections, "Sessions")]
    assert notes[0] == "'" + FORMULA_NOTE
    assert notes[1] == "Felt good"


@pytest.mark.parametrize(
    ("cell", "written"),
    [
        ("=1+1", "'=1+1"),
        ("+44 20", "'+44 20"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("Neck 1+1", "Neck 1+1"),
        (-2.5, -2.5),
        (None, None),
    ],
)
def test_only_text_starting_like_a_formula_is_escaped(cell, written):
    assert exports.safe_cell(cell) == written


def test_the_record_is_read_in_the_same_number_of_queries_however_long(
    world, alice_record, django_assert_max_num_queries
):
    with CaptureQueriesContext(connection) as first:
        exports.record_csv(exports.patient_record(world.alice))
    # More of every list: sessions with their exercises, outcomes, workstation checks.
    today = patient_today(world.alice)
    for days_ago in (0, 2, 4):
        day = today - timedelta(days=days_ago)
        entries = [
            programs.EntrySpec(item_id=item.pk, sets_done=1, reps_done=1)
            for item in selectors.items_due(patient=world.alice, on=day)
        ]
        programs.session_log_create(
            patient=world.alice,
            spec=programs.SessionSpec(performed_on=day, entries=entries, pain_before=2),
        )
        outcome_services.outcome_record(
            patient=world.alice,
            by=world.alice,
            measure="pain",
            recorded_on=day,
            inputs={"value": 3},
        )
        WorkstationCheck.objects.create(
            clinic=world.clinic_a,
            patient=world.alice,
            checked_on=day,
            entered_by=world.alice,
            answers={"monitor": True},
            score=1,
        )
    with django_assert_max_num_queries(len(first.captured_queries)):
        text = exports.record_csv(exports.patient_record(world.alice))
    assert text.count("Pain rating") == 4


def test_the_record_page_explains_the_downloads_and_offers_a_calendar_link(client, world):
    client.force_login(world.alice)
    response = client.get("/record/")
    page = response.content.decode()
    assert "/record/export.csv" in page and "/record/export.fhir.json" in page
    assert "Create my calendar link" in page
    assert "no-store" in response["Cache-Control"]
    assert "css/exports.css" in page


def test_creating_resetting_and_turning_off_the_calendar_link(client, world):
    client.force_login(world.alice)
    assert client.post("/record/calendar/", {"action": "reset"}).status_code == 302
    first = CalendarFeed.objects.get(patient=world.alice).token
    assert len(first) >= 43
    page = client.get("/record/").content.decode()
    assert f"/calendar/{first}.ics" in page and f"webcal://testserver/calendar/{first}.ics" in page

    client.post("/record/calendar/", {"action": "reset"})
    second = CalendarFeed.objects.get(patient=world.alice).token
    assert second != first
    assert client.get(f"/calendar/{first}.ics").status_code == 404
    assert client.get(f"/calendar/{second}.ics").status_code == 200

    client.post("/record/calendar/", {"action": "off"})
    assert not CalendarFeed.objects.filter(patient=world.alice).exists()
    assert client.get(f"/calendar/{second}.ics").status_code == 404


def test_an_unknown_calendar_action_changes_nothing(client, world):
    client.force_login(world.alice)
    response = client.post("/record/calendar/", {"action": "share-with-everyone"})
    assert response.status_code == 400
    assert not CalendarFeed.objects.exists()


def test_the_calendar_link_is_protected_against_cross_site_requests(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.alice)
    assert client.post("/record/calendar/", {"action": "reset"}).status_code == 403
    assert not CalendarFeed.objects.exists()
