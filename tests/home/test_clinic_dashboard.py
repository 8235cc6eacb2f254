"""The staff clinic dashboard: its figures on hand-made data, and who may open it."""

from datetime import timedelta

import pytest
from django.utils import timezone

from rehab.alerts.models import Rule
from rehab.outcomes.dashboards import clinic_dashboard
from rehab.reminders.models import Channel, Delivery, DeliveryStatus, Notification
from tests import factories

from .helpers import alert, log_days, prescribe

PERSONAS = ["anonymous", "alice", "bob", "carol", "dave", "erin", "frank", "grace"]


def deliver(user, status: str, channel: str = Channel.EMAIL, days_ago: int = 1) -> Delivery:
    notification = Notification.objects.create(recipient=user, kind="exercise", title="Time")
    return Delivery.objects.create(
        notification=notification,
        channel=channel,
        status=status,
        created_at=timezone.now() - timedelta(days=days_ago),
    )


def test_the_adherence_distribution_bands_patients_over_their_last_seven_days(world):
    # alice 7/7 -> 75-100; bob 3.5/7 = exactly 50% -> 50-75 (lower bound included);
    # cleo 1/7 -> 0-25; dan 2/7 = 29% -> 25-50; eve nothing prescribed.
    full = prescribe(world.alice, world.carol, days_ago=30)
    log_days(world.alice, full, range(7))
    half = prescribe(world.bob, world.dave, days_ago=30)
    log_days(world.bob, half, range(7), dose=0.5)
    for name, therapist, days in (("Cleo", world.carol, 1), ("Dan", world.dave, 2)):
        p = factories.PatientFactory(clinic=world.clinic_a, full_name=name)
        factories.assign(p, therapist)
        log_days(p, prescribe(p, therapist, days_ago=30), range(days))
    factories.PatientFactory(clinic=world.clinic_a, full_name="Eve")
    gone = factories.PatientFactory(clinic=world.clinic_a, full_name="Gone", is_active=False)
    factories.assign(gone, world.carol)
    prescribe(gone, world.carol, days_ago=30)  # inactive: not counted
    prescribe(world.heidi, world.erin, days_ago=30)  # another clinic: not counted

    dashboard = clinic_dashboard(viewer=world.frank)
    assert dashboard.adherence == {"0-25": 1, "25-50": 1, "50-75": 1, "75-100": 1, "none": 1}
    assert dashboard.adherence_total == 5 == dashboard.counts["patients"]
    other = clinic_dashboard(viewer=world.grace)
    assert other.adherence == {"0-25": 1, "25-50": 0, "50-75": 0, "75-100": 0, "none": 0}


def test_caseload_sizes_count_active_patients_per_active_therapist(world):
    for name in ("Cleo", "Dan"):
        factories.assign(
            factories.PatientFactory(clinic=world.clinic_a, full_name=name), world.carol
        )
    gone = factories.PatientFactory(clinic=world.clinic_a, is_active=False)
    factories.assign(gone, world.carol)
    factories.TherapistFactory(clinic=world.clinic_a, full_name="Olive New")
    factories.TherapistFactory(clinic=world.clinic_a, full_name="Old Therapist", is_active=False)
    sizes = {t.full_name: t.caseload_size for t in clinic_dashboard(viewer=world.frank).therapists}
    assert sizes == {"Carol Therapist": 3, "Dave Therapist": 1, "Olive New": 0}


def test_reminder_delivery_over_the_last_thirty_days(world):
    for status in (DeliveryStatus.SENT, DeliveryStatus.SENT, DeliveryStatus.SENT):
        deliver(world.alice, status)
    deliver(world.carol, DeliveryStatus.FAILED)
    deliver(world.bob, DeliveryStatus.QUEUED)
    deliver(world.bob, DeliveryStatus.RETRYING, channel=Channel.IN_APP)
    deliver(world.bob, DeliveryStatus.SENT, channel=Channel.IN_APP)
    deliver(world.alice, DeliveryStatus.FAILED, days_ago=31)  # too old
    deliver(world.heidi, DeliveryStatus.FAILED)  # another clinic
    dashboard = clinic_dashboard(viewer=world.frank)
    totals = dashboard.delivery_totals
    assert (totals.sent, totals.failed, totals.pending) == (4, 1, 2)
    assert totals.success_percent == 80  # 4 of the 5 that finished
    email, in_app = dashboard.deliveries["email"], dashboard.deliveries["in_app"]
    assert (email.sent, email.failed, email.pending) == (3, 1, 1)
    assert (in_app.sent, in_app.failed, in_app.pending) == (1, 0, 1)


def test_open_alerts_are_the_clinics_unacknowledged_ones(world):
    alert(world.alice, Rule.RED_FLAG)
    alert(world.bob, Rule.PAIN_HIGH)
    alert(world.bob, Rule.PAIN_HIGH, open_=False, by=world.dave)
    alert(world.heidi, Rule.RED_FLAG)
    dashboard = clinic_dashboard(viewer=world.frank)
    assert (dashboard.open_alerts, dashboard.open_red_flags) == (2, 1)


def test_the_page_shows_the_figures_and_keeps_the_notices(client, world):
    factories.PatientFactory(clinic=world.clinic_a, full_name="Unassigned Una")
    alert(world.alice, Rule.RED_FLAG)
    deliver(world.alice, DeliveryStatus.SENT)
    deliver(world.alice, DeliveryStatus.FAILED, channel=Channel.IN_APP)
    client.force_login(world.frank)
    page = client.get("/clinic/").content.decode()
    assert '<span class="stat">3</span> active patients' in page
    assert '<span class="stat">2</span> therapists' in page
    assert '<a class="stat-link" href="/alerts/"><span class="stat">1</span> open alert</a>' in page
    assert "1 patient without a therapist." in page
    assert "<strong>50%</strong> delivered" in page
    assert "Nothing prescribed</th>" in page and 'aria-label="3 of 3 patients"' in page
    assert "Carol Therapist</a></th><td>1</td>" in page


def test_a_new_clinic_shows_empty_states(client, world):
    client.force_login(world.grace)
    world.heidi.is_active = False
    world.heidi.save()
    page = client.get("/clinic/").content.decode()
    assert "No active patients yet." in page
    assert "No reminders or notifications were sent in the last 30 days." in page


@pytest.mark.parametrize(
    ("persona", "status"),
    list(zip(PERSONAS, [302, 403, 403, 403, 403, 403, 200, 200], strict=True)),
)
def test_only_staff_open_the_clinic_dashboard(client, world, persona, status):
    user = world.persona(persona)
    if user is not None:
        client.force_login(user)
    assert client.get("/clinic/").status_code == status
