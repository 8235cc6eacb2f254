from typing import Any

from django import forms

from .models import EDITABLE_FIELDS, Exercise, Muscle


class LinesField(forms.CharField):
    """A textarea where each non-empty line becomes one list item."""

    widget = forms.Textarea(attrs={"rows": 5})

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list):
            return "\n".join(value)
        return value

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        text = super().to_python(value) or ""
        return [line.strip() for line in text.splitlines() if line.strip()]


class ExerciseForm(forms.ModelForm):
    steps = LinesField(label="Steps", help_text="One step per line, in order.")
    cues = LinesField(label="Cues", required=False, help_text="One per line.")
    common_mistakes = LinesField(label="Common mistakes", required=False, help_text="One per line.")
    video_url = forms.URLField(
        label="Video link", required=False, assume_scheme="https", max_length=200
    )
    muscles = forms.ModelMultipleChoiceField(
        queryset=Muscle.objects.order_by("name"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Target muscles",
    )

    class Meta:
        model = Exercise
        # The clinic-editable fields, with the muscles after the equipment.
        fields = [*EDITABLE_FIELDS[:10], "muscles", *EDITABLE_FIELDS[10:]]
        labels = {
            "stop_if": "Stop and contact your clinician if",
            "default_sets": "Sets",
            "default_reps": "Repetitions",
            "default_hold_seconds": "Hold (seconds)",
            "default_rest_seconds": "Rest between sets (seconds)",
            "default_side": "Side",
            "default_times_per_day": "Times per day",
        }
        widgets = {
            "precautions": forms.Textarea(attrs={"rows": 3}),
            "stop_if": forms.Textarea(attrs={"rows": 3}),
        }
