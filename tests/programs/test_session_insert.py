"""A new session log in one statement on PostgreSQL (rehab/programs/session_insert.py): the same
rows as the ORM path writes (session, entries, audit entry, caseload version), the ORM path
whenever an alert is due, and no receiver of SessionLog's signals it would skip.

The rest of the suite logs sessions too, so on PostgreSQL (`make test-postgres`) every session
test runs through the statement; on SQLite the ORM path is the only one.
"""

import random
import re
from datetime import timedelta

import pytest
from auditlog.models import LogEntry
from auditlog.receivers import log_create, log_update
from auditlog.signals import post_log, pre_log
from django.db import connection
from django.db.models.signals import post_delete, post_save, pre_save
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.models import Clinic
from rehab.alerts import services as alerts
from rehab.alerts.models import Alert, Rule
from rehab.outcomes import caseload_cache
from rehab.programs import selectors, services, session_insert
from rehab.programs.models import ExerciseLog, SessionLog
from rehab.programs.services import EntrySpec, ItemSpec, SessionSpec
from tests.factories import ExerciseFactory
from tests.programs.test_api import send

postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the one-statement write is PostgreSQL's"
)
STATEMENT = re.compile(r"^\s*WITH session AS \(INSERT INTO")


@pytest.fixture
def today(world):
    return services.patient_today(world.alice)


@pytest.fixture
def programs(world, today):
    """The same program (2x10 with a 5 s hold twice a day, and 1x8) for alice and for bob."""
    exercises = ExerciseFactory.create_batch(2, clinic=None)
    return {
        patient: services.program_create(
            therapist=therapist,
            patient=patient,
            title="Neck",
            start_date=today - timedelta(days=10),
            items=[
                ItemSpec(
                    exercise_id=exercises[0].pk, sets=2, reps=10, hold_seconds=5, times_per_day=2
                ),
                ItemSpec(exercise_id=exercises[1].pk, sets=1, reps=8),
            ],
        )
        for patient, therapist in ((world.alice, world.carol), (world.bob, world.dave))
    }


def through_the_orm(monkeypatch):
    monkeypatch.setattr(session_insert, "supported", lambda using="default": False)


def statements(queries):
    return [query["sql"] for query in queries if STATEMENT.match(query["sql"])]


def log_through_the_api(patient, today, *, key, **values):
    """Log every item due today (the second one skipped) as `patient`, through the API; the
    answer, the statements sent and how much the clinic's caseload version rose."""
    items = list(selectors.items_due(patient=patient, on=today).order_by("position"))
    body = {
        "performed_on": today.isoformat(),
        "difficulty": 3,
        "note": "Felt stiff, then better.",
        "entries": [
            {"item": items[0].pk, "sets_done": 2, "reps_done": 7, "hold_seconds_done": 5},
            {"item": items[1].pk, "skipped": True, "skip_reason": "Shoulder sore."},
        ],
        **values,
    }
    client = Client()
    client.force_login(patient)
    version = Clinic.objects.get(pk=patient.clinic_id).caseload_version
    with CaptureQueriesContext(connection) as queries:
        response = send(client, "POST", "/api/v1/sessions/", body, **{"Idempotency-Key": key})
    assert response.status_code == 201, response.json()
    rose = Clinic.objects.get(pk=patient.clinic_id).caseload_version - version
    return response.json(), statements(queries), rose


