"""Outcome scoring: hand-worked cases with the arithmetic in comments, then properties.

NDI indexes count from 0, in NDI_ITEMS order (index 4 is Headaches).
"""

from __future__ import annotations

import json
import math

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from rehab.outcomes.scoring import (
    CCFT_STAGES,
    CROM_DIRECTIONS,
    FHP_REFERENCE_DEGREES,
    MEANINGFUL_CHANGE,
    NDI_BANDS,
    NDI_ITEMS,
    PSFS_DIRECTION,
    SCORING_VERSIONS,
    Score,
    ScoringError,
    craniovertebral_angle,
    meaningful_change,
    score_ccft,
    score_crom,
    score_cva,
    score_dnf_endurance,
    score_ndi,
    score_pain,
    score_psfs,
)


def errors_of(call: object, *args: object) -> dict[str, str]:
    assert callable(call)
    with pytest.raises(ScoringError) as caught:
        call(*args)
    return caught.value.errors


def assert_json_safe(score: Score) -> None:
    assert json.loads(json.dumps(score.detail)) == score.detail


# --- NDI ----------------------------------------------------------------------------------------

ANSWERS = [2, 1, 3, 0, 2, 1, 2, 3, 1, 2]


def test_ndi_all_answered_is_total_times_two() -> None:
    # 2+1+3+0+2+1+2+3+1+2 = 17 out of 50 -> 17 * 2 = 34.0 %; 15 <= 17 <= 24 -> moderate
    score = score_ndi(ANSWERS)

    assert score == Score(
        value=34.0,
        band="moderate",
        version="ndi-1",
        detail={
            "answers": ANSWERS,
            "total": 17,
            "answered": 10,
            "missing": [],
            "missing_sections": [],
            "out_of": 50,
            "raw_equivalent": 17.0,
        },
    )
    assert_json_safe(score)


def test_ndi_one_missing_is_scored_out_of_45_and_banded_on_the_scaled_total() -> None:
    # Index 4 (Headaches, answered 2) left blank: 17 - 2 = 15 out of 45.
    # 15 / 45 * 100 = 33.33 -> 33.3 %. Raw equivalent 15 * 50 / 45 = 16.67 -> 16.7 -> moderate
    # (the unscaled 15 would also be moderate; the next test is where the two disagree).
    items = [*ANSWERS[:4], None, *ANSWERS[5:]]

    score = score_ndi(items)

    assert (score.value, score.band) == (33.3, "moderate")
    assert score.detail["total"] == 15
    assert score.detail["out_of"] == 45
    assert score.detail["answered"] == 9
    assert score.detail["missing"] == [4]
    assert score.detail["missing_sections"] == ["Headaches"]
    assert score.detail["raw_equivalent"] == 16.7
    assert_json_safe(score)


def test_ndi_one_missing_band_uses_the_raw_equivalent_not_the_unscaled_total() -> None:
    # Nine answers totalling 14 (mild if read as out of 50): 14 * 50 / 45 = 15.56 -> moderate.
    # 14 / 45 * 100 = 31.11 -> 31.1 %.
    items: list[int | None] = [2, 2, 2, 2, 2, 2, 1, 1, 0, None]

    score = score_ndi(items)

    assert (score.value, score.band) == (31.1, "moderate")
    assert score.detail["raw_equivalent"] == 15.6


def test_ndi_two_missing_is_not_scored() -> None:
    items = [*ANSWERS[:4], None, None, *ANSWERS[6:]]

    score = score_ndi(items)

    assert score.value is None
    assert score.band == "not scored"
    assert score.version == "ndi-1"
    # 17 - 2 - 1 = 14 from the 8 answered, kept so the clinician sees what was there
    assert score.detail["total"] == 14
    assert score.detail["answered"] == 8
    assert score.detail["missing"] == [4, 5]
    assert score.detail["out_of"] is None
    assert_json_safe(score)


def test_ndi_all_missing_is_not_scored() -> None:
    assert score_ndi([None] * 10).band == "not scored"


def spread(total: int) -> list[int | None]:
    """Ten answers adding up to `total`: as many 5s as fit, the remainder, then 0s."""
    answers: list[int | None] = []
    for _ in range(10):
        answer = min(5, total)
        answers.append(answer)
        total -= answer
    return answers


