"""The patient's Today page: what is due, instructions and timers, and logging a session."""

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.forms import BaseForm, BaseFormSet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import get_script_prefix, reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.views.decorators.http import require_POST

from accounts.access import AuthedRequest, get_patient_or_404, role_required
from accounts.models import Role, User
from exercises.models import Category, Exercise, Side
from rehab.alerts.selectors import alerts_visible_to, checkins_visible_to
from rehab.alerts.services import ADVICE

from . import plan_cache, selectors, services
from .forms import EntryForm, EntryFormSet, SessionDetailsForm, SessionForm, input_html, write_input
from .models import Program, ProgramItem, SessionLog, Status


def _chosen_day(request: AuthedRequest, today: date) -> date:
    try:
        day = date.fromisoformat(request.GET.get("day") or request.POST.get("performed_on") or "")
    except ValueError:
        return today
    return day if today - timedelta(days=services.BACKFILL_DAYS) <= day <= today else today


class _Field(NamedTuple):
    """One input of an entry form, as its card writes it."""

    html_name: str
    auto_id: str
    value: object
    input: str  # the <input> of a number, text or hidden field
    errors: str


_Fields = Callable[[str], _Field]
_INPUTS = {"item_id", "sets_done", "reps_done", "hold_seconds_done", "skip_reason"}


@dataclass(frozen=True)
class _Card:
    """One exercise on Today, as the template prints it: text ready-made, numbers as strings
    (a template number goes through localization), the form's ids looked up once."""

    pk: str
    name: str
    summary: str
    notes: str
    is_task: bool
    dose_line: str
    sets: str
    reps: str
    hold_seconds: str
    rest_seconds: str
    ready_line: str
    ids: dict[str, str]
    item_input: str
    how_to: str
    entry: SafeString


_TIMER_INPUTS = ("sets_done", "reps_done", "hold_seconds_done", "done")  # the timer fills these in


def _card(item: ProgramItem, field: _Fields) -> _Card:
    is_task = item.exercise.category == Category.ERGONOMIC
    return _Card(
        pk=str(item.pk),
        name=item.exercise.name,
        summary=item.exercise.summary,
        notes=item.notes,
        is_task=is_task,
        dose_line=_dose_line(item),
        sets=str(item.sets),
        reps=str(item.reps),
        hold_seconds=str(item.hold_seconds),
        rest_seconds=str(item.rest_seconds),
        ready_line=_ready_line(item),
        ids={name: field(name).auto_id for name in _TIMER_INPUTS},
        item_input=field("item_id").input,
        how_to=_how_to(item.exercise),
        entry=_entry_fieldset(field, item, is_task),
    )


def _plural(count: int) -> str:
    return "" if count == 1 else "s"


_TIMES = "\N{MULTIPLICATION SIGN}"


def _dose_line(item: ProgramItem) -> str:
    """For example "2 sets x 10 reps, hold 5 s, rest 30 s between sets, left · 2x a day" (with
    multiplication signs)."""
    line = f"{item.sets} set{_plural(item.sets)} {_TIMES} {item.reps} rep{_plural(item.reps)}"
    if item.hold_seconds:
        line += f", hold {item.hold_seconds} s"
    if item.rest_seconds:
        line += f", rest {item.rest_seconds} s between sets"
    if item.side != Side.NONE:
        line += f", {item.get_side_display().lower()}"
    return f"{line} · {item.times_per_day}{_TIMES} a day"


def _ready_line(item: ProgramItem) -> str:
    line = f"Ready: {item.sets} set{_plural(item.sets)} of {item.reps}"
    return f"{line}, hold {item.hold_seconds} s" if item.hold_seconds else line


# An exercise's "How to do it" block, rendered once per process and exercise. Correct as long as
# the key changes whenever the HTML could: every edit of an exercise saves it (updated_at is
# auto_now), the public_id tells apart rows that reuse a pk (test databases roll back), and the
# script prefix is in its links. It holds library content only, nothing of a patient's.
_HOW_TO: dict[tuple[object, ...], str] = {}
_HOW_TO_MAX = 2000


def _how_to(exercise: Exercise) -> str:
    key = (exercise.pk, exercise.public_id, exercise.updated_at, get_script_prefix())
    html = _HOW_TO.get(key)
    if html is None:
        html = render_to_string("programs/_how_to.html", {"exercise": exercise})
        if settings.DEBUG:  # templates change under runserver without a restart
            return html
        if len(_HOW_TO) >= _HOW_TO_MAX:
            _HOW_TO.clear()
        _HOW_TO[key] = html
    return html


