"""The progress page (/progress/), the charts it shares with the patient detail page, and the
figures behind them, on hand-worked data.

"Today" is pinned to a Wednesday (the latest one on or before the real date, so every record
lies in the past for the services that check dates) by replacing `patient_today` in the
progress module; all dates below are written relative to it.
"""

import json
import re
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from exercises.models import Category
from rehab.outcomes import progress as progress_module
from rehab.outcomes import services as outcomes
from rehab.outcomes.models import OutcomeRecord, PostureBreak, WorkstationCheck
from rehab.programs import selectors, services
from rehab.programs.models import SessionLog
from rehab.programs.selectors import DayAdherence
from rehab.programs.services import EntrySpec, ItemSpec
from tests.factories import ExerciseFactory

_real_today = date.today()  # noqa: DTZ011 - only to pick a past Wednesday
WED = _real_today - timedelta(days=(_real_today.weekday() - 2) % 7)
MON = WED - timedelta(days=2)  # this week's Monday
LAST_MON = MON - timedelta(weeks=1)


def on(offset: int) -> date:
    """A date relative to the pinned Wednesday."""
    return WED + timedelta(days=offset)


@pytest.fixture
def pinned(monkeypatch):
    monkeypatch.setattr(progress_module, "patient_today", lambda patient: WED)


def _program(world, patient, therapist, start, times_per_day=2, category=Category.STRETCHING):
    exercise = ExerciseFactory(clinic=None, category=category)
    return services.program_create(
        therapist=therapist,
        patient=patient,
        title="Neck",
        start_date=start,
        items=[ItemSpec(exercise_id=exercise.pk, sets=1, reps=10, times_per_day=times_per_day)],
    )


def _log(patient, program, day, sessions=1, pain=(None, None)):
    """`sessions` sessions on `day`, each doing the program's items due in full (one dose each)."""
    version = program.versions.get()
    items = [
        item
        for item in selectors.items_due(patient=patient, on=day)
        if item.version.program_id == program.pk
    ]
    for _ in range(sessions):
        session = SessionLog.objects.create(
            patient=patient,
            program=program,
            version=version,
            performed_on=day,
            pain_before=pain[0],
            pain_after=pain[1],
        )
        services.store_entries(
            session=session,
            items=items,
            entries=[EntrySpec(item_id=i.pk, sets_done=i.sets, reps_done=i.reps) for i in items],
        )


def _chart(response, chart_id):
    return next(chart for chart in response.context["charts"] if chart.id == chart_id)


def _ndi(total_of_twos_and_ones: tuple[int, int]) -> list[int]:
    twos, ones = total_of_twos_and_ones
    return [2] * twos + [1] * ones + [0] * (10 - twos - ones)


# --- The streak, on its own -------------------------------------------------------------------


def _days(*rows: tuple[int, float, float]) -> list[DayAdherence]:
    return [DayAdherence(on(offset), expected, done) for offset, expected, done in rows]


def test_streak_counts_back_from_yesterday_while_today_is_open_and_skips_rest_days():
    days = _days(
        (-6, 1, 0),  # missed: the streak starts after it
        (-5, 1, 1),
        (-4, 0, 0),  # rest day: neither breaks nor counts
        (-3, 2, 2),
        (-2, 1, 1),
        (-1, 1, 1),
        (0, 1, 0),  # today, not done yet
    )
    streak = progress_module.streak(days, today=WED)
    assert (streak.days, streak.since, streak.through) == (4, on(-5), on(-1))


def test_streak_includes_today_once_done_and_a_partial_day_ends_it():
    days = _days((-3, 2, 2), (-2, 2, 1.5), (-1, 2, 2), (0, 1, 1))
    streak = progress_module.streak(days, today=WED)
    assert (streak.days, streak.since, streak.through) == (2, on(-1), on(0))


def test_a_week_with_nothing_prescribed_ends_the_streak():
    days = _days((-9, 1, 1), (-8, 1, 1), *[(offset, 0, 0) for offset in range(-7, 1)])
    assert progress_module.streak(days, today=WED).days == 0
    # Six rest days in a row do not.
    days = _days((-7, 1, 1), (-6, 1, 1), *[(offset, 0, 0) for offset in range(-5, 1)])
    assert progress_module.streak(days, today=WED).days == 2


def test_no_program_no_streak():
    days = _days(*[(offset, 0, 0) for offset in range(-30, 1)])
    streak = progress_module.streak(days, today=WED)
    assert (streak.days, streak.since, streak.through) == (0, None, None)


# --- The page on hand-worked data ------------------------------------------------------------


