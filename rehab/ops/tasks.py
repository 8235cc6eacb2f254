from celery import Task, shared_task
from django.db.models import F
from django.utils import timezone

from .models import Heartbeat


@shared_task(bind=True, ignore_result=True)
def heartbeat(self: Task) -> None:
    """Record that beat published this task and a worker ran it (one row, updated in place)."""
    now = timezone.now()
    worker = self.request.hostname or ""
    updated = Heartbeat.objects.filter(name="celery").update(
        seen_at=now, worker=worker, runs=F("runs") + 1
    )
    if not updated:
        Heartbeat.objects.get_or_create(
            name="celery", defaults={"seen_at": now, "worker": worker, "runs": 1}
        )
