"""/healthz: is the database reachable, the broker answering, and have beat and worker run?"""

import redis
from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from .models import Heartbeat


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except Exception:  # any driver error means "not ok" here
        return False


def _broker_ok() -> bool:
    client = redis.Redis.from_url(
        settings.CELERY_BROKER_URL, socket_timeout=1, socket_connect_timeout=1
    )
    try:
        return bool(client.ping())
    except redis.RedisError:
        return False
    finally:
        client.close()


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    database = _database_ok()
    beat = Heartbeat.objects.filter(name="celery").first() if database else None
    age = (timezone.now() - beat.seen_at).total_seconds() if beat else None
    celery_ok = age is not None and age <= settings.HEARTBEAT_STALE_SECONDS
    body = {
        "database": "ok" if database else "down",
        "broker": "ok" if _broker_ok() else "down",
        "celery": {
            "status": "ok" if celery_ok else "stale",
            "last_heartbeat": beat.seen_at.isoformat() if beat else None,
            "age_seconds": round(age, 1) if age is not None else None,
            "heartbeats": beat.runs if beat else 0,
            "worker": beat.worker if beat else None,
        },
    }
    healthy = database and body["broker"] == "ok" and celery_ok
    body["status"] = "ok" if healthy else "degraded"
    return JsonResponse(body, status=200 if healthy else 503)
