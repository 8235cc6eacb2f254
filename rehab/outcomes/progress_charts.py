"""The progress charts: `chart_specs(progress)` turns `progress.progress_for` into what
templates/outcomes/progress_charts.html shows: per chart the data
static/js/charts.js draws with uPlot, a sentence, the same figures as a table (for anyone who
cannot see the chart) and an empty state in words when there is nothing to draw."""

import html
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from typing import Any

from django.utils.html import json_script
from django.utils.safestring import SafeString, mark_safe

from . import scoring
from .progress import MEASURES, WEEKS, Point, Progress, day_text, number_text, value_text

# --- Charts -------------------------------------------------------------------------------------

BRAND = "#0b6e6e"
SECOND = "#b45309"


@dataclass
class Chart:
    """One chart: `data` for charts.js, `columns`/`rows` for the table alternative, `summary`
    for the sentence above it and `empty` when there is nothing to draw."""

    id: str
    group: str
    title: str
    summary: str
    empty: str
    columns: list[str]
    rows: list[list[str]]
    data: dict[str, Any] | None

    @property
    def script_id(self) -> str:
        return f"{self.id}-data"

    @cached_property
    def data_script(self) -> SafeString:
        """`data` as <script type="application/json" id="...-data">, as |json_script writes it."""
        return json_script(self.data, self.script_id)

    @cached_property
    def table_body(self) -> SafeString:
        """The table's rows, the first cell of each a row header, every cell escaped: what
        a template writes with two nested loops (tests/outcomes/reference_charts.html), built
        here in one pass because a page has a few hundred cells and each template node costs
        more than the string it writes."""
        # html.escape is what django.utils.html.escape applies to a str, without its wrappers.
        return mark_safe(  # noqa: S308 - every cell is escaped
            "".join(
                f'<tr><th scope="row">{html.escape(row[0])}</th>'
                + "".join(f"<td>{html.escape(cell)}</td>" for cell in row[1:])
                + "</tr>"
                for row in self.rows
            )
        )


def _series(label: str, values: list[Any], *, second: bool = False, bars: bool = False) -> dict:
    """A series for charts.js; the second series of a chart is dashed, so colour is not the only
    difference between the two."""
    return {
        "label": label,
        "values": values,
        "color": SECOND if second else BRAND,
        "dash": second,
        "bars": bars,
    }


def _iso(days: list[date]) -> list[str]:
    return [d.isoformat() for d in days]


def _aligned(*series: list[Point]) -> tuple[list[date], list[list[float | None]]]:
    """uPlot wants one x array: the union of dates, with gaps (None) where a series has none."""
    xs = sorted({p.day for points in series for p in points})
    columns = []
    for points in series:
        by_day = {p.day: p.value for p in points}
        columns.append([by_day.get(x) for x in xs])
    return xs, columns


_CHANGE_WORDS = {"better": "Better (meaningful)", "worse": "Worse (meaningful)"}


