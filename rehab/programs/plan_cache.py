"""The exercise cards of a patient's Today page, cached per process, and what keeps them correct.

Working out which items are due on a day and writing their cards (instructions, dose, timer and
the form's inputs) is most of the page's time, and it only changes when the prescription does.
So each web process keeps the finished cards in its own memory (the "today" cache) under a key
of

- the patient (pk and public id: primary keys can come back after a delete on SQLite, UUIDs do
  not) and the local date shown;
- the patient's `plan_version` (accounts.PatientProfile), a counter raised in the transaction of
  every write that changes what is prescribed: programs (their status and dates), versions,
  items, pauses, and the exercises the items name. The page reads the profile anyway (for the
  patient's time zone), so the key costs no query, and a write in any process or host shows in
  every process's next page;
- the language and the script prefix (the cards' links).

What a patient logs is not in the cards: each card's "done" badge, the doses and the session
list are worked out on every request and set into the cached HTML. Nothing cached holds a
security token, a retry key or anything of another patient. A form sent back with errors is
rendered afresh, with the patient's answers.

Invalidation follows rehab/outcomes/caseload_cache.py: receivers of Django's model signals raise
the version in the writing transaction, so it commits or rolls back with the change. Items are
created with bulk_create (no signal), always with their version, whose save raises it. Code that
writes these models with .update() must call `changed()`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model
from django.db.models.signals import post_delete, post_save
from django.template.defaultfilters import floatformat
from django.urls import get_script_prefix
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from accounts.models import PatientProfile, User
from exercises.models import Exercise
from rehab.ops import counters

from .models import Program, ProgramItem, ProgramPause, ProgramVersion

CACHE_ALIAS = "today"
# Marks where a card's badge goes in the cached HTML: never in escaped text (a NUL byte), and
# followed by the card's index.
BADGE = "\x00"


@dataclass(frozen=True)
class Cards:
    """The cards of one patient's day: the HTML between the badges, each card's item and how
    many doses a day it asks for, and what else the page shows of the prescription."""

    pieces: tuple[str, ...]  # len(items) + 1 pieces of HTML, a badge between each two
    items: tuple[tuple[int, int], ...]  # (item pk, times_per_day), in the page's order
    names: dict[int, str]  # each item's exercise name, for the session list
    management_form: str
    programs: tuple[tuple[str, str], ...]  # (public id, title) of the active and paused programs

    @classmethod
    def split(
        cls,
        html: str,
        items: Sequence[tuple[int, int]],
        names: dict[int, str],
        management_form: str,
        programs: Iterable[tuple[Any, str]],
    ) -> Cards:
        pieces = html.split(BADGE)
        if len(pieces) != len(items) + 1:
            raise ValueError(f"{len(pieces) - 1} badges for {len(items)} cards")
        return cls(
            pieces=tuple(pieces),
            items=tuple(items),
            names=names,
            management_form=management_form,
            programs=tuple((str(public_id), title) for public_id, title in programs),
        )

    def html(self, done: dict[int, float]) -> SafeString:
        """The cards with each badge: how many of the day's doses of the item are done."""
        out = [self.pieces[0]]
        for (pk, times), piece in zip(self.items, self.pieces[1:], strict=True):
            doses = done.get(pk, 0.0)
            ok = " ok" if doses >= times else ""
            out.append(
                f'<span class="badge{ok}">{floatformat(doses, "-1")} of {times} today</span>'
            )
            out.append(piece)
        return mark_safe("".join(out))  # noqa: S308 - rendered by the template, numbers ours

    def expected(self) -> int:
        return sum(times for _, times in self.items)

    def completed(self, done: dict[int, float]) -> float:
        return sum(min(done.get(pk, 0.0), times) for pk, times in self.items)


def _key(patient: User, day: date, version: int | None = None) -> str:
    if version is None:
        version = patient.patient_profile.plan_version
    return (
        f"today:{patient.pk}:{patient.public_id}:{version}:{day.isoformat()}:"
        f"{get_language()}:{get_script_prefix()}"
    )


def cached(patient: User, day: date) -> Cards | None:
    if settings.DEBUG:  # templates change under runserver without a restart
        return None
    cards: Cards | None = caches[CACHE_ALIAS].get(_key(patient, day))
    return cards


def store(patient: User, day: date, cards: Cards) -> None:
    if not settings.DEBUG:
        caches[CACHE_ALIAS].set(_key(patient, day), cards)


