"""A form renderer that writes the common widgets in Python.

Django renders every widget through a template, and a <select> through one more template per
option: a session form with three 0-10 scales renders some forty templates for forty lines of
HTML, which was a third of the Today page's time. FastRenderer writes the same HTML directly for
Django's own input, select, textarea and checkbox templates (escaped as the templates escape:
`conditional_escape`, attributes as attrs.html writes them) and leaves everything else, and any
widget with a template of its own, to the templates.
"""

from collections.abc import Callable, Mapping
from typing import Any

from django.forms.renderers import DjangoTemplates
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

_INPUTS = {
    f"django/forms/widgets/{name}.html"
    for name in (
        "input",
        "text",
        "number",
        "email",
        "url",
        "password",
        "hidden",
        "date",
        "datetime",
        "time",
        "search",
        "tel",
        "color",
    )
}


def _attrs(attrs: Mapping[str, Any]) -> str:
    """attrs.html: ` name="value"` for each, a bare name for True, nothing for False."""
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            parts.append(f" {conditional_escape(name)}")
        else:
            parts.append(f' {conditional_escape(name)}="{conditional_escape(str(value))}"')
    return "".join(parts)


def _input(widget: Mapping[str, Any]) -> str:
    value = widget["value"]
    shown = "" if value is None else f' value="{conditional_escape(str(value))}"'
    return (
        f'<input type="{conditional_escape(widget["type"])}" '
        f'name="{conditional_escape(widget["name"])}"{shown}{_attrs(widget["attrs"])}>'
    )


def _checkbox(widget: Mapping[str, Any]) -> str:
    return _input(widget)


def _select(widget: Mapping[str, Any]) -> str:
    # select.html's line breaks and indentation, kept so the HTML is the templates' own.
    out = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, options, _ in widget["optgroups"]:
        if group_name:
            out.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
        for option in options:
            out.append(
                f'\n  <option value="{conditional_escape(str(option["value"]))}"'
                f"{_attrs(option['attrs'])}>{conditional_escape(option['label'])}</option>\n"
            )
        if group_name:
            out.append("\n  </optgroup>")
    out.append("\n</select>")
    return "".join(out)


def _textarea(widget: Mapping[str, Any]) -> str:
    value = conditional_escape(widget["value"]) if widget["value"] else ""
    return (
        f'<textarea name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>\n'
        f"{value}</textarea>"
    )


_WRITERS: dict[str, Callable[[Mapping[str, Any]], str]] = {
    **dict.fromkeys(_INPUTS, _input),
    "django/forms/widgets/checkbox.html": _checkbox,
    "django/forms/widgets/select.html": _select,
    "django/forms/widgets/textarea.html": _textarea,
}


class FastRenderer(DjangoTemplates):
    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        writer = _WRITERS.get(template_name)
        if writer is None or "widget" not in context:
            return super().render(template_name, context, request)
        return mark_safe(writer(context["widget"]))  # noqa: S308 - every part escaped above
