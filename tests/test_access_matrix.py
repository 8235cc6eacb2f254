"""Who may open what: every page and endpoint of the project, for every persona.

Codes are written out per persona, in this order:
anonymous, alice (patient), bob (another patient), carol (alice's therapist),
dave (another therapist of the clinic), erin (therapist of another clinic),
frank (staff), grace (staff of another clinic).
Foreign objects answer 404; pages of another role answer 403; anonymous users go to sign-in.
API requests other than GET send an empty JSON object, so a code past the access checks is the
endpoint's answer to an empty body (400 where fields are required).
"""

import io

import pytest
from django.core.files.storage import FileSystemStorage
from django.urls import URLPattern, URLResolver, get_resolver
from PIL import Image

from rehab.outcomes import posture
from rehab.outcomes import services as outcomes
from rehab.outcomes.models import CalendarFeed, PosturePhoto
from rehab.programs.models import Protocol
from tests.factories import ExerciseFactory

PERSONAS = ["anonymous", "alice", "bob", "carol", "dave", "erin", "frank", "grace"]

ALL_PAGES = [302, 200, 200, 200, 200, 200, 200, 200]
API_READ = [403, 200, 200, 200, 200, 200, 200, 200]
STAFF_ONLY = [302, 403, 403, 403, 403, 403, 200, 200]
# A clinic-A object: staff of A acts (redirect after POST), staff of B gets 404.
STAFF_A_POST = [302, 403, 403, 403, 403, 403, 302, 404]
# Alice's program: her therapist acts (redirect after POST), other therapists get 404.
THERAPIST_A_POST = [302, 403, 403, 302, 404, 404, 403, 403]
CARE_TEAM_API = [403, 403, 403, 200, 200, 200, 200, 200]