def _form_fields(form: BaseForm) -> _Fields:
    """A submitted entry form's fields: its data, its widgets and its errors."""

    @functools.cache
    def field(name: str) -> _Field:
        bound = form[name]
        errors = "".join(f'<p class="error">{escape(error)}</p>' for error in bound.errors)
        html = input_html(bound) if name in _INPUTS else ""
        return _Field(bound.html_name, bound.auto_id, bound.value(), html, errors)

    return field


def _initial_fields(prefix: str, initial: Mapping[str, object]) -> _Fields:
    """What `_form_fields` answers for the formset's unbound form `prefix`, without building the
    form: a form deep-copies its fields, a tenth of the page's work for 6-10 forms. An unbound
    formset form has no errors and no required attributes, so its inputs are the widget's
    attributes and the id (tests/programs/test_forms.py holds this to `_form_fields`)."""

    @functools.cache
    def field(name: str) -> _Field:
        html_name = f"{prefix}-{name}"
        auto_id = f"id_{html_name}"
        value = initial.get(name)
        html = ""
        if name in _INPUTS:
            widget = EntryForm.base_fields[name].widget
            html = write_input(
                widget.input_type,
                html_name,
                widget.format_value(value),
                {**widget.attrs, "id": auto_id},
            )
        return _Field(html_name, auto_id, value, html, "")

    return field


# The session questions of an unsubmitted form are the same HTML for every patient and request
# (labels and choices, nothing selected, fixed ids), so they are rendered once per process and
# language. A submitted form, with the patient's answers and errors, is rendered each time.
_SESSION_DETAILS: dict[str, str] = {}


def _session_details(form: SessionForm) -> str:
    if form.is_bound or settings.DEBUG:
        return render_to_string("programs/_session_details.html", {"session_form": form})
    language = get_language()
    html = _SESSION_DETAILS.get(language)
    if html is None:
        html = render_to_string("programs/_session_details.html", {"session_form": form})
        _SESSION_DETAILS[language] = html
    return html


def _management_form(entries: BaseFormSet) -> str:
    """The formset's hidden counts. Unsubmitted, as its form template writes them (four hidden
    inputs) without going through that template."""
    form = entries.management_form
    if entries.is_bound:  # may carry errors, which the template shows
        return str(form)
    return mark_safe("".join(input_html(field) for field in form))  # noqa: S308 - input_html escapes


def _checkbox(field: _Field) -> str:
    checked = " checked" if field.value else ""
    return f'<input type="checkbox" name="{field.html_name}" id="{field.auto_id}"{checked}>'


def _hidden(field: _Field, value: int) -> str:
    return f'<input type="hidden" name="{field.html_name}" value="{value}">'


def _number(field: _Field, label: str) -> str:
    return (
        f'<div class="field"><label for="{field.auto_id}">{label}</label>'
        f"{field.input}{field.errors}</div>"
    )


def _entry_fieldset(field: _Fields, item: ProgramItem, is_task: bool) -> SafeString:
    """The card's "what you did" inputs. Written here rather than in today.html, where their
    form lookups were most of the page's template work. Names and ids are the formset's (ASCII
    from its prefix), the inputs the form's fields, everything else escaped."""
    hold = field("hold_seconds_done")
    if is_task:
        numbers = (
            f"{_hidden(field('sets_done'), item.sets)}{_hidden(field('reps_done'), item.reps)}"
            f"{_hidden(hold, 0)}"
        )
    else:
        held = (
            f'<div class="field"><label for="{hold.auto_id}">Seconds held</label>{hold.input}</div>'
            if item.hold_seconds
            else _hidden(hold, 0)
        )
        numbers = f"""<div class="entry-numbers">
        {_number(field("sets_done"), "Sets done")}
        {_number(field("reps_done"), "Reps per set")}
        {held}
      </div>"""
    skipped, reason = field("skipped"), field("skip_reason")
    done_label = "Done" if is_task else "I did this exercise"
    why = f"{reason.input}{reason.errors}"
    return mark_safe(  # noqa: S308 - the exercise name and errors escaped, the rest ours
        f"""<fieldset class="entry">
      <legend class="visually-hidden">What you did of {escape(item.exercise.name)}</legend>
      <label class="check">{_checkbox(field("done"))} {done_label}</label>
      {numbers}
      <details{" open" if skipped.value else ""}>
        <summary>Skipped it?</summary>
        <label class="check">{_checkbox(skipped)} I skipped it</label>
        <div class="field"><label for="{reason.auto_id}">Why?</label>{why}</div>
      </details>
    </fieldset>"""
    )


