"""The caseload page's per-process cache (rehab/outcomes/caseload_cache.py): a repeated request
is answered from it, every write a row shows is on the very next page, nobody else ever gets
another's rows, the quarter hour rolls over, and the read is still audited."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts import services as accounts
from accounts.models import AuditEvent, AuditKind, Clinic
from rehab.alerts import services as alerts
from rehab.alerts.models import Rule
from rehab.outcomes import caseload_cache
from rehab.outcomes import services as outcomes
from rehab.outcomes.dashboards import caseload_rows, local_today
from rehab.programs import services as programs
from tests import factories

from .helpers import alert, log, prescribe, today_of

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_cache():
    caseload_cache.clear()
    yield
    caseload_cache.clear()


def page(client, url: str = "/caseload/") -> tuple[str, int]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode(), len(captured)


def rows_html(html: str) -> str:
    return html[html.index("<tbody>") : html.index("</tbody>")]


@pytest.fixture
def carol(client, world):
    client.force_login(world.carol)
    client.get("/caseload/")  # session, MFA and content types warm; the rows now cached
    return client


@pytest.fixture
def program(world):
    """Alice: a daily program for 10 days, sessions 5, 4 and 3 days ago at pain 2 (her
    baseline)."""
    program = prescribe(world.alice, world.carol, days_ago=10)
    for days_ago in (5, 4, 3):
        log(world.alice, program, days_ago, pain_before=2, pain_after=2)
    return program


def test_a_repeated_request_is_answered_from_the_cache_with_the_same_page(carol, world, program):
    cold, cold_queries = page(carol)
    warm, warm_queries = page(carol)
    assert rows_html(warm) == rows_html(cold)
    assert warm_queries < cold_queries
    assert "Alice Patient" in rows_html(warm)


def test_the_rows_are_the_rows_the_reference_template_renders(carol, world, program):
    """The page shows each row as tests/home/reference_caseload_row.html (the template the rows
    were written with before) renders it, byte for byte, in caseload_rows' order: on patients
    with and without a program, sessions today, yesterday, days ago and never, every kind of
    flag, a red flag with its alert, and text that needs escaping."""
    from pathlib import Path

    from django.template import Context, engines

    reference = engines["django"].engine.from_string(
        (Path(__file__).parent / "reference_caseload_row.html").read_text()
    )
    never = factories.PatientFactory(clinic=world.clinic_a, full_name="Nell <Never> & Co")
    today = factories.PatientFactory(clinic=world.clinic_a, full_name="Tess O'Today")
    yesterday = factories.PatientFactory(clinic=world.clinic_a, email="y&y@example.org")
    for patient in (never, today, yesterday):
        factories.assign(patient, world.carol)
    titled = prescribe(today, world.carol, days_ago=9)
    titled.title = 'Desk <b>"set-up"</b>'
    titled.save()
    log(today, titled, 0, pain_before=9, pain_after=9)
    alert(today, Rule.RED_FLAG)
    log(yesterday, prescribe(yesterday, world.carol, days_ago=20, times_per_day=3), 1, dose=0.5)
    alert(world.alice)
    html, _ = page(carol)
    rows = caseload_rows(therapist=world.carol)
    assert {row.last_session_on is None for row in rows} == {True, False}
    assert any(row.red_flag_alert_id for row in rows) and any(not row.flags for row in rows)
    expected = "".join(reference.render(Context({"row": row})) for row in rows)
    assert rows_html(html) == "<tbody>\n  " + expected + "\n  "
    assert "Nell &lt;Never&gt; &amp; Co" in expected


# --- Every kind of write shows on the next request ------------------------------------------


def test_a_session_logged_through_the_api_shows_at_once(client, world, program):
    client.force_login(world.carol)
    before, _ = page(client)
    assert "3 days ago" in rows_html(before)
    client.force_login(world.alice)
    plan = client.get("/api/v1/today/").json()
    body = {
        "performed_on": plan["today"],
        "entries": [
            {"item": i["id"], "sets_done": i["sets"], "reps_done": i["reps"]} for i in plan["items"]
        ],
    }
    created = client.post("/api/v1/sessions/", body, content_type="application/json")
    assert created.status_code == 201
    client.force_login(world.carol)
    after, _ = page(client)
    assert "today" in rows_html(after) and "3 days ago" not in rows_html(after)


def test_a_session_edited_and_deleted_shows_at_once(carol, world, program):
    session = log(world.alice, program, 0, pain_before=1, pain_after=1)
    entry = session.entries.get()
    spec = programs.SessionSpec(
        performed_on=session.performed_on,
        pain_before=1,
        pain_after=9,
        entries=[programs.EntrySpec(item_id=entry.item_id, sets_done=1, reps_done=10)],
    )
    # Warm the cache, then edit: pain 9 against her baseline of 2 raises the pain flag.
    page(carol)
    programs.session_log_update(patient=world.alice, session=session, spec=spec)
    edited, _ = page(carol)
    assert "today" in rows_html(edited)
    assert "Pain 9/10" in rows_html(edited)
    programs.session_log_delete(patient=world.alice, session=session)
    deleted, _ = page(carol)
    assert "Pain 9/10" not in rows_html(deleted) and "3 days ago" in rows_html(deleted)


def test_alerts_raised_and_acknowledged_show_at_once(carol, world, program):
    page(carol)
    raised = alerts.raise_alert(
        patient=world.alice, rule=Rule.RED_FLAG, key="t:1", reason="Test.", data={}
    )
    assert raised is not None
    html, _ = page(carol)
    assert "Red flag" in rows_html(html) and 'class="caseload-row urgent"' in html
    alerts.acknowledge(alert=raised, by=world.carol, note="Called her.")
    html, _ = page(carol)
    assert "Red flag" not in rows_html(html)


def test_an_ndi_score_shows_at_once(carol, world, program):
    for days_ago, items in ((9, [1] * 10), (1, [3] * 10)):
        page(carol)
        outcomes.outcome_record(
            patient=world.alice,
            by=world.carol,
            measure="ndi",
            recorded_on=today_of(world.alice) - timedelta(days=days_ago),
            inputs={"items": items},
        )
    html, _ = page(carol)
    assert "NDI worse by 20 points" in rows_html(html)


def test_program_changes_show_at_once(carol, world):
    html, _ = page(carol)
    assert "No program" in rows_html(html)
    program = prescribe(world.alice, world.carol, days_ago=2)
    html, _ = page(carol)
    assert "Active" in rows_html(html) and "Neck" in rows_html(html)
    today = today_of(world.alice)
    programs.program_pause(program=program, on=today)
    html, _ = page(carol)
    assert "Paused" in rows_html(html)
    programs.program_resume(program=program, on=today)
    html, _ = page(carol)
    assert "Active" in rows_html(html)
    before, _ = page(carol)
    programs.program_revise(
        program=program,
        by=world.carol,
        effective_from=today,
        items=[
            programs.ItemSpec(
                exercise_id=factories.ExerciseFactory(clinic=None).pk,
                sets=1,
                reps=10,
                times_per_day=3,
            )
        ],
    )
    revised, _ = page(carol)
    assert revised != before  # three doses a day expected from today: the sparkline changed
    programs.program_end(program=program, on=today)
    html, _ = page(carol)
    assert "Ended" in rows_html(html)


def test_the_care_team_and_patient_details_show_at_once(client, world, program):
    client.force_login(world.carol)
    html, _ = page(client)
    assert "Alice Patient" in html
    accounts.caseload_set_therapists(patient=world.alice, therapists=[world.dave], by=world.frank)
    html, _ = page(client)
    assert "Alice Patient" not in html
    accounts.caseload_set_therapists(
        patient=world.alice, therapists=[world.carol, world.dave], by=world.frank
    )
    html, _ = page(client)
    assert "Alice Patient" in html

    world.alice.full_name = "Alice Renamed"
    world.alice.email = "alice.renamed@example.org"
    world.alice.save()
    html, _ = page(client)
    assert "Alice Renamed" in html and "alice.renamed@example.org" in html

    accounts.user_deactivate(user=world.alice, by=world.frank)
    html, _ = page(client)
    assert "Alice Renamed" not in html
    accounts.user_reactivate(user=world.alice)
    html, _ = page(client)
    assert "Alice Renamed" in html


def test_a_time_zone_change_by_staff_shows_at_once(client, world, program):
    client.force_login(world.carol)
    page(client)
    version = Clinic.objects.get(pk=world.clinic_a.pk).caseload_version
    client.force_login(world.frank)
    # UTC+14: the local date differs from UTC's for ten hours of each day.
    response = client.post(
        f"/staff/people/{world.alice.public_id}/details/",
        {"time_zone": "Pacific/Kiritimati", "reminder_times": "", "condition_notes": ""},
    )
    assert response.status_code == 302
    assert Clinic.objects.get(pk=world.clinic_a.pk).caseload_version > version
    client.force_login(world.carol)
    html, _ = page(client)
    fresh = caseload_cache.compute(therapist=world.carol, now=_now())
    assert fresh.todays == (("Pacific/Kiritimati", local_today("Pacific/Kiritimati", _now())),)
    assert rows_html(html) == "<tbody>\n  " + "".join(e.fragment for e in fresh.entries) + "\n  "


def test_clinic_settings_saved_by_staff_show_at_once(client, world):
    program = prescribe(world.alice, world.carol, days_ago=10)
    log(world.alice, program, 0)  # one day in seven: adherence 14%
    client.force_login(world.carol)
    html, _ = page(client)
    assert "Adherence 14%" in rows_html(html)
    client.force_login(world.frank)
    response = client.post(
        "/clinic/settings/",
        {
            "name": world.clinic_a.name,
            "time_zone": world.clinic_a.time_zone,
            "no_session_alert_days": 3,
            "adherence_threshold_percent": 0,
        },
    )
    assert response.status_code == 302
    client.force_login(world.carol)
    html, _ = page(client)
    assert "Adherence 14%" not in rows_html(html)


def test_a_full_save_of_a_clinic_loaded_earlier_does_not_lower_the_version(world):
    stale = Clinic.objects.get(pk=world.clinic_a.pk)
    alert(world.alice, Rule.PAIN_HIGH)  # raises the version
    raised = Clinic.objects.get(pk=world.clinic_a.pk).caseload_version
    assert raised > stale.caseload_version
    stale.name = "Renamed"
    stale.save()  # as Django admin or a settings form would
    assert Clinic.objects.get(pk=world.clinic_a.pk).caseload_version > raised


def test_a_write_that_rolls_back_leaves_the_version(world):
    from django.db import transaction

    before = Clinic.objects.get(pk=world.clinic_a.pk).caseload_version
    with pytest.raises(RuntimeError), transaction.atomic():
        alert(world.alice, Rule.PAIN_HIGH)
        raise RuntimeError
    assert Clinic.objects.get(pk=world.clinic_a.pk).caseload_version == before


def test_a_sign_in_does_not_empty_the_cache(world):
    before = Clinic.objects.get(pk=world.clinic_a.pk).caseload_version
    world.alice.last_login = datetime.now(UTC)
    world.alice.save(update_fields=["last_login"])
    assert Clinic.objects.get(pk=world.clinic_a.pk).caseload_version == before


# --- Whose rows -------------------------------------------------------------------------------


def test_another_therapist_never_gets_the_cached_rows(client, world, program):
    client.force_login(world.carol)
    carols, _ = page(client)
    assert "Alice Patient" in carols
    for other, patient in ((world.dave, "Bob Patient"), (world.erin, "Heidi Patient")):
        client.force_login(other)
        html, _ = page(client)
        assert "Alice Patient" not in html
        assert patient in html


def test_other_roles_are_still_refused(client, world, program):
    client.force_login(world.carol)
    page(client)
    for user in (world.alice, world.frank, world.grace):
        client.force_login(user)
        assert client.get("/caseload/").status_code in (302, 403, 404)


# --- Time --------------------------------------------------------------------------------------


def _now() -> datetime:
    from django.utils import timezone

    return timezone.now()


def test_the_rows_are_kept_for_the_quarter_hour_and_no_longer(world, program):
    therapist = type(world.carol).objects.select_related("clinic").get(pk=world.carol.pk)
    start = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
    first = caseload_cache.caseload(therapist=therapist, now=start)
    with CaptureQueriesContext(connection) as same_window:
        again = caseload_cache.caseload(therapist=therapist, now=start + timedelta(minutes=14))
    assert again == first and len(same_window) == 0
    with CaptureQueriesContext(connection) as next_window:
        caseload_cache.caseload(therapist=therapist, now=start + timedelta(minutes=15))
    assert len(next_window) > 0


def test_rows_whose_local_date_changed_are_not_used(world, program):
    """Belt and braces: even inside one window, an entry made for another local date of one
    of the patients' time zones is recomputed (the window alone relies on quarter-hour
    offsets)."""
    therapist = type(world.carol).objects.select_related("clinic").get(pk=world.carol.pk)
    now = _now()
    made = caseload_cache.caseload(therapist=therapist, now=now)
    assert made.is_current(now)
    yesterday = tuple((zone, day - timedelta(days=1)) for zone, day in made.todays)
    stale = caseload_cache.Caseload(entries=(), todays=yesterday)
    assert not stale.is_current(now)
    caches[caseload_cache.CACHE_ALIAS].set(
        caseload_cache.cache_key(therapist, therapist.clinic, now), stale
    )
    assert caseload_cache.caseload(therapist=therapist, now=now).entries == made.entries


# --- Filters and the audit -----------------------------------------------------------------


def test_filters_and_search_work_on_the_cached_rows(carol, world, program):
    other = factories.PatientFactory(clinic=world.clinic_a, full_name="Zed Other")
    factories.assign(other, world.carol)
    alert(other, Rule.PAIN_HIGH)
    page(carol)  # cache every row
    html, _ = page(carol, "/caseload/?reason=alerts")
    assert "Zed Other" in html and "Alice Patient" not in html
    html, _ = page(carol, "/caseload/?show=attention")
    assert "Zed Other" in html
    html, _ = page(carol, "/caseload/?q=alice")
    assert "Alice Patient" in html and "Zed Other" not in html
    assert "1 patient matching" in html
    html, _ = page(carol, "/caseload/?q=nobody-at-all")
    assert "No patients match" in html


def test_the_read_is_audited_from_the_cache_as_when_computed(carol, world, program):
    seen = set(AuditEvent.objects.values_list("pk", flat=True))
    page(carol)
    page(carol)
    events = list(
        AuditEvent.objects.filter(kind=AuditKind.READ, route="caseload").exclude(pk__in=seen)
    )
    assert len(events) == 2
    assert all(e.actor_id == world.carol.pk and e.patient_id is None for e in events)


# --- Worked out once for every process -----------------------------------------------------


def _worked_out(therapist, now) -> tuple[caseload_cache.Caseload, bool]:
    """The rows as a process that has none of its own gets them, and whether it computed them
    (the adherence query ran)."""
    caches[caseload_cache.CACHE_ALIAS].clear()  # this process's memory, not the shared cache
    with CaptureQueriesContext(connection) as captured:
        rows = caseload_cache.caseload(therapist=therapist, now=now)
    return rows, any("weekday_bit" in query["sql"] for query in captured.captured_queries)


@pytest.fixture
def carol_now(world, program):
    therapist = type(world.carol).objects.select_related("clinic").get(pk=world.carol.pk)
    return therapist, _now()


def test_another_process_takes_the_rows_another_worked_out(carol_now):
    therapist, now = carol_now
    first, computed = _worked_out(therapist, now)
    second, again = _worked_out(therapist, now)
    assert (computed, again) == (True, False)
    assert second.entries == first.entries


def test_a_process_waits_for_the_one_working_the_rows_out(carol_now, monkeypatch):
    """While another process holds the turn, this one waits and takes that one's rows."""
    therapist, now = carol_now
    theirs = caseload_cache.compute(therapist=therapist, now=now)
    key = caseload_cache.cache_key(therapist, therapist.clinic, now)
    shared = caches[caseload_cache.SHARED_CACHE_ALIAS]
    assert shared.add(f"{key}:computing", True)
    waits = []

    def other_process_finishes(seconds):
        waits.append(seconds)
        if len(waits) == 3:
            shared.set(key, theirs)

    monkeypatch.setattr(caseload_cache.time, "sleep", other_process_finishes)
    rows, computed = _worked_out(therapist, now)
    assert (rows.entries, computed, len(waits)) == (theirs.entries, False, 3)
    assert shared.get(f"{key}:computing"), "the turn stays the other process's"


def test_a_process_that_waits_in_vain_works_the_rows_out_itself(carol_now, monkeypatch):
    therapist, now = carol_now
    key = caseload_cache.cache_key(therapist, therapist.clinic, now)
    shared = caches[caseload_cache.SHARED_CACHE_ALIAS]
    assert shared.add(f"{key}:computing", True)
    monkeypatch.setattr(caseload_cache, "SHARED_WAIT_SECONDS", 0.0)
    rows, computed = _worked_out(therapist, now)
    assert computed and rows.entries
    assert shared.get(key).entries == rows.entries
    assert shared.get(f"{key}:computing"), "another process's turn is not given back by this one"