MATRIX: list[tuple[str, str, list[int]]] = [
    ("GET", "/", [302, 302, 302, 302, 302, 302, 302, 302]),
    ("GET", "/home/", [302, 302, 302, 302, 302, 302, 302, 302]),
    ("GET", "/today/", [302, 200, 200, 403, 403, 403, 403, 403]),
    ("GET", "/caseload/", [302, 403, 403, 200, 200, 200, 403, 403]),
    ("GET", "/clinic/", STAFF_ONLY),
    ("GET", "/staff/people/", STAFF_ONLY),
    ("GET", "/staff/people/invite/", STAFF_ONLY),
    ("GET", "/staff/people/{alice}/", [302, 403, 403, 403, 403, 403, 200, 404]),
    ("POST", "/staff/people/{alice}/care-team/", STAFF_A_POST),
    ("POST", "/staff/people/{alice}/details/", [302, 403, 403, 403, 403, 403, 400, 404]),
    ("POST", "/staff/people/{alice}/deactivate/", STAFF_A_POST),
    ("POST", "/staff/people/{alice}/reactivate/", STAFF_A_POST),
    ("POST", "/staff/invitations/{invitation}/resend/", STAFF_A_POST),
    ("POST", "/staff/invitations/{invitation}/revoke/", STAFF_A_POST),
    # The clinic's audit trail (accounts/views_audit.py): each staff member sees their own clinic's.
    ("GET", "/staff/audit/", STAFF_ONLY),
    ("GET", "/staff/audit/export.csv", STAFF_ONLY),
    ("GET", "/patients/{alice}/", [302, 403, 403, 200, 404, 404, 200, 404]),
    # Programs on the web (rehab/programs/prescribe.py, views.py).
    ("GET", "/patients/{alice}/programs/new/", [302, 403, 403, 200, 404, 404, 403, 403]),
    ("GET", "/programs/exercise-picker/", [302, 403, 403, 200, 200, 200, 403, 403]),
    ("GET", "/programs/{program}/", [302, 403, 403, 200, 404, 404, 200, 404]),
    ("GET", "/programs/{program}/change/", [302, 403, 403, 200, 404, 404, 403, 403]),
    ("POST", "/programs/{program}/pause/", THERAPIST_A_POST),
    ("POST", "/programs/{program}/resume/", THERAPIST_A_POST),
    ("POST", "/programs/{program}/end/", THERAPIST_A_POST),
    ("POST", "/programs/{program}/save-as-protocol/", THERAPIST_A_POST),
    ("GET", "/programs/{program}/handout/", [302, 200, 404, 200, 404, 404, 200, 404]),
    ("GET", "/protocols/", [302, 403, 403, 200, 200, 200, 200, 200]),
    ("GET", "/sessions/{session}/edit/", [302, 200, 404, 403, 403, 403, 403, 403]),
    ("POST", "/sessions/{session}/delete/", [302, 302, 404, 403, 403, 403, 403, 403]),
    # Reminders and notifications (rehab/reminders).
    ("GET", "/settings/reminders/", [302, 200, 200, 403, 403, 403, 403, 403]),
    ("GET", "/notifications/", ALL_PAGES),
    ("POST", "/notifications/{notification}/read/", [302, 302, 404, 404, 404, 404, 404, 404]),
    ("POST", "/notifications/read-all/", [302] * 8),
    # The signed token is the authorisation (links in emails); the page only offers to stop.
    ("GET", "/reminders/stop/{stop_token}/", [200] * 8),
    # Alerts and the weekly red-flag check-in (rehab/alerts). {alert} is about alice, raised by
    # her check-in {checkin}; staff see alerts, only her therapist acknowledges (POST).
    ("GET", "/alerts/", [302, 403, 403, 200, 200, 200, 200, 200]),
    ("GET", "/alerts/{alert}/", [302, 403, 403, 200, 404, 404, 200, 404]),
    ("POST", "/alerts/{alert}/", [302, 403, 403, 400, 404, 404, 403, 404]),
    ("GET", "/checkin/", [302, 200, 200, 403, 403, 403, 403, 403]),
    ("POST", "/checkin/", [302, 400, 400, 403, 403, 403, 403, 403]),
    ("GET", "/checkin/{checkin}/", [302, 200, 404, 200, 404, 404, 200, 404]),
    # Outcome measures, posture, progress and exports (rehab/outcomes). {outcome} is alice's pain
    # rating, {photo} her side photo; staff see records but not photos (decision 19). Patients
    # fill in questionnaires ({patient_measure}: ndi); clinical tests ({clinician_measure}: dnf)
    # need the therapist.
    ("GET", "/outcomes/new/{patient_measure}/", [302, 200, 200, 403, 403, 403, 403, 403]),
    ("POST", "/outcomes/new/{patient_measure}/", [302, 400, 400, 403, 403, 403, 403, 403]),
    ("GET", "/outcomes/new/{clinician_measure}/", [302, 404, 404, 403, 403, 403, 403, 403]),
    (
        "GET",
        "/patients/{alice}/outcomes/new/{clinician_measure}/",
        [302, 403, 403, 200, 404, 404, 403, 403],
    ),
    (
        "POST",
        "/patients/{alice}/outcomes/new/{clinician_measure}/",
        [302, 403, 403, 400, 404, 404, 403, 403],
    ),
    ("GET", "/outcomes/{outcome}/", [302, 200, 404, 200, 404, 404, 200, 404]),
    ("GET", "/patients/{alice}/questionnaires/", [302, 403, 403, 200, 404, 404, 200, 404]),
    # An empty form is valid: it unticks every questionnaire.
    ("POST", "/patients/{alice}/questionnaires/", [302, 403, 403, 302, 404, 404, 403, 404]),
    ("GET", "/photos/", [302, 200, 200, 403, 403, 403, 403, 403]),
    ("GET", "/photos/new/", [302, 200, 200, 403, 403, 403, 403, 403]),
    ("POST", "/photos/new/", [302, 400, 400, 403, 403, 403, 403, 403]),
    ("GET", "/photos/{photo}/", [302, 200, 404, 200, 404, 404, 404, 404]),
    ("POST", "/photos/{photo}/", [302, 400, 404, 400, 404, 404, 404, 404]),
    ("GET", "/photos/{photo}/image/", [302, 200, 404, 200, 404, 404, 404, 404]),
    ("GET", "/photos/{photo}/delete/", [302, 200, 404, 403, 404, 404, 404, 404]),
    ("POST", "/photos/{photo}/delete/", [302, 302, 404, 403, 404, 404, 404, 404]),
    ("GET", "/patients/{alice}/photos/", [302, 403, 403, 200, 404, 404, 403, 403]),
    ("GET", "/patients/{alice}/photos/new/", [302, 403, 403, 200, 404, 404, 403, 403]),
    ("POST", "/patients/{alice}/photos/new/", [302, 403, 403, 400, 404, 404, 403, 403]),
    ("GET", "/workstation/", [302, 200, 200, 403, 403, 403, 403, 403]),
    ("POST", "/workstation/", [302, 400, 400, 403, 403, 403, 403, 403]),
    ("GET", "/patients/{alice}/workstation/", [302, 403, 403, 200, 404, 404, 403, 403]),
    ("POST", "/posture-breaks/", [302, 302, 302, 403, 403, 403, 403, 403]),
    ("GET", "/progress/", [302, 200, 200, 403, 403, 403, 403, 403]),
    ("GET", "/record/", [302, 200, 200, 403, 403, 403, 403, 403]),
    ("GET", "/record/export.csv", [302, 200, 200, 403, 403, 403, 403, 403]),
    ("GET", "/record/export.fhir.json", [302, 200, 200, 403, 403, 403, 403, 403]),
    ("POST", "/record/calendar/", [302, 400, 400, 403, 403, 403, 403, 403]),
    ("GET", "/patients/{alice}/export.csv", [302, 403, 403, 200, 404, 404, 200, 404]),
    ("GET", "/patients/{alice}/export.fhir.json", [302, 403, 403, 200, 404, 404, 200, 404]),
    # The token in the link is the credential (calendar apps cannot sign in).
    ("GET", "/calendar/{calendar_token}.ics", [200] * 8),
    ("GET", "/calendar/not-a-token.ics", [404] * 8),
    ("GET", "/clinic/settings/", STAFF_ONLY),
    ("POST", "/clinic/settings/", [302, 403, 403, 403, 403, 403, 400, 400]),
    ("GET", "/invite/{token}/", [200, 409, 409, 409, 409, 409, 409, 409]),
    ("GET", "/library/", ALL_PAGES),
    ("GET", "/library/new/", [302, 403, 403, 200, 200, 200, 200, 200]),
    ("GET", "/library/{shared}/", ALL_PAGES),
    ("GET", "/library/{private}/", [302, 200, 200, 200, 200, 404, 200, 404]),
    ("GET", "/library/{private}/edit/", [302, 403, 403, 200, 200, 404, 200, 404]),
    ("GET", "/library/{shared}/edit/", [302, 403, 403, 403, 403, 403, 403, 403]),
    ("GET", "/library/{private}/image/", [302, 404, 404, 404, 404, 404, 404, 404]),
    ("GET", "/api/v1/me/", API_READ),
    ("GET", "/api/v1/ping/", API_READ),
    ("GET", "/api/v1/exercises/", API_READ),
    ("GET", "/api/v1/exercises/{shared}/", API_READ),
    ("GET", "/api/v1/exercises/{private}/", [403, 200, 200, 200, 200, 404, 200, 404]),
    ("GET", "/api/v1/muscles/", API_READ),
    # Programs, protocols, today and sessions (rehab/programs/api/). {program} and {session}
    # are alice's, from carol; {protocol} is shared, {clinic_protocol} clinic A's own.
    ("GET", "/api/v1/programs/", API_READ),
    ("POST", "/api/v1/programs/", [403, 403, 403, 400, 400, 400, 403, 403]),
    ("GET", "/api/v1/programs/{program}/", [403, 200, 404, 200, 404, 404, 200, 404]),
    ("POST", "/api/v1/programs/{program}/versions/", [403, 403, 403, 400, 404, 404, 403, 403]),
    ("POST", "/api/v1/programs/{program}/pause/", [403, 403, 403, 200, 404, 404, 403, 403]),
    ("POST", "/api/v1/programs/{program}/resume/", [403, 403, 403, 400, 404, 404, 403, 403]),
    ("POST", "/api/v1/programs/{program}/end/", [403, 403, 403, 200, 404, 404, 403, 403]),
    ("GET", "/api/v1/protocols/", CARE_TEAM_API),
    ("GET", "/api/v1/protocols/{protocol}/", CARE_TEAM_API),
    ("GET", "/api/v1/protocols/{clinic_protocol}/", [403, 403, 403, 200, 200, 404, 200, 404]),
    ("GET", "/api/v1/today/", [403, 200, 200, 403, 403, 403, 403, 403]),
    ("GET", "/api/v1/sessions/", API_READ),
    ("POST", "/api/v1/sessions/", [403, 400, 400, 403, 403, 403, 403, 403]),
    ("GET", "/api/v1/sessions/{session}/", [403, 200, 404, 200, 404, 404, 200, 404]),
    ("PUT", "/api/v1/sessions/{session}/", [403, 400, 404, 403, 403, 403, 403, 403]),
    ("PATCH", "/api/v1/sessions/{session}/", [403, 200, 404, 403, 403, 403, 403, 403]),
    ("DELETE", "/api/v1/sessions/{session}/", [403, 204, 404, 403, 403, 403, 403, 403]),
    ("GET", "/api/v1/alerts/", CARE_TEAM_API),
    ("GET", "/api/v1/alerts/{alert}/", [403, 403, 403, 200, 404, 404, 200, 404]),
    ("POST", "/api/v1/alerts/{alert}/acknowledge/", [403, 403, 403, 400, 404, 404, 403, 404]),
    ("GET", "/api/v1/checkins/", API_READ),
    ("POST", "/api/v1/checkins/", [403, 400, 400, 403, 403, 403, 403, 403]),
    ("GET", "/api/v1/notifications/", API_READ),
    (
        "POST",
        "/api/v1/notifications/{notification}/read/",
        [403, 200, 404, 404, 404, 404, 404, 404],
    ),
    ("GET", "/api/v1/outcomes/", API_READ),
    ("POST", "/api/v1/outcomes/", [403, 400, 400, 400, 400, 400, 403, 403]),
    ("GET", "/api/v1/outcomes/{outcome}/", [403, 200, 404, 200, 404, 404, 200, 404]),
    ("GET", "/api/v1/patients/{alice}/questionnaires/", [403, 200, 404, 200, 404, 404, 200, 404]),
    ("PUT", "/api/v1/patients/{alice}/questionnaires/", [403, 403, 404, 400, 404, 404, 403, 404]),
    ("GET", "/api/v1/photos/", [403, 200, 200, 200, 200, 200, 403, 403]),
    ("POST", "/api/v1/photos/", [403, 400, 400, 400, 400, 400, 403, 403]),
    ("GET", "/api/v1/photos/{photo}/", [403, 200, 404, 200, 404, 404, 404, 404]),
    ("DELETE", "/api/v1/photos/{photo}/", [403, 204, 404, 403, 404, 404, 404, 404]),
    ("POST", "/api/v1/photos/{photo}/mark/", [403, 400, 404, 400, 404, 404, 404, 404]),
    ("GET", "/api/v1/workstation-checks/", [403, 200, 200, 200, 200, 200, 403, 403]),
    ("POST", "/api/v1/workstation-checks/", [403, 400, 400, 403, 403, 403, 403, 403]),
    ("POST", "/api/v1/posture-breaks/", [403, 201, 201, 403, 403, 403, 403, 403]),
    ("GET", "/api/v1/progress/", [403, 200, 200, 403, 403, 403, 403, 403]),
    ("GET", "/api/v1/patients/{alice}/progress/", [403, 200, 404, 200, 404, 404, 200, 404]),
    ("GET", "/api/v1/caseload/", [403, 403, 403, 200, 200, 200, 403, 403]),
    ("GET", "/api/schema/", [200] * 8),
    ("GET", "/api/docs/", [200] * 8),
]

