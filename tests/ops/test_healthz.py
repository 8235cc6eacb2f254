from datetime import timedelta

import pytest
from django.utils import timezone

from rehab.ops.models import Heartbeat
from rehab.ops.tasks import heartbeat


@pytest.fixture
def broker(settings):
    """A real valkey-server for the broker check, on a free port."""
    import socket
    import tempfile
    from pathlib import Path

    from rehab.ops.broker import start_server

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with tempfile.TemporaryDirectory() as tmp:
        process = start_server(port=port, data_dir=Path(tmp), persist=False)
        settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{port}/0"
        yield port
        process.terminate()
        process.wait(10)


def test_healthy_when_the_heartbeat_is_fresh(client, db, broker):
    heartbeat.run()
    body = client.get("/healthz").json()
    assert body["status"] == "ok"
    assert body["celery"]["heartbeats"] == 1


def test_a_stale_heartbeat_means_degraded(client, db, broker, settings):
    heartbeat.run()
    Heartbeat.objects.update(
        seen_at=timezone.now() - timedelta(seconds=settings.HEARTBEAT_STALE_SECONDS + 1)
    )
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["celery"]["status"] == "stale"


def test_a_dead_broker_means_degraded(client, db, settings):
    heartbeat.run()
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["broker"] == "down"


def test_the_heartbeat_task_keeps_one_row(db):
    heartbeat.run()
    heartbeat.run()
    assert Heartbeat.objects.get().runs == 2