@pytest.mark.parametrize(
    ("total", "percent", "band"),
    [
        (0, 0.0, "none"),
        (4, 8.0, "none"),
        (5, 10.0, "mild"),
        (14, 28.0, "mild"),
        (15, 30.0, "moderate"),
        (24, 48.0, "moderate"),
        (25, 50.0, "severe"),
        (34, 68.0, "severe"),
        (35, 70.0, "complete"),
        (50, 100.0, "complete"),
    ],
)
def test_ndi_band_boundaries(total: int, percent: float, band: str) -> None:
    score = score_ndi(spread(total))

    assert score.detail["total"] == total
    assert (score.value, score.band) == (percent, band)


@pytest.mark.parametrize(
    ("total", "percent", "raw_equivalent", "band"),
    [
        # total/45*100 and total*50/45 on each side of the band edges
        (4, 8.9, 4.4, "none"),  # 400/45 = 8.89; 200/45 = 4.44
        (5, 11.1, 5.6, "mild"),  # 500/45 = 11.11; 250/45 = 5.56
        (13, 28.9, 14.4, "mild"),  # 1300/45 = 28.89; 650/45 = 14.44
        (14, 31.1, 15.6, "moderate"),
        (22, 48.9, 24.4, "moderate"),  # 2200/45 = 48.89; 1100/45 = 24.44
        (23, 51.1, 25.6, "severe"),
        (31, 68.9, 34.4, "severe"),  # 3100/45 = 68.89; 1550/45 = 34.44
        (32, 71.1, 35.6, "complete"),
        (45, 100.0, 50.0, "complete"),
    ],
)
def test_ndi_band_boundaries_with_one_missing(
    total: int, percent: float, raw_equivalent: float, band: str
) -> None:
    score = score_ndi([*spread(total)[:9], None])

    assert score.detail["total"] == total
    assert (score.value, score.detail["raw_equivalent"], score.band) == (
        percent,
        raw_equivalent,
        band,
    )


def test_ndi_refuses_answers_out_of_range_or_not_whole() -> None:
    items: list[object] = [*ANSWERS]
    items[3] = 6
    items[7] = -1
    items[8] = 2.5
    items[9] = True

    assert errors_of(score_ndi, items) == {
        "items[3]": "Answer with a number from 0 to 5.",
        "items[7]": "Answer with a number from 0 to 5.",
        "items[8]": "Answer with a number from 0 to 5.",
        "items[9]": "Answer with a number from 0 to 5.",
    }


@pytest.mark.parametrize("count", [0, 9, 11])
def test_ndi_needs_exactly_ten_entries(count: int) -> None:
    assert set(errors_of(score_ndi, [1] * count)) == {"items"}


def test_ndi_items_are_the_ten_sections() -> None:
    keys = [key for key, _title in NDI_ITEMS]
    assert keys == [
        "pain_intensity",
        "personal_care",
        "lifting",
        "reading",
        "headaches",
        "concentration",
        "work",
        "driving",
        "sleeping",
        "recreation",
    ]
    assert [lowest for lowest, _band in NDI_BANDS] == [0, 5, 15, 25, 35]


# --- Pain ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("rating", [0, 7, 10])
def test_pain_rating_is_its_own_score(rating: int) -> None:
    score = score_pain(rating)

    assert (score.value, score.band, score.version) == (float(rating), "", "pain-1")
    assert score.detail["out_of"] == 10


@pytest.mark.parametrize("rating", [-1, 11, 3.5, True, None, "4"])
def test_pain_refuses_anything_but_a_whole_number_from_0_to_10(rating: object) -> None:
    assert errors_of(score_pain, rating) == {"value": "Answer with a number from 0 to 10."}


# --- PSFS ---------------------------------------------------------------------------------------


def test_psfs_is_the_mean_rating_to_two_decimals() -> None:
    # (3 + 5 + 8) / 3 = 16 / 3 = 5.333 -> 5.33
    score = score_psfs([("Reversing the car", 3), ("  Reading in bed ", 5), ("Swimming", 8)])

    assert (score.value, score.band, score.version) == (5.33, "", "psfs-1")
    assert score.detail == {
        "activities": [
            {"name": "Reversing the car", "rating": 3},
            {"name": "Reading in bed", "rating": 5},
            {"name": "Swimming", "rating": 8},
        ],
        "count": 3,
        "total": 16,
        "direction": "higher_is_better",
    }
    assert PSFS_DIRECTION == "higher_is_better"


