"""Forms: the patient's session log and the therapist's program builder."""

import uuid
from datetime import date, timedelta
from html import escape  # as django.utils.html.escape writes it, without its lazy check

from django import forms
from django.utils.safestring import SafeString, mark_safe

from exercises.models import DOSAGE_LIMITS, Exercise, Side

from .models import ALL_DAYS, WEEKDAY_NAMES, Difficulty, Dosage
from .services import BACKFILL_DAYS

PAIN_CHOICES = [(n, str(n)) for n in range(11)]


def day_choices(today: date) -> list[tuple[str, str]]:
    choices = []
    for back in range(BACKFILL_DAYS + 1):
        day = today - timedelta(days=back)
        label = "Today" if back == 0 else "Yesterday" if back == 1 else f"{day:%A %-d %B}"
        choices.append((day.isoformat(), label))
    return choices


class SessionDetailsForm(forms.Form):
    """Pain, difficulty and a note: what a patient may still correct within 24 hours."""

    pain_before = forms.TypedChoiceField(
        label="Neck pain before (0 = none, 10 = worst imaginable)",
        choices=[("", "Not recorded"), *PAIN_CHOICES],
        coerce=int,
        empty_value=None,
        required=False,
    )
    pain_after = forms.TypedChoiceField(
        label="Neck pain after",
        choices=[("", "Not recorded"), *PAIN_CHOICES],
        coerce=int,
        empty_value=None,
        required=False,
    )
    difficulty = forms.TypedChoiceField(
        label="How hard was it?",
        choices=[("", "Not recorded"), *Difficulty.choices],
        coerce=int,
        empty_value=None,
        required=False,
    )
    note = forms.CharField(
        label="Anything to tell your therapist?",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
    )


class SessionForm(SessionDetailsForm):
    performed_on = forms.TypedChoiceField(
        label="When did you do this session?", coerce=date.fromisoformat
    )
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=100)

    def __init__(
        self, data: object = None, *, today: date, initial: dict[str, object] | None = None
    ) -> None:
        # A fresh key per rendered form: sending the same form twice stores one session.
        initial = {"idempotency_key": uuid.uuid4().hex, "performed_on": today.isoformat()} | (
            initial or {}
        )
        super().__init__(data, initial=initial)  # type: ignore[arg-type]
        self.fields["performed_on"].choices = day_choices(today)  # type: ignore[attr-defined]


class EntryForm(forms.Form):
    item_id = forms.IntegerField(widget=forms.HiddenInput)
    done = forms.BooleanField(label="I did this exercise", required=False)
    sets_done = forms.IntegerField(label="Sets done", min_value=0, max_value=20, required=False)
    reps_done = forms.IntegerField(
        label="Reps in each set", min_value=0, max_value=100, required=False
    )
    hold_seconds_done = forms.IntegerField(
        label="Seconds held", min_value=0, max_value=600, required=False
    )
    skipped = forms.BooleanField(label="I skipped it", required=False)
    skip_reason = forms.CharField(label="Why did you skip it?", max_length=200, required=False)

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("skipped") and not (data.get("skip_reason") or "").strip():
            self.add_error("skip_reason", "Tell your therapist why you skipped it.")
        if data.get("done") and data.get("skipped"):
            self.add_error("skipped", "Choose either done or skipped.")
        return data


EntryFormSet = forms.formset_factory(EntryForm, extra=0)


def input_html(field: forms.BoundField) -> SafeString:
    """`str(field)` for a field with an <input> widget, written directly: the same attributes
    (the widget's, then `build_widget_attrs`' required and aria ones, then the id) in the same
    order, without the widget's context and template dispatch, which were a tenth of the Today
    page. tests/programs/test_forms.py holds it to `str(field)`."""
    widget = field.field.widget
    attrs = {**widget.attrs, **field.build_widget_attrs({}, widget)}
    if field.auto_id and "id" not in widget.attrs:
        attrs.setdefault("id", field.auto_id)
    return write_input(
        widget.input_type, field.html_name, widget.format_value(field.value()), attrs
    )