def test_weekly_adherence_and_streak_from_logged_doses(client, world, pinned):
    # Two doses a day from last Monday. Last week: every day in full except Thursday (1 of 2),
    # so 13 of 14. This week: Monday and Tuesday in full, today 1 of 2 so far: 5 of 6.
    program = _program(world, world.alice, world.carol, LAST_MON, times_per_day=2)
    for offset in range(10):  # last Monday to today
        day = LAST_MON + timedelta(days=offset)
        _log(world.alice, program, day, sessions=1 if day in (LAST_MON + timedelta(3), WED) else 2)

    client.force_login(world.alice)
    response = client.get("/progress/")

    assert response.status_code == 200
    data = response.context["progress"]
    weeks = {week.start: week for week in data.weeks}
    assert len(data.weeks) == 12
    assert (weeks[LAST_MON].completed, weeks[LAST_MON].expected) == (13, 14)
    assert weeks[LAST_MON].percent == 93
    assert (data.this_week.completed, data.this_week.expected) == (5, 6)
    assert data.this_week.percent == 83
    assert weeks[LAST_MON - timedelta(weeks=1)].percent is None  # before the program
    # Friday to Tuesday in full: 5 days; today (1 of 2) is still open.
    assert (data.streak.days, data.streak.since, data.streak.through) == (5, on(-5), on(-1))
    assert data.next.today_expected == 2 and data.next.today_completed == 1
    assert data.next.next_program_day == on(1)
    page = response.content.decode()
    assert "83%" in page and "(5 of 6 doses due so far)" in page
    assert "5</span> days in a row" in page


def test_pain_before_and_after_is_averaged_per_day(client, world, pinned):
    program = _program(world, world.alice, world.carol, on(-3), times_per_day=2)
    _log(world.alice, program, on(-2), pain=(6, 4))
    _log(world.alice, program, on(-2), pain=(4, 2))
    _log(world.alice, program, on(-1), pain=(3, None))
    _log(world.alice, program, on(0))  # no ratings: not a point

    client.force_login(world.alice)
    response = client.get("/progress/")

    pain = [(p.day, p.before, p.after, p.sessions) for p in response.context["progress"].pain]
    assert pain == [(on(-2), 5.0, 3.0, 2), (on(-1), 3.0, None, 1)]
    chart = _chart(response, "chart-session-pain")
    assert chart.data["series"][1]["values"] == [3.0, None]
    assert chart.rows == [[chart.rows[0][0], "5", "3", "2"], [chart.rows[1][0], "3", "—", "1"]]


def test_ndi_trend_marks_meaningful_change_against_the_first_record(client, world, pinned):
    # 40% (20 of 50), then 34% (6 percentage points = 3 raw: not meaningful), then 28%
    # (12 percentage points = 6 raw, at least the 5 that count: better).
    for offset, answers in ((-28, (10, 0)), (-14, (7, 3)), (-1, (4, 6))):
        outcomes.outcome_record(
            patient=world.alice,
            by=world.alice,
            measure="ndi",
            recorded_on=on(offset),
            inputs={"items": _ndi(answers)},
        )

    client.force_login(world.alice)
    response = client.get("/progress/")

    trend = next(t for t in response.context["progress"].trends if t.measure == "ndi")
    assert [(p.value, p.change) for p in trend.points] == [
        (40.0, ""),
        (34.0, "no clear change"),
        (28.0, "better"),
    ]
    assert trend.meaningful_change == 10
    first = progress_module.day_text(on(-28), WED)
    assert trend.summary == (
        f"Your neck disability score (NDI) improved by 12 percentage points since {first} "
        "(40% then 28%): a meaningful change."
    )
    chart = _chart(response, "chart-ndi")
    assert chart.data["band"]["lo"] == 30 and chart.data["band"]["hi"] == 50
    assert [row[2] for row in chart.rows] == [
        "First record",
        "No meaningful change",
        "Better (meaningful)",
    ]
    assert trend.summary in response.content.decode()


