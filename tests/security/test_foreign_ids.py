"""No API response ever carries the id of an object its caller may not see.

A world with objects for every patient (alice and bob in clinic A, heidi in clinic B): programs
(with clinic-private exercises), sessions, outcomes entered by patient and therapist, red-flag
check-ins and the alerts they raise (one acknowledged), side photos (one uploaded by the
therapist), workstation checks, notifications, clinic protocols. Every GET endpoint of the API
without an id in its path is called by every persona, plain and with filters naming each
patient; every UUID in the JSON (anywhere: `id`, nested people, URLs) and every program-item id
is checked against who may see that object, a rule written here independently of the app's
selectors:

- a patient and what is theirs: the patient, their care-team therapists, their clinic's staff;
- a notification: its recipient;
- a therapist, staff member, clinic, clinic exercise or clinic protocol: people of that clinic;
- shared exercises and protocols: everyone.
"""

import io
import re
import uuid
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.apps import apps
from django.core.files.storage import FileSystemStorage
from PIL import Image

from accounts.models import CaseloadAssignment, Role, User
from rehab.outcomes import posture
from rehab.outcomes import services as outcomes
from rehab.outcomes.models import WORKSTATION_ITEMS, PosturePhoto
from rehab.programs.models import ProgramItem, Protocol
from tests.factories import ExerciseFactory
from tests.test_access_matrix import MATRIX, PERSONAS

# Everyone the suite signs in as: the matrix's personas and heidi (clinic B's patient).
ALL_PERSONAS = [*PERSONAS, "heidi"]
PATIENTS = ["alice", "bob", "heidi"]

# Every GET endpoint of the API whose path names no object: lists, and the caller's own views.
LIST_ENDPOINTS = [
    url
    for method, url, _ in MATRIX
    if method == "GET" and url.startswith("/api/v1/") and "{" not in url
]
# Filters that widen a list beyond its default.
WIDER = {"/api/v1/alerts/": "status=all"}

UUID_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


@dataclass
class Registry:
    """Every object with a public id, and who may see it (persona names)."""

    seen_by: dict[str, set[str]] = field(default_factory=dict)
    what: dict[str, str] = field(default_factory=dict)
    items: dict[int, set[str]] = field(default_factory=dict)  # program items (integer ids)
    objects: dict[str, Any] = field(default_factory=dict)


def _jpeg() -> io.BytesIO:
    data = io.BytesIO()
    Image.new("RGB", (800, 600), "grey").save(data, "JPEG")
    data.seek(0)
    return data


def _visibility(world) -> dict[str, Any]:
    names = {getattr(world, name).pk: name for name in ALL_PERSONAS if name != "anonymous"}
    people = {name: getattr(world, name) for name in ALL_PERSONAS if name != "anonymous"}

    def clinic_people(clinic_id: int | None) -> set[str]:
        if clinic_id is None:
            return set(ALL_PERSONAS) - {"anonymous"}
        return {name for name, user in people.items() if user.clinic_id == clinic_id}

    def of_patient(patient: User) -> set[str]:
        therapists = CaseloadAssignment.objects.filter(patient=patient).values_list(
            "therapist_id", flat=True
        )
        staff = {
            name
            for name, user in people.items()
            if user.role == Role.STAFF and user.clinic_id == patient.clinic_id
        }
        return {names[patient.pk], *(names[pk] for pk in therapists if pk in names), *staff}

    return {"clinic": clinic_people, "patient": of_patient}