def write_input(
    input_type: str, name: str, value: str | None, attrs: dict[str, object]
) -> SafeString:
    """An <input> as Django's input.html writes it (and rehab.ops.forms.FastRenderer)."""
    html = [f'<input type="{escape(input_type)}" name="{escape(name)}"']
    if value is not None:
        html.append(f' value="{escape(value)}"')
    for attr, attr_value in attrs.items():
        if attr_value is True:
            html.append(f" {escape(attr)}")
        elif attr_value is not False:
            html.append(f' {escape(attr)}="{escape(str(attr_value))}"')
    html.append(">")
    return mark_safe("".join(html))  # noqa: S308 - every part escaped above


# The program builder -------------------------------------------------------------------------

WEEKDAY_CHOICES = [(str(i), name) for i, name in enumerate(WEEKDAY_NAMES)]
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def mask_to_days(mask: int) -> list[str]:
    return [str(i) for i in range(7) if mask & (1 << i)]


def days_to_mask(days: list[str]) -> int:
    return sum(1 << int(day) for day in set(days))


def _dose_field(name: str, label: str, help_text: str = "") -> forms.IntegerField:
    low, high = DOSAGE_LIMITS[name]
    return forms.IntegerField(label=label, min_value=low, max_value=high, help_text=help_text)


DEFAULT_TITLE = "Home exercise program"


class ProgramForm(forms.Form):
    title = forms.CharField(max_length=120, initial=DEFAULT_TITLE)
    start_date = forms.DateField(widget=DATE_INPUT)
    end_date = forms.DateField(
        widget=DATE_INPUT, required=False, help_text="Leave empty to keep it open."
    )
    notes_for_patient = forms.CharField(
        label="Notes for the patient",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
        help_text="Shown on the patient's Today page and printed on the handout.",
    )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", "The end date must be on or after the start date.")
        return data


class ReviseForm(forms.Form):
    effective_from = forms.DateField(
        label="New version starts on",
        widget=DATE_INPUT,
        help_text="Sessions before this date keep the old targets.",
    )
    change_note = forms.CharField(label="What changed and why", max_length=300, required=False)


class ItemForm(forms.Form):
    """One exercise of the program with its exact dosage."""

    exercise = forms.UUIDField(widget=forms.HiddenInput)
    sets = _dose_field("sets", "Sets")
    reps = _dose_field("reps", "Reps per set")
    hold_seconds = _dose_field("hold_seconds", "Hold (seconds)")
    rest_seconds = _dose_field("rest_seconds", "Rest (seconds)", "Between sets.")
    side = forms.ChoiceField(choices=Side.choices)
    times_per_day = _dose_field("times_per_day", "Times a day")
    days = forms.MultipleChoiceField(
        label="Days",
        choices=WEEKDAY_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one day of the week."},
    )
    notes = forms.CharField(label="Note for the patient", max_length=300, required=False)
    phase_name = forms.CharField(
        label="Phase name", max_length=60, required=False, help_text="For example “Weeks 1-2”."
    )
    phase_start_week = forms.IntegerField(
        label="From week", min_value=1, max_value=104, required=False
    )
    phase_end_week = forms.IntegerField(label="To week", min_value=1, max_value=104, required=False)

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        start, end = data.get("phase_start_week"), data.get("phase_end_week")
        if end is not None and (start or 1) > end:
            self.add_error("phase_end_week", "The phase must end after it starts.")
        return data


ItemFormSet = forms.formset_factory(ItemForm, extra=0)

ITEM_FORM_FIELDS = list(ItemForm.base_fields)


DOSE_FIELDS = ["sets", "reps", "hold_seconds", "rest_seconds", "side", "times_per_day"]


def item_initial(item: Dosage, exercise: Exercise) -> dict[str, object]:
    """A builder row from a program or protocol item."""
    return {
        "exercise": str(exercise.public_id),
        **{name: getattr(item, name) for name in DOSE_FIELDS},
        "days": mask_to_days(item.days_of_week),
        "notes": item.notes,
        "phase_name": item.phase_name,
        "phase_start_week": item.phase_start_week,
        "phase_end_week": item.phase_end_week,
    }


def exercise_initial(exercise: Exercise) -> dict[str, object]:
    """A builder row with the exercise's default dosage, every day."""
    return {
        "exercise": str(exercise.public_id),
        **{name: getattr(exercise, f"default_{name}") for name in DOSE_FIELDS},
        "days": mask_to_days(ALL_DAYS),
    }


class SaveProtocolForm(forms.Form):
    name = forms.CharField(label="Protocol name", max_length=120)


class EndProgramForm(forms.Form):
    on = forms.DateField(label="Last day of the program", widget=DATE_INPUT)
