from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    name = "rehab.outcomes"
    label = "outcomes"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from .models import OutcomeRecord, QuestionnaireSchedule

        auditlog.register(OutcomeRecord)
        auditlog.register(QuestionnaireSchedule)
