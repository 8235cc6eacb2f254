"""Starter protocols: four ready-made plans clinics can copy into a patient's program; therapists
adjust dosage.

Plain data, importable without Django. Run this file directly for a self-check against the
exercise library: `python rehab/programs/protocol_data.py` (from the repository root).

A protocol is a starting point, not a prescription. Copying one into a patient's program makes
ordinary program items that the therapist then edits: drop what does not fit, change the
dosage, and move the phases to match how the patient is doing. Progress by quality of movement
and symptoms, not by the calendar alone.

Each item refers to an exercise in `exercises/library_data.py` by slug and starts from that
exercise's default dosage (lowered where a protocol needs a gentler start). The fields mean what
they mean on a program item:
- `sets`, `reps`, `hold_seconds`, `rest_seconds` (rest between sets), `times_per_day`; with
  side "both", `reps` is per side. Ergonomic tasks count one rep per check.
- `side` is one of none, both, left, right.
- `days_of_week` lists the days the item is due, Monday = 0 to Sunday = 6.
- `phase_name`, `phase_start_week`, `phase_end_week`: weeks count from 1 (the program's first
  week); an end of None means "until the program ends". Protocols without phases use "" and
  None for all three.

Patient text (`notes_for_patient`, item `notes`) is our own wording, in plain words and second
person, American spelling. It was checked against the red flags in the design notes: every
protocol tells the patient to stop and contact their clinician for pain that spreads, numbness,
tingling, weakness, clumsy hands or dizziness, and to get urgent care for the emergency signs.
Give any change to this text the same review, and a clinician's sign-off, before release.
"""

from itertools import pairwise

_STOP_AND_CALL = (
    "Stop and contact your clinician if pain spreads into your arm, if you get numbness, "
    "tingling or weakness in your arms or hands, clumsy hands, dizziness, or a headache that is "
    "new or worse, or if your neck pain is clearly worse the next day. Call emergency services "
    "or get urgent care right away for a sudden, severe headache, double vision, fainting, "
    "trouble speaking, swallowing, walking or keeping your balance, or a change in bladder or "
    "bowel control."
)