@role_required(Role.PATIENT)
def today(request: AuthedRequest) -> HttpResponse:
    patient = request.user
    selectors.load_profile_and_clinic(patient)
    now = timezone.now()
    header = selectors.today_header(patient=patient, now=now)
    request.unread_count = header.unread_count  # type: ignore[attr-defined] # for the bell
    local_today = services.patient_today(patient)
    day = _chosen_day(request, local_today)
    session_form = SessionForm(
        request.POST or None, today=local_today, initial={"performed_on": day.isoformat()}
    )
    # The cards as last written for this prescription and day (rehab/programs/plan_cache.py),
    # unless a form was sent: it is answered, or shown again with the patient's answers.
    cards = None if request.method == "POST" else plan_cache.cached(patient, day)
    if cards is None:
        items = selectors.items_to_do(patient=patient, on=day)
        initial = [
            {
                "item_id": item.pk,
                "sets_done": item.sets,
                "reps_done": item.reps,
                "hold_seconds_done": item.hold_seconds,
            }
            for item in items
        ]
        entries = EntryFormSet(request.POST or None, initial=initial, prefix="entry")
        if request.method == "POST" and session_form.is_valid() and entries.is_valid():
            logged = _log_session(request, session_form, entries)
            if logged is not None:
                return logged
        cards = _cards(patient, items, initial, entries)
        if not entries.is_bound:
            plan_cache.store(patient, day, cards)
    sessions = selectors.sessions_on(patient=patient, on=day)
    done = selectors.doses_by_item(sessions)
    zone = ZoneInfo(patient.patient_profile.time_zone)
    names = selectors.exercise_names(
        (item_id for session in sessions for item_id, _, _ in session.entries), cards.names
    )
    return render(
        request,
        "programs/today.html",
        {
            "day": day,
            "day_iso": day.isoformat(),
            "is_today": day == local_today,
            "day_choices": session_form.fields["performed_on"].choices,  # type: ignore[attr-defined]
            "has_cards": bool(cards.items),
            "cards_html": cards.html(done),
            "session_form": session_form,
            "session_details": _session_details(session_form),
            "management_form": cards.management_form,
            "expected": cards.expected(),
            "completed": cards.completed(done),
            # Each with its time in the patient's zone, what was done, and whether it may still
            # be changed.
            "sessions": [
                (
                    session,
                    session.logged_at.astimezone(zone).strftime("%H:%M"),
                    session.summary(names),
                    now - session.logged_at <= services.EDIT_WINDOW,
                )
                for session in sessions
            ],
            "checkin_due": header.checkin_due,
            "red_flag_at": header.red_flag_at,
            "red_flag_advice": ADVICE,
            "has_questionnaires": header.has_questionnaires,
            "programs": cards.programs,
        },
    )


def _log_session(
    request: AuthedRequest, session_form: SessionForm, entries: BaseFormSet
) -> HttpResponse | None:
    """Store the session Today's form sent; on success, back to the day's page. None when the
    service refused it, with its reasons added to the form."""
    spec = services.SessionSpec(
        performed_on=session_form.cleaned_data["performed_on"],
        pain_before=session_form.cleaned_data["pain_before"],
        pain_after=session_form.cleaned_data["pain_after"],
        difficulty=session_form.cleaned_data["difficulty"],
        note=session_form.cleaned_data["note"],
        entries=_entries_from(entries),
    )
    try:
        _, created = services.session_log_create(
            patient=request.user,
            spec=spec,
            idempotency_key=session_form.cleaned_data["idempotency_key"],
        )
    except services.IdempotencyConflict:
        session_form.add_error(None, "This form was already sent. Reload the page to log again.")
    except ValidationError as error:
        for message in error.messages:
            session_form.add_error(None, message)
    else:
        messages.success(
            request,
            "Session saved. Well done!" if created else "This session was already saved.",
        )
        return redirect(f"{request.path}?day={spec.performed_on.isoformat()}")
    return None


def _cards(
    patient: User, items: list[ProgramItem], initial: list[dict[str, Any]], entries: BaseFormSet
) -> plan_cache.Cards:
    """The day's exercise cards, each badge left to fill in, with the formset's hidden counts
    and the patient's programs."""
    if entries.is_bound:  # re-shown with the patient's answers and errors
        fields = [_form_fields(form) for form in entries]
    else:
        fields = [
            _initial_fields(entries.add_prefix(i), values) for i, values in enumerate(initial)
        ]
    html = render_to_string(
        "programs/_today_cards.html",
        {
            "cards": [_card(item, field) for item, field in zip(items, fields, strict=False)],
            "badge": mark_safe(plan_cache.BADGE),  # noqa: S308 - a constant
        },
    )
    return plan_cache.Cards.split(
        html,
        [(item.pk, item.times_per_day) for item in items],
        {item.pk: item.exercise.name for item in items},
        # Not `entries.management_form` in the template: its lookup tries `entries[...]` first,
        # which builds every form of the formset.
        _management_form(entries),
        Program.objects.filter(patient=patient, status__in=[Status.ACTIVE, Status.PAUSED])
        .order_by("start_date")
        .values_list("public_id", "title"),
    )


