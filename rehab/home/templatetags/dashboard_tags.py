"""Dashboard helpers: adherence sparklines (drawn by uPlot in static/js/charts.js)."""

import json
from collections.abc import Sequence

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from rehab.outcomes.dashboards import DayDoses, ratio_of

register = template.Library()


def _percent(ratio: float | None) -> str:
    return "nothing prescribed" if ratio is None else f"{round(ratio * 100)}%"


def sparkline_summary(days: Sequence[DayDoses]) -> str:
    """The chart in words: adherence per week, oldest first."""
    weeks = [ratio_of(days[i : i + 7]) for i in range(0, len(days), 7)]
    if not weeks or all(week is None for week in weeks):
        return f"Adherence over the last {len(days)} days: nothing prescribed."
    return f"Adherence by week over the last {len(weeks)} weeks, oldest first: " + ", ".join(
        _percent(week) for week in weeks
    )


@register.simple_tag
def sparkline(days: Sequence[DayDoses]) -> SafeString:
    """Daily adherence, oldest first, for static/js/charts.js to draw with uPlot as small bars.

    The values are each day's ratio (0 to 1) or null when nothing was prescribed; the element's
    accessible name says the same per week in words, so nothing is only visible as a picture.
    """
    values = [None if day.ratio is None else round(day.ratio, 3) for day in days]
    return format_html(
        '<div class="sparkline" role="img" aria-label="{}" data-sparkline="{}"></div>',
        sparkline_summary(days),
        json.dumps(values),
    )
