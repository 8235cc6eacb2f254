from django.contrib import admin

from .models import Exercise, Muscle


@admin.register(Muscle)
class MuscleAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]


@admin.register(Exercise)
class ExerciseAdmin(admin.ModelAdmin):
    list_display = ["name", "category", "level", "clinic", "is_archived"]
    list_filter = ["category", "level", "clinic", "is_archived"]
    search_fields = ["name", "summary"]
    filter_horizontal = ["muscles"]
    raw_id_fields = ["progression", "regression", "created_by"]
