"""Forms for recording outcome measures and scheduling questionnaires.

The forms only turn what was typed into the shapes `services.outcome_record` takes
(`inputs()`); the rules and their messages live in scoring.py and services.py. A service's
ValidationError comes back onto the form with `add_service_error`, keyed by the same paths
("items[3]" -> the fourth NDI section).
"""

import re
from datetime import date, timedelta
from typing import Any, ClassVar

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from . import scoring
from .models import QUESTIONNAIRES, Measure
from .services import BACKDATE_DAYS

# --- Neck Disability Index wording --------------------------------------------------------------

# For each section, in scoring.NDI_ITEMS order: a line explaining the topic ("" when the topic
# says it all), and the six answers from 0 (no problem) to 5 (the most). Our plain-language
# wording of the published sections.
NDI_QUESTIONS: list[tuple[str, list[str]]] = [
    (
        "How strong is your neck pain right now?",
        [
            "I have no pain at the moment.",
            "The pain is very mild at the moment.",
            "The pain is moderate at the moment.",
            "The pain is fairly severe at the moment.",
            "The pain is very severe at the moment.",
            "The pain is the worst I can imagine at the moment.",
        ],
    ),
    (
        "",
        [
            "I can look after myself as usual without extra pain.",
            "I can look after myself as usual, but it gives me extra pain.",
            "Looking after myself is painful, and I am slow and careful.",
            "I need some help, but manage most of it myself.",
            "I need help every day with most of it.",
            "I don't get dressed, wash only with difficulty and stay in bed.",
        ],
    ),
    (
        "",
        [
            "I can lift heavy things without extra pain.",
            "I can lift heavy things, but it gives me extra pain.",
            "Pain stops me lifting heavy things off the floor, but I can if they are at a handy "
            "height, for example on a table.",
            "Pain stops me lifting heavy things, but I can lift light or medium things at a "
            "handy height.",
            "I can lift only very light things.",
            "I can't lift or carry anything.",
        ],
    ),
    (
        "",
        [
            "I can read as much as I want with no neck pain.",
            "I can read as much as I want with slight neck pain.",
            "I can read as much as I want with moderate neck pain.",
            "I can't read as much as I want because of moderate neck pain.",
            "I can hardly read at all because of severe neck pain.",
            "I can't read at all.",
        ],
    ),
    (
        "",
        [
            "I have no headaches.",
            "I have slight headaches that don't come often.",
            "I have moderate headaches that don't come often.",
            "I have moderate headaches that come often.",
            "I have severe headaches that come often.",
            "I have headaches almost all the time.",
        ],
    ),
    (
        "",
        [
            "I can concentrate fully when I want to, without difficulty.",
            "I can concentrate fully when I want to, with slight difficulty.",
            "I have some difficulty concentrating when I want to.",
            "I have a lot of difficulty concentrating when I want to.",
            "I have a great deal of difficulty concentrating when I want to.",
            "I can't concentrate at all.",
        ],
    ),
    (
        "Paid work, housework or study: whatever you usually do.",
        [
            "I can do as much work as I want.",
            "I can do my usual work, but no more.",
            "I can do most of my usual work, but no more.",
            "I can't do my usual work.",
            "I can hardly do any work at all.",
            "I can't do any work at all.",
        ],
    ),
    (
        "",
        [
            "I can drive without any neck pain.",
            "I can drive as long as I want with slight neck pain.",
            "I can drive as long as I want with moderate neck pain.",
            "I can't drive as long as I want because of moderate neck pain.",
            "I can hardly drive at all because of severe neck pain.",
            "I can't drive at all because of my neck.",
        ],
    ),
    (
        "",
        [
            "My sleep is not disturbed.",
            "My sleep is slightly disturbed (awake for less than 1 hour).",
            "My sleep is mildly disturbed (awake for 1 to 2 hours).",
            "My sleep is moderately disturbed (awake for 2 to 3 hours).",
            "My sleep is greatly disturbed (awake for 3 to 5 hours).",
            "My sleep is completely disturbed (awake for 5 to 7 hours).",
        ],
    ),
    (
        "Free time: hobbies, sport, going out.",
        [
            "I can do all my usual free-time activities with no neck pain.",
            "I can do all my usual free-time activities with some neck pain.",
            "Because of neck pain I can do most, but not all, of them.",
            "Because of neck pain I can do only a few of them.",
            "Because of neck pain I can hardly do any of them.",
            "I can't do any of them.",
        ],
    ),
]
NDI_SKIP = "Leave this section blank"
NDI_HELP = {
    "driving": "If you don't drive, leave this section blank.",
    "work": "If you are not working because of something other than your neck, leave it blank.",
}

