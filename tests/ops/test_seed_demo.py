from io import StringIO

from django.core.management import call_command

from accounts.models import CaseloadAssignment, User


def test_seed_demo_is_idempotent_and_the_demo_logins_work(client, db):
    call_command("seed_demo", stdout=StringIO())
    call_command("seed_demo", stdout=StringIO())
    assert User.objects.filter(email__endswith="@example.com").count() == 6
    assert CaseloadAssignment.objects.count() == 3
    from rehab.programs.models import Program, SessionLog

    assert Program.objects.count() == 1
    assert 15 <= SessionLog.objects.count() <= 40, "a few weeks of logs, created once"
    for email in ("staff@example.com", "therapist@example.com", "patient@example.com"):
        assert client.login(email=email, password="demo-pass-123"), email
