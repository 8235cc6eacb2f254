from django.apps import AppConfig


class RemindersConfig(AppConfig):
    name = "rehab.reminders"
    label = "reminders"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from .models import ReminderPreferences

        auditlog.register(ReminderPreferences)