PAIN_CHOICES = [
    (value, f"{value} (no pain)" if value == 0 else f"{value} (worst pain imaginable)")
    if value in (0, 10)
    else (value, str(value))
    for value in range(scoring.PAIN_MAX + 1)
]
CCFT_CHOICES = [(scoring.CCFT_BASELINE, "20 mmHg: could not hold the first stage (22 mmHg)")] + [
    (stage, f"{stage} mmHg") for stage in scoring.CCFT_STAGES
]

_INDEXED = re.compile(r"^(\w+)\[(\w+)\](?:\.(\w+))?$")


def _date_input(*, earliest: date, latest: date) -> forms.DateInput:
    return forms.DateInput(
        attrs={"type": "date", "min": earliest.isoformat(), "max": latest.isoformat()},
        format="%Y-%m-%d",
    )


# --- Recording measures -------------------------------------------------------------------------


class MeasureForm(forms.Form):
    """What every measure form has: the measure's own fields, then (for the care team) the date
    it is about, and a note."""

    measure: ClassVar[str]
    title: ClassVar[str]

    def __init__(self, *args: Any, today: date, with_date: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        if with_date:
            self.fields["recorded_on"] = forms.DateField(
                label="Date of the measurement",
                initial=today,
                widget=_date_input(earliest=today - timedelta(days=BACKDATE_DAYS), latest=today),
                help_text="Today, or a day in the past year.",
                error_messages={"required": "Enter the date, or leave today's date."},
            )
        self.fields["note"] = forms.CharField(
            label="Note (optional)",
            required=False,
            max_length=1000,
            widget=forms.Textarea(attrs={"rows": 2}),
        )

    def inputs(self) -> dict[str, Any]:
        raise NotImplementedError

    def chosen_date(self) -> date:
        return self.cleaned_data.get("recorded_on") or self.today

    def field_for(self, key: str) -> str | None:
        """The form field showing a service error about `key`, None for the form as a whole."""
        return key if key in self.fields else None

    def add_service_error(self, error: ValidationError) -> None:
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for key, messages in error.message_dict.items():
            field = None if key == NON_FIELD_ERRORS else self.field_for(key)
            for message in messages:
                self.add_error(field, message)

    def measure_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name not in ("recorded_on", "note")]


class NdiForm(MeasureForm):
    measure = Measure.NDI
    title = "Neck Disability Index"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        sections = {}
        for index, ((key, topic), (question, answers)) in enumerate(
            zip(scoring.NDI_ITEMS, NDI_QUESTIONS, strict=True)
        ):
            help_text = " ".join(line for line in (question, NDI_HELP.get(key, "")) if line)
            sections[f"items_{index}"] = forms.TypedChoiceField(
                label=f"{index + 1}. {topic}",
                # The blank choice lets a patient take back an answer without JavaScript.
                choices=[*enumerate(answers), ("", NDI_SKIP)],
                coerce=int,
                empty_value=None,
                required=False,
                widget=forms.RadioSelect,
                help_text=help_text,
            )
        self.fields = {**sections, **self.fields}

    def inputs(self) -> dict[str, Any]:
        return {"items": [self.cleaned_data[f"items_{i}"] for i in range(len(scoring.NDI_ITEMS))]}

    def field_for(self, key: str) -> str | None:
        match = _INDEXED.match(key)
        return f"items_{match[2]}" if match and match[1] == "items" else None


class PainForm(MeasureForm):
    measure = Measure.PAIN
    title = "Pain rating"

    value = forms.TypedChoiceField(
        label="How strong is your neck pain right now, from 0 to 10?",
        choices=PAIN_CHOICES,
        coerce=int,
        widget=forms.RadioSelect(attrs={"class": "scale"}),
        error_messages={"required": "Choose a number from 0 to 10."},
    )

    def inputs(self) -> dict[str, Any]:
        return {"value": self.cleaned_data["value"]}


