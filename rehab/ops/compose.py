"""Pieces for writing several rows in one SQL statement, each compiled by Django as save() or
bulk_create() would send it (rehab/programs/session_insert.py composes them on PostgreSQL).

- `insert_sql`: the INSERT of some objects of one model, from Django's own insert compiler, so
  defaults, `auto_now` fields and the conversion of every value are the ORM's;
- `creation_log_entry`: the django-auditlog entry its post_save receiver would write for a new
  object (with the request's actor and address, which auditlog's middleware sets on every entry
  saved during a request), built but not saved;
- `columns` and `from_row`: the column list of a model for hand-written SQL, and an instance
  from a row of those columns, with the values converted as a queryset converts them.

The tests hold every composed write equal to the same write made through the ORM
(tests/programs/test_session_insert.py), so an upgrade of Django or django-auditlog that changes
what they write shows there.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from auditlog.cid import get_cid
from auditlog.context import auditlog_disabled
from auditlog.diff import model_instance_diff
from auditlog.models import LogEntry
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Field, Model
from django.db.models.signals import pre_save
from django.db.models.sql import InsertQuery
from django.utils.encoding import smart_str

M = TypeVar("M", bound=Model)


def insert_sql(
    objs: Sequence[Model],
    *,
    returning: Sequence[Field[Any, Any]] = (),
    using: str = DEFAULT_DB_ALIAS,
) -> tuple[str, list[Any]]:
    """One INSERT of `objs` (all of one model, not saved yet): every concrete field, the primary
    key too when the objects have one, as Model.save() and bulk_create() write them. Fields with
    a `pre_save` (auto_now) get their value on the objects, as a save would set it."""
    model = type(objs[0])
    meta = model._meta
    fields = list(meta.local_concrete_fields)
    if any(obj.pk is None for obj in objs):
        fields = [field for field in fields if field is not meta.auto_field]
    query = InsertQuery(model)
    query.insert_values(fields, list(objs))
    compiler = query.get_compiler(using=using)
    compiler.returning_fields = list(returning) or None
    statements = compiler.as_sql()
    if len(statements) != 1:
        raise ValueError(f"{len(statements)} statements for one INSERT of {meta.label}")
    sql, params = statements[0]
    return sql, list(params)


def creation_log_entry(instance: Model, using: str = DEFAULT_DB_ALIAS) -> LogEntry | None:
    """The audit entry django-auditlog's post_save receiver (auditlog.receivers.log_create)
    would save for `instance` just created, or None when auditlog is disabled here. `instance`
    has its primary key and every value it is saved with (call after `insert_sql`, which sets
    the auto_now fields).

    The receiver diffs the instance against nothing and creates the entry through
    LogEntryManager.log_create; saving the entry sends pre_save, through which auditlog's
    middleware sets the actor, their email and the remote address of the request. Here the same
    pre_save is sent without the save. Nothing in this project listens to auditlog's pre_log and
    post_log signals (a test checks), which that receiver also sends."""
    if auditlog_disabled.get():
        return None
    changes = model_instance_diff(
        None, instance, use_json_for_changes=getattr(settings, "AUDITLOG_STORE_JSON_CHANGES", False)
    )
    if not changes:
        return None
    entry = LogEntry(
        content_type=ContentType.objects.db_manager(using).get_for_model(instance),
        object_pk=instance.pk,
        object_id=instance.pk if isinstance(instance.pk, int) else None,
        object_repr=smart_str(instance),
        serialized_data=LogEntry.objects._get_serialized_data_or_none(instance),
        action=LogEntry.Action.CREATE,
        changes=changes,
        cid=get_cid(),
    )
    get_additional_data = getattr(instance, "get_additional_data", None)
    if callable(get_additional_data):
        entry.additional_data = get_additional_data()
    pre_save.send(sender=LogEntry, instance=entry, raw=False, using=using, update_fields=None)
    return entry


def columns(model: type[Model], alias: str, using: str = DEFAULT_DB_ALIAS) -> str:
    """`alias.column, ...` for every concrete field of `model`, in the order `from_row` takes."""
    qn = connections[using].ops.quote_name
    return ", ".join(f"{alias}.{qn(str(field.column))}" for field in model._meta.concrete_fields)


def from_row(model: type[M], values: Sequence[Any], using: str = DEFAULT_DB_ALIAS) -> M:
    """An instance of `model` from the values of its concrete fields, in their order, as the
    database returned them (converted as a queryset converts them: JSON text to Python, and
    so on)."""
    connection = connections[using]
    fields = model._meta.concrete_fields
    if len(values) != len(fields):
        raise ValueError(f"{len(values)} values for the {len(fields)} columns of {model}")
    converted = []
    for field, value in zip(fields, values, strict=True):
        column = field.get_col(model._meta.db_table)
        for converter in [
            *connection.ops.get_db_converters(column),
            *column.get_db_converters(connection),
        ]:
            value = converter(value, column, connection)
        converted.append(value)
    return model.from_db(using, [field.attname for field in fields], converted)
