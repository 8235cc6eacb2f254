from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    name = "rehab.outcomes"
    label = "outcomes"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from .models import (
            CalendarFeed,
            OutcomeRecord,
            PostureBreak,
            PosturePhoto,
            QuestionnaireSchedule,
            WorkstationCheck,
        )

        auditlog.register(OutcomeRecord)
        auditlog.register(QuestionnaireSchedule)
        auditlog.register(PosturePhoto, exclude_fields=["image"])
        auditlog.register(WorkstationCheck)
        auditlog.register(PostureBreak)
        auditlog.register(CalendarFeed, exclude_fields=["token"])

        from . import caseload_cache

        caseload_cache.connect()
