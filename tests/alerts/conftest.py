from datetime import timedelta

import pytest

from rehab.programs import services as programs


@pytest.fixture
def program(alice_program):
    """Alice's daily program from carol, started two weeks ago."""
    return alice_program(times_per_day=3, started_days_ago=14)


@pytest.fixture
def log(world, program):
    """Log a session for alice: log(days_ago=0, pain_before=None, pain_after=None)."""
    item = program.versions.get().items.get()

    def _log(days_ago: int = 0, pain_before: int | None = None, pain_after: int | None = None):
        day = programs.patient_today(world.alice) - timedelta(days=days_ago)
        session, _ = programs.session_log_create(
            patient=world.alice,
            spec=programs.SessionSpec(
                performed_on=day,
                pain_before=pain_before,
                pain_after=pain_after,
                entries=[programs.EntrySpec(item_id=item.pk, sets_done=1, reps_done=10)],
            ),
        )
        return session

    return _log


@pytest.fixture
def all_no():
    from rehab.alerts.models import RED_FLAG_QUESTIONS

    return {key: False for key, _ in RED_FLAG_QUESTIONS}
