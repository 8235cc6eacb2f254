"""Small server-drawn pictures for the dashboards (no JavaScript needed)."""

from collections.abc import Sequence

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from rehab.outcomes.dashboards import DayDoses, ratio_of

register = template.Library()

BAR_WIDTH = 4
BAR_GAP = 1
HEIGHT = 24


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
    """Daily adherence as an inline SVG bar chart, one bar per day, oldest on the left.

    A full bar is every expected dose done; a day with nothing prescribed shows a short grey
    tick, a day with doses expected and none done a thin red line. The aria-label says the same
    per week in words.
    """
    width = max(1, len(days) * (BAR_WIDTH + BAR_GAP) - BAR_GAP)
    bars = []
    for index, day in enumerate(days):
        x = index * (BAR_WIDTH + BAR_GAP)
        ratio = day.ratio
        if ratio is None:
            bars.append((x, HEIGHT - 1, 1, "spark-rest"))
        elif ratio == 0:
            bars.append((x, HEIGHT - 2, 2, "spark-missed"))
        else:
            height = max(2, round(ratio * HEIGHT))
            bars.append((x, HEIGHT - height, height, "spark-done"))
    rects = format_html_join(
        "",
        '<rect x="{}" y="{}" width="' + str(BAR_WIDTH) + '" height="{}" class="{}"></rect>',
        bars,
    )
    return format_html(
        '<svg class="sparkline" role="img" aria-label="{}" viewBox="0 0 {} {}" width="{}" '
        'height="{}" preserveAspectRatio="none" focusable="false">{}</svg>',
        sparkline_summary(days),
        width,
        HEIGHT,
        width,
        HEIGHT,
        rects,
    )
