"""The patient's reminder settings."""

from datetime import time

from django import forms

from rehab.programs.forms import WEEKDAY_CHOICES, days_to_mask, mask_to_days

from .models import ReminderPreferences

TIME_INPUT = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
MAX_TIMES = 4


class ReminderPreferencesForm(forms.ModelForm):
    reminder_times = forms.CharField(
        label="Remind me at",
        required=False,
        help_text=(
            "Up to four times, like 08:00, 13:00, 19:00. Leave empty to follow your program "
            "(one reminder for each time a day it asks for)."
        ),
    )
    days_list = forms.MultipleChoiceField(
        label="On these days",
        choices=WEEKDAY_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    work_days_list = forms.MultipleChoiceField(
        label="Work days",
        choices=WEEKDAY_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = ReminderPreferences
        fields = [
            "exercise_on",
            "missed_note_on",
            "in_app_on",
            "email_on",
            "quiet_start",
            "quiet_end",
            "posture_on",
            "posture_every_minutes",
            "work_start",
            "work_end",
        ]
        labels = {
            "quiet_start": "Quiet from",
            "quiet_end": "Quiet until",
            "posture_every_minutes": "Every (minutes)",
            "work_start": "Work starts",
            "work_end": "Work ends",
        }
        help_texts = {
            "quiet_start": "No reminders between these times.",
            "posture_every_minutes": "Between 15 and 240 minutes.",
        }
        widgets = {
            "quiet_start": TIME_INPUT,
            "quiet_end": TIME_INPUT,
            "work_start": TIME_INPUT,
            "work_end": TIME_INPUT,
            "posture_every_minutes": forms.NumberInput(attrs={"min": 15, "max": 240}),
        }

    field_order = [
        "exercise_on",
        "reminder_times",
        "days_list",
        "missed_note_on",
        "in_app_on",
        "email_on",
        "quiet_start",
        "quiet_end",
        "posture_on",
        "posture_every_minutes",
        "work_start",
        "work_end",
        "work_days_list",
    ]

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        prefs = self.instance
        self.fields["reminder_times"].initial = ", ".join(prefs.times)
        self.fields["days_list"].initial = mask_to_days(prefs.days)
        self.fields["work_days_list"].initial = mask_to_days(prefs.work_days)

    def clean_reminder_times(self) -> list[str]:
        raw = self.cleaned_data.get("reminder_times") or ""
        values = [part.strip() for part in raw.replace(";", ",").split(",") if part.strip()]
        if len(values) > MAX_TIMES:
            raise forms.ValidationError(f"At most {MAX_TIMES} times a day.")
        times = []
        for value in values:
            try:
                times.append(time.fromisoformat(value if len(value) > 2 else f"{value}:00"))
            except ValueError:
                raise forms.ValidationError(
                    f"“{value}” is not a time. Write times like 08:00 or 18:30."
                ) from None
        return sorted({f"{t:%H:%M}" for t in times})

    def clean_posture_every_minutes(self) -> int:
        value = self.cleaned_data["posture_every_minutes"]
        if not 15 <= value <= 240:
            raise forms.ValidationError("Choose between 15 and 240 minutes.")
        return value

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("exercise_on") and not data.get("days_list"):
            self.add_error("days_list", "Choose at least one day, or turn exercise reminders off.")
        if data.get("posture_on"):
            start, end = data.get("work_start"), data.get("work_end")
            if start and end and end <= start:
                self.add_error("work_end", "Work must end after it starts.")
            if not data.get("work_days_list"):
                self.add_error("work_days_list", "Choose your work days.")
        return data

    def save(self, commit: bool = True) -> ReminderPreferences:
        prefs = super().save(commit=False)
        prefs.times = self.cleaned_data["reminder_times"]
        prefs.days = days_to_mask(self.cleaned_data["days_list"])
        prefs.work_days = days_to_mask(self.cleaned_data["work_days_list"])
        if commit:
            prefs.save()
        return prefs