def stored(answer, patient):
    """The rows a logged session left, without what differs between patients and requests."""
    session = SessionLog.objects.get(public_id=answer["id"])
    entry = LogEntry.objects.get_for_object(session).get()
    changes = dict(entry.changes)
    for name in ("id", "public_id", "patient", "program", "version", "logged_at", "updated_at"):
        assert changes.pop(name)[0] == "None", name
    # The fingerprint is of the request, whose item ids are the patient's own.
    assert changes.pop("request_fingerprint") == ["None", session.request_fingerprint]
    assert re.fullmatch(r"[0-9a-f]{64}", session.request_fingerprint)
    positions = dict(
        ExerciseLog.objects.filter(session=session).values_list("item", "item__position")
    )
    return {
        "session": {
            name: getattr(session, name)
            for name in (
                "performed_on",
                "pain_before",
                "pain_after",
                "difficulty",
                "note",
                "idempotency_key",
            )
        },
        "entries": list(
            ExerciseLog.objects.filter(session=session)
            .order_by("item__position")
            .values(
                "item__position",
                "performed_on",
                "target_sets",
                "target_reps",
                "target_hold_seconds",
                "target_side",
                "sets_done",
                "reps_done",
                "hold_seconds_done",
                "skipped",
                "skip_reason",
                "dose_fraction",
            )
        ),
        "audit": {
            "content_type": entry.content_type.model_class(),
            "object_pk": entry.object_pk == str(session.pk) and entry.object_id == session.pk,
            "object_repr": entry.object_repr.replace(patient.full_name, "NAME"),
            "action": entry.action,
            "actor": entry.actor == patient and entry.actor_email == patient.email,
            "remote_addr": entry.remote_addr,
            "serialized_data": entry.serialized_data,
            "additional_data": entry.additional_data,
            "changes": changes,
            "timestamp": session.updated_at <= entry.timestamp,
        },
        "logged": session.logged_at <= session.updated_at,
        "answer": {
            **{
                key: value
                for key, value in answer.items()
                if key
                not in {"id", "patient", "program", "logged_at", "updated_at", "editable_until"}
            },
            "entries": [{**entry, "item": positions[entry["item"]]} for entry in answer["entries"]],
        },
    }


@postgresql
def test_the_statement_stores_what_the_orm_stores(world, programs, today, monkeypatch):
    alice, statement, alice_rose = log_through_the_api(world.alice, today, key="k-1", pain_before=3)
    through_the_orm(monkeypatch)
    bob, orm, bob_rose = log_through_the_api(world.bob, today, key="k-1", pain_before=3)
    assert (len(statement), orm) == (1, []), "alice's log took the statement, bob's the ORM"
    assert (alice_rose, bob_rose) == (1, 1)
    ours, theirs = stored(alice, world.alice), stored(bob, world.bob)
    assert ours == theirs
    assert ours["audit"]["remote_addr"] == "127.0.0.1"
    assert ours["audit"]["actor"] and ours["audit"]["object_pk"] and ours["logged"]
    assert [entry["dose_fraction"] for entry in ours["entries"]] == [0.7, 0.0]


@postgresql
def test_the_session_returned_has_the_ids_stored(world, programs, today):
    items = list(selectors.items_due(patient=world.alice, on=today).order_by("position"))
    spec = SessionSpec(
        performed_on=today,
        entries=[EntrySpec(item_id=item.pk, sets_done=1, reps_done=8) for item in reversed(items)],
    )
    with CaptureQueriesContext(connection) as queries:
        session, created = services.session_log_create(patient=world.alice, spec=spec)
    assert (created, len(statements(queries))) == (True, 1)
    assert SessionLog.objects.get(pk=session.pk).public_id == session.public_id
    assert [(entry.pk, entry.item_id) for entry in session.entries.all()] == list(
        ExerciseLog.objects.filter(session_id=session.pk)
        .order_by("item__position")
        .values_list("pk", "item_id")
    )
    assert not session._state.adding


@postgresql
@pytest.mark.parametrize(
    ("earlier", "pains", "rules"),
    [
        ([], {"pain_after": 8}, {Rule.PAIN_HIGH}),
        ([2, 2, 2], {"pain_before": 5}, {Rule.PAIN_RISE}),
        ([2, 2, 2], {"pain_before": 8}, {Rule.PAIN_HIGH, Rule.PAIN_RISE}),
        ([2, 2], {"pain_before": 6}, set()),  # the third session is in its own baseline
        ([2, 2, 2], {"pain_before": 3}, set()),
    ],
)
def test_a_session_that_raises_an_alert_is_stored_through_the_orm(
    world, programs, today, earlier, pains, rules
):
    for days_ago, pain in zip(range(len(earlier) + 1, 1, -1), earlier, strict=False):
        log_through_the_api(
            world.alice, today - timedelta(days=days_ago), key=f"e{days_ago}", pain_before=pain
        )
    answer, statement, rose = log_through_the_api(world.alice, today, key="new", **pains)
    session = SessionLog.objects.get(public_id=answer["id"])
    assert set(Alert.objects.filter(session=session).values_list("rule", flat=True)) == rules
    assert len(statement) == (0 if rules else 1)
    assert rose >= 1


