"""Today's exercise cards, cached per process (rehab/programs/plan_cache.py): a repeated page
is written from the cache and equals a fresh one, every change of the prescription is on the
very next page, what the patient logs shows at once, and nobody gets another's cards."""

import re
from datetime import timedelta

import pytest
from django.core.cache import caches
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from exercises import services as exercises
from rehab.programs import plan_cache, services
from rehab.programs.services import EntrySpec, ItemSpec, SessionSpec
from tests.factories import ExerciseFactory

pytestmark = pytest.mark.django_db

# What differs between two renderings of the same page: the security token and the retry key.
_TOKENS = re.compile(r'name="(csrfmiddlewaretoken|idempotency_key)" value="[^"]*"')


@pytest.fixture(autouse=True)
def _empty_cache():
    caches[plan_cache.CACHE_ALIAS].clear()
    yield
    caches[plan_cache.CACHE_ALIAS].clear()


@pytest.fixture
def moves(world):
    return ExerciseFactory.create_batch(3, clinic=world.clinic_a)


def prescribe(world, patient, exercise_list, days_ago=2):
    today = services.patient_today(patient)
    return services.program_create(
        therapist=world.carol if patient == world.alice else world.dave,
        patient=patient,
        title="Neck",
        start_date=today - timedelta(days=days_ago),
        items=[
            ItemSpec(exercise_id=exercise_list[0].pk, sets=2, reps=10, times_per_day=2),
            ItemSpec(exercise_id=exercise_list[1].pk, sets=1, reps=8),
        ],
    )


@pytest.fixture
def program(world, moves):
    return prescribe(world, world.alice, moves)


class Page:
    """Today as the patient sees it, with the tokens that differ on every rendering blanked."""

    def __init__(self, client, url="/today/"):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200
        self.html = _TOKENS.sub(r'name="\1" value=""', response.content.decode())
        self.sql = [query["sql"] for query in captured.captured_queries]

    @property
    def from_cache(self) -> bool:
        # The items due are read with their doses; the session list joins items for names only.
        return not any('"programs_programitem"."sets"' in sql for sql in self.sql)


def fresh(client, url="/today/") -> Page:
    caches[plan_cache.CACHE_ALIAS].clear()
    page = Page(client, url)
    assert not page.from_cache
    return page


@pytest.fixture
def alice(client, world, program):
    client.force_login(world.alice)
    Page(client)  # the cards now cached
    return client


def test_a_repeated_page_comes_from_the_cache_and_equals_a_fresh_one(alice):
    cached = Page(alice)
    computed = fresh(alice)
    assert cached.from_cache
    assert cached.html == computed.html
    assert len(cached.sql) < len(computed.sql)
    assert cached.html.count("data-timer ") == 2


def _revise(world, program, moves):
    services.program_revise(
        program=program,
        by=world.carol,
        effective_from=services.patient_today(world.alice),
        items=[ItemSpec(exercise_id=moves[2].pk, sets=3, reps=12, hold_seconds=5)],
    )


def _rename(world, program, moves):
    exercises.exercise_update(exercise=moves[0], muscles=[], name="Chin nod, lying down")


def _pause(world, program, moves):
    services.program_pause(program=program, on=services.patient_today(world.alice))


def _end(world, program, moves):
    services.program_end(
        program=program, on=services.patient_today(world.alice) - timedelta(days=1)
    )


def _second_program(world, program, moves):
    prescribe(world, world.alice, [moves[2], moves[1]], days_ago=0)


@pytest.mark.parametrize("write", [_revise, _rename, _pause, _end, _second_program])
def test_every_change_of_the_prescription_is_on_the_next_page(alice, world, program, moves, write):
    before = Page(alice)
    write(world, program, moves)
    after = Page(alice)
    assert not after.from_cache
    assert after.html != before.html
    assert after.html == fresh(alice).html