def test_a_rise_in_pain_reads_as_worse_and_a_small_change_as_no_clear_change(world, pinned):
    for offset, value in ((-10, 3), (-1, 6)):
        outcomes.outcome_record(
            patient=world.alice,
            by=world.alice,
            measure="pain",
            recorded_on=on(offset),
            inputs={"value": value},
        )
    for offset, rating in ((-10, 4), (-1, 5)):
        outcomes.outcome_record(
            patient=world.alice,
            by=world.alice,
            measure="psfs",
            recorded_on=on(offset),
            inputs={"activities": [{"name": "Driving", "rating": rating}]},
        )

    data = progress_module.progress_for(world.alice, own=False)

    trends = {t.measure: t for t in data.trends}
    first = progress_module.day_text(on(-10), WED)
    assert trends["pain"].points[-1].change == "worse"
    assert trends["pain"].summary == (
        f"Pain rating got worse by 3 points since {first} (3/10 then 6/10): a meaningful change."
    )
    assert trends["psfs"].points[-1].change == "no clear change"
    assert trends["psfs"].summary == (
        f"Activity score (PSFS) changed by 1 point since {first} (4/10 then 5/10), less than "
        "the 2 points that count as a meaningful change."
    )


def test_cva_keeps_left_and_right_apart_with_the_50_degree_line(client, world, pinned):
    for offset, side, tragus, c7 in (
        (-20, "left", [100, 100], [0, 200]),  # 45.0
        (-20, "right", [100, 0], [0, 128]),  # 52.0
        (-5, "left", [1000, 0], [0, 1111]),  # 48.0
    ):
        outcomes.outcome_record(
            patient=world.alice,
            by=world.alice,
            measure="cva",
            recorded_on=on(offset),
            inputs={"side": side, "tragus": tragus, "c7": c7},
        )

    client.force_login(world.alice)
    response = client.get("/progress/")

    data = response.context["progress"]
    assert [(p.day, p.value) for p in data.cva_left] == [(on(-20), 45.0), (on(-5), 48.0)]
    assert [(p.day, p.value) for p in data.cva_right] == [(on(-20), 52.0)]
    chart = _chart(response, "chart-cva")
    assert chart.data["x"] == [on(-20).isoformat(), on(-5).isoformat()]
    assert chart.data["series"][0]["label"] == "Left side"
    assert chart.data["series"][0]["values"] == [45.0, 48.0]
    assert chart.data["series"][1]["values"] == [52.0, None]
    assert chart.data["refs"] == [{"value": 50, "label": "50° reference"}]
    assert [row[1:] for row in chart.rows] == [["45°", "52°"], ["48°", "—"]]
    page = response.content.decode()
    assert 'id="chart-cva-data"' in page
    assert "not a diagnosis" in page


def test_workstation_posture_breaks_and_ergonomic_tasks(client, world, pinned):
    for offset, score in ((-30, 2), (-2, 5)):
        WorkstationCheck.objects.create(
            clinic=world.clinic_a,
            patient=world.alice,
            checked_on=on(offset),
            entered_by=world.alice,
            answers={},
            score=score,
        )
    for offset in (-9, -8, 0, 0, -1):  # two last week, three this week
        PostureBreak.objects.create(patient=world.alice, done_on=on(offset))
    PostureBreak.objects.create(patient=world.bob, done_on=on(0))  # not alice's
    ergonomic = _program(
        world, world.alice, world.carol, on(-10), times_per_day=1, category=Category.ERGONOMIC
    )
    _log(world.alice, ergonomic, on(-1))
    _log(world.alice, ergonomic, on(-8))
    stretch = _program(world, world.alice, world.carol, on(-10), times_per_day=1)
    _log(world.alice, stretch, on(-1))  # not an ergonomic task

    client.force_login(world.alice)
    response = client.get("/progress/")

    data = response.context["progress"]
    assert [(w.day, w.score, w.out_of) for w in data.workstation] == [
        (on(-30), 2, 6),
        (on(-2), 5, 6),
    ]
    weeks = {w.start: w for w in data.breaks}
    assert (weeks[MON].posture_breaks, weeks[MON].ergonomic_tasks) == (3, 1)
    assert (weeks[LAST_MON].posture_breaks, weeks[LAST_MON].ergonomic_tasks) == (2, 1)
    assert (data.posture_breaks_total, data.ergonomic_tasks_total) == (5, 2)
    assert _chart(response, "chart-breaks").summary == (
        "In the last 12 weeks you took 5 posture breaks and did 2 ergonomic tasks."
    )
    assert _chart(response, "chart-workstation").summary.startswith("Latest checklist: 5 of 6")


