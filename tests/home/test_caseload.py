"""The therapist's caseload dashboard: each reason raised and not raised on hand-made data, the
order, the filters, whose patients appear, and who may open it."""

from datetime import UTC, datetime, timedelta

import pytest

from accounts.models import Clinic
from rehab.alerts.models import Rule
from rehab.outcomes.dashboards import CaseloadRow, Reason, caseload_rows
from rehab.programs import services as programs
from tests import factories

from .helpers import alert, log, log_days, ndi, prescribe, today_of

PERSONAS = ["anonymous", "alice", "bob", "carol", "dave", "erin", "frank", "grace"]


def row_of(therapist, patient, **kwargs) -> CaseloadRow:
    (row,) = [r for r in caseload_rows(therapist=therapist, **kwargs) if r.patient == patient]
    return row


def reasons(world, patient=None) -> list[Reason]:
    return row_of(world.carol, patient or world.alice).reasons


def patient_of(world, name: str, therapist=None, **kwargs):
    patient = factories.PatientFactory(
        clinic=world.clinic_a, full_name=name, email=f"{name.split()[0].lower()}@example.org"
    )
    for key, value in kwargs.items():
        setattr(patient.patient_profile, key, value)
    patient.patient_profile.save()
    factories.assign(patient, therapist or world.carol)
    return patient


@pytest.fixture
def steady(world):
    """Alice: a daily program for 30 days, a full session every day, pain 2 throughout."""
    program = prescribe(world.alice, world.carol, days_ago=30)
    log_days(world.alice, program, range(30, -1, -1), pain_before=2, pain_after=2)
    return program


# --- Each reason ----------------------------------------------------------------------------


def test_a_steady_patient_needs_no_attention(world, steady):
    row = row_of(world.carol, world.alice)
    assert row.flags == []
    assert row.adherence == 1.0
    assert row.last_session_on == today_of(world.alice)
    assert row.program_label == "Active"


def test_an_open_red_flag_is_raised_and_an_acknowledged_one_is_not(world, steady):
    flag = alert(world.alice, Rule.RED_FLAG)
    row = row_of(world.carol, world.alice)
    assert row.reasons == [Reason.RED_FLAG, Reason.ALERTS]
    assert row.red_flag_alert_id == str(flag.public_id)
    alert(world.bob, Rule.RED_FLAG)  # someone else's
    flag.acknowledged_at, flag.acknowledged_by = flag.created_at, world.carol
    flag.save()
    assert reasons(world) == []


def test_open_alerts_are_counted_and_acknowledged_ones_are_not(world, steady):
    alert(world.alice, Rule.PAIN_HIGH)
    alert(world.alice, Rule.NO_SESSION)
    alert(world.alice, Rule.PAIN_RISE, open_=False, by=world.carol)
    row = row_of(world.carol, world.alice)
    assert row.reasons == [Reason.ALERTS]
    assert row.flags[0].label == "2 open alerts"


def test_pain_up_by_two_from_the_baseline_is_raised(world):
    program = prescribe(world.alice, world.carol, days_ago=10)
    # The first three sessions that recorded pain before: 2, 3, 1 -> baseline 2.
    for back, pain in ((9, 2), (8, 3), (7, 1)):
        log(world.alice, program, back, pain_before=pain)
    log(world.alice, program, 6, pain_before=None, pain_after=None)  # no pain: not counted
    log(world.alice, program, 0, pain_before=3, pain_after=4)  # worst 4 = baseline + 2
    row = row_of(world.carol, world.alice)
    assert Reason.PAIN in row.reasons
    assert row.pain_baseline == 2 and row.pain_latest == 4
    assert "Pain 4/10, up 2.0" in [flag.label for flag in row.flags]


def test_pain_up_by_less_than_two_is_not_raised(world):
    program = prescribe(world.alice, world.carol, days_ago=10)
    for back, pain in ((9, 2), (8, 3), (7, 2)):  # baseline 7/3 = 2.33
        log(world.alice, program, back, pain_before=pain)
    log(world.alice, program, 1, pain_before=9)  # an earlier spike does not count...
    log(world.alice, program, 0, pain_before=4)  # ...the latest session is 1.67 up
    assert Reason.PAIN not in reasons(world)


def test_pain_needs_three_baseline_sessions_and_a_later_one(world):
    program = prescribe(world.alice, world.carol, days_ago=10)
    log(world.alice, program, 9, pain_before=1)
    log(world.alice, program, 8, pain_before=1)
    log(world.alice, program, 0, pain_after=8)  # no pain before: still no baseline
    assert Reason.PAIN not in reasons(world)
    assert row_of(world.carol, world.alice).pain_baseline is None
    # The third pain-before session completes the baseline; being one of the three, it is
    # not compared with it (as the pain_rise alert rule does).
    log(world.alice, program, 0, pain_before=1, pain_after=8)
    assert Reason.PAIN not in reasons(world)