def chart_specs(progress: Progress) -> list[Chart]:
    today, own = progress.today, progress.own
    you = "you" if own else "the patient"
    charts: list[Chart] = []

    weeks = progress.weeks
    has_adherence = any(w.expected > 0 for w in weeks)
    charts.append(
        Chart(
            id="chart-adherence",
            group="Exercises",
            title="Exercises done per week",
            summary=(
                f"This week: {progress.this_week.percent}% of the doses due so far "
                f"({number_text(progress.this_week.completed)} of "
                f"{number_text(progress.this_week.expected)})."
                if progress.this_week.percent is not None
                else "Nothing is due this week."
            ),
            empty=f"No exercises were prescribed in the last {WEEKS} weeks.",
            columns=["Week from", "Done", "Due", "Percent"],
            rows=[
                [
                    day_text(w.start, today),
                    number_text(w.completed),
                    number_text(w.expected),
                    "—" if w.percent is None else f"{w.percent}%",
                ]
                for w in weeks
            ],
            data={
                "x": _iso([w.start for w in weeks]),
                "series": [
                    _series("Done (%)", [w.percent for w in weeks], bars=True),
                ],
                "y": {"min": 0, "max": 100, "unit": "%"},
            }
            if has_adherence
            else None,
        )
    )

    pain = progress.pain
    with_before = [p.before for p in pain if p.before is not None]
    with_after = [p.after for p in pain if p.after is not None]
    pain_summary = ""
    if with_before or with_after:
        parts = []
        if with_before:
            parts.append(f"{number_text(sum(with_before) / len(with_before))} before")
        if with_after:
            parts.append(f"{number_text(sum(with_after) / len(with_after))} after")
        pain_summary = (
            f"Average pain over the last {WEEKS} weeks, out of 10: {' and '.join(parts)} "
            "exercising. If exercising makes pain worse and it does not settle, stop and "
            "contact your therapist."
        )
    charts.append(
        Chart(
            id="chart-session-pain",
            group="Exercises",
            title="Pain before and after exercising",
            summary=pain_summary,
            empty=(
                f"No pain ratings in the last {WEEKS} weeks. "
                + ("Add them when you log a session." if own else "")
            ).strip(),
            columns=["Day", "Before", "After", "Sessions"],
            rows=[
                [
                    day_text(p.day, today),
                    "—" if p.before is None else number_text(p.before),
                    "—" if p.after is None else number_text(p.after),
                    str(p.sessions),
                ]
                for p in pain
            ],
            data={
                "x": _iso([p.day for p in pain]),
                "series": [
                    _series("Before", [p.before for p in pain]),
                    _series("After", [p.after for p in pain], second=True),
                ],
                "y": {"min": 0, "max": 10, "unit": ""},
            }
            if pain
            else None,
        )
    )

    for trend in progress.trends:
        info = MEASURES[trend.measure]
        data: dict[str, Any] | None = None
        if trend.points:
            data = {
                "x": _iso([p.day for p in trend.points]),
                "series": [_series(trend.label, [p.value for p in trend.points])],
                "y": {"min": info.low, "max": info.high, "unit": ""},
            }
            if trend.meaningful_change is not None and trend.baseline is not None:
                base = trend.baseline.value
                data["band"] = {
                    "lo": max(info.low, base - trend.meaningful_change),
                    "hi": min(info.high, base + trend.meaningful_change),
                    "label": "No meaningful change from the first record",
                }
        columns = ["Day", "Value"]
        if trend.meaningful_change is not None:
            columns.append("Compared with the first")
        rows = []
        for index, point in enumerate(trend.points):
            row = [day_text(point.day, today), value_text(trend.measure, point.value)]
            if trend.meaningful_change is not None:
                row.append(
                    "First record"
                    if index == 0
                    else _CHANGE_WORDS.get(point.change, "No meaningful change")
                )
            rows.append(row)
        charts.append(
            Chart(
                id=f"chart-{trend.measure}",
                group="Outcome measures",
                title=trend.label,
                summary=trend.summary,
                empty=f"No {trend.label.lower()} recorded yet.",
                columns=columns,
                rows=rows,
                data=data,
            )
        )

    xs, (left, right) = _aligned(progress.cva_left, progress.cva_right)
    charts.append(
        Chart(
            id="chart-cva",
            group="Posture",
            title="Craniovertebral angle (side photo)",
            summary=progress.cva_summary,
            empty=(
                "No side photos measured yet."
                + (" Your therapist can show you how to take one." if own else "")
            ),
            columns=["Day", "Left side", "Right side"],
            rows=[
                [
                    day_text(x, today),
                    "—" if lv is None else f"{number_text(lv)}°",
                    "—" if rv is None else f"{number_text(rv)}°",
                ]
                for x, lv, rv in zip(xs, left, right, strict=True)
            ],
            data={
                "x": _iso(xs),
                "series": [
                    _series("Left side", left),
                    _series("Right side", right, second=True),
                ],
                "y": {"min": 30, "max": 70, "unit": "°"},
                "refs": [
                    {
                        "value": scoring.FHP_REFERENCE_DEGREES,
                        "label": f"{scoring.FHP_REFERENCE_DEGREES}° reference",
                    }
                ],
            }
            if xs
            else None,
        )
    )

    checks = progress.workstation
    out_of = checks[-1].out_of if checks else 6
    charts.append(
        Chart(
            id="chart-workstation",
            group="Posture",
            title="Workstation checklist",
            summary=(
                f"Latest checklist: {number_text(checks[-1].score)} of {checks[-1].out_of} on "
                f"{day_text(checks[-1].day, today)}"
                + (
                    f" (first: {number_text(checks[0].score)} of {checks[0].out_of} on "
                    f"{day_text(checks[0].day, today)})."
                    if len(checks) > 1
                    else "."
                )
                if checks
                else ""
            ),
            empty="No workstation checklist filled in yet.",
            columns=["Day", "Score"],
            rows=[
                [day_text(c.day, today), f"{number_text(c.score)} of {c.out_of}"] for c in checks
            ],
            data={
                "x": _iso([c.day for c in checks]),
                "series": [_series("Score", [c.score for c in checks])],
                "y": {"min": 0, "max": out_of, "unit": ""},
            }
            if checks
            else None,
        )
    )

    breaks = progress.breaks
    has_breaks = progress.posture_breaks_total or progress.ergonomic_tasks_total
    charts.append(
        Chart(
            id="chart-breaks",
            group="Posture",
            title="Posture breaks and ergonomic tasks per week",
            summary=(
                f"In the last {WEEKS} weeks {you} took {progress.posture_breaks_total} posture "
                f"break{'s' if progress.posture_breaks_total != 1 else ''} and did "
                f"{progress.ergonomic_tasks_total} ergonomic "
                f"task{'s' if progress.ergonomic_tasks_total != 1 else ''}."
            ),
            empty=f"No posture breaks or ergonomic tasks in the last {WEEKS} weeks.",
            columns=["Week from", "Posture breaks", "Ergonomic tasks"],
            rows=[
                [day_text(b.start, today), str(b.posture_breaks), str(b.ergonomic_tasks)]
                for b in breaks
            ],
            data={
                "x": _iso([b.start for b in breaks]),
                "series": [
                    _series("Posture breaks", [b.posture_breaks for b in breaks]),
                    _series(
                        "Ergonomic tasks",
                        [b.ergonomic_tasks for b in breaks],
                        second=True,
                    ),
                ],
                "y": {"min": 0, "unit": ""},
            }
            if has_breaks
            else None,
        )
    )
    return charts