def build_registry(world) -> Registry:
    """Every object with a public id in the database, with who may see it. A model with a public
    id and no rule here fails the suite: decide who may see it first."""
    rules = _visibility(world)
    registry = Registry()

    def add(obj: Any, seen_by: set[str]) -> None:
        key = str(obj.public_id)
        registry.seen_by[key] = seen_by
        registry.what[key] = f"{obj._meta.label} {obj}"

    for model in apps.get_models():
        if "public_id" not in {f.name for f in model._meta.get_fields()}:
            continue
        label = model._meta.label
        for obj in model.objects.all():
            if label == "accounts.User":
                add(
                    obj,
                    rules["patient"](obj)
                    if obj.role == Role.PATIENT
                    else rules["clinic"](obj.clinic_id)
                    if obj.clinic_id
                    else set(),
                )
            elif label == "reminders.Notification":
                name = next(
                    (n for n in ALL_PERSONAS[1:] if getattr(world, n) == obj.recipient), None
                )
                add(obj, {name} if name else set())
            elif label in ("accounts.Clinic",):
                add(obj, rules["clinic"](obj.pk))
            elif label == "accounts.Invitation":
                add(
                    obj,
                    {
                        n
                        for n in rules["clinic"](obj.clinic_id)
                        if getattr(world, n).role == Role.STAFF
                    },
                )
            elif label in ("exercises.Exercise", "programs.Protocol"):
                add(obj, rules["clinic"](obj.clinic_id))
            elif hasattr(obj, "patient_id"):
                add(obj, rules["patient"](obj.patient))
            else:
                pytest.fail(f"No visibility rule for {label}: add one to build_registry")
    for item in ProgramItem.objects.select_related("version__program__patient"):
        registry.items[item.pk] = rules["patient"](item.version.program.patient)
    return registry


@pytest.fixture
def everything(world, django_capture_on_commit_callbacks, tmp_path, monkeypatch) -> Registry:
    """Objects of every kind for alice, bob and heidi, and the registry of who may see what."""
    from rehab.alerts import services as alerts
    from rehab.alerts.models import RED_FLAG_QUESTIONS
    from rehab.programs import selectors
    from rehab.programs import services as programs
    from rehab.reminders import services as reminders

    monkeypatch.setattr(
        PosturePhoto._meta.get_field("image"),
        "storage",
        FileSystemStorage(location=tmp_path / "private"),
    )
    shared = ExerciseFactory(clinic=None)
    Protocol.objects.create(clinic=None, slug="shared-protocol", name="Shared")
    therapist_of = {"alice": world.carol, "bob": world.dave, "heidi": world.erin}
    objects: dict[str, Any] = {}
    for name in PATIENTS:
        patient = getattr(world, name)
        therapist = therapist_of[name]
        own = ExerciseFactory(clinic=patient.clinic, slug=f"{name}-clinic-exercise")
        Protocol.objects.get_or_create(
            clinic=patient.clinic, slug=f"clinic-{patient.clinic.slug}", defaults={"name": "Own"}
        )
        today = programs.patient_today(patient)
        program = programs.program_create(
            therapist=therapist,
            patient=patient,
            title=f"{name}'s neck",
            start_date=today,
            items=[
                programs.ItemSpec(exercise_id=shared.pk, sets=1, reps=10),
                programs.ItemSpec(exercise_id=own.pk, sets=2, reps=5),
            ],
        )
        items = list(selectors.items_due(patient=patient, on=today))
        session, _ = programs.session_log_create(
            patient=patient,
            spec=programs.SessionSpec(
                performed_on=today,
                pain_before=3,
                pain_after=2,
                entries=[
                    programs.EntrySpec(item_id=item.pk, sets_done=1, reps_done=5) for item in items
                ],
            ),
        )
        with django_capture_on_commit_callbacks(execute=True):
            quiet = alerts.checkin_submit(
                patient=patient, answers={key: False for key, _ in RED_FLAG_QUESTIONS}
            )
            flagged = alerts.checkin_submit(
                patient=patient, answers={key: key == "walking" for key, _ in RED_FLAG_QUESTIONS}
            )
        alert = flagged.alerts.get()
        second = alerts.checkin_submit(
            patient=patient, answers={key: key == "walking" for key, _ in RED_FLAG_QUESTIONS}
        )
        for extra in second.alerts.all():
            alerts.acknowledge(alert=extra, by=therapist, note="Called the patient.")
        pain = outcomes.outcome_record(
            patient=patient, by=patient, measure="pain", recorded_on=today, inputs={"value": 4}
        )
        endurance = outcomes.outcome_record(
            patient=patient, by=therapist, measure="dnf", recorded_on=today, inputs={"seconds": 20}
        )
        own_photo = posture.photo_upload(
            patient=patient, by=patient, side="right", taken_on=today, upload=_jpeg()
        )
        posture.photo_mark(photo=own_photo, by=patient, tragus=[500.0, 200.0], c7=[300.0, 450.0])
        therapist_photo = posture.photo_upload(
            patient=patient, by=therapist, side="left", taken_on=today, upload=_jpeg()
        )
        posture.workstation_check_submit(
            patient=patient, by=patient, answers={key: True for key, _ in WORKSTATION_ITEMS}
        )
        notification = reminders.notify(
            recipient=patient,
            kind="posture",
            title="Posture",
            body="Time for a break",
            url="",
            channels=["in_app"],
        )
        posture.posture_break_record(patient=patient, notification_id=notification.public_id)
        reminders.notify(
            recipient=patient, kind="exercise", title="Hi", body="Hi", url="", channels=["in_app"]
        )
        objects[name] = {
            "program": program,
            "session": session,
            "checkin": quiet,
            "alert": alert,
            "pain": pain,
            "endurance": endurance,
            "photo": own_photo,
            "therapist_photo": therapist_photo,
            "items": items,
            "own_exercise": own,
        }
    registry = build_registry(world)
    registry.objects = objects
    return registry


