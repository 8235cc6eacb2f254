"""Background work of the outcomes app."""

from celery import shared_task

from . import services


@shared_task(ignore_result=True)
def send_questionnaire_reminders() -> int:
    """An in-app reminder for each questionnaire that is due; running it again sends none twice."""
    return services.questionnaire_reminders_send()