def test_low_adherence_over_the_last_seven_local_days_is_raised(world):
    program = prescribe(world.alice, world.carol, days_ago=30)
    log_days(world.alice, program, range(30, 7, -1))  # full before the window
    log_days(world.alice, program, range(4))  # 4 of the last 7 days: 57% < 60%
    row = row_of(world.carol, world.alice)
    assert row.adherence_percent == 57
    assert Reason.ADHERENCE in row.reasons
    log(world.alice, program, 4, dose=0.5)  # 4.5 / 7 = 64%
    assert Reason.ADHERENCE not in reasons(world)


def test_the_adherence_flag_follows_the_clinic_threshold_and_zero_turns_it_off(world):
    program = prescribe(world.alice, world.carol, days_ago=30)
    log_days(world.alice, program, range(5))  # 5/7 = 71%
    assert Reason.ADHERENCE not in reasons(world)
    Clinic.objects.filter(pk=world.clinic_a.pk).update(adherence_threshold_percent=75)
    world.carol.refresh_from_db()
    assert Reason.ADHERENCE in reasons(world)
    Clinic.objects.filter(pk=world.clinic_a.pk).update(adherence_threshold_percent=0)
    world.carol.refresh_from_db()
    assert Reason.ADHERENCE not in reasons(world)


def test_nothing_prescribed_is_not_low_adherence(world):
    row = row_of(world.carol, world.alice)
    assert row.adherence is None and row.flags == [] and row.program_label == "No program"


def test_ndi_worse_by_five_raw_points_is_raised_exactly(world, steady):
    # 33.3% (15 of 45, one blank section) to 43.3%: exactly 10 percent, 5 raw points. In
    # binary floating point 43.3 - 33.3 is 9.999..., which must still count.
    ndi(world.alice, 33.3, 28, by=world.carol)
    ndi(world.alice, 43.3, 1, by=world.carol)
    row = row_of(world.carol, world.alice)
    assert row.reasons == [Reason.NDI]
    assert row.flags[0].label == "NDI worse by 5 points"


def test_ndi_worse_by_less_than_five_raw_points_or_better_is_not_raised(world, steady):
    ndi(world.alice, 20.0, 28, by=world.carol)
    latest = ndi(world.alice, 29.8, 1, by=world.carol)  # 4.9 raw points
    assert Reason.NDI not in reasons(world)
    latest.value = 8.0  # much better
    latest.save()
    assert Reason.NDI not in reasons(world)


def test_an_unscored_ndi_is_ignored(world, steady):
    ndi(world.alice, 10.0, 28, by=world.carol)
    unscored = ndi(world.alice, 10.0, 1, by=world.carol)
    unscored.value = None  # more than one blank section
    unscored.save()
    ndi(world.alice, 40.0, 14, by=world.carol)
    row = row_of(world.carol, world.alice)
    assert row.ndi_latest == 40.0 and Reason.NDI in row.reasons


def test_no_session_for_the_clinics_number_of_days_is_raised(world):
    program = prescribe(world.alice, world.carol, days_ago=30)
    log(world.alice, program, 4)  # 3 whole days since (the default setting), today not counted
    row = row_of(world.carol, world.alice)
    assert Reason.NO_SESSION in row.reasons
    assert "No session for 3 days" in [flag.label for flag in row.flags]
    log(world.alice, program, 3)  # 2 days since
    assert Reason.NO_SESSION not in reasons(world)


def test_no_session_since_the_program_began_is_raised(world):
    prescribe(world.alice, world.carol, days_ago=5)
    row = row_of(world.carol, world.alice)
    assert row.last_session_on is None
    assert "No session logged in 5 days" in [flag.label for flag in row.flags]


def test_no_session_is_not_raised_when_nothing_is_prescribed(world):
    program = prescribe(world.alice, world.carol, days_ago=30)
    log(world.alice, program, 20)
    programs.program_end(program=program, on=today_of(world.alice) - timedelta(days=15))
    row = row_of(world.carol, world.alice)
    assert row.days_without_session == 19
    assert Reason.NO_SESSION not in row.reasons and row.program_label == "Ended"
    # A paused program is quiet too.
    other = prescribe(world.alice, world.carol, days_ago=30)
    programs.program_pause(program=other, on=today_of(world.alice) - timedelta(days=10))
    assert Reason.NO_SESSION not in reasons(world)
    assert row_of(world.carol, world.alice).program_label == "Paused"


# --- Local dates ----------------------------------------------------------------------------