def items_due(patient: User, day: date, *, version: int | None = None) -> list[ProgramItem]:
    """`selectors.items_due(patient=patient, on=day)`, with each item's exercise, version and
    program, kept under the cards' key: a session log checks its entries against them, and
    building that query cost more than the log's writes. `version` is the patient's plan
    version as just read (a task or command may hold the patient, and their profile, across
    changes of the prescription); None reads it."""
    from .selectors import items_due as read

    if settings.DEBUG:
        return list(read(patient=patient, on=day))
    if version is None:
        version = (
            PatientProfile.objects.filter(user_id=patient.pk)
            .values_list("plan_version", flat=True)
            .first()
        )
    key = f"items:{_key(patient, day, version)}"
    cache = caches[CACHE_ALIAS]
    items: list[ProgramItem] | None = cache.get(key)
    if items is None:
        items = list(read(patient=patient, on=day))
        cache.set(key, items)
    return items


# --- Invalidation -------------------------------------------------------------------------------


def changed(
    *,
    patients: Iterable[int | None] = (),
    programs: Iterable[int | None] = (),
    versions: Iterable[int | None] = (),
    exercises: Iterable[int | None] = (),
    using: str = DEFAULT_DB_ALIAS,
) -> None:
    """Raise, in the current transaction, the plan version of the patients these objects
    prescribe to. For writes that send no model signals (.update())."""
    sql, params = _raise_sql(
        patients=counters.present(patients),
        programs=counters.present(programs),
        versions=counters.present(versions),
        exercises=counters.present(exercises),
        quote=connections[using].ops.quote_name,
    )
    if params:
        counters.execute(sql, params, using)


def _raise_sql(
    *,
    patients: list[int],
    programs: list[int],
    versions: list[int],
    exercises: list[int],
    quote: Callable[[str], str],
) -> tuple[str, list[int]]:
    """One UPDATE of the profiles of the patients reached (rehab/ops/counters.py)."""
    profile, user, program, version, item = (
        quote(model._meta.db_table)
        for model in (PatientProfile, User, Program, ProgramVersion, ProgramItem)
    )
    # S608 below: the table names come from model metadata, every value is a parameter.
    who, params = counters.union(
        [
            (patients, f"SELECT id FROM {user} WHERE id IN "),  # noqa: S608
            (programs, f"SELECT patient_id FROM {program} WHERE id IN "),  # noqa: S608
            (
                versions,
                f"SELECT p.patient_id FROM {program} p JOIN {version} v "  # noqa: S608
                "ON v.program_id = p.id WHERE v.id IN ",
            ),
            (
                exercises,
                f"SELECT p.patient_id FROM {program} p JOIN {version} v "  # noqa: S608
                f"ON v.program_id = p.id JOIN {item} i ON i.version_id = v.id "
                "WHERE i.exercise_id IN ",
            ),
        ]
    )
    sql = f"UPDATE {profile} SET plan_version = plan_version + 1 WHERE user_id IN ({who})"  # noqa: S608
    return sql, params


def _ids(instance: Model) -> dict[str, list[int | None]]:
    if isinstance(instance, Program):
        return {"patients": [instance.patient_id]}
    if isinstance(instance, ProgramVersion | ProgramPause):
        return {"programs": [instance.program_id]}
    if isinstance(instance, ProgramItem):
        return {"versions": [instance.version_id]}
    if isinstance(instance, Exercise):
        return {"exercises": [instance.pk]}
    return {}


def _saved(
    sender: type[Model],
    instance: Model,
    raw: bool = False,
    using: str = DEFAULT_DB_ALIAS,
    **kwargs: Any,
) -> None:
    if not raw:  # loaddata: no page has shown these rows
        changed(using=using, **_ids(instance))


def _deleted(
    sender: type[Model], instance: Model, using: str = DEFAULT_DB_ALIAS, **kwargs: Any
) -> None:
    changed(using=using, **_ids(instance))


WATCHED: tuple[type[Model], ...] = (Program, ProgramVersion, ProgramItem, ProgramPause, Exercise)


def connect() -> None:
    """Called once from ProgramsConfig.ready()."""
    for model in WATCHED:
        uid = f"plan_cache:{model._meta.label}"
        post_save.connect(_saved, sender=model, dispatch_uid=uid)
        post_delete.connect(_deleted, sender=model, dispatch_uid=uid)