def test_psfs_mean_rounds_up_from_two_thirds() -> None:
    # (2 + 3 + 3) / 3 = 8 / 3 = 2.667 -> 2.67; one activity: 0 -> 0.0; five: 10*5/5 = 10.0
    assert score_psfs([("Lifting", 2), ("Carrying", 3), ("Driving", 3)]).value == 2.67
    assert score_psfs([("Driving", 0)]).value == 0.0
    assert score_psfs([(f"Activity {n}", 10) for n in range(5)]).value == 10.0


@pytest.mark.parametrize("count", [0, 6])
def test_psfs_needs_one_to_five_activities(count: int) -> None:
    activities = [(f"Activity {n}", 5) for n in range(count)]

    assert errors_of(score_psfs, activities) == {"activities": "Choose between 1 and 5 activities."}


def test_psfs_refuses_blank_long_and_repeated_names_and_bad_ratings() -> None:
    activities = [
        ("Reading", 5),
        ("   ", 5),
        ("x" * 81, 5),
        (" READING ", 5),  # same as the first, ignoring case and spaces
        ("Driving", 11),
    ]

    assert errors_of(score_psfs, activities) == {
        "activities[1].name": "Name the activity.",
        "activities[2].name": "Keep the activity name to 80 characters or fewer.",
        "activities[3].name": "This activity is already on the list.",
        "activities[4].rating": (
            "Rate the activity with a number from 0 (unable) to 10 (as before the problem)."
        ),
    }


def test_psfs_accepts_an_80_character_name_and_refuses_fractional_ratings() -> None:
    assert score_psfs([("x" * 80, 4)]).value == 4.0
    assert set(errors_of(score_psfs, [("Driving", 4.5)])) == {"activities[0].rating"}
    assert set(errors_of(score_psfs, [("Driving", -1)])) == {"activities[0].rating"}


# --- Deep neck flexor endurance -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("seconds", "shown"),
    [(0, 0.0), (24.25, 24.3), (38.94, 38.9), (300, 300.0)],  # halves round up: 24.25 -> 24.3
)
def test_dnf_endurance_is_seconds_to_a_tenth_without_a_band(seconds: float, shown: float) -> None:
    score = score_dnf_endurance(seconds)

    assert (score.value, score.band, score.version) == (shown, "", "dnf-1")
    assert score.detail["reference_seconds"] == {"asymptomatic": 39, "neck_pain": 24}
    assert_json_safe(score)


@pytest.mark.parametrize("seconds", [-0.1, 300.1, math.inf, math.nan, None, "30"])
def test_dnf_endurance_refuses_times_outside_0_to_300(seconds: object) -> None:
    assert errors_of(score_dnf_endurance, seconds) == {
        "seconds": "Enter the time held in seconds, from 0 to 300."
    }


# --- Craniocervical flexion test ----------------------------------------------------------------


@pytest.mark.parametrize(("mmhg", "passed"), [(20, 0), (22, 1), (24, 2), (26, 3), (28, 4), (30, 5)])
def test_ccft_score_is_the_highest_stage_held(mmhg: int, passed: int) -> None:
    score = score_ccft(mmhg)

    assert (score.value, score.band, score.version) == (float(mmhg), "", "ccft-1")
    assert score.detail["stages_passed"] == passed
    assert CCFT_STAGES == (22, 24, 26, 28, 30)


@pytest.mark.parametrize("mmhg", [18, 21, 23, 32, 24.0, True])
def test_ccft_refuses_pressures_that_are_not_a_stage(mmhg: object) -> None:
    assert set(errors_of(score_ccft, mmhg)) == {"highest_stage_held"}


# --- Cervical range of motion -------------------------------------------------------------------