# Patterns whose access is tested elsewhere (allauth's own, Django admin, health, static assets).
NOT_IN_MATRIX_PREFIXES = ("accounts/", "admin/", "healthz", "api/docs/")


@pytest.fixture
def objects(world, django_capture_on_commit_callbacks, tmp_path, monkeypatch):
    from accounts import services
    from rehab.programs import selectors
    from rehab.programs import services as programs

    shared = ExerciseFactory(clinic=None)
    private = ExerciseFactory(clinic=world.clinic_a, slug="clinic-a-only")
    invitation = services.invitation_create(
        clinic=world.clinic_a,
        invited_by=world.frank,
        email="new@example.org",
        full_name="New Person",
        role="patient",
    )
    token = "a-token-known-to-the-test"
    invitation.token_hash = services.hash_token(token)
    invitation.save(update_fields=["token_hash"])
    today = programs.patient_today(world.alice)
    program = programs.program_create(
        therapist=world.carol,
        patient=world.alice,
        title="Neck",
        start_date=today,
        items=[programs.ItemSpec(exercise_id=shared.pk, sets=1, reps=10)],
    )
    (item,) = selectors.items_due(patient=world.alice, on=today)
    session, _ = programs.session_log_create(
        patient=world.alice,
        spec=programs.SessionSpec(
            performed_on=today,
            entries=[programs.EntrySpec(item_id=item.pk, sets_done=1, reps_done=10)],
        ),
    )
    protocol = Protocol.objects.create(clinic=None, slug="shared-protocol", name="Shared")
    clinic_protocol = Protocol.objects.create(clinic=world.clinic_a, slug="a", name="Clinic A's")
    from rehab.reminders import services as reminders

    notification = reminders.notify(
        recipient=world.alice, kind="exercise", title="Hi", body="Hi", url="", channels=["in_app"]
    )
    from rehab.alerts import services as alerts
    from rehab.alerts.models import RED_FLAG_QUESTIONS

    checkin = alerts.checkin_submit(
        patient=world.alice, answers={key: key == "walking" for key, _ in RED_FLAG_QUESTIONS}
    )
    outcome = outcomes.outcome_record(
        patient=world.alice, by=world.alice, measure="pain", recorded_on=today, inputs={"value": 3}
    )
    # Photos go to a folder of this test's own (the storage is bound when the model loads).
    monkeypatch.setattr(
        PosturePhoto._meta.get_field("image"),
        "storage",
        FileSystemStorage(location=tmp_path / "private"),
    )
    jpeg = io.BytesIO()
    Image.new("RGB", (800, 600), "grey").save(jpeg, "JPEG")
    jpeg.seek(0)
    photo = posture.photo_upload(
        patient=world.alice, by=world.alice, side="right", taken_on=today, upload=jpeg
    )
    feed = CalendarFeed.objects.create(patient=world.alice, token="calendar-token-of-the-test")
    return {
        "outcome": outcome.public_id,
        "patient_measure": "ndi",
        "clinician_measure": "dnf",
        "photo": photo.public_id,
        "calendar_token": feed.token,
        "alert": checkin.alerts.get().public_id,
        "checkin": checkin.public_id,
        "notification": notification.public_id,
        "stop_token": reminders.stop_token(world.alice),
        "program": program.public_id,
        "session": session.public_id,
        "protocol": protocol.public_id,
        "clinic_protocol": clinic_protocol.public_id,
        "alice": world.alice.public_id,
        "shared": shared.public_id,
        "private": private.public_id,
        "invitation": invitation.public_id,
        "token": token,
    }


