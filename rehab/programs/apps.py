from django.apps import AppConfig


class ProgramsConfig(AppConfig):
    name = "rehab.programs"
    label = "programs"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from .models import (
            ExerciseLog,
            Program,
            ProgramItem,
            ProgramPause,
            ProgramVersion,
            SessionLog,
        )

        for model in (Program, ProgramVersion, ProgramItem, ProgramPause, SessionLog, ExerciseLog):
            auditlog.register(model)

        from . import plan_cache

        plan_cache.connect()