def test_crom_has_no_headline_and_lists_each_direction() -> None:
    score = score_crom(
        {"flexion": 50, "left_rotation": 70.04, "right_rotation": 62.5, "extension": None}
    )

    assert (score.value, score.band, score.version) == (None, "", "crom-1")
    assert score.detail == {
        "degrees": {
            "flexion": 50.0,
            "extension": None,
            "left_lateral_flexion": None,
            "right_lateral_flexion": None,
            "left_rotation": 70.0,
            "right_rotation": 62.5,
        },
        "measured": ["flexion", "left_rotation", "right_rotation"],
        "left_minus_right": {"rotation": 7.5},  # 70.0 - 62.5
    }
    assert_json_safe(score)


@pytest.mark.parametrize(("key", "_label", "limit"), CROM_DIRECTIONS)
def test_crom_accepts_0_to_each_directions_ceiling(key: str, _label: str, limit: int) -> None:
    assert score_crom({key: 0}).detail["measured"] == [key]
    assert score_crom({key: limit}).detail["degrees"] == {
        k: (float(limit) if k == key else None) for k, _l, _m in CROM_DIRECTIONS
    }
    assert set(errors_of(score_crom, {key: limit + 0.1})) == {f"degrees[{key}]"}
    assert set(errors_of(score_crom, {key: -1})) == {f"degrees[{key}]"}


def test_crom_limits_and_messages() -> None:
    assert [(key, limit) for key, _label, limit in CROM_DIRECTIONS] == [
        ("flexion", 90),
        ("extension", 100),
        ("left_lateral_flexion", 70),
        ("right_lateral_flexion", 70),
        ("left_rotation", 100),
        ("right_rotation", 100),
    ]
    assert errors_of(score_crom, {"left_rotation": 450}) == {
        "degrees[left_rotation]": "Enter left rotation in degrees, from 0 to 100."
    }


def test_crom_needs_at_least_one_known_direction() -> None:
    assert errors_of(score_crom, {}) == {"degrees": "Measure at least one direction."}
    assert errors_of(score_crom, {"flexion": None}) == {
        "degrees": "Measure at least one direction."
    }
    assert set(errors_of(score_crom, {"flexion": 40, "tilt": 10})) == {"degrees[tilt]"}


# --- Craniovertebral angle ----------------------------------------------------------------------


def test_cva_45_degrees_when_the_ear_is_as_far_up_as_forward() -> None:
    # C7 (100, 300), tragus (180, 220): dx = 80, dy = 300 - 220 = 80 -> atan(1) = 45.0
    assert craniovertebral_angle((180, 220), (100, 300)) == 45.0


def test_cva_same_for_a_left_facing_photo() -> None:
    # Right-facing: tragus (412, 180), C7 (300, 340): dx = 112, dy = 160
    #   atan2(160, 112) = 55.008 -> 55.0
    # Mirrored in a 640 px wide photo (x -> 640 - x): tragus (228, 180), C7 (340, 340)
    #   dx = |228 - 340| = 112, dy = 160 -> 55.0
    assert craniovertebral_angle((412, 180), (300, 340)) == 55.0
    assert craniovertebral_angle((228, 180), (340, 340)) == 55.0


def test_cva_forward_head_and_a_nearly_horizontal_line() -> None:
    # dx = 150, dy = 120: atan2(120, 150) = 38.66 -> 38.7, below 50 -> "forward head"
    score = score_cva((250, 180), (100, 300))
    assert (score.value, score.band, score.version) == (38.7, "forward head", "cva-1")
    assert score.detail == {
        "tragus": [250.0, 180.0],
        "c7": [100.0, 300.0],
        "facing": "right",
        "reference_degrees": FHP_REFERENCE_DEGREES,
    }
    # dx = 400, dy = 7: atan2(7, 400) = 1.0026 -> 1.0, facing left
    score = score_cva((100, 293), (500, 300))
    assert (score.value, score.band, score.detail["facing"]) == (1.0, "forward head", "left")


def test_cva_band_at_the_50_degree_line() -> None:
    # tan(50 deg) = 1.19175...: dy = 119.175, dx = 100 -> 49.99991 -> shown 50.0 -> no band.
    # dy = 119, dx = 100 -> atan2(119, 100) = 49.96 -> 50.0 as well; dy = 118.9 -> 49.93 -> 49.9.
    assert score_cva((200, 180.825), (100, 300)).band == ""
    assert score_cva((200, 181.0), (100, 300)).value == 50.0
    assert score_cva((200, 181.1), (100, 300)) == Score(
        value=49.9,
        band="forward head",
        version="cva-1",
        detail={
            "tragus": [200.0, 181.1],
            "c7": [100.0, 300.0],
            "facing": "right",
            "reference_degrees": 50,
        },
    )


