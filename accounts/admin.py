from django.contrib import admin

from .models import CaseloadAssignment, Clinic, Invitation, PatientProfile, User


@admin.register(Clinic)
class ClinicAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "time_zone", "created_at"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    list_display = ["email", "full_name", "role", "clinic", "is_active"]
    list_filter = ["role", "is_active", "clinic"]
    search_fields = ["email", "full_name"]
    exclude = ["password", "groups", "user_permissions"]
    readonly_fields = ["public_id", "last_login", "date_joined"]


@admin.register(PatientProfile)
class PatientProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "time_zone"]
    raw_id_fields = ["user"]


@admin.register(CaseloadAssignment)
class CaseloadAssignmentAdmin(admin.ModelAdmin):
    list_display = ["therapist", "patient", "assigned_at"]
    raw_id_fields = ["therapist", "patient", "assigned_by"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "clinic", "role", "created_at", "expires_at", "accepted_at"]
    exclude = ["token_hash"]
    raw_id_fields = ["therapist", "invited_by", "accepted_user"]
