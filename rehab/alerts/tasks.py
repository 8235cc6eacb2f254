"""The daily run of the alert rules about time passing."""

from celery import shared_task

from . import services


@shared_task(ignore_result=True)
def evaluate_alerts_daily() -> int:
    """Raise "no session for N days" alerts; running it again raises nothing new."""
    return services.evaluate_daily()