def test_a_resumed_program_is_back_on_the_next_page(alice, world, program):
    today = services.patient_today(world.alice)
    services.program_pause(program=program, on=today)
    paused = Page(alice)
    assert "Nothing planned" in paused.html
    services.program_resume(program=program, on=today)
    resumed = Page(alice)
    assert "Nothing planned" not in resumed.html
    assert resumed.html == fresh(alice).html


def test_what_the_patient_logs_shows_at_once_on_the_cached_cards(alice, world, program):
    first = program.versions.get().items.order_by("position").first()
    services.session_log_create(
        patient=world.alice,
        spec=SessionSpec(
            performed_on=services.patient_today(world.alice),
            entries=[EntrySpec(item_id=first.pk, sets_done=2, reps_done=10)],
            pain_after=2,
        ),
    )
    page = Page(alice)
    assert page.from_cache, "a session changes no card, only its badge"
    assert '<span class="badge">1 of 2 today</span>' in page.html
    assert "<strong>1 of 3</strong> doses done today" in page.html
    assert page.html == fresh(alice).html


def test_a_rolled_back_change_leaves_the_cards_cached(alice, world, program, moves):
    before = Page(alice)
    with pytest.raises(RuntimeError), transaction.atomic():
        _revise(world, program, moves)
        raise RuntimeError
    after = Page(alice)
    assert after.from_cache
    assert after.html == before.html


def test_each_patient_gets_their_own_cards(client, world, program, moves):
    prescribe(world, world.bob, [moves[2], moves[1]])
    pages: dict[int, list[Page]] = {}
    for patient in (world.alice, world.bob, world.alice, world.bob):
        client.force_login(patient)
        pages.setdefault(patient.pk, []).append(Page(client))
    alice, bob = pages[world.alice.pk], pages[world.bob.pk]
    assert alice[1].from_cache and bob[1].from_cache
    assert moves[0].name in alice[1].html and moves[0].name not in bob[1].html
    assert moves[2].name in bob[1].html and moves[2].name not in alice[1].html


def test_each_day_has_its_own_cards(alice, world, program, moves):
    today = services.patient_today(world.alice)
    _second_program(world, program, moves)  # starts today: nothing of it the day before
    Page(alice)
    yesterday = Page(alice, f"/today/?day={(today - timedelta(days=1)).isoformat()}")
    assert moves[2].name not in yesterday.html
    assert moves[2].name in Page(alice).html
    assert (
        yesterday.html
        == fresh(alice, f"/today/?day={(today - timedelta(days=1)).isoformat()}").html
    )


def test_a_form_sent_back_with_errors_is_written_afresh_and_cached_pages_stay_clean(
    alice, world, program
):
    from tests.programs.test_today import form_data

    page = alice.get("/today/")
    answer = alice.post("/today/", form_data(page, pain_after="12", note="My own note"))
    assert answer.status_code == 200
    assert "My own note" in answer.content.decode()
    again = Page(alice)
    assert again.from_cache
    assert "My own note" not in again.html
    assert again.html == fresh(alice).html


def test_a_session_log_checks_its_entries_against_the_prescription_of_now(world, program, moves):
    """The log reads the items due through the cache: after a revision, the old item is refused
    and the new one taken, though the items were cached just before."""
    from django.core.exceptions import ValidationError

    today = services.patient_today(world.alice)
    old = program.versions.get().items.order_by("position").first()

    def log(item, key):
        return services.session_log_create(
            patient=world.alice,
            spec=SessionSpec(
                performed_on=today, entries=[EntrySpec(item_id=item.pk, sets_done=1, reps_done=5)]
            ),
            idempotency_key=key,
        )

    assert old in plan_cache.items_due(world.alice, today)  # the items of today now cached
    _revise(world, program, moves)
    with pytest.raises(ValidationError, match="isn't in your program"):
        log(old, "after")
    new = program.versions.get(number=2).items.get()
    _, created = log(new, "new")
    assert created