class PsfsForm(MeasureForm):
    """Up to five activities, each with a rating. With `locked` names (a patient's later
    forms) only the ratings of those activities are asked for; otherwise the names are fields,
    pre-filled from `initial_names`."""

    measure = Measure.PSFS
    title = "Patient-Specific Functional Scale"

    def __init__(
        self,
        *args: Any,
        locked: list[str] | None = None,
        initial_names: list[str] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.locked = locked or []
        names = self.locked or initial_names or []
        rows: dict[str, forms.Field] = {}
        count = len(self.locked) or scoring.PSFS_MAX_ACTIVITIES
        for i in range(count):
            if not self.locked:
                rows[f"activity_{i}_name"] = forms.CharField(
                    label=f"Activity {i + 1}",
                    required=False,
                    max_length=scoring.PSFS_NAME_MAX_LENGTH,
                    initial=names[i] if i < len(names) else "",
                    help_text="An everyday activity your neck makes hard, e.g. “reversing the car”."
                    if i == 0
                    else "",
                )
            rows[f"activity_{i}_rating"] = forms.IntegerField(
                label=self.locked[i] if self.locked else f"How well can you do activity {i + 1}?",
                help_text="0 means unable to do it, 10 as well as before the problem."
                if i == 0
                else "",
                required=bool(self.locked),
                widget=forms.NumberInput(attrs={"min": 0, "max": 10, "inputmode": "numeric"}),
                error_messages={
                    "required": "Rate this activity from 0 to 10.",
                    "invalid": "Rate this activity with a whole number from 0 to 10.",
                },
            )
        self.fields = {**rows, **self.fields}
        self._rows: list[int] = []  # the form rows sent to the service, in order

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.locked:
            return data
        for i in range(scoring.PSFS_MAX_ACTIVITIES):
            name = (data.get(f"activity_{i}_name") or "").strip()
            rating = data.get(f"activity_{i}_rating")
            if name and rating is None and f"activity_{i}_rating" not in self.errors:
                self.add_error(f"activity_{i}_rating", "Rate this activity from 0 to 10.")
            elif rating is not None and not name:
                self.add_error(f"activity_{i}_name", "Name the activity you are rating.")
        if (
            not any(
                (data.get(f"activity_{i}_name") or "").strip()
                for i in range(scoring.PSFS_MAX_ACTIVITIES)
            )
            and not self.errors
        ):
            self.add_error(None, "Name at least one activity and rate it.")
        return data

    def inputs(self) -> dict[str, Any]:
        activities = []
        self._rows = []
        for i in range(len(self.locked) or scoring.PSFS_MAX_ACTIVITIES):
            name = self.locked[i] if self.locked else self.cleaned_data[f"activity_{i}_name"]
            if not name.strip():
                continue
            self._rows.append(i)
            activities.append({"name": name, "rating": self.cleaned_data[f"activity_{i}_rating"]})
        return {"activities": activities}

    def field_for(self, key: str) -> str | None:
        match = _INDEXED.match(key)
        if not match or match[1] != "activities" or not match[3]:
            return None
        index = int(match[2])
        row = self._rows[index] if index < len(self._rows) else index
        field = f"activity_{row}_{match[3]}"
        return field if field in self.fields else None


class DnfForm(MeasureForm):
    measure = Measure.DNF
    title = "Deep neck flexor endurance"

    seconds = forms.FloatField(
        label="Seconds held",
        help_text=(
            "Type the seconds, or use the stopwatch: start when the head lifts with the chin "
            "tucked, stop when the chin pokes or the head drops."
        ),
        widget=forms.NumberInput(
            attrs={"step": "0.1", "min": 0, "max": 300, "inputmode": "decimal"}
        ),
        error_messages={
            "required": "Enter the time held in seconds, from 0 to 300.",
            "invalid": "Enter the time held in seconds, from 0 to 300.",
        },
    )

    def inputs(self) -> dict[str, Any]:
        return {"seconds": self.cleaned_data["seconds"]}


class CcftForm(MeasureForm):
    measure = Measure.CCFT
    title = "Craniocervical flexion test"

    highest_stage_held = forms.TypedChoiceField(
        label="Highest stage held for 10 seconds with correct form",
        choices=CCFT_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
        help_text="Pressure biofeedback inflated to 20 mmHg under the neck to start.",
        error_messages={"required": "Choose the highest stage held."},
    )

    def inputs(self) -> dict[str, Any]:
        return {"highest_stage_held": self.cleaned_data["highest_stage_held"]}


class CromForm(MeasureForm):
    measure = Measure.CROM
    title = "Cervical range of motion"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        directions = {
            key: forms.FloatField(
                label=f"{label} (degrees)",
                required=False,
                widget=forms.NumberInput(
                    attrs={"step": "0.1", "min": 0, "max": limit, "inputmode": "decimal"}
                ),
                error_messages={"invalid": f"Enter {label.lower()} in degrees, from 0 to {limit}."},
            )
            for key, label, limit in scoring.CROM_DIRECTIONS
        }
        self.fields = {**directions, **self.fields}

    def inputs(self) -> dict[str, Any]:
        return {
            "degrees": {
                key: self.cleaned_data[key]
                for key, _label, _limit in scoring.CROM_DIRECTIONS
                if self.cleaned_data[key] is not None
            }
        }

    def field_for(self, key: str) -> str | None:
        match = _INDEXED.match(key)
        return match[2] if match and match[1] == "degrees" and match[2] in self.fields else None


MEASURE_FORMS: dict[str, type[MeasureForm]] = {
    form.measure: form for form in (NdiForm, PainForm, PsfsForm, DnfForm, CcftForm, CromForm)
}


# --- Questionnaire schedules --------------------------------------------------------------------


class ScheduleForm(forms.Form):
    """Every questionnaire at once: on or off, every how many days, from when."""

    def __init__(self, *args: Any, today: date, current: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for measure in QUESTIONNAIRES:
            schedule = current.get(measure)
            label = Measure(measure).label
            self.fields[f"{measure}_on"] = forms.BooleanField(
                label=f"Ask for the {label}", required=False, initial=schedule is not None
            )
            self.fields[f"{measure}_every_days"] = forms.IntegerField(
                label="Every how many days",
                required=False,
                initial=schedule.every_days if schedule else 14,
                widget=forms.NumberInput(attrs={"min": 7, "max": 90, "inputmode": "numeric"}),
                help_text="7 to 90 days.",
                error_messages={"invalid": "Every 7 to 90 days."},
            )
            self.fields[f"{measure}_starts_on"] = forms.DateField(
                label="Starting on",
                required=False,
                initial=schedule.starts_on if schedule else today,
                widget=_date_input(
                    earliest=today - timedelta(days=BACKDATE_DAYS),
                    latest=today + timedelta(days=BACKDATE_DAYS),
                ),
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for measure in QUESTIONNAIRES:
            if not data.get(f"{measure}_on"):
                continue
            if data.get(f"{measure}_every_days") is None and not self.has_error(
                f"{measure}_every_days"
            ):
                self.add_error(f"{measure}_every_days", "Every 7 to 90 days.")
            if data.get(f"{measure}_starts_on") is None and not self.has_error(
                f"{measure}_starts_on"
            ):
                self.add_error(f"{measure}_starts_on", "Choose the first day to ask.")
        return data

    def wanted(self) -> dict[str, tuple[int, date] | None]:
        return {
            measure: (
                self.cleaned_data[f"{measure}_every_days"],
                self.cleaned_data[f"{measure}_starts_on"],
            )
            if self.cleaned_data[f"{measure}_on"]
            else None
            for measure in QUESTIONNAIRES
        }

    def rows(self) -> list[dict[str, Any]]:
        return [
            {
                "measure": measure,
                "label": Measure(measure).label,
                "on": self[f"{measure}_on"],
                "fields": [self[f"{measure}_every_days"], self[f"{measure}_starts_on"]],
            }
            for measure in QUESTIONNAIRES
        ]

    def add_service_error(self, error: ValidationError) -> None:
        for key, messages in error.message_dict.items():
            field = key.replace(".", "_")
            for message in messages:
                self.add_error(field if field in self.fields else None, message)