def test_each_patient_is_seen_on_their_own_local_date(world):
    east = patient_of(world, "Kiri East", time_zone="Pacific/Kiritimati")  # UTC+14
    west = patient_of(world, "Pago West", time_zone="Pacific/Pago_Pago")  # UTC-11
    # Noon UTC a month ago: already the next day in Kiritimati, still the same in Pago Pago.
    day = datetime.now(tz=UTC).date() - timedelta(days=30)
    now = datetime(day.year, day.month, day.day, 12, tzinfo=UTC)
    tomorrow = day + timedelta(days=1)
    for patient in (east, west):
        program = prescribe(patient, world.carol, days_ago=90)
        # One session on the east's today, the west's tomorrow.
        session = log(patient, program, 0)
        session.performed_on = tomorrow
        session.save()
        session.entries.update(performed_on=tomorrow)
    rows = {row.patient: row for row in caseload_rows(therapist=world.carol, now=now)}
    assert rows[east].today == tomorrow and rows[west].today == day
    assert rows[east].days[-1].day == tomorrow and len(rows[east].days) == 28
    assert rows[east].days[-1].completed == 1 and rows[east].adherence_percent == 14
    assert rows[west].days[-1].completed == 0 and rows[west].adherence_percent == 0
    assert rows[east].last_session_on == tomorrow


# --- Order ----------------------------------------------------------------------------------


def test_a_pain_spike_rises_above_a_quiet_patient(client, world, steady):
    spiky = patient_of(world, "Zed Spike")
    program = prescribe(spiky, world.carol, days_ago=30)
    log_days(spiky, program, range(30, -1, -1), pain_before=2)
    names = [row.patient.full_name for row in caseload_rows(therapist=world.carol)]
    assert names == ["Alice Patient", "Zed Spike"], "quiet: by name"
    log(spiky, program, 0, pain_before=6)  # a second session today
    names = [row.patient.full_name for row in caseload_rows(therapist=world.carol)]
    assert names == ["Zed Spike", "Alice Patient"]
    client.force_login(world.carol)
    page = client.get("/caseload/").content.decode()
    assert page.index("Zed Spike") < page.index("Alice Patient")


def test_the_order_is_red_flag_alerts_reasons_adherence_name(world):
    def patient(name, logged_days):
        p = patient_of(world, name)
        program = prescribe(p, world.carol, days_ago=30)
        log_days(p, program, range(logged_days))
        return p

    quiet_b = patient("Bea Quiet", 7)
    quiet_a = patient("Abe Quiet", 7)
    low = patient("Lou Low", 3)  # 43%: one reason
    lower = patient("Lex Lower", 2)  # 29%: one reason, lower adherence
    two = patient("Two Reasons", 3)
    ndi(two, 10.0, 20, by=world.carol)
    ndi(two, 30.0, 1, by=world.carol)
    alerted = patient("Al Alerted", 7)
    alert(alerted, Rule.PAIN_HIGH)
    flagged = patient("Zoe Flag", 7)
    alert(flagged, Rule.RED_FLAG)
    order = [row.patient for row in caseload_rows(therapist=world.carol)]
    assert order[:7] == [flagged, alerted, two, lower, low, quiet_a, quiet_b]
    assert order[-1] == world.alice, "nothing prescribed sorts after any adherence"


# --- Filters and search ---------------------------------------------------------------------


@pytest.fixture
def mixed(world, steady):
    spiky = patient_of(world, "Sam Spike")
    program = prescribe(spiky, world.carol, days_ago=30)
    log_days(spiky, program, range(30, 0, -1), pain_before=1)
    log(spiky, program, 0, pain_before=7)
    alerted = patient_of(world, "Ada Alert")
    alert(alerted, Rule.PAIN_HIGH)
    return spiky, alerted


def names_on(client, url: str) -> list[str]:
    page = client.get(url).content.decode()
    return [name for name in ("Alice Patient", "Sam Spike", "Ada Alert") if f">{name}</a>" in page]


def test_the_reason_filter_shows_only_patients_with_that_reason(client, world, mixed):
    client.force_login(world.carol)
    assert names_on(client, "/caseload/?reason=pain") == ["Sam Spike"]
    assert names_on(client, "/caseload/?reason=alerts") == ["Ada Alert"]
    assert names_on(client, "/caseload/?reason=red_flag") == []
    assert "No patients match" in client.get("/caseload/?reason=red_flag").content.decode()
    assert len(names_on(client, "/caseload/?reason=nonsense")) == 3, "unknown: all"


def test_needing_attention_hides_the_quiet_patients(client, world, mixed):
    client.force_login(world.carol)
    assert names_on(client, "/caseload/?show=attention") == ["Sam Spike", "Ada Alert"]
    assert len(names_on(client, "/caseload/?show=all")) == 3


