from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from .models import CaseloadAssignment, Clinic, Invitation, PatientProfile, User

        auditlog.register(User, exclude_fields=["password", "last_login"])
        # The caseload cache's counter is no one's change (rehab/outcomes/caseload_cache.py).
        auditlog.register(Clinic, exclude_fields=["caseload_version"])
        # Nor is the Today cards' counter (rehab/programs/plan_cache.py).
        auditlog.register(PatientProfile, exclude_fields=["plan_version"])
        auditlog.register(CaseloadAssignment)
        auditlog.register(Invitation, exclude_fields=["token_hash"])

        from . import signals

        signals.connect()