def test_cva_straight_above_is_90_degrees() -> None:
    assert craniovertebral_angle((100, 100), (100, 300)) == 90.0
    assert score_cva((100, 100), (100, 300)).detail["facing"] == ""


def test_cva_refuses_coincident_points() -> None:
    assert errors_of(craniovertebral_angle, (120, 80), (120, 80)) == {
        "tragus": "The ear point and the C7 point are in the same place; mark them again."
    }


@pytest.mark.parametrize(
    "tragus",
    [
        (200, 310),  # below C7 (y grows downwards): atan2(-10, 100) < 0
        (200, 300),  # level with C7: 0 degrees
        (10000, 299.9),  # above, but atan2(0.1, 9900) = 0.0006 rounds to 0.0
    ],
)
def test_cva_refuses_an_ear_point_not_above_c7(tragus: tuple[float, float]) -> None:
    assert errors_of(score_cva, tragus, (100, 300)) == {
        "tragus": "The ear point should be above the C7 point."
    }


def test_cva_refuses_missing_or_malformed_points() -> None:
    assert set(errors_of(craniovertebral_angle, None, (1, 2, 3))) == {"tragus", "c7"}
    assert set(errors_of(craniovertebral_angle, (math.nan, 1), (0, 5))) == {"tragus"}


# --- Meaningful change --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("measure", "before", "after", "verdict"),
    [
        # NDI percents; threshold 5 raw points = 10 percent, lower is better
        ("ndi", 34.0, 24.0, "better"),  # 10 % down = 5 raw points, exactly the threshold
        ("ndi", 24.0, 34.0, "worse"),
        ("ndi", 34.0, 26.0, "no clear change"),  # 8 % = 4 raw points
        ("ndi", 33.3, 23.3, "better"),  # exactly 10 as written, 9.999999999999998 in floats
        ("ndi", 33.3, 43.3, "worse"),
        ("ndi", 40.0, 30.1, "no clear change"),  # 9.9 % = 4.95 raw points
        # pain 0-10, threshold 2, lower is better
        ("pain", 7, 5, "better"),
        ("pain", 5, 7, "worse"),
        ("pain", 6, 5, "no clear change"),
        ("pain", 3, 3, "no clear change"),
        # PSFS mean, threshold 2, HIGHER is better
        ("psfs", 3.33, 5.33, "better"),  # exactly 2 as written
        ("psfs", 5.33, 3.33, "worse"),
        ("psfs", 4.0, 5.99, "no clear change"),
    ],
)
def test_meaningful_change(measure: str, before: float, after: float, verdict: str) -> None:
    assert meaningful_change(measure, before, after) == verdict


@pytest.mark.parametrize("measure", ["dnf", "ccft", "crom", "cva"])
def test_meaningful_change_is_blank_for_measures_without_an_agreed_figure(measure: str) -> None:
    assert measure not in MEANINGFUL_CHANGE
    assert meaningful_change(measure, 20, 60) == ""


def test_meaningful_change_refuses_unknown_measures_and_values_off_the_scale() -> None:
    assert set(errors_of(meaningful_change, "NDI", 30, 40)) == {"measure"}
    assert errors_of(meaningful_change, "pain", 11, -1) == {
        "before": "Enter a score from 0 to 10.",
        "after": "Enter a score from 0 to 10.",
    }
    assert set(errors_of(meaningful_change, "ndi", 50, 100.5)) == {"after"}


def test_versions_and_thresholds() -> None:
    assert MEANINGFUL_CHANGE == {"ndi": 5.0, "pain": 2.0, "psfs": 2.0}
    assert set(SCORING_VERSIONS) == {"ndi", "pain", "psfs", "dnf", "ccft", "crom", "cva"}


# --- Properties ---------------------------------------------------------------------------------

PROPERTY = settings(deadline=None, database=None, max_examples=150)

