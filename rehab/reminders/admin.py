"""Read-only views of the delivery log and the outbox, for operators."""

from django.contrib import admin
from django.http import HttpRequest

from .models import Delivery, Outbox


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Delivery)
class DeliveryAdmin(ReadOnly):
    list_display = ["notification", "channel", "status", "attempts", "last_error", "sent_at"]
    list_filter = ["status", "channel"]


@admin.register(Outbox)
class OutboxAdmin(ReadOnly):
    list_display = ["task", "args", "created_at", "published_at", "attempts"]
    list_filter = [("published_at", admin.EmptyFieldListFilter)]