PROTOCOLS: list[dict] = [
    {
        "slug": "deep-neck-flexor-progression",
        "name": "Deep neck flexor progression",
        "summary": (
            "For neck pain with poor deep neck flexor control or endurance, for example with "
            "forward head posture, after whiplash, or after a spell in a collar. Retrains the "
            "longus colli and capitis from supported chin tucks to sitting control, "
            "pressure-biofeedback stages and endurance holds; move on when form is good, not "
            "only by the week."
        ),
        "notes_for_patient": (
            "This program wakes up and strengthens the small muscles deep in the front of your "
            "neck that help hold your head up. It starts very gently, lying down, and gets a "
            "little harder every two weeks. The app shows you only what is due this week. Most "
            "exercises take a few minutes, once to three times a day. The movements are small "
            "and need only light effort: a feeling of gentle work or a mild stretch is fine, "
            "but sharp pain is not. If a hold is too long for you, do shorter holds and tell "
            "your clinician. " + _STOP_AND_CALL
        ),
        "items": [
            {
                "exercise": "diaphragmatic-breathing-lying",
                "sets": 1,
                "reps": 10,
                "hold_seconds": 0,
                "rest_seconds": 0,
                "side": "none",
                "times_per_day": 2,
                "days_of_week": [0, 1, 2, 3, 4, 5, 6],
                "notes": "Do this first, to let your neck and shoulders relax before the tucks.",
                "phase_name": "Weeks 1-2: Gentle start",
                "phase_start_week": 1,
                "phase_end_week": 2,
            },
            {
                "exercise": "chin-tuck-lying",
                "sets": 1,
                "reps": 10,
                "hold_seconds": 10,
                "rest_seconds": 0,
                "side": "none",
                "times_per_day": 2,
                "days_of_week": [0, 1, 2, 3, 4, 5, 6],
                "notes": (
                    "Keep the nod tiny and the front of your neck soft. If 10 seconds is too "
                    "long, hold for 5 and build up."
                ),
                "phase_name": "Weeks 1-2: Gentle start",
                "phase_start_week": 1,
                "phase_end_week": 2,
            },
            {
                "exercise": "sitting-posture-reset",
                "sets": 1,
                "reps": 5,
                "hold_seconds": 10,
                "rest_seconds": 0,
                "side": "none",
                "times_per_day": 4,
                "days_of_week": [0, 1, 2, 3, 4, 5, 6],
                "notes": "Spread these through your day, for example at meals and mid-afternoon.",
                "phase_name": "Weeks 1-2: Gentle start",
                "phase_start_week": 1,
                "phase_end_week": 2,
            },
            {
                "exercise": "shoulder-rolls",
                "sets": 1,
                "reps": 10,
                "hold_seconds": 0,
                "rest_seconds": 0,
                "side": "none",
                "times_per_day": 2,
                "days_of_week": [0, 1, 2, 3, 4, 5, 6],
                "notes": "Slow and easy, to loosen the tops of your shoulders.",
                "phase_name": "Weeks 1-2: Gentle start",
                "phase_start_week": 1,
                "phase_end_week": 2,
            },
            {
                "exercise": "diaphragmatic-breathing-sitting",
                "sets": 1,
                "reps": 10,
                "hold_seconds": 0,
                "rest_seconds": 0,
                "side": "none",
                "times_per_day": 2,
                "days_of_week": [0, 1, 2, 3, 4, 5, 6],
                "notes": "Keep your shoulders still and let your belly do the work.",
                "phase_name": "Weeks 3-4: Sitting and pressure stages",
                "phase_start_week": 3,
                "phase_end_week": 4,
            },
            {
                "exercise": "chin-tuck-sitting",
                "sets": 1,
                "reps": 10,
                "hold_seconds": 10,
                "rest_seconds": 0,
                "side": "none",
                "times_per_day": 3,
                "days_of_week": [0, 1, 2, 3, 4, 5, 6],
                "notes": "Use the same small nod as lying down. Try them at your desk or table.",
                "phase_name": "Weeks 3-4: Sitting and pressure stages",
                "phase_start_week": 3,
                "phase_end_week": 4,
            },
            {
                "exercise": "craniocervical-flexion-22",
                "sets": 1,
                "reps": 10,
                "hold_seconds": 10,
                "rest_seconds": 0,
                "side": "none",
                "times_per_day": 1,
                "days_of_week": [0, 1, 2, 3, 4, 5, 6],
                "notes": (
                    "Only with the pressure cuff your clinician showed you how to use. If you "
                    "cannot hold 22 steady, do the chin tuck lying down instead and tell us."
                ),
                "phase_name": "Weeks 3-4: Sitting and pressure stages",
                "phase_start_week": 3,
                "phase_end_week": 4,
            },
            {
                "exercise": "shoulder-blade-setting",
                "sets": 1,
                "reps": 10,
                "hold_seconds": 10,
                "rest_seconds": 0,
                "side": "none",
                "times_per_day": 2,
                "days_of_week": [0, 1, 2, 3, 4, 5, 6],
                "notes": "Light effort only. Pair it with your sitting chin tucks if you like.",
                "phase_name": "Weeks 3-4: Sitting and pressure stages",
                "phase_start_week": 3,
                "phase_end_week": 4,
            },
            {
                "exercise": "chin-tuck-sitting",
                "sets": 1,
                "reps": 10,
                "hold_seconds": 10,
                "rest_seconds": 0,
                "side": "none",
                "times_per_day": 2,
                "days_of_week": [0, 1, 2, 3, 4, 5, 6],
                "notes": "Keep these going so good head position becomes a habit.",
                "phase_name": "Week 5 on: Endurance",
                "phase_start_week": 5,
                "phase_end_week": None,
            },
            {
                "exercise": "craniocervical-flexion-24",
                "sets": 1,
                "reps": 10,
                "hold_seconds": 10,
                "rest_seconds": 0,
                "side": "none",
                "times_per_day": 1,
                "days_of_week": [0, 1, 2, 3, 4, 5, 6],
                "notes": (
                    "Move up to 24 only once you can do 10 steady holds at 22. If not, stay at "
                    "22 and tell your clinician."
                ),
                "phase_name": "Week 5 on: Endurance",
                "phase_start_week": 5,
                "phase_end_week": None,
            },
            {
                "exercise": "chin-tuck-head-lift",
                "sets": 1,
                "reps": 5,
                "hold_seconds": 10,
                "rest_seconds": 0,
                "side": "none",
                "times_per_day": 1,
                "days_of_week": [0, 2, 4],
                "notes": (
                    "Hold only while your chin stays tucked and your neck does not shake. "
                    "Shorter holds are fine. Skip it on a flare-up day."
                ),
                "phase_name": "Week 5 on: Endurance",
                "phase_start_week": 5,
                "phase_end_week": None,
            },
            {
                "exercise": "diaphragmatic-breathing-sitting",
                "sets": 1,
                "reps": 10,
                "hold_seconds": 0,
                "rest_seconds": 0,
                "side": "none",
                "times_per_day": 1,
                "days_of_week": [0, 1, 2, 3, 4, 5, 6],
                "notes": "A calm way to finish your exercises.",
                "phase_name": "Week 5 on: Endurance",
                "phase_start_week": 5,
                "phase_end_week": None,
            },
        ],
    },
    {
        "slug": "desk-worker-posture-reset",
        "name": "Desk worker posture reset",
        "summary": (
            "For neck and shoulder pain linked to long hours at a screen with a forward head "
            "posture. Combines a one-time workstation setup and hourly breaks on workdays with "
            "short daily posture exercises and chest and upper back mobility."
        ),
        "notes_for_patient": (
            "Sitting still at a screen for hours lets your head drift forward, which makes your "
            "neck and upper back work harder. This program sets up your desk so your neck can "
            "rest in a better position, adds short movement breaks on workdays, and gives you a "
            "few quick exercises for every day. Each one takes only a minute or two. Change one "
            "thing at a time, and keep every movement comfortable: a mild stretch or feeling "
            "of effort is fine, but sharp pain is not. " + _STOP_AND_CALL
        ),
        "items": [
            {
                "exercise": "monitor-eye-height",
                "sets": 1,
                "reps": 1,
                "hold_seconds": 0,
                "rest_seconds": 0,
                "side": "none",
                "times_per_day": 1,
                "days_of_week": [0, 1, 2, 3, 4],
                "notes": "Set it up once, then take a few seconds to check it when you start work.",
                "phase_name": "",
                "phase_start_week": None,
                "phase_end_week": None,
            },
            {
                "exercise": "chair-lumbar-support",
                "sets": 1,
                "reps": 1,
                "hold_seconds": 0,
                "rest_seconds": 0,
                "side": "none",
                "times_per_day": 1,
                "days_of_week": [0, 1, 2, 3, 4],
                "notes": "Adjust your chair before your screen, then check both each morning.",
                "phase_name": "",
                "phase_start_week": None,
                "phase_end_week": None,
            },
            {
                "exercise": "keyboard-mouse-position",
                "sets": 1,
                "reps": 1,
                "hold_seconds": 0,
                "rest_seconds": 0,
                "side": "none",
                "times_per_day": 1,
                "days_of_week": [0, 1, 2, 3, 4],
                "notes": "",
                "phase_name": "",
                "phase_start_week": None,
                "phase_end_week": None,
            },
            {
                "exercise": "hourly-posture-break",
                "sets": 1,
                "reps": 1,
                "hold_seconds": 0,
                "rest_seconds": 0,
                "side": "none",
                "times_per_day": 6,
                "days_of_week": [0, 1, 2, 3, 4],
                "notes": (
                    "About once an hour while you work. A reminder on your phone or computer "
                    "helps. A short break is better than none."
                ),
                "phase_name": "",
                "phase_start_week": None,
                "phase_end_week": None,
            },
            {
                "exercise": "chin-tuck-sitting",
                "sets": 1,
                "reps": 10,
                "hold_seconds": 10,
                "rest_seconds": 0,
                "side": "none",
                "times_per_day": 3,
                "days_of_week": [0, 1, 2, 3, 4, 5, 6],
                "notes": "Keep the nod small. You can do these at your desk.",
                "phase_name": "",
                "phase_start_week": None,
                "phase_end_week": None,
            },
            {
                "exercise": "scapular-retraction",
                "sets": 2,
                "reps": 10,
                "hold_seconds": 5,
                "rest_seconds": 30,
                "side": "none",
                "times_per_day": 2,
                "days_of_week": [0, 1, 2, 3, 4, 5, 6],
                "notes": "A gentle squeeze, about half your effort, with your shoulders down.",
                "phase_name": "",
                "phase_start_week": None,
                "phase_end_week": None,
            },
            {
                "exercise": "doorway-chest-stretch",
                "sets": 1,
                "reps": 3,
                "hold_seconds": 30,
                "rest_seconds": 0,
                "side": "none",
                "times_per_day": 2,
                "days_of_week": [0, 1, 2, 3, 4, 5, 6],
                "notes": "Lower your elbows if your hands tingle.",
                "phase_name": "",
                "phase_start_week": None,
                "phase_end_week": None,
            },
            {
                "exercise": "thoracic-extension-chair",
                "sets": 1,
                "reps": 10,
                "hold_seconds": 3,
                "rest_seconds": 0,
                "side": "none",
                "times_per_day": 2,
                "days_of_week": [0, 1, 2, 3, 4, 5, 6],
                "notes": "Support your head with your hands and lean back only as far as is easy.",
                "phase_name": "",
                "phase_start_week": None,
                "phase_end_week": None,
            },
        ],
    },
    {
        "slug": "trapezius-accessory-strengthening",
        "name": "Trapezius and accessory muscle strengthening",
        "summary": (
            "For weakness or wasting of the trapezius, for example from disuse or, once the "
            "treating team agrees, after accessory nerve injury or neck surgery. Builds "
            "shoulder blade control first, then band and light-weight strength; keep loads "
            "low and non-fatiguing while the muscle is weak, and progress on good form."
        ),
        "notes_for_patient": (
            "This program strengthens the trapezius, the large muscle across the top of your "
            "shoulders and upper back, and the muscles that hold your shoulder blades in place. "
            "Strong shoulder blade muscles help support your neck and make lifting your arms "
            "easier. You start with light holds every day, then add a band and light weights a "
            "few days a week. Your muscles should feel like they worked, but not sore the next "
            "day. Move slowly, stop each set before your form slips, and never push through "
            "sharp pain. " + _STOP_AND_CALL
        ),
        "items": [
            {
                "exercise": "shoulder-blade-setting",
                "sets": 1,
                "reps": 10,
                "hold_seconds": 10,
                "rest_seconds": 0,
                "side": "none",
                "times_per_day": 2,
                "days_of_week": [0, 1, 2, 3, 4, 5, 6],
                "notes": "Light and steady. This is the base for every other exercise here.",
                "phase_name": "Weeks 1-3: Control",
                "phase_start_week": 1,
                "phase_end_week": 3,
            },
            {
                "exercise": "shoulder-shrug",
                "sets": 2,
                "reps": 10,
                "hold_seconds": 2,
                "rest_seconds": 30,
                "side": "none",
                "times_per_day": 1,
                "days_of_week": [0, 1, 2, 3, 4, 5, 6],
                "notes": "Lift only as high as is comfortable and lower slowly.",
                "phase_name": "Weeks 1-3: Control",
                "phase_start_week": 1,
                "phase_end_week": 3,
            },
            {
                "exercise": "scapular-retraction",
                "sets": 2,
                "reps": 10,
                "hold_seconds": 5,
                "rest_seconds": 30,
                "side": "none",
                "times_per_day": 1,
                "days_of_week": [0, 1, 2, 3, 4, 5, 6],
                "notes": "",
                "phase_name": "Weeks 1-3: Control",
                "phase_start_week": 1,
                "phase_end_week": 3,
            },
            {
                "exercise": "wall-slide",
                "sets": 2,
                "reps": 10,
                "hold_seconds": 2,
                "rest_seconds": 30,
                "side": "none",
                "times_per_day": 1,
                "days_of_week": [0, 2, 4],
                "notes": "Slide only as high as you can without shrugging or pain.",
                "phase_name": "Weeks 1-3: Control",
                "phase_start_week": 1,
                "phase_end_week": 3,
            },
            {
                "exercise": "shoulder-blade-setting",
                "sets": 1,
                "reps": 10,
                "hold_seconds": 10,
                "rest_seconds": 0,
                "side": "none",
                "times_per_day": 1,
                "days_of_week": [0, 1, 2, 3, 4, 5, 6],
                "notes": "Once a day now, as a warm-up.",
                "phase_name": "Weeks 4-6: Band strength",
                "phase_start_week": 4,
                "phase_end_week": 6,
            },
            {
                "exercise": "shoulder-shrug",
                "sets": 3,
                "reps": 10,
                "hold_seconds": 2,
                "rest_seconds": 30,
                "side": "none",
                "times_per_day": 1,
                "days_of_week": [0, 2, 4],
                "notes": "",
                "phase_name": "Weeks 4-6: Band strength",
                "phase_start_week": 4,
                "phase_end_week": 6,
            },
            {
                "exercise": "band-row",
                "sets": 3,
                "reps": 10,
                "hold_seconds": 2,
                "rest_seconds": 60,
                "side": "none",
                "times_per_day": 1,
                "days_of_week": [0, 2, 4],
                "notes": "Start with a light band. Set your shoulder blades before each pull.",
                "phase_name": "Weeks 4-6: Band strength",
                "phase_start_week": 4,
                "phase_end_week": 6,
            },
            {
                "exercise": "wall-y-lift-off",
                "sets": 2,
                "reps": 8,
                "hold_seconds": 3,
                "rest_seconds": 30,
                "side": "none",
                "times_per_day": 1,
                "days_of_week": [0, 2, 4],
                "notes": "A small lift is enough. Skip it if raising your arms overhead hurts.",
                "phase_name": "Weeks 4-6: Band strength",
                "phase_start_week": 4,
                "phase_end_week": 6,
            },
            {
                "exercise": "shoulder-shrug-weights",
                "sets": 3,
                "reps": 10,
                "hold_seconds": 2,
                "rest_seconds": 60,
                "side": "none",
                "times_per_day": 1,
                "days_of_week": [0, 2, 4],
                "notes": "Start with water bottles. Add weight only when your clinician agrees.",
                "phase_name": "Week 7 on: Loaded strength",
                "phase_start_week": 7,
                "phase_end_week": None,
            },
            {
                "exercise": "band-row",
                "sets": 3,
                "reps": 10,
                "hold_seconds": 2,
                "rest_seconds": 60,
                "side": "none",
                "times_per_day": 1,
                "days_of_week": [0, 2, 4],
                "notes": "",
                "phase_name": "Week 7 on: Loaded strength",
                "phase_start_week": 7,
                "phase_end_week": None,
            },
            {
                "exercise": "prone-t",
                "sets": 2,
                "reps": 10,
                "hold_seconds": 3,
                "rest_seconds": 45,
                "side": "none",
                "times_per_day": 1,
                "days_of_week": [1, 3, 5],
                "notes": "No weight at first. Skip it if lying on your stomach is uncomfortable.",
                "phase_name": "Week 7 on: Loaded strength",
                "phase_start_week": 7,
                "phase_end_week": None,
            },
            {
                "exercise": "prone-y",
                "sets": 2,
                "reps": 8,
                "hold_seconds": 3,
                "rest_seconds": 45,
                "side": "none",
                "times_per_day": 1,
                "days_of_week": [1, 3, 5],
                "notes": (
                    "Lift just a few inches. If your shoulder pinches, go back to the wall Y "
                    "lift and tell your clinician."
                ),
                "phase_name": "Week 7 on: Loaded strength",
                "phase_start_week": 7,
                "phase_end_week": None,
            },
        ],
    },
    {
        "slug": "gentle-stretching-and-mobility",
        "name": "Gentle stretching and mobility",
        "summary": (
            "For neck stiffness and muscle tension, such as an overworked upper trapezius and "
            "levator scapulae, without nerve signs. Daily easy range of motion, breathing and "
            "stretches; the SCM and scalene stretches are lighter and can be removed if they "
            "provoke dizziness or arm symptoms."
        ),
        "notes_for_patient": (
            "This program keeps your neck moving and eases tight muscles around your neck and "
            "shoulders. Do it as one short, calm routine, usually twice a day. Move slowly and "
            "only as far as is comfortable. A mild, even stretch is fine, but sharp pain is "
            "not, and you should never bounce or force a stretch. Breathe normally the whole "
            "time. If your neck is sore on a given day, do smaller movements rather than "
            "skipping the whole routine. " + _STOP_AND_CALL
        ),
        "items": [
            {
                "exercise": "slow-exhale-breathing",
                "sets": 1,
                "reps": 10,
                "hold_seconds": 0,
                "rest_seconds": 0,
                "side": "none",
                "times_per_day": 2,
                "days_of_week": [0, 1, 2, 3, 4, 5, 6],
                "notes": "Start your routine with this to let your shoulders drop and relax.",
                "phase_name": "",
                "phase_start_week": None,
                "phase_end_week": None,
            },
            {
                "exercise": "shoulder-rolls",
                "sets": 1,
                "reps": 10,
                "hold_seconds": 0,
                "rest_seconds": 0,
                "side": "none",
                "times_per_day": 2,
                "days_of_week": [0, 1, 2, 3, 4, 5, 6],
                "notes": "",
                "phase_name": "",
                "phase_start_week": None,
                "phase_end_week": None,
            },
            {
                "exercise": "neck-rotation",
                "sets": 1,
                "reps": 10,
                "hold_seconds": 0,
                "rest_seconds": 0,
                "side": "both",
                "times_per_day": 2,
                "days_of_week": [0, 1, 2, 3, 4, 5, 6],
                "notes": "Turn only as far as is comfortable. Keep your chin level.",
                "phase_name": "",
                "phase_start_week": None,
                "phase_end_week": None,
            },
            {
                "exercise": "neck-side-bend",
                "sets": 1,
                "reps": 10,
                "hold_seconds": 0,
                "rest_seconds": 0,
                "side": "both",
                "times_per_day": 2,
                "days_of_week": [0, 1, 2, 3, 4, 5, 6],
                "notes": "Bring your ear toward your shoulder, not your shoulder up to your ear.",
                "phase_name": "",
                "phase_start_week": None,
                "phase_end_week": None,
            },
            {
                "exercise": "upper-trapezius-stretch",
                "sets": 1,
                "reps": 3,
                "hold_seconds": 30,
                "rest_seconds": 0,
                "side": "both",
                "times_per_day": 2,
                "days_of_week": [0, 1, 2, 3, 4, 5, 6],
                "notes": "",
                "phase_name": "",
                "phase_start_week": None,
                "phase_end_week": None,
            },
            {
                "exercise": "levator-scapulae-stretch",
                "sets": 1,
                "reps": 3,
                "hold_seconds": 30,
                "rest_seconds": 0,
                "side": "both",
                "times_per_day": 2,
                "days_of_week": [0, 1, 2, 3, 4, 5, 6],
                "notes": "",
                "phase_name": "",
                "phase_start_week": None,
                "phase_end_week": None,
            },
            {
                "exercise": "scm-stretch",
                "sets": 1,
                "reps": 2,
                "hold_seconds": 20,
                "rest_seconds": 0,
                "side": "both",
                "times_per_day": 1,
                "days_of_week": [0, 1, 2, 3, 4, 5, 6],
                "notes": (
                    "Keep the chin lift very small. If looking up makes you dizzy or unwell, "
                    "stop this stretch and tell your clinician."
                ),
                "phase_name": "",
                "phase_start_week": None,
                "phase_end_week": None,
            },
            {
                "exercise": "scalene-stretch",
                "sets": 1,
                "reps": 2,
                "hold_seconds": 20,
                "rest_seconds": 0,
                "side": "both",
                "times_per_day": 1,
                "days_of_week": [0, 1, 2, 3, 4, 5, 6],
                "notes": (
                    "Ease out at once if your arm or hand tingles, and tell your clinician "
                    "before you try it again."
                ),
                "phase_name": "",
                "phase_start_week": None,
                "phase_end_week": None,
            },
        ],
    },
]