def test_the_prediction_of_alerts_agrees_with_the_rules(world, programs, today, monkeypatch):
    """pain_alerts_due, given the first sessions read before a write, says an alert is due
    exactly when evaluate_session raises one after it (random sessions, backdated too; stored
    through the ORM, which always evaluates the rules)."""
    through_the_orm(monkeypatch)
    rng = random.Random(7)
    item = selectors.items_due(patient=world.alice, on=today).order_by("position")[1]
    for n in range(24):
        day = today - timedelta(days=rng.randrange(8))
        pain_before = rng.choice([None, *range(8)])
        pain_after = rng.choice([None, *range(8)])
        first = list(
            SessionLog.objects.filter(patient=world.alice, pain_before__isnull=False)
            .order_by("performed_on", "logged_at", "pk")
            .values_list("pk", "pain_before", "performed_on", "logged_at")[:3]
        )
        spec = SessionSpec(
            performed_on=day,
            pain_before=pain_before,
            pain_after=pain_after,
            entries=[EntrySpec(item_id=item.pk, sets_done=1, reps_done=8)],
        )
        alerts_before = Alert.objects.count()
        session, _ = services.session_log_create(patient=world.alice, spec=spec)
        raised = Alert.objects.count() > alerts_before
        # Ask as the statement would have: the session as it was stored, against `first`.
        assert alerts.pain_alerts_due(session, first) == raised, (n, day, pain_before, pain_after)


@postgresql
@pytest.mark.django_db(transaction=True)
def test_a_retry_outside_any_transaction_answers_with_the_first_session(world, programs, today):
    """In autocommit (a web request), the repeated key fails the statement alone; the retry is
    answered with the first session and the connection goes on working."""
    item = selectors.items_due(patient=world.alice, on=today).order_by("position")[0]
    spec = SessionSpec(
        performed_on=today,
        pain_before=2,
        entries=[EntrySpec(item_id=item.pk, sets_done=2, reps_done=10)],
    )
    assert not connection.in_atomic_block
    with CaptureQueriesContext(connection) as queries:
        first, created = services.session_log_create(
            patient=world.alice, spec=spec, idempotency_key="r"
        )
        again, created_again = services.session_log_create(
            patient=world.alice, spec=spec, idempotency_key="r"
        )
    assert len(statements(queries)) == 2
    assert (created, created_again, again.pk) == (True, False, first.pk)
    assert SessionLog.objects.filter(patient=world.alice).count() == 1
    assert ExerciseLog.objects.filter(session=first).count() == 1
    assert LogEntry.objects.get_for_object(first).count() == 1


def test_the_receivers_of_session_logs_are_the_ones_the_statement_stands_in_for():
    """The statement writes what auditlog's and the caseload cache's receivers write for a new
    session. A receiver added to SessionLog's or ExerciseLog's signals (or to auditlog's own)
    would be skipped by it: this fails, so that it is added to session_insert as well."""

    def receivers(signal, sender):
        sync, asynchronous = signal._live_receivers(sender)
        return set(sync) | set(asynchronous)

    for model in (SessionLog, ExerciseLog):
        assert receivers(pre_save, model) == {log_update}, model
        assert receivers(post_save, model) == {log_create, caseload_cache._saved}, model
    assert receivers(pre_log, SessionLog) == set()
    assert receivers(post_log, SessionLog) == set()
    assert post_delete.has_listeners(SessionLog), "deletes go through the ORM, with their signals"