CASES = [
    pytest.param(method, url, persona, codes[i], id=f"{method} {url} as {persona}")
    for method, url, codes in MATRIX
    for i, persona in enumerate(PERSONAS)
]


@pytest.mark.parametrize(("method", "url", "persona", "expected"), CASES)
def test_access(client, world, objects, method, url, persona, expected):
    user = world.persona(persona)
    if user is not None:
        client.force_login(user)
    path = url.format(**objects)
    if method == "GET":
        response = client.get(path)
    elif path.startswith("/api/"):
        # The API takes JSON only; an empty object shows access, not the media type.
        response = client.generic(method, path, "{}", content_type="application/json")
    else:
        response = client.post(path)
    assert response.status_code == expected, (
        f"{method} {path} as {persona}: {response.status_code}, expected {expected}"
    )


def _routes(resolver: URLResolver, prefix: str = "") -> list[str]:
    routes = []
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            routes.extend(_routes(pattern, route))
        elif isinstance(pattern, URLPattern):
            routes.append(route)
    return routes


def test_every_url_pattern_is_in_the_matrix():
    import re

    def shape(route: str) -> str:
        return re.sub(r"<[^>]+>", "X", route.lstrip("^").rstrip("$"))

    covered = {shape(re.sub(r"\{[^}]+\}", "<x>", url.lstrip("/"))) for _, url, _ in MATRIX}
    missing = [
        route
        for route in _routes(get_resolver())
        if not route.startswith(NOT_IN_MATRIX_PREFIXES) and shape(route) not in covered
    ]
    assert missing == [], f"URL patterns without access expectations: {missing}"