_LIMITS = {
    "sets": (1, 20),
    "reps": (1, 100),
    "hold_seconds": (0, 600),
    "rest_seconds": (0, 600),
    "times_per_day": (1, 12),
}
_SIDES = {"none", "both", "left", "right"}
_ITEM_KEYS = {
    *_LIMITS,
    "exercise",
    "side",
    "days_of_week",
    "notes",
    "phase_name",
    "phase_start_week",
    "phase_end_week",
}
_PROTOCOL_KEYS = {"slug", "name", "summary", "notes_for_patient", "items"}
_EXPECTED_SLUGS = [
    "deep-neck-flexor-progression",
    "desk-worker-posture-reset",
    "trapezius-accessory-strengthening",
    "gentle-stretching-and-mobility",
]


def _text_ok(text: str) -> bool:
    return text == text.strip() and text.isascii() and "  " not in text


def _phase_problems(slug: str, items: list[dict]) -> list[str]:
    """Phases: all or none of the items; each name has one week range; the ranges run in order
    from week 1 without gaps or overlaps (only the last may be open-ended); an exercise appears
    at most once per phase."""
    errors: list[str] = []
    phased = [bool(item["phase_name"]) for item in items]
    if not any(phased):
        if any(item["phase_start_week"] or item["phase_end_week"] for item in items):
            errors.append(f"{slug}: weeks given without a phase name")
        return errors
    if not all(phased):
        return [f"{slug}: some items have a phase and some do not"]
    ranges: dict[str, tuple[int, int | None]] = {}
    for item in items:
        start, end = item["phase_start_week"], item["phase_end_week"]
        if not isinstance(start, int) or start < 1 or (end is not None and end < start):
            errors.append(f"{slug}/{item['exercise']}: bad phase weeks {start}-{end}")
            continue
        if len(item["phase_name"]) > 60 or not _text_ok(item["phase_name"]):
            errors.append(f"{slug}: bad phase name {item['phase_name']!r}")
        if ranges.setdefault(item["phase_name"], (start, end)) != (start, end):
            errors.append(f"{slug}: phase {item['phase_name']!r} has more than one week range")
    if errors:
        return errors
    expected_start = 1
    ordered = sorted(ranges.items(), key=lambda pair: pair[1][0])
    for index, (name, (start, end)) in enumerate(ordered):
        if start != expected_start:
            errors.append(f"{slug}: phase {name!r} starts in week {start}, not {expected_start}")
        if end is None:
            if index != len(ordered) - 1:
                errors.append(f"{slug}: only the last phase may run until the end")
            break
        expected_start = end + 1
    for exercise in {item["exercise"] for item in items}:
        spans = sorted(
            (item["phase_start_week"], item["phase_end_week"] or 10**6)
            for item in items
            if item["exercise"] == exercise
        )
        for (_, first_end), (second_start, _) in pairwise(spans):
            if second_start <= first_end:
                errors.append(f"{slug}/{exercise}: phases overlap")
    return errors