@role_required(Role.THERAPIST, Role.STAFF)
def patient_detail(request: AuthedRequest, public_id: str) -> HttpResponse:
    """The care team's view of one patient on one page: programs and versions, adherence, every
    progress chart, the outcome records and the session timeline. A fixed number of queries."""
    # Imported here: this view is the only part of programs that reads outcomes.
    from rehab.outcomes.progress import outcome_records, progress_for
    from rehab.outcomes.progress_charts import chart_specs

    patient = get_patient_or_404(request.user, public_id)
    programs = list(selectors.patient_programs(patient=patient))
    local_today = services.patient_today(patient)
    adherence_week = adherence_overall = None
    if programs:
        first_day = min(program.start_date for program in programs)
        days = selectors.adherence_by_day(patient=patient, start=first_day, end=local_today)
        week_start = local_today - timedelta(days=local_today.weekday())
        adherence_week = selectors.adherence_ratio([d for d in days if d.day >= week_start])
        adherence_overall = selectors.adherence_ratio(days)
    page = Paginator(selectors.session_timeline(patient=patient), 20).get_page(
        request.GET.get("page")
    )
    progress = progress_for(patient, own=False)
    return render(
        request,
        "programs/patient_detail.html",
        {
            "patient": patient,
            "programs": programs,
            "adherence_week": adherence_week,
            "adherence_overall": adherence_overall,
            "page": page,
            "progress": progress,
            "charts": chart_specs(progress),
            "outcomes": outcome_records(patient),
            "open_alerts": list(
                alerts_visible_to(request.user).filter(patient=patient, acknowledged_at=None)
            ),
            "last_checkin": checkins_visible_to(request.user).filter(patient=patient).first(),
        },
    )


def _entries_from(forms: BaseFormSet) -> list[services.EntrySpec]:
    """The entries the patient ticked as done or skipped."""
    return [
        services.EntrySpec(
            item_id=form.cleaned_data["item_id"],
            sets_done=form.cleaned_data["sets_done"] or 0,
            reps_done=form.cleaned_data["reps_done"] or 0,
            hold_seconds_done=form.cleaned_data["hold_seconds_done"] or 0,
            skipped=form.cleaned_data["skipped"],
            skip_reason=form.cleaned_data["skip_reason"],
        )
        for form in forms
        if form.cleaned_data.get("done") or form.cleaned_data.get("skipped")
    ]


def _own_session(request: AuthedRequest, public_id: str) -> SessionLog:
    session = selectors.get_session_or_404(request.user, public_id)
    if session.patient_id != request.user.pk:  # pragma: no cover - the selector scopes to self
        raise Http404
    return session


@role_required(Role.PATIENT)
def session_edit(request: AuthedRequest, public_id: str) -> HttpResponse:
    """Correct a session within 24 hours of logging it. The change is audited."""
    session = _own_session(request, public_id)
    back = redirect(f"{reverse('today')}?day={session.performed_on.isoformat()}")
    if timezone.now() - session.logged_at > services.EDIT_WINDOW:
        messages.error(request, "Sessions can be changed for 24 hours after logging them.")
        return back
    rows = list(session.entries.select_related("item__exercise").order_by("item__position"))
    initial = [
        {
            "item_id": row.item_id,
            "done": not row.skipped,
            "sets_done": row.sets_done,
            "reps_done": row.reps_done,
            "hold_seconds_done": row.hold_seconds_done,
            "skipped": row.skipped,
            "skip_reason": row.skip_reason,
        }
        for row in rows
    ]
    details = SessionDetailsForm(
        request.POST or None,
        initial={
            "pain_before": session.pain_before,
            "pain_after": session.pain_after,
            "difficulty": session.difficulty,
            "note": session.note,
        },
    )
    entries = EntryFormSet(request.POST or None, initial=initial, prefix="entry")
    if request.method == "POST" and details.is_valid() and entries.is_valid():
        spec = services.SessionSpec(
            performed_on=session.performed_on,
            entries=_entries_from(entries),
            **{name: details.cleaned_data[name] for name in details.fields},
        )
        try:
            services.session_log_update(patient=request.user, session=session, spec=spec)
        except ValidationError as error:
            for message in error.messages:
                details.add_error(None, message)
        else:
            messages.success(request, "Session updated.")
            return back
    return render(
        request,
        "programs/session_edit.html",
        {
            "session": session,
            "details": details,
            "entries": entries,
            "cards": list(zip(rows, entries, strict=False)),
        },
    )


@require_POST
@role_required(Role.PATIENT)
def session_delete(request: AuthedRequest, public_id: str) -> HttpResponse:
    session = _own_session(request, public_id)
    try:
        services.session_log_delete(patient=request.user, session=session)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Session deleted.")
    return redirect(f"{reverse('today')}?day={session.performed_on.isoformat()}")
