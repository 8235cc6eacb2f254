from io import StringIO

from django.core.management import call_command

from accounts.models import CaseloadAssignment, User


def test_seed_demo_is_idempotent_and_the_demo_logins_work(client, db):
    call_command("seed_demo", stdout=StringIO())
    call_command("seed_demo", stdout=StringIO())
    assert User.objects.filter(email__endswith="@example.com").count() == 6
    assert CaseloadAssignment.objects.count() == 3
    from rehab.outcomes.models import OutcomeRecord, PostureBreak, WorkstationCheck
    from rehab.outcomes.services import questionnaires_due
    from rehab.programs.models import Program, SessionLog
    from rehab.programs.services import patient_today

    assert Program.objects.count() == 2, "the demo patient's and a quiet second patient's"
    assert 15 <= SessionLog.objects.count() <= 45, "a few weeks of logs, created once"
    patient = User.objects.get(email="patient@example.com")
    assert OutcomeRecord.objects.filter(patient=patient).count() == 14
    assert WorkstationCheck.objects.filter(patient=patient).count() == 2
    assert PostureBreak.objects.filter(patient=patient).count() == 27
    # The PSFS is due today, so the demo Today page shows a questionnaire to fill in.
    due = questionnaires_due(patient, patient_today(patient))
    assert [d.measure for d in due] == ["psfs"]
    for email in ("staff@example.com", "therapist@example.com", "patient@example.com"):
        assert client.login(email=email, password="demo-pass-123"), email