def _problems(exercises: list[dict]) -> list[str]:
    """Everything wrong with PROTOCOLS, as readable lines (empty when it is all valid)."""
    errors: list[str] = []
    library = {ex["slug"]: ex for ex in exercises}
    slugs = [protocol.get("slug") for protocol in PROTOCOLS]
    if slugs != _EXPECTED_SLUGS:
        errors.append(f"expected the four protocols {_EXPECTED_SLUGS}, got {slugs}")
    for protocol in PROTOCOLS:
        slug = protocol.get("slug", "?")
        if set(protocol) != _PROTOCOL_KEYS:
            errors.append(f"{slug}: keys should be {sorted(_PROTOCOL_KEYS)}")
            continue
        texts = [protocol["name"], protocol["summary"], protocol["notes_for_patient"]]
        if not all(text and _text_ok(text) for text in texts) or len(protocol["name"]) > 120:
            errors.append(f"{slug}: empty, non-ASCII, double-spaced or too long text")
        if "clinician" not in protocol["notes_for_patient"]:
            errors.append(f"{slug}: notes_for_patient must tell the patient when to stop")
        items = protocol["items"]
        if not items:
            errors.append(f"{slug}: no items")
        for item in items:
            where = f"{slug}/{item.get('exercise')}"
            if set(item) != _ITEM_KEYS:
                errors.append(f"{where}: keys should be {sorted(_ITEM_KEYS)}")
                continue
            exercise = library.get(item["exercise"])
            if exercise is None:
                errors.append(f"{where}: no such exercise in the library")
                continue
            for field, (low, high) in _LIMITS.items():
                value = item[field]
                if (
                    not isinstance(value, int)
                    or isinstance(value, bool)
                    or not low <= value <= high
                ):
                    errors.append(f"{where}: {field}={value!r} is outside {low}-{high}")
            if item["sets"] > 1 and item["rest_seconds"] == 0:
                errors.append(f"{where}: several sets need a rest")
            if item["side"] not in _SIDES:
                errors.append(f"{where}: side {item['side']!r} is not one of {sorted(_SIDES)}")
            elif (item["side"] == "none") != (exercise["dosage"]["side"] == "none"):
                errors.append(f"{where}: side {item['side']!r} does not suit this exercise")
            days = item["days_of_week"]
            if (
                not isinstance(days, list)
                or not days
                or days != sorted(set(days))
                or not all(isinstance(day, int) and 0 <= day <= 6 for day in days)
            ):
                errors.append(f"{where}: days_of_week must be sorted, unique days 0-6")
            if len(item["notes"]) > 300 or (item["notes"] and not _text_ok(item["notes"])):
                errors.append(f"{where}: notes too long, non-ASCII or double-spaced")
        errors += _phase_problems(slug, items)
    return errors


if __name__ == "__main__":
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from exercises.library_data import EXERCISES

    found = _problems(EXERCISES)
    for line in found:
        print(line)
    for protocol in PROTOCOLS:
        phases = sorted({item["phase_name"] for item in protocol["items"]} - {""})
        detail = f"{len(phases)} phases" if phases else "no phases"
        print(f"{protocol['slug']:<36} {len(protocol['items']):>2} items, {detail}")
    print(f"{'total':<36} {sum(len(p['items']) for p in PROTOCOLS):>2} items")
    sys.exit(1 if found else 0)