def test_search_by_name_or_email(client, world, mixed):
    client.force_login(world.carol)
    assert names_on(client, "/caseload/?q=spike") == ["Sam Spike"]
    assert names_on(client, "/caseload/?q=ada%40example") == ["Ada Alert"]
    page = client.get("/caseload/?q=nobody").content.decode()
    assert "No patients match" in page and "No patients yet" not in page


def test_the_filters_stay_in_the_form(client, world, mixed):
    client.force_login(world.carol)
    page = client.get("/caseload/?q=sam&reason=pain&show=attention").content.decode()
    assert 'name="q" id="id_q" value="sam"' in page
    assert '<option value="pain" selected>' in page
    assert '<option value="attention" selected>' in page
    assert 'href="/caseload/">Clear filters</a>' in page


# --- Whose patients -------------------------------------------------------------------------


def test_only_the_therapists_own_active_patients_appear(client, world):
    alert(world.bob, Rule.RED_FLAG)
    alert(world.heidi, Rule.RED_FLAG)
    gone = patient_of(world, "Gone Patient")
    gone.is_active = False
    gone.save()
    shared = patient_of(world, "Shared Patient", therapist=world.dave)
    factories.assign(shared, world.carol)
    client.force_login(world.carol)
    page = client.get("/caseload/?q=patient").content.decode()
    assert "Alice Patient" in page and "Shared Patient" in page
    for name in ("Bob Patient", "Heidi Patient", "Gone Patient"):
        assert name not in page
    client.force_login(world.erin)
    page = client.get("/caseload/").content.decode()
    assert "Heidi Patient" in page and "Alice Patient" not in page


def test_an_empty_caseload_still_says_what_to_do(client, world):
    client.force_login(world.dave)
    world.bob.care_team_links.all().delete()
    page = client.get("/caseload/").content.decode()
    assert "No patients yet" in page and "Filter patients" not in page


# --- The page -------------------------------------------------------------------------------


def test_a_row_shows_reasons_sparkline_last_activity_and_program(client, world, steady):
    alert(world.alice, Rule.RED_FLAG)
    client.force_login(world.carol)
    page = client.get("/caseload/").content.decode()
    assert "Red flag</a>" in page and "1 open alert" in page
    assert 'role="img" aria-label="Adherence by week over the last 4 weeks, oldest first: ' in page
    assert "100%, 100%, 100%, 100%" in page
    # The daily figures for the chart library: 28 days, all done.
    assert 'data-sparkline="[' + ", ".join(["1.0"] * 28) + ']"' in page
    assert ">today</span>" in page and "Active" in page


def test_never_logged_says_never(client, world):
    prescribe(world.alice, world.carol, days_ago=1)
    client.force_login(world.carol)
    page = client.get("/caseload/").content.decode()
    assert "never" in page


# --- Access ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status"),
    list(zip(PERSONAS, [302, 403, 403, 200, 200, 200, 403, 403], strict=True)),
)
def test_only_therapists_open_the_caseload(client, world, persona, status):
    user = world.persona(persona)
    if user is not None:
        client.force_login(user)
    assert client.get("/caseload/").status_code == status


# --- API ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status"),
    list(zip(PERSONAS, [403, 403, 403, 200, 200, 200, 403, 403], strict=True)),
)
def test_only_therapists_use_the_caseload_api(client, world, persona, status):
    user = world.persona(persona)
    if user is not None:
        client.force_login(user)
    assert client.get("/api/v1/caseload/").status_code == status


def test_the_api_gives_the_same_rows_as_the_page(client, world, mixed):
    client.force_login(world.carol)
    body = client.get("/api/v1/caseload/").json()
    assert body["count"] == 3
    first = body["results"][0]
    assert first["patient"]["name"] == "Ada Alert"
    assert first["reasons"] == [{"reason": "alerts", "label": "1 open alert"}]
    spike = body["results"][1]
    assert spike["patient"]["name"] == "Sam Spike"
    assert [r["reason"] for r in spike["reasons"]] == ["pain"]
    assert spike["pain_latest"] == 7 and spike["pain_baseline"] == 1.0
    assert spike["adherence_7_days"] == 1.0 and len(spike["adherence_by_week"]) == 4
    assert spike["program_status"] == "active"
    assert body["results"][2]["patient"]["name"] == "Alice Patient"
    filtered = client.get("/api/v1/caseload/?reason=pain&q=sam&show=attention").json()
    assert [r["patient"]["name"] for r in filtered["results"]] == ["Sam Spike"]


def test_the_api_refuses_an_unknown_reason(client, world):
    client.force_login(world.carol)
    response = client.get("/api/v1/caseload/?reason=nonsense")
    assert response.status_code == 400
    assert "reason" in response.json()
