from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "rehab.alerts"
    label = "alerts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from .models import Alert, RedFlagCheckin

        auditlog.register(Alert)
        auditlog.register(RedFlagCheckin)