answers = st.integers(0, 5)
# Ten answers with at most one blank (a scorable form).
scorable_ndi = st.tuples(
    st.lists(answers, min_size=10, max_size=10), st.none() | st.integers(0, 9)
).map(lambda drawn: [None if i == drawn[1] else a for i, a in enumerate(drawn[0])])
BAND_ORDER = [band for _lowest, band in NDI_BANDS]


@PROPERTY
@given(st.lists(st.none() | answers, min_size=10, max_size=10))
def test_ndi_percent_is_between_0_and_100_or_not_scored(items: list[int | None]) -> None:
    score = score_ndi(items)

    if items.count(None) > 1:
        assert (score.value, score.band) == (None, "not scored")
    else:
        assert score.value is not None
        assert 0 <= score.value <= 100
        assert score.band in BAND_ORDER


@st.composite
def ndi_with_one_raised(draw: st.DrawFn) -> tuple[list[int | None], list[int | None]]:
    """A scorable NDI form, and the same form with one answer (not a 5) raised by one."""
    items = draw(scorable_ndi)
    raisable = [i for i, a in enumerate(items) if a is not None and a < 5]
    assume(raisable)
    index = draw(st.sampled_from(raisable))
    higher = list(items)
    higher[index] = (items[index] or 0) + 1
    return items, higher


@PROPERTY
@given(ndi_with_one_raised())
def test_ndi_rises_with_each_answer(forms: tuple[list[int | None], list[int | None]]) -> None:
    before, after = score_ndi(forms[0]), score_ndi(forms[1])

    # One more point is at least 100/45 = 2.2 %, so it shows even after rounding.
    assert before.value is not None and after.value is not None
    assert after.value > before.value
    assert BAND_ORDER.index(after.band) >= BAND_ORDER.index(before.band)


# Whole pixel coordinates, so mirroring and translating change no bits of dx and dy and the
# angle must be identical, not merely close.
pixels = st.integers(-4000, 4000)
point = st.tuples(pixels, pixels)


@PROPERTY
@given(point, point, pixels, pixels, st.integers(0, 8000))
def test_cva_is_unchanged_by_mirroring_and_moving_the_photo(
    tragus: tuple[int, int], c7: tuple[int, int], shift_x: int, shift_y: int, width: int
) -> None:
    try:
        angle = craniovertebral_angle(tragus, c7)
    except ScoringError:
        # The same refusal for the mirrored photo.
        with pytest.raises(ScoringError):
            craniovertebral_angle((width - tragus[0], tragus[1]), (width - c7[0], c7[1]))
        return

    assert 0 < angle <= 90
    mirrored = craniovertebral_angle((width - tragus[0], tragus[1]), (width - c7[0], c7[1]))
    moved = craniovertebral_angle(
        (tragus[0] + shift_x, tragus[1] + shift_y), (c7[0] + shift_x, c7[1] + shift_y)
    )
    assert mirrored == moved == angle


@PROPERTY
@given(
    st.integers(1, 899).map(lambda tenths: tenths / 10),
    st.floats(1, 3000),
    st.tuples(st.floats(-3000, 3000), st.floats(-3000, 3000)),
    st.booleans(),
)
def test_cva_recovers_the_angle_the_points_were_drawn_at(
    degrees: float, length: float, c7: tuple[float, float], facing_left: bool
) -> None:
    # The tragus `length` px from C7 at `degrees` above the horizontal (y grows downwards).
    a = math.radians(degrees)
    dx = -length * math.cos(a) if facing_left else length * math.cos(a)
    tragus = (c7[0] + dx, c7[1] - length * math.sin(a))

    assert craniovertebral_angle(tragus, c7) == degrees


@PROPERTY
@given(
    st.sampled_from(["ndi", "pain", "psfs"]),
    st.integers(0, 100),
    st.integers(0, 100),
)
def test_meaningful_change_swaps_verdicts_when_before_and_after_swap(
    measure: str, before_tenths: int, after_tenths: int
) -> None:
    scale = 1 if measure == "ndi" else 10  # NDI 0-100 in whole percents; others 0-10 in tenths
    before, after = before_tenths / scale, after_tenths / scale
    swapped = {"better": "worse", "worse": "better", "no clear change": "no clear change"}

    assert (
        meaningful_change(measure, after, before)
        == swapped[meaningful_change(measure, before, after)]
    )
