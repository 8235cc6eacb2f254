"""Outcome measure scoring: pure arithmetic on what a patient or therapist entered.

No models and no database. Each `score_*` function checks its input, refusing it with a
`ScoringError` whose messages are plain English, and returns a `Score` that carries the
version of the rules that produced it (`SCORING_VERSIONS`). Stored scores keep that version
and their `detail`, so a score can be explained, or recomputed under the same rules, years later.
Change the arithmetic of a measure and its version changes with it ("ndi-1" -> "ndi-2").

Figures come from the clinical references in DESIGN.md ("Domain facts"). Rounding is to the
stated decimal places with halves rounded up, on the number as written (24.25 s -> 24.3 s, not
the 24.2 that binary floating point and `round` would give).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Final, Literal

SCORING_VERSIONS: Final[dict[str, str]] = {
    "ndi": "ndi-1",
    "pain": "pain-1",
    "psfs": "psfs-1",
    "dnf": "dnf-1",
    "ccft": "ccft-1",
    "crom": "crom-1",
    "cva": "cva-1",
}

NOT_SCORED: Final = "not scored"


@dataclass(frozen=True)
class Score:
    """The result of scoring one measure.

    value: the headline score; None when the answers cannot be scored (band "not scored") and
        for cervical range of motion, which has no single headline number (band "").
    band: the named range the value falls in ("mild"), "" when the measure has no bands.
    version: the scoring rules that produced it, one of `SCORING_VERSIONS`.
    detail: JSON-serialisable working, enough for a clinician to see how the value came about.
    """

    value: float | None
    band: str
    version: str
    detail: dict[str, object]


class ScoringError(ValueError):
    """The input cannot be scored.

    `errors` maps the offending field to a message for a patient or therapist. Fields are named
    after the function's argument, with [index] or [key] and .part for pieces of it:
    "items[3]", "activities[1].rating", "degrees[flexion]", "tragus".
    """

    def __init__(self, errors: Mapping[str, str]) -> None:
        self.errors: dict[str, str] = dict(errors)
        super().__init__(" ".join(self.errors.values()))


def _is_number(value: object) -> bool:
    # bool is an int to Python, but True is never a rating someone meant to give.
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _is_whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _exact(value: float | Fraction) -> Fraction:
    """The number as written: 0.15 is 15/100, not the binary float just below it."""
    if isinstance(value, Fraction):
        return value
    return Fraction(repr(value))


def _round(value: float | Fraction, places: int) -> float:
    """Round to `places` decimals, halves up, as a person rounding on paper would."""
    scale = 10**places
    return math.floor(_exact(value) * scale + Fraction(1, 2)) / scale


# --- Neck Disability Index ----------------------------------------------------------------------

NDI_ITEMS: Final[list[tuple[str, str]]] = [
    ("pain_intensity", "Pain intensity"),
    ("personal_care", "Personal care (washing, dressing, etc.)"),
    ("lifting", "Lifting"),
    ("reading", "Reading"),
    ("headaches", "Headaches"),
    ("concentration", "Concentration"),
    ("work", "Work"),
    ("driving", "Driving"),
    ("sleeping", "Sleeping"),
    ("recreation", "Recreation"),
]
NDI_ITEM_MAX: Final = 5

# (lowest raw total out of 50, band); each band runs up to the next one's lowest total.
NDI_BANDS: Final[list[tuple[int, str]]] = [
    (0, "none"),
    (5, "mild"),
    (15, "moderate"),
    (25, "severe"),
    (35, "complete"),
]


def _ndi_band(raw_equivalent: Fraction) -> str:
    band = NDI_BANDS[0][1]
    for lowest, name in NDI_BANDS:
        if raw_equivalent >= lowest:
            band = name
    return band


def score_ndi(items: Sequence[int | None]) -> Score:
    """Score the Neck Disability Index from its 10 answers, in `NDI_ITEMS` order.

    Each answer is 0-5, or None for a section left blank. Indexes (in errors and in
    detail["missing"]) count from 0, as in `NDI_ITEMS`.

    - All 10 answered: total out of 50, value = percent = total * 2.
    - One blank: total out of 45, value = total / 45 * 100 (rounded to 0.1).
    - Two or more blank: not scored (value None, band "not scored").

    The bands (none 0-4, mild 5-14, moderate 15-24, severe 25-34, complete 35-50) are defined
    on the raw total out of 50. With one blank the total is out of 45, so it is first scaled to
    its raw equivalent out of 50 (total * 50 / 45, the same proportion the percent uses) and the
    band is read from that: 15/45 -> 16.7 -> moderate. Banding the unscaled 15 would put a
    patient with a blank section in a lower band than the same answers with that section at its
    mean, and would disagree with the percent shown next to it. The comparison is exact (on the
    fraction, not the rounded figure); no total out of 45 lands exactly on a band edge anyway.
    """
    errors: dict[str, str] = {}
    if len(items) != len(NDI_ITEMS):
        errors["items"] = "Answer each of the 10 sections, or leave a section blank."
    for index, answer in enumerate(items):
        if answer is not None and not (_is_whole(answer) and 0 <= answer <= NDI_ITEM_MAX):
            errors[f"items[{index}]"] = "Answer with a number from 0 to 5."
    if errors:
        raise ScoringError(errors)

    answered = [answer for answer in items if answer is not None]
    missing = [index for index, answer in enumerate(items) if answer is None]
    total = sum(answered)
    detail: dict[str, object] = {
        "answers": list(items),
        "total": total,
        "answered": len(answered),
        "missing": missing,
        "missing_sections": [NDI_ITEMS[index][1] for index in missing],
    }
    version = SCORING_VERSIONS["ndi"]
    if len(missing) > 1:
        detail.update(
            out_of=None,
            raw_equivalent=None,
            reason="More than one section was left blank, so the index cannot be scored.",
        )
        return Score(value=None, band=NOT_SCORED, version=version, detail=detail)

    out_of = NDI_ITEM_MAX * len(answered)
    raw_equivalent = Fraction(total * NDI_ITEM_MAX * len(NDI_ITEMS), out_of)
    detail.update(out_of=out_of, raw_equivalent=_round(raw_equivalent, 1))
    return Score(
        value=_round(Fraction(total * 100, out_of), 1),
        band=_ndi_band(raw_equivalent),
        version=version,
        detail=detail,
    )


# --- Pain ---------------------------------------------------------------------------------------

PAIN_MAX: Final = 10


def score_pain(value: int) -> Score:
    """A 0-10 numeric pain rating (0 = no pain, 10 = worst imaginable). No bands."""
    if not (_is_whole(value) and 0 <= value <= PAIN_MAX):
        raise ScoringError({"value": "Answer with a number from 0 to 10."})
    return Score(
        value=float(value),
        band="",
        version=SCORING_VERSIONS["pain"],
        detail={"rating": value, "out_of": PAIN_MAX, "direction": "lower_is_better"},
    )


# --- Patient-Specific Functional Scale ----------------------------------------------------------

PSFS_DIRECTION: Final = "higher_is_better"
PSFS_MAX_ACTIVITIES: Final = 5
PSFS_NAME_MAX_LENGTH: Final = 80
PSFS_RATING_MAX: Final = 10


def score_psfs(activities: Sequence[tuple[str, int]]) -> Score:
    """The Patient-Specific Functional Scale: the mean of 1-5 activity ratings.

    Each activity is (name, rating): a name the patient chose (not blank, at most 80 characters,
    not repeated, ignoring case and surrounding spaces) and a rating from 0 (unable to do it) to
    10 (able to do it as before the problem). Value = mean rating, rounded to 0.01; higher is
    better (`PSFS_DIRECTION`). No bands.
    """
    errors: dict[str, str] = {}
    if not 1 <= len(activities) <= PSFS_MAX_ACTIVITIES:
        errors["activities"] = "Choose between 1 and 5 activities."
    seen: set[str] = set()
    cleaned: list[dict[str, object]] = []
    ratings: list[int] = []
    for index, entry in enumerate(activities):
        field = f"activities[{index}]"
        try:
            name, rating = entry
        except (TypeError, ValueError):
            errors[field] = "Give each activity a name and a rating."
            continue
        name = name.strip() if isinstance(name, str) else ""
        if not name:
            errors[f"{field}.name"] = "Name the activity."
        elif len(name) > PSFS_NAME_MAX_LENGTH:
            errors[f"{field}.name"] = "Keep the activity name to 80 characters or fewer."
        elif name.casefold() in seen:
            errors[f"{field}.name"] = "This activity is already on the list."
        seen.add(name.casefold())
        if not (_is_whole(rating) and 0 <= rating <= PSFS_RATING_MAX):
            errors[f"{field}.rating"] = (
                "Rate the activity with a number from 0 (unable) to 10 (as before the problem)."
            )
        else:
            ratings.append(rating)
        cleaned.append({"name": name, "rating": rating})
    if errors:
        raise ScoringError(errors)

    total = sum(ratings)
    return Score(
        value=_round(Fraction(total, len(ratings)), 2),
        band="",
        version=SCORING_VERSIONS["psfs"],
        detail={
            "activities": cleaned,
            "count": len(ratings),
            "total": total,
            "direction": PSFS_DIRECTION,
        },
    )


# --- Deep neck flexor endurance -----------------------------------------------------------------

DNF_MAX_SECONDS: Final = 300
# Typical holds reported in the literature; norms vary between studies, so they are shown for
# context and never turned into a band.
DNF_REFERENCE_SECONDS: Final[dict[str, int]] = {"asymptomatic": 39, "neck_pain": 24}


def score_dnf_endurance(seconds: float) -> Score:
    """Seconds the chin tuck and head lift were held, 0-300, rounded to 0.1 s.

    No band: reference figures vary between studies, so the detail shows typical values for
    context and the useful comparison is with this patient's own earlier results.
    """
    if not (_is_number(seconds) and 0 <= seconds <= DNF_MAX_SECONDS):
        raise ScoringError({"seconds": "Enter the time held in seconds, from 0 to 300."})
    held = _round(seconds, 1)
    return Score(
        value=held,
        band="",
        version=SCORING_VERSIONS["dnf"],
        detail={
            "seconds": held,
            "reference_seconds": dict(DNF_REFERENCE_SECONDS),
            "note": "Norms vary between studies; compare with this patient's earlier results.",
        },
    )


# --- Craniocervical flexion test ----------------------------------------------------------------

CCFT_BASELINE: Final = 20
CCFT_STAGES: Final = (22, 24, 26, 28, 30)
CCFT_HOLD_SECONDS: Final = 10


def score_ccft(highest_stage_held: int) -> Score:
    """The highest pressure stage (mmHg) held for 10 s with correct form.

    20 is the starting pressure and means the first stage (22 mmHg) could not be held. Value =
    that pressure; detail counts the stages passed (0-5). No bands.
    """
    allowed = (CCFT_BASELINE, *CCFT_STAGES)
    if not (_is_whole(highest_stage_held) and highest_stage_held in allowed):
        raise ScoringError(
            {
                "highest_stage_held": (
                    "Choose 20 (could not hold 22) or one of the stages 22, 24, 26, 28 or 30 mmHg."
                )
            }
        )
    return Score(
        value=float(highest_stage_held),
        band="",
        version=SCORING_VERSIONS["ccft"],
        detail={
            "mmhg": highest_stage_held,
            "stages_passed": allowed.index(highest_stage_held),
            "stages": list(CCFT_STAGES),
            "baseline_mmhg": CCFT_BASELINE,
            "hold_seconds": CCFT_HOLD_SECONDS,
        },
    )


# --- Cervical range of motion -------------------------------------------------------------------

# (key, label, most degrees accepted). The limits are generous ceilings to catch typing slips
# (a 450 meant as 45), well above typical adult ranges; they are not norms.
CROM_DIRECTIONS: Final[list[tuple[str, str, int]]] = [
    ("flexion", "Flexion", 90),
    ("extension", "Extension", 100),
    ("left_lateral_flexion", "Left lateral flexion", 70),
    ("right_lateral_flexion", "Right lateral flexion", 70),
    ("left_rotation", "Left rotation", 100),
    ("right_rotation", "Right rotation", 100),
]


def score_crom(degrees: Mapping[str, float | None]) -> Score:
    """Cervical range of motion: degrees per direction (keys from `CROM_DIRECTIONS`).

    A direction that is absent or None was not measured; at least one must be. Each measured
    value is 0 up to that direction's ceiling, rounded to 0.1.

    There is no single headline number: adding or averaging movements in different planes is not
    a clinical standard, so value is None and band is "" (not "not scored": nothing is wrong with
    the input). The per-direction degrees are in detail["degrees"] (None when not measured), with
    the left-minus-right difference for each pair measured on both sides.
    """
    limits = {key: limit for key, _label, limit in CROM_DIRECTIONS}
    errors: dict[str, str] = {}
    for key in degrees:
        if key not in limits:
            errors[f"degrees[{key}]"] = "This is not one of the neck movements we record."
    measured: dict[str, float] = {}
    for key, label, limit in CROM_DIRECTIONS:
        value = degrees.get(key)
        if value is None:
            continue
        if not (_is_number(value) and 0 <= value <= limit):
            errors[f"degrees[{key}]"] = f"Enter {label.lower()} in degrees, from 0 to {limit}."
            continue
        measured[key] = _round(value, 1)
    if not measured and not errors:
        errors["degrees"] = "Measure at least one direction."
    if errors:
        raise ScoringError(errors)

    left_minus_right: dict[str, float] = {}
    for movement in ("lateral_flexion", "rotation"):
        left, right = measured.get(f"left_{movement}"), measured.get(f"right_{movement}")
        if left is not None and right is not None:
            left_minus_right[movement] = _round(_exact(left) - _exact(right), 1)
    return Score(
        value=None,
        band="",
        version=SCORING_VERSIONS["crom"],
        detail={
            "degrees": {key: measured.get(key) for key, _label, _limit in CROM_DIRECTIONS},
            "measured": list(measured),
            "left_minus_right": left_minus_right,
        },
    )


# --- Craniovertebral angle ----------------------------------------------------------------------

FHP_REFERENCE_DEGREES: Final = 50

_POINT_MESSAGES: Final[dict[str, str]] = {
    "tragus": "Mark the ear point (the tragus) on the photo.",
    "c7": "Mark the C7 point (the bony bump at the base of the neck) on the photo.",
}


def _point(value: object) -> tuple[float, float] | None:
    if not isinstance(value, Sequence) or isinstance(value, str) or len(value) != 2:
        return None
    x, y = value
    if not (_is_number(x) and _is_number(y)):
        return None
    return float(x), float(y)


def _points(tragus: object, c7: object) -> tuple[tuple[float, float], tuple[float, float]]:
    ear, neck = _point(tragus), _point(c7)
    errors: dict[str, str] = {}
    if ear is None:
        errors["tragus"] = _POINT_MESSAGES["tragus"]
    if neck is None:
        errors["c7"] = _POINT_MESSAGES["c7"]
    if ear is None or neck is None:
        raise ScoringError(errors)
    return ear, neck


def craniovertebral_angle(tragus: tuple[float, float], c7: tuple[float, float]) -> float:
    """The angle in degrees between the horizontal through C7 and the line from C7 to the tragus.

    Points are image coordinates (x to the right, y DOWN, as in photos and browsers):
    degrees(atan2(C7.y - tragus.y, |tragus.x - C7.x|)), rounded to 0.1. The absolute value
    makes it the same for a patient facing left or right in the photo. Refuses points in the
    same place, and an ear point level with or below C7 (an angle that rounds to 0 or less).
    """
    (tx, ty), (cx, cy) = _points(tragus, c7)
    if (tx, ty) == (cx, cy):
        raise ScoringError(
            {"tragus": "The ear point and the C7 point are in the same place; mark them again."}
        )
    angle = _round(math.degrees(math.atan2(cy - ty, abs(tx - cx))), 1)
    if angle <= 0:
        raise ScoringError({"tragus": "The ear point should be above the C7 point."})
    return angle


def score_cva(tragus: tuple[float, float], c7: tuple[float, float]) -> Score:
    """The craniovertebral angle from a side photo (see `craniovertebral_angle`).

    Band "forward head" when the angle (as rounded and shown) is below 50 degrees, else "".
    Smaller angles mean the head sits further forward. The 50-degree line is a common reference
    point, not a diagnosis: it is shown to track change, and posture alone explains no one's pain.
    """
    angle = craniovertebral_angle(tragus, c7)
    (tx, ty), (cx, cy) = _points(tragus, c7)
    facing = "right" if tx > cx else "left" if tx < cx else ""
    return Score(
        value=angle,
        band="forward head" if angle < FHP_REFERENCE_DEGREES else "",
        version=SCORING_VERSIONS["cva"],
        detail={
            "tragus": [tx, ty],
            "c7": [cx, cy],
            "facing": facing,
            "reference_degrees": FHP_REFERENCE_DEGREES,
        },
    )


# --- Meaningful change --------------------------------------------------------------------------

# Smallest change that patients notice, in each measure's own points. NDI: 5 raw points out of
# 50, which is 10 on the percent scale that NDI values are given in. The other measures have no
# agreed figure and are left out.
MEANINGFUL_CHANGE: Final[dict[str, float]] = {"ndi": 5.0, "pain": 2.0, "psfs": 2.0}

Direction = Literal["lower_is_better", "higher_is_better"]
_DIRECTIONS: Final[dict[str, Direction]] = {
    "ndi": "lower_is_better",
    "pain": "lower_is_better",
    "psfs": "higher_is_better",
}
# The scale each measure's value is given on, for checking before/after.
_VALUE_RANGES: Final[dict[str, tuple[int, int]]] = {
    "ndi": (0, 100),
    "pain": (0, 10),
    "psfs": (0, 10),
}
# The NDI value is a percent; its threshold is in raw points (percent / 2).
_TO_THRESHOLD_UNITS: Final[dict[str, Fraction]] = {"ndi": Fraction(1, 2)}


def meaningful_change(measure: str, before: float, after: float) -> str:
    """ "better", "worse" or "no clear change" between two values of `measure`.

    Values are on the scale the `score_*` function returns (NDI as a percent). A change counts
    when it is at least `MEANINGFUL_CHANGE[measure]` (a change of exactly the threshold counts),
    in the measure's direction: lower is better for NDI and pain, higher for PSFS. For NDI the
    percents are compared in raw points, so 10 percent (5 raw points) is the threshold.
    Returns "" for a measure with no agreed threshold (the others in `SCORING_VERSIONS`); an
    unknown measure name is refused rather than silently answered with "".
    """
    if measure not in SCORING_VERSIONS:
        raise ScoringError({"measure": f"There is no outcome measure called {measure!r}."})
    if measure not in MEANINGFUL_CHANGE:
        return ""
    low, high = _VALUE_RANGES[measure]
    errors = {
        field: f"Enter a score from {low} to {high}."
        for field, value in (("before", before), ("after", after))
        if not (_is_number(value) and low <= value <= high)
    }
    if errors:
        raise ScoringError(errors)

    # Exact arithmetic on the numbers as written, so 33.3 -> 23.3 is exactly 10.
    change = (_exact(after) - _exact(before)) * _TO_THRESHOLD_UNITS.get(measure, Fraction(1))
    improvement = -change if _DIRECTIONS[measure] == "lower_is_better" else change
    threshold = _exact(MEANINGFUL_CHANGE[measure])
    if improvement >= threshold:
        return "better"
    if improvement <= -threshold:
        return "worse"
    return "no clear change"