def _uuids(body: Any) -> set[str]:
    return set(UUID_RE.findall(repr(body).lower()))


def _item_ids(body: Any, key: str | None = None) -> set[int]:
    """Integer `id`s and `item`s: program items are the only objects with integer ids."""
    found: set[int] = set()
    if isinstance(body, dict):
        for k, value in body.items():
            found |= _item_ids(value, k)
    elif isinstance(body, list):
        for value in body:
            found |= _item_ids(value, key)
    elif isinstance(body, int) and not isinstance(body, bool) and key in ("id", "item"):
        found.add(body)
    return found


def _body(response) -> Any:
    if response.get("Content-Type", "").startswith("application/json"):
        return response.json()
    return response.content.decode(errors="replace")


def _requests(registry: Registry, world) -> list[str]:
    patients = [str(getattr(world, name).public_id) for name in PATIENTS]
    paths = []
    for url in LIST_ENDPOINTS:
        paths.append(url)
        if url in WIDER:
            paths.append(f"{url}?{WIDER[url]}")
        sep = f"?{WIDER[url]}&" if url in WIDER else "?"
        paths += [f"{url}{sep}patient={patient}" for patient in patients]
    return paths


@pytest.mark.parametrize("persona", ALL_PERSONAS)
def test_no_list_endpoint_returns_an_id_the_caller_may_not_see(client, world, everything, persona):
    user = world.persona(persona)
    if user is not None:
        client.force_login(user)
    leaks: list[str] = []
    seen: set[str] = set()
    for path in _requests(everything, world):
        response = client.get(path)
        assert response.status_code in (200, 400, 403, 404), (path, response.status_code)
        body = _body(response)
        for key in _uuids(body) & everything.seen_by.keys():
            # The filter's own value comes back in no body; any patient id here is data.
            if persona not in everything.seen_by[key]:
                leaks.append(f"{path}: {everything.what[key]}")
            seen.add(key)
        for pk in _item_ids(body):
            if pk in everything.items and persona not in everything.items[pk]:
                leaks.append(f"{path}: program item {pk}")
    assert leaks == [], f"{persona} was shown: {leaks}"
    if persona != "anonymous":
        # The walk saw real data: at least the caller's own objects.
        assert len(seen) >= 5, f"{persona} saw too little for the test to mean anything: {seen}"


def test_every_list_endpoint_is_walked():
    assert len(LIST_ENDPOINTS) >= 15
    assert {"/api/v1/sessions/", "/api/v1/alerts/", "/api/v1/photos/"} <= set(LIST_ENDPOINTS)


def test_the_registry_knows_every_kind_of_object(world, everything):
    kinds = {what.split()[0] for what in everything.what.values()}
    with_public_id = {
        model._meta.label
        for model in apps.get_models()
        if "public_id" in {f.name for f in model._meta.get_fields()}
    }
    assert with_public_id - {"accounts.Invitation"} <= kinds
    # Alice's therapist sees her photo; the other clinic's therapist does not.
    photo = str(everything.objects["alice"]["photo"].public_id)
    assert "carol" in everything.seen_by[photo] and "erin" not in everything.seen_by[photo]
    assert "dave" not in everything.seen_by[photo]


def test_the_check_catches_a_leak(client, world, everything):
    """Erin's view of the exercises list does not hold clinic A's exercise; if it did, the
    registry says she may not see it."""
    exercise = str(everything.objects["alice"]["own_exercise"].public_id)
    assert "erin" not in everything.seen_by[exercise]
    assert exercise in _uuids({"results": [{"id": uuid.UUID(exercise)}]})
