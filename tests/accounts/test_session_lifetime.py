import time


def _age_session(client, **seconds_ago):
    session = client.session
    now = int(time.time())
    for key, ago in seconds_ago.items():
        session[key] = now - ago
    session.save()


def test_an_idle_session_is_signed_out(client, world, settings):
    settings.SESSION_IDLE_MINUTES = 30
    client.force_login(world.alice)
    assert client.get("/today/").status_code == 200
    _age_session(client, last_seen=31 * 60)
    response = client.get("/today/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_activity_keeps_the_session_alive(client, world, settings):
    settings.SESSION_IDLE_MINUTES = 30
    client.force_login(world.alice)
    client.get("/today/")
    _age_session(client, last_seen=29 * 60)
    assert client.get("/today/").status_code == 200
    # That request moved the idle clock forward.
    assert int(time.time()) - client.session["last_seen"] < 5


def test_a_session_ends_after_its_absolute_lifetime_even_when_active(client, world, settings):
    settings.SESSION_ABSOLUTE_HOURS = 12
    client.force_login(world.alice)
    client.get("/today/")
    _age_session(client, auth_started=12 * 3600 + 1, last_seen=10)
    assert client.get("/today/").status_code == 302


def test_requests_within_a_minute_do_not_write(client, world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(world.alice)
    client.get("/today/")
    with CaptureQueriesContext(connection) as ctx:
        client.get("/today/")
    writes = [
        q["sql"]
        for q in ctx.captured_queries
        if q["sql"].split()[0] in {"UPDATE", "INSERT", "DELETE"}
    ]
    assert writes == []