def test_whats_next_lists_due_and_upcoming_questionnaires_and_the_program_end(
    client, world, pinned
):
    _program(world, world.alice, world.carol, on(-3), times_per_day=1)
    program = world.alice.programs.get()
    program.end_date = on(30)
    program.save(update_fields=["end_date"])
    outcomes.questionnaire_set(
        patient=world.alice, by=world.carol, measure="ndi", every_days=14, starts_on=on(-20)
    )
    outcomes.questionnaire_set(
        patient=world.alice, by=world.carol, measure="pain", every_days=7, starts_on=on(-20)
    )
    outcomes.outcome_record(
        patient=world.alice,
        by=world.alice,
        measure="pain",
        recorded_on=on(-2),
        inputs={"value": 3},
    )

    client.force_login(world.alice)
    response = client.get("/progress/")

    upcoming = response.context["progress"].next
    assert [d.measure for d in upcoming.questionnaires_due] == ["ndi"]
    assert [(u.measure, u.next_on) for u in upcoming.questionnaires_upcoming] == [("pain", on(5))]
    assert [(p.title, p.end_date) for p in upcoming.programs] == [("Neck", on(30))]
    page = response.content.decode()
    assert "Due now" in page and "Neck Disability Index" in page


def test_empty_states_in_plain_words(client, world, pinned):
    client.force_login(world.alice)
    response = client.get("/progress/")

    assert response.status_code == 200
    page = response.content.decode()
    for words in (
        "No exercises were prescribed in the last 12 weeks.",
        "No pain ratings in the last 12 weeks. Add them when you log a session.",
        "No neck disability index recorded yet.",
        "No side photos measured yet.",
        "No workstation checklist filled in yet.",
        "No posture breaks or ergonomic tasks in the last 12 weeks.",
        "No exercise days are planned in the next two weeks.",
        "No active exercise program.",
    ):
        assert words in page
    assert 'type="application/json"' not in page  # nothing to draw, no chart data
    assert response.context["progress"].streak.days == 0


def test_the_page_loads_uplot_and_the_nav_links_to_it(client, world):
    client.force_login(world.alice)
    page = client.get("/progress/").content.decode()
    assert "vendor/uplot/uPlot.iife.min.js" in page and "js/charts.js" in page
    assert 'href="/progress/" aria-current="page">Progress' in page
    # Pages without charts do not load uPlot.
    assert "uPlot" not in client.get("/today/").content.decode()


# --- Access -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("anonymous", 302),
        ("alice", 200),
        ("bob", 200),
        ("carol", 403),
        ("dave", 403),
        ("erin", 403),
        ("frank", 403),
        ("grace", 403),
    ],
)
def test_only_patients_open_the_progress_page(client, world, persona, status):
    user = world.persona(persona)
    if user is not None:
        client.force_login(user)
    response = client.get("/progress/")
    assert response.status_code == status
    if status == 200:
        assert response.context["progress"].patient == user


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("anonymous", 302),
        ("alice", 403),
        ("bob", 403),
        ("carol", 200),
        ("dave", 404),
        ("erin", 404),
        ("frank", 200),
        ("grace", 404),
    ],
)
def test_patient_detail_with_charts_is_for_the_care_team_and_staff(client, world, persona, status):
    user = world.persona(persona)
    if user is not None:
        client.force_login(user)
    response = client.get(f"/patients/{world.alice.public_id}/")
    assert response.status_code == status


# --- The patient detail page --------------------------------------------------------------------


def test_patient_detail_shows_charts_outcomes_and_counts(client, world):
    record = outcomes.outcome_record(
        patient=world.alice,
        by=world.carol,
        measure="dnf",
        recorded_on=services.patient_today(world.alice),
        inputs={"seconds": 24.25},
    )
    PostureBreak.objects.create(patient=world.alice, done_on=services.patient_today(world.alice))
    client.force_login(world.carol)

    response = client.get(f"/patients/{world.alice.public_id}/")

    page = response.content.decode()
    assert f'href="/outcomes/{record.public_id}/"' in page
    assert "24.3 s" in page and "Carol Therapist" in page
    assert "1</span> posture break in 12 weeks" in page
    chart = _chart(response, "chart-dnf")
    assert json.loads(page.split('id="chart-dnf-data" type="application/json">')[1].split("<")[0])
    assert chart.summary.startswith("Deep neck flexor hold was 24.3 s on ")
    assert "vendor/uplot/uPlot.iife.min.js" in page


def _busy_patient(world, patient, therapist, count):
    """`count` days of logged sessions and `count` outcome records of every kind."""
    today = services.patient_today(patient)
    program = _program(world, patient, therapist, today - timedelta(days=count))
    for offset in range(count):
        day = today - timedelta(days=count - offset)
        _log(patient, program, day, sessions=2, pain=(offset % 8, offset % 5))
        PostureBreak.objects.create(patient=patient, done_on=day)
        WorkstationCheck.objects.create(
            clinic=patient.clinic,
            patient=patient,
            checked_on=day,
            entered_by=patient,
            answers={},
            score=offset % 7,
        )
    measures = [
        ("ndi", {"items": [1] * 10}),
        ("pain", {"value": 4}),
        ("dnf", {"seconds": 20}),
        ("cva", {"side": "left", "tragus": [100, 0], "c7": [0, 120]}),
    ]
    OutcomeRecord.objects.bulk_create(
        OutcomeRecord(
            clinic=patient.clinic,
            patient=patient,
            measure=measures[n % 4][0],
            recorded_on=today - timedelta(days=n % 300),
            entered_by=therapist,
            inputs=measures[n % 4][1],
            value=[20.0, 4.0, 20.0, 50.2][n % 4],
            band="",
            scoring_version="x-1",
            detail={"side": "left"} if n % 4 == 3 else {},
        )
        for n in range(count)
    )


def _queries(client, user, url):
    client.force_login(user)
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


def test_the_progress_page_runs_the_same_queries_with_10_or_90_days_of_logs(client, world):
    _busy_patient(world, world.alice, world.carol, 10)
    _busy_patient(world, world.bob, world.dave, 90)
    assert _queries(client, world.alice, "/progress/") == _queries(client, world.bob, "/progress/")


def test_the_patient_detail_runs_the_same_queries_with_5_or_60_sessions_and_outcomes(client, world):
    _busy_patient(world, world.alice, world.carol, 5)
    _busy_patient(world, world.bob, world.dave, 60)
    alice = _queries(client, world.carol, f"/patients/{world.alice.public_id}/")
    bob = _queries(client, world.dave, f"/patients/{world.bob.public_id}/")
    assert alice == bob


def test_every_chart_has_its_own_element_and_data(client, world, pinned):
    """Session pain and the pain rating outcome are two charts: ids must not collide, or the
    second chart draws the first one's data."""
    program = _program(world, world.alice, world.carol, on(-3))
    _log(world.alice, program, on(-1), pain=(6, 4))
    outcomes.outcome_record(
        patient=world.alice,
        by=world.alice,
        measure="pain",
        recorded_on=on(0),
        inputs={"value": 2},
    )
    client.force_login(world.alice)
    page = client.get("/progress/").content.decode()
    ids = re.findall(r'<div class="chart" id="([^"]+)" data-chart="([^"]+)"', page)
    assert len(ids) >= 3
    assert len({chart for chart, _ in ids}) == len(ids)
    assert len({script for _, script in ids}) == len(ids)
    for _, script in ids:
        assert page.count(f'id="{script}"') == 1


def test_the_fast_writers_match_their_reference_renderings(world):
    """The API's progress_json is ProgressSerializer's output (which documents it), and
    progress_charts.html is tests/outcomes/reference_charts.html (the chart HTML written as plain
    template loops, as it was before), byte for byte, on a patient
    with every kind of data, a cell that needs escaping and a questionnaire due and upcoming."""
    from pathlib import Path

    from django.template import Context, engines
    from django.template.loader import render_to_string
    from rest_framework.renderers import JSONRenderer

    from rehab.outcomes.api_progress import ProgressSerializer, progress_json
    from rehab.outcomes.progress_charts import chart_specs

    reference_charts = engines["django"].engine.from_string(
        (Path(__file__).parent / "reference_charts.html").read_text()
    )
    _busy_patient(world, world.alice, world.carol, 20)
    ergonomic = _program(
        world, world.alice, world.carol, on(-10), times_per_day=1, category=Category.ERGONOMIC
    )
    _log(world.alice, ergonomic, services.patient_today(world.alice) - timedelta(days=1))
    today = services.patient_today(world.alice)
    # NDI was filled in today (upcoming), PSFS never (due).
    for measure, every_days in (("ndi", 14), ("psfs", 7)):
        outcomes.questionnaire_set(
            patient=world.alice,
            by=world.carol,
            measure=measure,
            every_days=every_days,
            starts_on=today - timedelta(days=20),
        )
    for own in (True, False):
        progress = progress_module.progress_for(world.alice, own=own)
        assert progress.pain and progress.workstation and progress.posture_breaks_total
        assert progress.ergonomic_tasks_total and progress.cva_left
        assert progress.next.questionnaires_due and progress.next.questionnaires_upcoming
        render = JSONRenderer().render
        assert render(progress_json(progress)) == render(ProgressSerializer(progress).data)

        charts = chart_specs(progress)
        charts[0].rows[0][0] = "<b>&'\""
        fast = render_to_string("outcomes/progress_charts.html", {"charts": charts})
        reference = reference_charts.render(Context({"charts": charts}))
        assert "&lt;b&gt;&amp;&#x27;&quot;" in fast
        assert fast == reference
