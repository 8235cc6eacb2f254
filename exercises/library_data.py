"""Shared exercise library: the exercises therapists prescribe and patients follow.

Plain data, importable without Django. `python manage.py sync_exercise_library` loads it into
the database (exercises.services.library_sync). Run this file directly for a self-check:
`python3 exercises/library_data.py`.

Patient text: `summary`, `steps`, `cues`, `common_mistakes`, `precautions` and `stop_if` are
written for patients reading on a phone: second person, short sentences, plain words (about a
12-year-old reading level), American spelling. The wording is our own; the facts come from the
patient-education sources behind the design notes. The text makes no promise of a cure.

Safety review: every exercise was checked against the red flags in the design notes. Each has
concrete precautions (move gently in a comfortable range, a mild stretch is fine but sharp pain
is not, no bouncing, keep breathing) and a `stop_if` that names the warning signs to stop for,
tells the patient to contact their clinician, and ends with URGENT_CARE, the signs that need
urgent medical help. Give any change to patient text the same review, and a clinician's
sign-off, before release.

Dosage is the default a therapist starts from, not a prescription:
- `reps` is repetitions per set; with side "both", per side (holds for stretches).
- `hold_seconds` is the hold in each repetition; 0 means no hold.
- `rest_seconds` is the rest between sets; 0 for single-set exercises (the short pause between
  single holds is in the steps).
- Ergonomic tasks count one "rep" per check; `times_per_day` is how often to do or check it.
- `progression` and `regression` name the next harder and next easier exercise (or None).
"""

URGENT_CARE = (
    "Call emergency services or get urgent care right away if you have a sudden, severe "
    "headache, double vision, fainting, or trouble speaking or swallowing. Do the same for "
    "new weakness or clumsiness in your arms or legs, trouble walking or with balance, or a "
    "change in bladder or bowel control."
)

MUSCLES: list[tuple[str, str]] = [
    ("deep-neck-flexors", "Deep neck flexors (longus colli and longus capitis)"),
    ("upper-trapezius", "Upper trapezius"),
    ("middle-trapezius", "Middle trapezius"),
    ("lower-trapezius", "Lower trapezius"),
    ("sternocleidomastoid", "Sternocleidomastoid (SCM)"),
    ("levator-scapulae", "Levator scapulae"),
    ("scalenes", "Scalenes"),
    ("suboccipitals", "Suboccipital muscles (base of the skull)"),
    ("cervical-extensors", "Neck extensors (including multifidus and semispinalis)"),
    ("rhomboids", "Rhomboids"),
    ("serratus-anterior", "Serratus anterior"),
    ("pectoralis-minor", "Pectoralis minor"),
    ("pectoralis-major", "Pectoralis major"),
    ("thoracic-extensors", "Upper back extensors (thoracic erector spinae)"),
    ("diaphragm", "Diaphragm"),
]

EXERCISES: list[dict] = [
    {
        "slug": "chin-tuck-lying",
        "name": "Chin tuck lying down",
        "category": "deep_neck_flexor",
        "level": "beginner",
        "muscles": ["deep-neck-flexors"],
        "summary": (
            "A tiny nod that wakes up the deep muscles at the front of your neck, done lying "
            "down so your head is fully supported."
        ),
        "steps": [
            "Lie on your back with your knees bent and your feet flat.",
            "Rest your head on a thin pillow or folded towel so your face is level.",
            "Gently slide your chin straight back, as if making a double chin.",
            "Keep the back of your head resting on the pillow. Do not lift it.",
            "Hold for 10 seconds while you breathe normally.",
            "Relax fully for a few seconds, then repeat.",
        ],
        "cues": [
            "Think of a very small nod, like saying yes quietly.",
            "Use only a little effort. This is a gentle move, not a hard push.",
            "The big muscles at the front of your neck should stay soft.",
        ],
        "common_mistakes": [
            "Pushing your head down hard into the pillow.",
            "Lifting your head off the pillow.",
            "Holding your breath.",
            "Clenching your jaw.",
        ],
        "precautions": (
            "Move gently and only as far as is comfortable. A mild pull at the base of your "
            "skull is fine. Sharp pain is not. If lying flat is hard for you, ask your "
            "clinician about using an extra pillow."
        ),
        "stop_if": (
            "Stop and contact your clinician if pain spreads into your arm or you feel dizzy. Do "
            "the same if you get numbness, tingling, or weakness in your arm or hand, or your "
            "hands feel clumsy. Also tell them if your neck pain is clearly worse the next day. "
            + URGENT_CARE
        ),
        "equipment": "Thin pillow or folded towel",
        "dosage": {
            "sets": 1,
            "reps": 10,
            "hold_seconds": 10,
            "rest_seconds": 0,
            "side": "none",
            "times_per_day": 2,
        },
        "progression": "chin-tuck-sitting",
        "regression": None,
    },
    {
        "slug": "chin-tuck-sitting",
        "name": "Chin tuck sitting",
        "category": "deep_neck_flexor",
        "level": "beginner",
        "muscles": ["deep-neck-flexors"],
        "summary": (
            "The same small chin tuck done sitting up, so your deep neck muscles learn to "
            "hold your head in a good position during the day."
        ),
        "steps": [
            "Sit tall on a firm chair with your feet flat on the floor.",
            "Look straight ahead with your eyes level.",
            "Gently draw your chin straight back. Your head slides back, not down.",
            "Hold for 10 seconds and keep breathing.",
            "Relax back to the start for a few seconds, then repeat.",
        ],
        "cues": [
            "Imagine a string gently pulling the top of your head toward the ceiling.",
            "Keep your shoulders low and relaxed.",
            "Make it small. Moving an inch or less is enough.",
        ],
        "common_mistakes": [
            "Dropping your chin toward your chest instead of sliding it back.",
            "Tipping your head to look up or down.",
            "Shrugging your shoulders.",
            "Holding your breath.",
        ],
        "precautions": (
            "Keep the movement small and gentle. A light stretch at the base of your skull is "
            "normal. Do not push into pain. If the holds make your neck ache, use shorter "
            "holds and tell your clinician."
        ),
        "stop_if": (
            "Stop and contact your clinician if pain spreads into your arm or you feel dizzy. Do "
            "the same if you get numbness, tingling, or weakness in your arm or hand, or your "
            "hands feel clumsy. Also tell them if your neck pain is clearly worse the next day. "
            + URGENT_CARE
        ),
        "equipment": "Chair",
        "dosage": {
            "sets": 1,
            "reps": 10,
            "hold_seconds": 10,
            "rest_seconds": 0,
            "side": "none",
            "times_per_day": 3,
        },
        "progression": "chin-tuck-head-lift",
        "regression": "chin-tuck-lying",
    },
    {
        "slug": "chin-tuck-head-lift",
        "name": "Chin tuck with head lift",
        "category": "deep_neck_flexor",
        "level": "intermediate",
        "muscles": ["deep-neck-flexors", "sternocleidomastoid"],
        "summary": (
            "Lifting your head just off the bed while you keep a chin tuck builds the staying "
            "power of your deep neck muscles."
        ),
        "steps": [
            "Lie on your back with your knees bent and no pillow.",
            "Tuck your chin gently, as in the chin tuck lying down.",
            "Keep the tuck and lift your head about an inch off the bed.",
            "Hold for 10 seconds while you breathe normally.",
            "Lower your head slowly and rest for a few seconds. Repeat.",
        ],
        "cues": [
            "Keep the double chin the whole time.",
            "Lift only a little. Higher is not better.",
            "End the hold as soon as your chin starts to poke up or your head shakes.",
        ],
        "common_mistakes": [
            "Letting your chin poke forward as you lift.",
            "Lifting your head too high.",
            "Straining or holding your breath.",
            "Tensing your shoulders.",
        ],
        "precautions": (
            "This is harder than it looks. Hold only as long as your form stays good. "
            "Shaking, a poking chin, or strain at the front of your neck means the hold is "
            "over. Do not do this if lifting your head makes you dizzy. If you have had a "
            "recent neck injury, check with your clinician first."
        ),
        "stop_if": (
            "Stop and contact your clinician if pain spreads into your arm or you feel dizzy. Do "
            "the same if you get numbness, tingling, or weakness in your arm or hand, or your "
            "hands feel clumsy. Also stop if you get a headache during the holds. " + URGENT_CARE
        ),
        "equipment": "None",
        "dosage": {
            "sets": 1,
            "reps": 5,
            "hold_seconds": 10,
            "rest_seconds": 0,
            "side": "none",
            "times_per_day": 1,
        },
        "progression": "deep-neck-endurance-hold",
        "regression": "chin-tuck-sitting",
    },
    {
        "slug": "deep-neck-endurance-hold",
        "name": "Deep neck endurance hold",
        "category": "deep_neck_flexor",
        "level": "advanced",
        "muscles": ["deep-neck-flexors", "sternocleidomastoid"],
        "summary": (
            "A longer chin tuck and head lift that builds endurance in your deep neck "
            "muscles. You hold only as long as your form stays good."
        ),
        "steps": [
            "Lie on your back with your knees bent and no pillow.",
            "Tuck your chin gently and lift your head about an inch off the bed.",
            "Hold while you breathe normally. Use the timer to count the seconds.",
            "Stop the hold as soon as your chin pokes up, your head drops, or your neck shakes.",
            "Lower your head slowly and rest before the next hold.",
            "Note how many seconds you held with good form.",
        ],
        "cues": [
            "Good form matters more than the time.",
            "Keep your face and jaw relaxed.",
            "Small gains add up. A few more seconds each week is real progress.",
        ],
        "common_mistakes": [
            "Carrying on after your chin has started to poke up.",
            "Lifting your head too high.",
            "Holding your breath.",
        ],
        "precautions": (
            "The 30 seconds is a goal, not a rule. Many people with neck pain hold less than "
            "that at first, and that is fine. Never push through pain or strain. Skip this "
            "exercise on a day when your neck is flared up, and ask your clinician what to do "
            "instead."
        ),
        "stop_if": (
            "Stop and contact your clinician if pain spreads into your arm or you feel dizzy. Do "
            "the same if you get numbness, tingling, or weakness in your arm or hand, or your "
            "hands feel clumsy. Also stop if you get a headache during the holds. " + URGENT_CARE
        ),
        "equipment": "None",
        "dosage": {
            "sets": 3,
            "reps": 1,
            "hold_seconds": 30,
            "rest_seconds": 30,
            "side": "none",
            "times_per_day": 1,
        },
        "progression": None,
        "regression": "chin-tuck-head-lift",
    },
    {
        "slug": "craniocervical-flexion-22",
        "name": "Head nod with pressure cuff: 22 mmHg",
        "category": "deep_neck_flexor",
        "level": "beginner",
        "muscles": ["deep-neck-flexors"],
        "summary": (
            "The first stage of a slow, gentle head nod guided by a pressure cuff under your "
            "neck. It trains the deep neck muscles to work without the bigger muscles taking "
            "over."
        ),
        "steps": [
            (
                "Lie on your back with your knees bent. Keep your face level. Use a folded towel "
                "under your head if you need it."
            ),
            (
                "Place the folded pressure cuff under the curve of your neck and pump it up to 20 "
                "mmHg."
            ),
            "Slowly nod your head as if saying yes, until the dial reads 22.",
            "Hold the needle steady at 22 for 10 seconds while you breathe normally.",
            "Relax back to 20 and rest for a few seconds. Repeat.",
        ],
        "cues": [
            "Nod, don't push. The back of your head slides up the towel a little.",
            "A steady needle means good control.",
            "Keep your jaw loose, lips together, and teeth slightly apart.",
        ],
        "common_mistakes": [
            "Pushing your head back into the cuff or lifting it off.",
            "Letting the needle drift down or bounce.",
            "Tightening the big muscles at the front of your neck. They should stay soft.",
            "Holding your breath.",
        ],
        "precautions": (
            "Use the pressure cuff only after your clinician has shown you how. Move slowly "
            "and gently; this is a small, precise movement, not a strong one. If you cannot "
            "hold 22 steady for 10 seconds, go back to the chin tuck lying down for now."
        ),
        "stop_if": (
            "Stop and contact your clinician if pain spreads into your arm or you feel dizzy. Do "
            "the same if you get numbness, tingling, or weakness in your arm or hand, or your "
            "hands feel clumsy. Also tell them if your neck pain is clearly worse the next day. "
            + URGENT_CARE
        ),
        "equipment": "Pressure biofeedback unit",
        "dosage": {
            "sets": 1,
            "reps": 10,
            "hold_seconds": 10,
            "rest_seconds": 0,
            "side": "none",
            "times_per_day": 2,
        },
        "progression": "craniocervical-flexion-24",
        "regression": "chin-tuck-lying",
    },
    {
        "slug": "craniocervical-flexion-24",
        "name": "Head nod with pressure cuff: 24 mmHg",
        "category": "deep_neck_flexor",
        "level": "beginner",
        "muscles": ["deep-neck-flexors"],
        "summary": (
            "The second stage of the guided head nod. A slightly deeper nod takes the "
            "pressure cuff to 24 mmHg."
        ),
        "steps": [
            (
                "Lie on your back with your knees bent. Keep your face level. Use a folded towel "
                "under your head if you need it."
            ),
            (
                "Place the folded pressure cuff under the curve of your neck and pump it up to 20 "
                "mmHg."
            ),
            "Slowly nod your head as if saying yes, until the dial reads 24.",
            "Hold the needle steady at 24 for 10 seconds while you breathe normally.",
            "Relax back to 20 and rest for a few seconds. Repeat.",
        ],
        "cues": [
            "Nod, don't push. The back of your head slides up the towel a little.",
            "A steady needle means good control.",
            "Keep your jaw loose, lips together, and teeth slightly apart.",
        ],
        "common_mistakes": [
            "Pushing your head back into the cuff or lifting it off.",
            "Letting the needle drift down or bounce.",
            "Tightening the big muscles at the front of your neck. They should stay soft.",
            "Holding your breath.",
        ],
        "precautions": (
            "Only start this stage when you can do 10 steady 10-second holds at 22. Move "
            "slowly and gently. If the needle wobbles or the big muscles at the front of your "
            "neck tighten, go back to 22."
        ),
        "stop_if": (
            "Stop and contact your clinician if pain spreads into your arm or you feel dizzy. Do "
            "the same if you get numbness, tingling, or weakness in your arm or hand, or your "
            "hands feel clumsy. Also tell them if your neck pain is clearly worse the next day. "
            + URGENT_CARE
        ),
        "equipment": "Pressure biofeedback unit",
        "dosage": {
            "sets": 1,
            "reps": 10,
            "hold_seconds": 10,
            "rest_seconds": 0,
            "side": "none",
            "times_per_day": 2,
        },
        "progression": "craniocervical-flexion-26",
        "regression": "craniocervical-flexion-22",
    },
    {
        "slug": "craniocervical-flexion-26",
        "name": "Head nod with pressure cuff: 26 mmHg",
        "category": "deep_neck_flexor",
        "level": "intermediate",
        "muscles": ["deep-neck-flexors"],
        "summary": (
            "The middle stage of the guided head nod. A deeper, well-controlled nod takes the "
            "pressure cuff to 26 mmHg."
        ),
        "steps": [
            (
                "Lie on your back with your knees bent. Keep your face level. Use a folded towel "
                "under your head if you need it."
            ),
            (
                "Place the folded pressure cuff under the curve of your neck and pump it up to 20 "
                "mmHg."
            ),
            "Slowly nod your head as if saying yes, until the dial reads 26.",
            "Hold the needle steady at 26 for 10 seconds while you breathe normally.",
            "Relax back to 20 and rest for a few seconds. Repeat.",
        ],
        "cues": [
            "Nod, don't push. The back of your head slides up the towel a little.",
            "A steady needle means good control.",
            "Keep your jaw loose, lips together, and teeth slightly apart.",
        ],
        "common_mistakes": [
            "Pushing your head back into the cuff or lifting it off.",
            "Letting the needle drift down or bounce.",
            "Tightening the big muscles at the front of your neck. They should stay soft.",
            "Holding your breath.",
        ],
        "precautions": (
            "Only start this stage when you can do 10 steady 10-second holds at 24. Move "
            "slowly and gently. If the needle wobbles or the big muscles at the front of your "
            "neck tighten, go back to 24."
        ),
        "stop_if": (
            "Stop and contact your clinician if pain spreads into your arm or you feel dizzy. Do "
            "the same if you get numbness, tingling, or weakness in your arm or hand, or your "
            "hands feel clumsy. Also tell them if your neck pain is clearly worse the next day. "
            + URGENT_CARE
        ),
        "equipment": "Pressure biofeedback unit",
        "dosage": {
            "sets": 1,
            "reps": 10,
            "hold_seconds": 10,
            "rest_seconds": 0,
            "side": "none",
            "times_per_day": 2,
        },
        "progression": "craniocervical-flexion-28",
        "regression": "craniocervical-flexion-24",
    },
    {
        "slug": "craniocervical-flexion-28",
        "name": "Head nod with pressure cuff: 28 mmHg",
        "category": "deep_neck_flexor",
        "level": "intermediate",
        "muscles": ["deep-neck-flexors"],
        "summary": (
            "The fourth stage of the guided head nod. A deep, steady nod takes the pressure "
            "cuff to 28 mmHg."
        ),
        "steps": [
            (
                "Lie on your back with your knees bent. Keep your face level. Use a folded towel "
                "under your head if you need it."
            ),
            (
                "Place the folded pressure cuff under the curve of your neck and pump it up to 20 "
                "mmHg."
            ),
            "Slowly nod your head as if saying yes, until the dial reads 28.",
            "Hold the needle steady at 28 for 10 seconds while you breathe normally.",
            "Relax back to 20 and rest for a few seconds. Repeat.",
        ],
        "cues": [
            "Nod, don't push. The back of your head slides up the towel a little.",
            "A steady needle means good control.",
            "Keep your jaw loose, lips together, and teeth slightly apart.",
        ],
        "common_mistakes": [
            "Pushing your head back into the cuff or lifting it off.",
            "Letting the needle drift down or bounce.",
            "Tightening the big muscles at the front of your neck. They should stay soft.",
            "Holding your breath.",
        ],
        "precautions": (
            "Only start this stage when you can do 10 steady 10-second holds at 26. Move "
            "slowly and gently. If the needle wobbles or the big muscles at the front of your "
            "neck tighten, go back to 26."
        ),
        "stop_if": (
            "Stop and contact your clinician if pain spreads into your arm or you feel dizzy. Do "
            "the same if you get numbness, tingling, or weakness in your arm or hand, or your "
            "hands feel clumsy. Also tell them if your neck pain is clearly worse the next day. "
            + URGENT_CARE
        ),
        "equipment": "Pressure biofeedback unit",
        "dosage": {
            "sets": 1,
            "reps": 10,
            "hold_seconds": 10,
            "rest_seconds": 0,
            "side": "none",
            "times_per_day": 2,
        },
        "progression": "craniocervical-flexion-30",
        "regression": "craniocervical-flexion-26",
    },
    {
        "slug": "craniocervical-flexion-30",
        "name": "Head nod with pressure cuff: 30 mmHg",
        "category": "deep_neck_flexor",
        "level": "advanced",
        "muscles": ["deep-neck-flexors"],
        "summary": (
            "The last stage of the guided head nod. The deepest nod takes the pressure cuff "
            "to 30 mmHg while the big neck muscles stay relaxed."
        ),
        "steps": [
            (
                "Lie on your back with your knees bent. Keep your face level. Use a folded towel "
                "under your head if you need it."
            ),
            (
                "Place the folded pressure cuff under the curve of your neck and pump it up to 20 "
                "mmHg."
            ),
            "Slowly nod your head as if saying yes, until the dial reads 30.",
            "Hold the needle steady at 30 for 10 seconds while you breathe normally.",
            "Relax back to 20 and rest for a few seconds. Repeat.",
        ],
        "cues": [
            "Nod, don't push. The back of your head slides up the towel a little.",
            "A steady needle means good control.",
            "Keep your jaw loose, lips together, and teeth slightly apart.",
        ],
        "common_mistakes": [
            "Pushing your head back into the cuff or lifting it off.",
            "Letting the needle drift down or bounce.",
            "Tightening the big muscles at the front of your neck. They should stay soft.",
            "Holding your breath.",
        ],
        "precautions": (
            "Only start this stage when you can do 10 steady 10-second holds at 28. Move "
            "slowly and gently. If the big muscles at the front of your neck tighten or the "
            "needle wobbles, go back to 28."
        ),
        "stop_if": (
            "Stop and contact your clinician if pain spreads into your arm or you feel dizzy. Do "
            "the same if you get numbness, tingling, or weakness in your arm or hand, or your "
            "hands feel clumsy. Also tell them if your neck pain is clearly worse the next day. "
            + URGENT_CARE
        ),
        "equipment": "Pressure biofeedback unit",
        "dosage": {
            "sets": 1,
            "reps": 10,
            "hold_seconds": 10,
            "rest_seconds": 0,
            "side": "none",
            "times_per_day": 2,
        },
        "progression": "deep-neck-endurance-hold",
        "regression": "craniocervical-flexion-28",
    },
    {
        "slug": "isometric-neck-flexion",
        "name": "Neck press forward (isometric)",
        "category": "strengthening",
        "level": "beginner",
        "muscles": ["deep-neck-flexors", "sternocleidomastoid"],
        "summary": (
            "You gently press your forehead into your hand without moving, which strengthens "
            "the front neck muscles in a safe, still position."
        ),
        "steps": [
            "Sit tall with your eyes level and your chin gently tucked.",
            "Place your palm on your forehead.",
            "Slowly press your forehead into your hand, and let your hand stop any movement.",
            "Hold for 10 seconds while you breathe normally.",
            "Ease off slowly and rest for a few seconds. Repeat.",
        ],
        "cues": [
            "Your hand and your head push equally, so nothing moves.",
            "Use about a quarter of your strength.",
            "Breathe out slowly, or count out loud, during the hold.",
        ],
        "common_mistakes": [
            "Pushing hard or suddenly.",
            "Letting your head tip forward.",
            "Holding your breath.",
            "Shrugging your shoulders.",
        ],
        "precautions": (
            "Build the push slowly and let it go slowly. Use only about a quarter of your "
            "strength; your head should not move at all. Keep breathing the whole time. This "
            "matters even more if you have high blood pressure. If the push hurts, press more "
            "softly."
        ),
        "stop_if": (
            "Stop and contact your clinician if pain spreads into your arm or you feel dizzy. Do "
            "the same if you get numbness, tingling, or weakness in your arm or hand, or your "
            "hands feel clumsy. " + URGENT_CARE
        ),
        "equipment": "None",
        "dosage": {
            "sets": 1,
            "reps": 5,
            "hold_seconds": 10,
            "rest_seconds": 0,
            "side": "none",
            "times_per_day": 2,
        },
        "progression": "chin-tuck-head-lift",
        "regression": "chin-tuck-sitting",
    },
    {
        "slug": "isometric-neck-extension",
        "name": "Neck press backward (isometric)",
        "category": "strengthening",
        "level": "beginner",
        "muscles": ["cervical-extensors", "suboccipitals", "upper-trapezius"],
        "summary": (
            "You gently press the back of your head into your hands without moving, which "
            "strengthens the muscles at the back of your neck."
        ),
        "steps": [
            "Sit tall with your eyes level and your chin gently tucked.",
            "Clasp your hands behind your head.",
            "Slowly press your head back into your hands, and let your hands stop any movement.",
            "Hold for 10 seconds while you breathe normally.",
            "Ease off slowly and rest for a few seconds. Repeat.",
        ],
        "cues": [
            "Your hand and your head push equally, so nothing moves.",
            "Use about a quarter of your strength.",
            "Breathe out slowly, or count out loud, during the hold.",
        ],
        "common_mistakes": [
            "Tipping your head back or looking up.",
            "Letting your chin poke forward.",
            "Holding your breath.",
            "Pulling your head forward hard with your hands.",
        ],
        "precautions": (
            "Build the push slowly and let it go slowly. Use only about a quarter of your "
            "strength; your head should not move at all. Keep breathing the whole time. This "
            "matters even more if you have high blood pressure. If the push hurts, press more "
            "softly."
        ),
        "stop_if": (
            "Stop and contact your clinician if pain spreads into your arm or you feel dizzy. Do "
            "the same if you get numbness, tingling, or weakness in your arm or hand, or your "
            "hands feel clumsy. " + URGENT_CARE
        ),
        "equipment": "None",
        "dosage": {
            "sets": 1,
            "reps": 5,
            "hold_seconds": 10,
            "rest_seconds": 0,
            "side": "none",
            "times_per_day": 2,
        },
        "progression": "prone-neck-extension",
        "regression": None,
    },
    {
        "slug": "isometric-neck-side-bend",
        "name": "Neck press to the side (isometric)",
        "category": "strengthening",
        "level": "beginner",
        "muscles": ["scalenes", "sternocleidomastoid", "upper-trapezius", "levator-scapulae"],
        "summary": (
            "You gently press the side of your head into your hand without moving, which "
            "strengthens the muscles at the sides of your neck."
        ),
        "steps": [
            "Sit tall with your eyes level and your chin gently tucked.",
            "Place your right palm on the right side of your head, just above your ear.",
            (
                "Slowly press your head into your hand, as if tipping your ear toward your "
                "shoulder. Let your hand stop any movement."
            ),
            "Hold for 10 seconds while you breathe normally.",
            "Ease off slowly. Do all your reps, then switch to the left side.",
        ],
        "cues": [
            "Your hand and your head push equally, so nothing moves.",
            "Use about a quarter of your strength.",
            "Breathe out slowly, or count out loud, during the hold.",
        ],
        "common_mistakes": [
            "Letting your head tilt.",
            "Lifting your shoulder toward your ear.",
            "Holding your breath.",
        ],
        "precautions": (
            "Build the push slowly and let it go slowly. Use only about a quarter of your "
            "strength; your head should not move at all. Keep breathing the whole time. This "
            "matters even more if you have high blood pressure. If the push hurts, press more "
            "softly."
        ),
        "stop_if": (
            "Stop and contact your clinician if pain spreads into your arm or you feel dizzy. Do "
            "the same if you get numbness, tingling, or weakness in your arm or hand, or your "
            "hands feel clumsy. " + URGENT_CARE
        ),
        "equipment": "None",
        "dosage": {
            "sets": 1,
            "reps": 5,
            "hold_seconds": 10,
            "rest_seconds": 0,
            "side": "both",
            "times_per_day": 2,
        },
        "progression": None,
        "regression": "neck-side-bend",
    },
    {
        "slug": "isometric-neck-rotation",
        "name": "Neck press into a turn (isometric)",
        "category": "strengthening",
        "level": "beginner",
        "muscles": ["sternocleidomastoid", "cervical-extensors", "suboccipitals"],
        "summary": (
            "You gently try to turn your head against your own hand without moving, which "
            "strengthens the muscles that turn your head."
        ),
        "steps": [
            "Sit tall with your eyes level and your chin gently tucked.",
            "Place your right palm on the right side of your forehead, near your temple.",
            (
                "Slowly try to turn your head to the right, into your hand. Let your hand stop "
                "any movement."
            ),
            "Hold for 10 seconds while you breathe normally.",
            "Ease off slowly. Do all your reps, then switch to the left side.",
        ],
        "cues": [
            "Your hand and your head push equally, so nothing moves.",
            "Use about a quarter of your strength.",
            "Breathe out slowly, or count out loud, during the hold.",
        ],
        "common_mistakes": [
            "Letting your head turn.",
            "Tilting your head at the same time.",
            "Holding your breath.",
        ],
        "precautions": (
            "Build the push slowly and let it go slowly. Use only about a quarter of your "
            "strength; your head should not move at all. Keep breathing the whole time. This "
            "matters even more if you have high blood pressure. If the push hurts, press more "
            "softly."
        ),
        "stop_if": (
            "Stop and contact your clinician if pain spreads into your arm or you feel dizzy. Do "
            "the same if you get numbness, tingling, or weakness in your arm or hand, or your "
            "hands feel clumsy. " + URGENT_CARE
        ),
        "equipment": "None",
        "dosage": {
            "sets": 1,
            "reps": 5,
            "hold_seconds": 10,
            "rest_seconds": 0,
            "side": "both",
            "times_per_day": 2,
        },
        "progression": None,
        "regression": "neck-rotation",
    },
    {
        "slug": "prone-neck-extension",
        "name": "Head lift lying face down",
        "category": "strengthening",
        "level": "intermediate",
        "muscles": ["cervical-extensors"],
        "summary": (
            "Lifting your head a little while you lie face down strengthens the deep muscles "
            "at the back of your neck that hold your head up."
        ),
        "steps": [
            (
                "Lie face down with your forehead resting on a small folded towel. Rest your arms "
                "by your sides."
            ),
            "Tuck your chin gently so the back of your neck feels long.",
            "Keep your eyes looking at the floor and lift your forehead just off the towel.",
            "Hold for 5 seconds while you breathe normally.",
            "Lower your head slowly and relax. Repeat.",
        ],
        "cues": [
            "Keep looking at the floor, not ahead.",
            "Lift only a little, about an inch.",
            "Keep your shoulders relaxed.",
        ],
        "common_mistakes": [
            "Tipping your head back to look forward.",
            "Lifting your head too high.",
            "Holding your breath.",
        ],
        "precautions": (
            "Skip this if you cannot lie on your stomach comfortably, for example in later "
            "pregnancy or soon after chest or belly surgery. Keep the movement small and "
            "slow. If your neck aches, lift less or hold for a shorter time."
        ),
        "stop_if": (
            "Stop and contact your clinician if pain spreads into your arm or you feel dizzy. Do "
            "the same if you get numbness, tingling, or weakness in your arm or hand, or your "
            "hands feel clumsy. " + URGENT_CARE
        ),
        "equipment": "Folded towel",
        "dosage": {
            "sets": 2,
            "reps": 8,
            "hold_seconds": 5,
            "rest_seconds": 30,
            "side": "none",
            "times_per_day": 1,
        },
        "progression": None,
        "regression": "isometric-neck-extension",
    },
    {
        "slug": "scapular-retraction",
        "name": "Shoulder blade squeeze",
        "category": "strengthening",
        "level": "beginner",
        "muscles": ["middle-trapezius", "rhomboids"],
        "summary": (
            "Gently drawing your shoulder blades back and together wakes up the upper back "
            "muscles that support your neck and shoulders."
        ),
        "steps": [
            "Sit or stand tall with your arms relaxed at your sides.",
            "Gently draw your shoulder blades back and slightly down, toward your back pockets.",
            "Hold for 5 seconds while you breathe normally.",
            "Relax slowly. Repeat.",
        ],
        "cues": [
            "Imagine holding a pencil between your shoulder blades.",
            "Keep your shoulders away from your ears.",
            "Keep your chin level. Do not poke it forward.",
        ],
        "common_mistakes": [
            "Shrugging up toward your ears.",
            "Arching your lower back or pushing your chest out.",
            "Squeezing as hard as you can.",
        ],
        "precautions": (
            "Use a gentle, comfortable squeeze, about half your effort. You should feel the "
            "muscles between your shoulder blades working, not pain. If one shoulder is sore, "
            "make the movement smaller."
        ),
        "stop_if": (
            "Stop and contact your clinician if pain spreads into your arm or you feel dizzy. Do "
            "the same if you get numbness, tingling, or weakness in your arm or hand, or your "
            "hands feel clumsy. Also stop if you feel a sharp pain in your shoulder. " + URGENT_CARE
        ),
        "equipment": "None",
        "dosage": {
            "sets": 2,
            "reps": 10,
            "hold_seconds": 5,
            "rest_seconds": 30,
            "side": "none",
            "times_per_day": 2,
        },
        "progression": "band-row",
        "regression": None,
    },
    {
        "slug": "band-row",
        "name": "Resistance band row",
        "category": "strengthening",
        "level": "intermediate",
        "muscles": ["middle-trapezius", "rhomboids", "lower-trapezius"],
        "summary": (
            "Pulling a band back toward your ribs strengthens the muscles between your "
            "shoulder blades, which helps you sit and stand tall with less effort."
        ),
        "steps": [
            (
                "Anchor the band firmly at chest height, for example with a door anchor in a "
                "closed door."
            ),
            (
                "Sit or stand tall facing the anchor. Hold one end of the band in each hand with "
                "your arms straight in front of you."
            ),
            "Set your shoulder blades back and down first.",
            "Pull your elbows back, close to your sides, until your hands reach your ribs.",
            "Pause for 2 seconds. Then let your arms go forward slowly.",
        ],
        "cues": [
            "Lead with your elbows, not your hands.",
            "Shoulders down, neck long.",
            "Breathe out as you pull.",
        ],
        "common_mistakes": [
            "Shrugging your shoulders as you pull.",
            "Leaning back to help the pull.",
            "Letting the band snap back fast.",
            "Poking your chin forward.",
        ],
        "precautions": (
            "Check the band for nicks or tears before each use. A band that snaps can hurt "
            "your face or eyes. Make sure the anchor is secure. Choose a band light enough "
            "that you can finish every rep with good form."
        ),
        "stop_if": (
            "Stop and contact your clinician if pain spreads into your arm or you feel dizzy. Do "
            "the same if you get numbness, tingling, or weakness in your arm or hand, or your "
            "hands feel clumsy. Also stop if you feel a sharp pain in your shoulder. " + URGENT_CARE
        ),
        "equipment": "Resistance band",
        "dosage": {
            "sets": 3,
            "reps": 10,
            "hold_seconds": 2,
            "rest_seconds": 60,
            "side": "none",
            "times_per_day": 1,
        },
        "progression": "prone-t",
        "regression": "scapular-retraction",
    },
    {
        "slug": "band-pull-apart",
        "name": "Resistance band pull-apart",
        "category": "strengthening",
        "level": "intermediate",
        "muscles": ["middle-trapezius", "rhomboids"],
        "summary": (
            "Stretching a band apart in front of your chest strengthens the upper back "
            "muscles that draw your shoulders back."
        ),
        "steps": [
            (
                "Stand tall. Hold the band in front of your chest with both hands, arms straight "
                "and hands shoulder-width apart."
            ),
            "Set your shoulder blades back and down.",
            "Move your hands out to the sides to stretch the band, as far as is comfortable.",
            "Pause for 2 seconds.",
            "Let your hands come back together slowly. Repeat.",
        ],
        "cues": [
            "Squeeze gently between your shoulder blades as the band opens.",
            "Keep your shoulders away from your ears.",
            "Breathe out as you pull.",
        ],
        "common_mistakes": [
            "Shrugging as you pull.",
            "Arching your lower back.",
            "Letting the band snap back.",
        ],
        "precautions": (
            "Check the band for nicks or tears before each use, and hold it away from your "
            "face. Use a light band at first. If your shoulder pinches, pull the band a "
            "shorter distance."
        ),
        "stop_if": (
            "Stop and contact your clinician if pain spreads into your arm or you feel dizzy. Do "
            "the same if you get numbness, tingling, or weakness in your arm or hand, or your "
            "hands feel clumsy. Also stop if you feel a sharp pain in your shoulder. " + URGENT_CARE
        ),
        "equipment": "Resistance band",
        "dosage": {
            "sets": 2,
            "reps": 10,
            "hold_seconds": 2,
            "rest_seconds": 45,
            "side": "none",
            "times_per_day": 1,
        },
        "progression": "prone-t",
        "regression": "scapular-retraction",
    },
    {
        "slug": "prone-t",
        "name": "Lying face down: T raise",
        "category": "strengthening",
        "level": "intermediate",
        "muscles": ["middle-trapezius", "rhomboids"],
        "summary": (
            "Lifting your arms out to the sides while you lie face down strengthens the "
            "middle part of the trapezius, a key support for your shoulders."
        ),
        "steps": [
            "Lie face down on a bed or mat with your forehead on a small folded towel.",
            (
                "Stretch your arms straight out to the sides to make a T, with your thumbs "
                "pointing up."
            ),
            "Gently tuck your chin and set your shoulder blades back and down.",
            "Lift both arms a few inches by squeezing your shoulder blades together.",
            "Hold for 3 seconds. Lower your arms slowly. Repeat.",
        ],
        "cues": [
            "Keep your forehead resting on the towel.",
            "The movement starts between your shoulder blades.",
            "Lift only a few inches.",
        ],
        "common_mistakes": [
            "Lifting your head or looking up.",
            "Shrugging toward your ears.",
            "Swinging your arms up fast.",
        ],
        "precautions": (
            "Skip this if you cannot lie on your stomach comfortably. Start with no weight. "
            "If your shoulder hurts, bend your elbows to make the lift easier, and tell your "
            "clinician."
        ),
        "stop_if": (
            "Stop and contact your clinician if pain spreads into your arm or you feel dizzy. Do "
            "the same if you get numbness, tingling, or weakness in your arm or hand, or your "
            "hands feel clumsy. Also stop if you feel a sharp pain in your shoulder. " + URGENT_CARE
        ),
        "equipment": "Folded towel",
        "dosage": {
            "sets": 2,
            "reps": 10,
            "hold_seconds": 3,
            "rest_seconds": 45,
            "side": "none",
            "times_per_day": 1,
        },
        "progression": "prone-y",
        "regression": "band-row",
    },
    {
        "slug": "prone-y",
        "name": "Lying face down: Y raise",
        "category": "strengthening",
        "level": "advanced",
        "muscles": ["lower-trapezius", "middle-trapezius"],
        "summary": (
            "Lifting your arms in a Y shape while you lie face down strengthens the lower "
            "trapezius, which pulls your shoulder blades down and helps your posture."
        ),
        "steps": [
            "Lie face down with your forehead on a small folded towel.",
            "Reach your arms overhead and slightly out, to make a Y. Point your thumbs up.",
            "Gently tuck your chin and draw your shoulder blades down toward your back pockets.",
            "Lift both arms a few inches.",
            "Hold for 3 seconds. Lower your arms slowly. Repeat.",
        ],
        "cues": [
            "Think down and back with your shoulder blades, not up.",
            "Keep your forehead on the towel.",
            "Lift only a few inches.",
        ],
        "common_mistakes": [
            "Shrugging your shoulders up toward your ears.",
            "Arching your lower back.",
            "Lifting your head.",
        ],
        "precautions": (
            "This is one of the harder shoulder blade exercises. Skip it if you cannot lie on "
            "your stomach comfortably. If your shoulder pinches, lift a shorter distance or "
            "go back to the wall Y lift."
        ),
        "stop_if": (
            "Stop and contact your clinician if pain spreads into your arm or you feel dizzy. Do "
            "the same if you get numbness, tingling, or weakness in your arm or hand, or your "
            "hands feel clumsy. Also stop if you feel a sharp pain in your shoulder. " + URGENT_CARE
        ),
        "equipment": "Folded towel",
        "dosage": {
            "sets": 2,
            "reps": 8,
            "hold_seconds": 3,
            "rest_seconds": 45,
            "side": "none",
            "times_per_day": 1,
        },
        "progression": None,
        "regression": "wall-y-lift-off",
    },
    {
        "slug": "wall-slide",
        "name": "Wall slide",
        "category": "strengthening",
        "level": "beginner",
        "muscles": ["serratus-anterior", "lower-trapezius"],
        "summary": (
            "Sliding your forearms up a wall trains the serratus anterior and lower "
            "trapezius, which help your shoulder blades move well when you raise your arms."
        ),
        "steps": [
            (
                "Stand facing a wall. Place your forearms on the wall, shoulder-width apart, with "
                "your elbows at shoulder height."
            ),
            "Step one foot back a little and keep your chin gently tucked.",
            (
                "Press your forearms lightly into the wall, so your shoulder blades spread around "
                "your ribs."
            ),
            "Keep the light press and slide your arms up the wall as high as is comfortable.",
            "Pause for 2 seconds. Slide back down slowly. Repeat.",
        ],
        "cues": [
            "Keep your shoulders away from your ears.",
            "Think of your shoulder blades wrapping around your ribs.",
            "Breathe out as you slide up.",
        ],
        "common_mistakes": [
            "Shrugging as your arms go up.",
            "Arching your lower back.",
            "Sliding up into a pinching pain.",
        ],
        "precautions": (
            "Only slide as high as you can without pain or shrugging. A pinch at the top or "
            "front of your shoulder means stop lower."
        ),
        "stop_if": (
            "Stop and contact your clinician if pain spreads into your arm or you feel dizzy. Do "
            "the same if you get numbness, tingling, or weakness in your arm or hand, or your "
            "hands feel clumsy. Also stop if you feel a sharp pain in your shoulder. " + URGENT_CARE
        ),
        "equipment": "Wall",
        "dosage": {
            "sets": 2,
            "reps": 10,
            "hold_seconds": 2,
            "rest_seconds": 30,
            "side": "none",
            "times_per_day": 1,
        },
        "progression": "wall-y-lift-off",
        "regression": "shoulder-blade-setting",
    },
    {
        "slug": "wall-y-lift-off",
        "name": "Wall Y lift",
        "category": "strengthening",
        "level": "intermediate",
        "muscles": ["lower-trapezius", "serratus-anterior"],
        "summary": (
            "Lifting your hands just off a wall with your arms in a Y shape trains the lower "
            "trapezius in an upright position."
        ),
        "steps": [
            (
                "Stand facing a wall. Place your forearms on the wall in a Y shape, a little "
                "wider than your shoulders."
            ),
            "Keep your chin gently tucked and your ribs down.",
            "Draw your shoulder blades down and back.",
            "Lift your hands and forearms about an inch off the wall.",
            "Hold for 3 seconds. Lower them back to the wall slowly. Repeat.",
        ],
        "cues": [
            "Shoulder blades down toward your back pockets.",
            "A small lift is enough.",
            "Keep breathing during the hold.",
        ],
        "common_mistakes": [
            "Shrugging toward your ears.",
            "Leaning your whole body back to lift your arms.",
            "Arching your lower back.",
        ],
        "precautions": (
            "Keep the lift small. If your shoulder pinches, lower your arms a little on the "
            "wall. Skip this if raising your arms overhead is painful."
        ),
        "stop_if": (
            "Stop and contact your clinician if pain spreads into your arm or you feel dizzy. Do "
            "the same if you get numbness, tingling, or weakness in your arm or hand, or your "
            "hands feel clumsy. Also stop if you feel a sharp pain in your shoulder. " + URGENT_CARE
        ),
        "equipment": "Wall",
        "dosage": {
            "sets": 2,
            "reps": 8,
            "hold_seconds": 3,
            "rest_seconds": 30,
            "side": "none",
            "times_per_day": 1,
        },
        "progression": "prone-y",
        "regression": "wall-slide",
    },
    {
        "slug": "wall-push-up-plus",
        "name": "Wall push-up plus",
        "category": "strengthening",
        "level": "intermediate",
        "muscles": ["serratus-anterior", "pectoralis-major"],
        "summary": (
            "A wall push-up with an extra push at the end strengthens the serratus anterior, "
            "which holds your shoulder blades flat against your ribs."
        ),
        "steps": [
            (
                "Stand about an arm's length from a wall. Place your hands flat on the wall at "
                "shoulder height and width."
            ),
            "Keep your body straight from head to heels and your chin gently tucked.",
            "Bend your elbows to bring your chest toward the wall, then push back.",
            (
                "At the end, push a little further so your upper back rounds slightly and your "
                "shoulder blades spread apart. This is the plus."
            ),
            "Relax back to the start. Repeat.",
        ],
        "cues": [
            "Push the wall away at the end.",
            "Keep your neck long, not poking forward.",
            "Breathe out as you push.",
        ],
        "common_mistakes": [
            "Letting your head drop toward the wall.",
            "Sagging at the hips.",
            "Leaving out the plus at the end.",
        ],
        "precautions": (
            "Keep the movement slow and controlled. If your wrists hurt, place your hands a "
            "little lower or try making fists. Stand closer to the wall to make it easier."
        ),
        "stop_if": (
            "Stop and contact your clinician if pain spreads into your arm or you feel dizzy. Do "
            "the same if you get numbness, tingling, or weakness in your arm or hand, or your "
            "hands feel clumsy. Also stop if you feel a sharp pain in your shoulder or wrist. "
            + URGENT_CARE
        ),
        "equipment": "Wall",
        "dosage": {
            "sets": 2,
            "reps": 10,
            "hold_seconds": 2,
            "rest_seconds": 45,
            "side": "none",
            "times_per_day": 1,
        },
        "progression": None,
        "regression": "wall-slide",
    },
    {
        "slug": "shoulder-shrug",
        "name": "Shoulder shrug",
        "category": "strengthening",
        "level": "beginner",
        "muscles": ["upper-trapezius", "levator-scapulae"],
        "summary": (
            "Lifting your shoulders toward your ears and lowering them slowly strengthens the "
            "upper trapezius, which can thin out when it is weak or underused."
        ),
        "steps": [
            "Sit or stand tall with your arms relaxed at your sides.",
            "Lift both shoulders straight up toward your ears.",
            "Hold for 2 seconds.",
            "Lower your shoulders slowly all the way down and let them relax.",
            "Repeat.",
        ],
        "cues": [
            "Straight up and straight down. No rolling.",
            "Keep your chin level and your neck long.",
            "Breathe out as you lift.",
        ],
        "common_mistakes": [
            "Poking your chin forward.",
            "Dropping your shoulders fast.",
            "Rolling your shoulders in circles.",
        ],
        "precautions": (
            "Lift only as high as is comfortable. If your trapezius is weak after a nerve "
            "injury or neck surgery, your clinician will tell you how much to do. Stop before "
            "your neck or shoulders ache."
        ),
        "stop_if": (
            "Stop and contact your clinician if pain spreads into your arm or you feel dizzy. Do "
            "the same if you get numbness, tingling, or weakness in your arm or hand, or your "
            "hands feel clumsy. " + URGENT_CARE
        ),
        "equipment": "None",
        "dosage": {
            "sets": 2,
            "reps": 10,
            "hold_seconds": 2,
            "rest_seconds": 30,
            "side": "none",
            "times_per_day": 1,
        },
        "progression": "shoulder-shrug-weights",
        "regression": None,
    },
    {
        "slug": "shoulder-shrug-weights",
        "name": "Shoulder shrug with light weights",
        "category": "strengthening",
        "level": "intermediate",
        "muscles": ["upper-trapezius", "levator-scapulae"],
        "summary": (
            "The shoulder shrug done holding light weights, to build more strength in the "
            "upper trapezius."
        ),
        "steps": [
            "Stand tall holding a light weight in each hand, arms straight at your sides.",
            "Keep your chin gently tucked.",
            "Lift both shoulders straight up toward your ears.",
            "Hold for 2 seconds.",
            "Lower your shoulders slowly all the way down. Repeat.",
        ],
        "cues": [
            "Let your arms hang like ropes. The lift comes from your shoulders.",
            "Straight up and straight down.",
            "Breathe out as you lift.",
        ],
        "common_mistakes": [
            "Choosing weights that are too heavy.",
            "Bending your elbows to help.",
            "Poking your chin forward.",
        ],
        "precautions": (
            "Start light. Water bottles or small cans are fine at first. Add weight only when "
            "your clinician agrees and you can finish every rep with good form. Put the "
            "weights down gently between sets."
        ),
        "stop_if": (
            "Stop and contact your clinician if pain spreads into your arm or you feel dizzy. Do "
            "the same if you get numbness, tingling, or weakness in your arm or hand, or your "
            "hands feel clumsy. " + URGENT_CARE
        ),
        "equipment": "Light dumbbells or water bottles",
        "dosage": {
            "sets": 3,
            "reps": 10,
            "hold_seconds": 2,
            "rest_seconds": 60,
            "side": "none",
            "times_per_day": 1,
        },
        "progression": None,
        "regression": "shoulder-shrug",
    },
    {
        "slug": "sitting-posture-reset",
        "name": "Sitting posture reset",
        "category": "posture",
        "level": "beginner",
        "muscles": ["deep-neck-flexors", "thoracic-extensors", "lower-trapezius"],
        "summary": (
            "A quick check that stacks your head over your shoulders and your shoulders over "
            "your hips, so your neck does less work while you sit."
        ),
        "steps": [
            "Sit with your feet flat and your hips at the back of the chair.",
            "Sit up tall on your sitting bones. Let your lower back keep its gentle curve.",
            "Lift your breastbone a little, without arching your back.",
            "Let your shoulders relax down and slightly back.",
            "Gently tuck your chin so your ears line up over your shoulders.",
            "Hold for 10 seconds while you breathe normally, then relax.",
        ],
        "cues": [
            "Ears over shoulders, shoulders over hips.",
            "Tall but not stiff.",
            "Let your breath stay low and easy.",
        ],
        "common_mistakes": [
            "Arching your lower back and pushing your chest out.",
            "Pulling your shoulders back hard.",
            "Holding your breath.",
        ],
        "precautions": (
            "Good posture is not one perfect position. Aim for upright and comfortable, and "
            "change position often. Ease off if holding the position hurts."
        ),
        "stop_if": (
            "Stop and contact your clinician if pain spreads into your arm or you feel dizzy. Do "
            "the same if you get numbness, tingling, or weakness in your arm or hand, or your "
            "hands feel clumsy. " + URGENT_CARE
        ),
        "equipment": "Chair",
        "dosage": {
            "sets": 1,
            "reps": 5,
            "hold_seconds": 10,
            "rest_seconds": 0,
            "side": "none",
            "times_per_day": 4,
        },
        "progression": "chin-tuck-wall",
        "regression": None,
    },
    {
        "slug": "chin-tuck-wall",
        "name": "Chin tuck against a wall",
        "category": "posture",
        "level": "beginner",
        "muscles": ["deep-neck-flexors", "middle-trapezius"],
        "summary": (
            "A chin tuck done standing with your back to a wall, which gives you feedback "
            "about where your head sits and trains a more upright posture."
        ),
        "steps": [
            "Stand with your back to a wall and your heels a few inches away from it.",
            "Let your buttocks and shoulder blades touch the wall.",
            "Keep your eyes level and gently slide your chin straight back.",
            "Let the back of your head touch the wall, if it does so comfortably.",
            "Hold for 10 seconds while you breathe normally.",
            "Relax and repeat.",
        ],
        "cues": [
            "Slide your head back, do not tip it up.",
            "Keep your shoulders relaxed against the wall.",
            "Think of making yourself a little taller.",
        ],
        "common_mistakes": [
            "Tipping your head back to reach the wall.",
            "Pressing your head hard into the wall.",
            "Arching your lower back away from the wall.",
        ],
        "precautions": (
            "If your head does not reach the wall comfortably, do not force it. Place a small "
            "folded towel between your head and the wall and tuck toward that instead. Move "
            "gently and keep the movement pain-free."
        ),
        "stop_if": (
            "Stop and contact your clinician if pain spreads into your arm or you feel dizzy. Do "
            "the same if you get numbness, tingling, or weakness in your arm or hand, or your "
            "hands feel clumsy. " + URGENT_CARE
        ),
        "equipment": "Wall",
        "dosage": {
            "sets": 1,
            "reps": 10,
            "hold_seconds": 10,
            "rest_seconds": 0,
            "side": "none",
            "times_per_day": 2,
        },
        "progression": "wall-angel",
        "regression": "sitting-posture-reset",
    },
    {
        "slug": "shoulder-blade-setting",
        "name": "Shoulder blade setting",
        "category": "posture",
        "level": "beginner",
        "muscles": ["lower-trapezius", "middle-trapezius"],
        "summary": (
            "A light, steady hold that teaches your shoulder blades to rest down and back, "
            "which takes strain off the top of your shoulders and neck."
        ),
        "steps": [
            "Sit or stand tall with your arms relaxed.",
            "Gently lift your shoulders a little, then roll them back.",
            "Let your shoulder blades slide down toward your back pockets and settle there.",
            "Hold this position lightly for 10 seconds while you breathe normally.",
            "Relax and repeat.",
        ],
        "cues": [
            "Use about a third of your effort. It is a light hold, not a squeeze.",
            "Feel the muscles below your shoulder blades working.",
            "Keep your neck long and relaxed.",
        ],
        "common_mistakes": [
            "Squeezing so hard that your back arches.",
            "Shrugging up instead of settling down.",
            "Holding your breath.",
        ],
        "precautions": (
            "Keep the effort light and the position comfortable. If your shoulder hurts, make "
            "the movement smaller."
        ),
        "stop_if": (
            "Stop and contact your clinician if pain spreads into your arm or you feel dizzy. Do "
            "the same if you get numbness, tingling, or weakness in your arm or hand, or your "
            "hands feel clumsy. " + URGENT_CARE
        ),
        "equipment": "None",
        "dosage": {
            "sets": 1,
            "reps": 10,
            "hold_seconds": 10,
            "rest_seconds": 0,
            "side": "none",
            "times_per_day": 3,
        },
        "progression": "wall-slide",
        "regression": None,
    },
    {
        "slug": "chest-opener-palms-up",
        "name": "Desk chest opener",
        "category": "posture",
        "level": "beginner",
        "muscles": ["pectoralis-major", "pectoralis-minor", "middle-trapezius"],
        "summary": (
            "A short seated pause that opens your chest and draws your shoulders back, to "
            "undo some of the slouch from desk and phone work."
        ),
        "steps": [
            "Sit near the front of your chair with your feet flat and apart.",
            "Let your arms hang by your sides.",
            "Turn your palms to face forward, so your thumbs point back.",
            "Gently open your chest and let your shoulder blades draw back and down.",
            "Tuck your chin a little and hold for 10 seconds, breathing slowly.",
            "Relax and repeat.",
        ],
        "cues": [
            "Open the front, relax the top of your shoulders.",
            "Breathe slowly into your belly.",
        ],
        "common_mistakes": [
            "Arching your lower back.",
            "Tipping your head back.",
            "Shrugging your shoulders.",
        ],
        "precautions": (
            "Keep the effort gentle. You may feel a light stretch across the front of your "
            "chest and shoulders; that is fine. Stop short of any pain."
        ),
        "stop_if": (
            "Stop and contact your clinician if pain spreads into your arm or you feel dizzy. Do "
            "the same if you get numbness, tingling, or weakness in your arm or hand, or your "
            "hands feel clumsy. " + URGENT_CARE
        ),
        "equipment": "Chair",
        "dosage": {
            "sets": 1,
            "reps": 5,
            "hold_seconds": 10,
            "rest_seconds": 0,
            "side": "none",
            "times_per_day": 4,
        },
        "progression": "doorway-chest-stretch",
        "regression": None,
    },
    {
        "slug": "wall-angel",
        "name": "Wall angel",
        "category": "posture",
        "level": "intermediate",
        "muscles": ["lower-trapezius", "middle-trapezius", "serratus-anterior", "pectoralis-minor"],
        "summary": (
            "Sliding your arms up and down a wall while your back stays against it trains the "
            "muscles that hold you upright and stretches a tight chest."
        ),
        "steps": [
            "Stand with your back against a wall, feet a small step away and knees soft.",
            "Tuck your chin gently so the back of your head is near or on the wall.",
            (
                "Raise your arms into a goalpost shape: elbows bent and at shoulder height, backs "
                "of your arms toward the wall."
            ),
            (
                "Slowly slide your arms up the wall as far as you can without your back arching "
                "or pain."
            ),
            "Slide them back down to the goalpost shape. Repeat.",
        ],
        "cues": [
            "Keep your lower back and head close to the wall.",
            "Move slowly, like you are making a snow angel.",
            "Breathe out as your arms slide up.",
        ],
        "common_mistakes": [
            "Arching your lower back away from the wall.",
            "Poking your chin forward.",
            "Forcing your arms flat against the wall.",
        ],
        "precautions": (
            "Many people cannot keep their arms on the wall at first. That is fine; work in "
            "the range you have. Stop short of any pinching in your shoulder."
        ),
        "stop_if": (
            "Stop and contact your clinician if pain spreads into your arm or you feel dizzy. Do "
            "the same if you get numbness, tingling, or weakness in your arm or hand, or your "
            "hands feel clumsy. Also stop if you feel a sharp pain in your shoulder. " + URGENT_CARE
        ),
        "equipment": "Wall",
        "dosage": {
            "sets": 2,
            "reps": 8,
            "hold_seconds": 0,
            "rest_seconds": 30,
            "side": "none",
            "times_per_day": 1,
        },
        "progression": None,
        "regression": "chin-tuck-wall",
    },
    {
        "slug": "upper-trapezius-stretch",
        "name": "Upper trapezius stretch",
        "category": "stretching",
        "level": "beginner",
        "muscles": ["upper-trapezius"],
        "summary": (
            "A gentle side stretch for the muscle from your neck to the top of your shoulder, "
            "which often gets tight when the deeper neck muscles are weak."
        ),
        "steps": [
            (
                "Sit tall and hold the side of your seat with your right hand to keep that "
                "shoulder down."
            ),
            "Slowly tilt your left ear toward your left shoulder.",
            (
                "If you need more stretch, rest your left hand on your head. Let its weight add a "
                "little, without pulling."
            ),
            (
                "Hold for 30 seconds, breathing slowly. You should feel a stretch along the right "
                "side of your neck."
            ),
            "Slowly bring your head back to the middle. Then switch sides.",
        ],
        "cues": [
            "Aim for a mild stretch, about 3 out of 10.",
            "Breathe out and let your shoulder sink.",
            "Keep your face pointing forward.",
        ],
        "common_mistakes": [
            "Pulling hard on your head.",
            "Bouncing in the stretch.",
            "Letting the shoulder on the stretching side lift up.",
            "Holding your breath.",
        ],
        "precautions": (
            "A mild, even pull is fine. Sharp pain is not. Move into and out of the stretch "
            "slowly, and do not bounce. Keep breathing the whole time. Leave out the hand on "
            "your head if your neck is sore today."
        ),
        "stop_if": (
            "Stop and contact your clinician if you feel dizzy or pain spreads down your arm. Do "
            "the same if you get numbness, tingling, or weakness in your arm or hand. "
            + URGENT_CARE
        ),
        "equipment": "Chair",
        "dosage": {
            "sets": 1,
            "reps": 3,
            "hold_seconds": 30,
            "rest_seconds": 0,
            "side": "both",
            "times_per_day": 2,
        },
        "progression": None,
        "regression": None,
    },
    {
        "slug": "levator-scapulae-stretch",
        "name": "Levator scapulae stretch",
        "category": "stretching",
        "level": "beginner",
        "muscles": ["levator-scapulae"],
        "summary": (
            "A stretch for the muscle from the side of your neck to your shoulder blade, "
            "which often feels stiff when you turn your head."
        ),
        "steps": [
            "Sit tall and hold the side of your seat with your right hand.",
            "Turn your head about halfway to the left.",
            "Slowly lower your nose toward your left armpit, or your left front pocket.",
            (
                "If you need more stretch, rest your left hand on the back of your head. Let its "
                "weight add a little, without pulling."
            ),
            (
                "Hold for 30 seconds, breathing slowly. You should feel a stretch at the back and "
                "right side of your neck."
            ),
            "Slowly lift your head back to the middle. Then switch sides.",
        ],
        "cues": [
            "Look down toward your pocket.",
            "Let your right shoulder sink away from your ear.",
            "Mild stretch only.",
        ],
        "common_mistakes": [
            "Pulling hard on your head.",
            "Bouncing in the stretch.",
            "Shrugging the shoulder you are stretching.",
        ],
        "precautions": (
            "A mild, even pull is fine. Sharp pain is not. Move into and out of the stretch "
            "slowly, and do not bounce. Keep breathing the whole time. Leave out the hand on "
            "your head if your neck is sore today."
        ),
        "stop_if": (
            "Stop and contact your clinician if you feel dizzy or pain spreads down your arm. Do "
            "the same if you get numbness, tingling, or weakness in your arm or hand. "
            + URGENT_CARE
        ),
        "equipment": "Chair",
        "dosage": {
            "sets": 1,
            "reps": 3,
            "hold_seconds": 30,
            "rest_seconds": 0,
            "side": "both",
            "times_per_day": 2,
        },
        "progression": None,
        "regression": None,
    },
    {
        "slug": "scm-stretch",
        "name": "Front of neck stretch (SCM)",
        "category": "stretching",
        "level": "intermediate",
        "muscles": ["sternocleidomastoid"],
        "summary": (
            "A careful stretch for the sternocleidomastoid (SCM), the long muscle that runs "
            "from behind your ear to your collarbone and helps turn and tilt your head."
        ),
        "steps": [
            "Sit tall. Place your left hand flat on your right collarbone to hold it gently down.",
            "Slowly tilt your left ear toward your left shoulder.",
            "Turn your face a little toward the right.",
            (
                "Lift your chin slightly, only until you feel a gentle stretch along the front "
                "and side of your neck on the right."
            ),
            "Hold for 30 seconds, breathing slowly.",
            "Slowly bring your head back to the middle. Then switch sides.",
        ],
        "cues": [
            "Small movements. The stretch comes quickly.",
            "Keep your shoulders relaxed.",
            "Mild stretch only.",
        ],
        "common_mistakes": [
            "Tipping your head far back.",
            "Pressing hard on your collarbone.",
            "Bouncing or holding your breath.",
        ],
        "precautions": (
            "A mild, even pull is fine. Sharp pain is not. Move into and out of the stretch "
            "slowly, and do not bounce. Keep breathing the whole time. This stretch tips your "
            "head back a little, so keep that part small. Do not do it if looking up makes "
            "you dizzy or unwell, and tell your clinician."
        ),
        "stop_if": (
            "Stop at once if you feel dizzy, lightheaded, or sick to your stomach, and contact "
            "your clinician. Do the same if you get numbness, tingling, or weakness in your arm "
            "or hand, or pain spreading down your arm. " + URGENT_CARE
        ),
        "equipment": "None",
        "dosage": {
            "sets": 1,
            "reps": 3,
            "hold_seconds": 30,
            "rest_seconds": 0,
            "side": "both",
            "times_per_day": 2,
        },
        "progression": None,
        "regression": None,
    },
    {
        "slug": "scalene-stretch",
        "name": "Scalene stretch",
        "category": "stretching",
        "level": "intermediate",
        "muscles": ["scalenes"],
        "summary": (
            "A stretch for the scalenes, small muscles at the side of your neck that help "
            "with breathing and can tighten when you breathe with your upper chest."
        ),
        "steps": [
            "Sit tall. Place your left hand flat on your right collarbone to hold it gently down.",
            "Slowly tilt your left ear toward your left shoulder.",
            "Keep your face pointing forward and lift your chin just slightly.",
            "Stop when you feel a gentle stretch at the side of your neck on the right.",
            "Hold for 30 seconds, breathing slowly.",
            "Slowly bring your head back to the middle. Then switch sides.",
        ],
        "cues": [
            "Let your collarbone stay down as you breathe out.",
            "Mild stretch only.",
            "Keep your shoulders relaxed.",
        ],
        "common_mistakes": [
            "Tipping your head far back.",
            "Lifting the shoulder you are stretching.",
            "Bouncing or holding your breath.",
        ],
        "precautions": (
            "A mild, even pull is fine. Sharp pain is not. Move into and out of the stretch "
            "slowly, and do not bounce. Keep breathing the whole time. Nerves to your arm "
            "pass between these muscles. If you feel tingling or a pins-and-needles feeling "
            "in your arm or hand, ease out of the stretch right away."
        ),
        "stop_if": (
            "Stop and contact your clinician if you feel dizzy or pain spreads down your arm. Do "
            "the same if tingling, numbness, or weakness in your arm or hand does not go away "
            "soon after you ease off. " + URGENT_CARE
        ),
        "equipment": "None",
        "dosage": {
            "sets": 1,
            "reps": 3,
            "hold_seconds": 30,
            "rest_seconds": 0,
            "side": "both",
            "times_per_day": 2,
        },
        "progression": None,
        "regression": None,
    },
    {
        "slug": "suboccipital-stretch",
        "name": "Base of skull stretch",
        "category": "stretching",
        "level": "beginner",
        "muscles": ["suboccipitals"],
        "summary": (
            "A gentle nod that stretches the small muscles at the base of your skull, which "
            "often get tight when your head sits forward."
        ),
        "steps": [
            "Sit tall with your eyes level.",
            "Gently tuck your chin straight back.",
            (
                "Keep the tuck and nod your head slightly forward, as if looking at a spot on the "
                "floor a few feet ahead."
            ),
            "If you like, rest your fingertips on the back of your head for a very light guide.",
            (
                "Hold for 30 seconds, breathing slowly. You should feel a stretch at the top of "
                "your neck."
            ),
            "Slowly lift your head back to level.",
        ],
        "cues": [
            "Nod from the top of your neck, not the bottom.",
            "Let your jaw be loose.",
        ],
        "common_mistakes": [
            "Dropping your whole neck forward.",
            "Pulling on your head with your hands.",
            "Holding your breath.",
        ],
        "precautions": (
            "A mild, even pull is fine. Sharp pain is not. Move into and out of the stretch "
            "slowly, and do not bounce. Keep breathing the whole time."
        ),
        "stop_if": (
            "Stop and contact your clinician if you feel dizzy or pain spreads down your arm. Do "
            "the same if you get numbness, tingling, or weakness in your arm or hand. Also tell "
            "them if this stretch brings on a headache. " + URGENT_CARE
        ),
        "equipment": "None",
        "dosage": {
            "sets": 1,
            "reps": 3,
            "hold_seconds": 30,
            "rest_seconds": 0,
            "side": "none",
            "times_per_day": 2,
        },
        "progression": None,
        "regression": None,
    },
    {
        "slug": "doorway-chest-stretch",
        "name": "Doorway chest stretch",
        "category": "stretching",
        "level": "beginner",
        "muscles": ["pectoralis-major", "pectoralis-minor"],
        "summary": (
            "A stretch for the chest muscles, which can pull your shoulders forward and your "
            "head with them."
        ),
        "steps": [
            (
                "Stand in a doorway. Place your forearms on the door frame, elbows at or a little "
                "below shoulder height."
            ),
            "Step one foot forward through the doorway.",
            (
                "Keep your chin gently tucked and lean your body slowly forward until you feel a "
                "stretch across your chest."
            ),
            "Hold for 30 seconds, breathing slowly.",
            "Step back to come out of the stretch.",
        ],
        "cues": [
            "Lean from your ankles, with your body straight.",
            "Keep your shoulders down, away from your ears.",
            "Mild stretch only.",
        ],
        "common_mistakes": [
            "Leaning too far, so the front of the shoulder hurts.",
            "Poking your chin forward.",
            "Bouncing in the stretch.",
        ],
        "precautions": (
            "A mild, even pull is fine. Sharp pain is not. Move into and out of the stretch "
            "slowly, and do not bounce. Keep breathing the whole time. If your shoulder has "
            "ever dislocated or feels unstable, keep your elbows lower and ask your clinician "
            "first. If your hands tingle, lower your elbows."
        ),
        "stop_if": (
            "Stop and contact your clinician if you feel dizzy or pain spreads down your arm. Do "
            "the same if numbness, tingling, or weakness in your arm or hand does not ease when "
            "you lower your arms. " + URGENT_CARE
        ),
        "equipment": "Doorway",
        "dosage": {
            "sets": 1,
            "reps": 3,
            "hold_seconds": 30,
            "rest_seconds": 0,
            "side": "none",
            "times_per_day": 2,
        },
        "progression": None,
        "regression": "chest-opener-palms-up",
    },
    {
        "slug": "neck-rotation",
        "name": "Neck turns",
        "category": "range_of_motion",
        "level": "beginner",
        "muscles": ["sternocleidomastoid", "cervical-extensors", "suboccipitals"],
        "summary": (
            "Slowly turning your head from side to side keeps your neck moving, which helps "
            "with everyday tasks like checking behind you."
        ),
        "steps": [
            "Sit tall with your eyes level and your chin gently tucked.",
            "Slowly turn your head to look over your right shoulder, as far as is comfortable.",
            "Pause for a moment.",
            "Slowly turn back to the middle.",
            "Repeat to the left. Keep going, alternating sides.",
        ],
        "cues": [
            "Keep your head upright as it turns, like a turntable.",
            "Keep your chin level. Do not tip it up or down.",
            "Let your eyes lead the turn.",
        ],
        "common_mistakes": [
            "Turning fast or jerking at the end.",
            "Turning your shoulders with your head.",
            "Tipping your chin up as you turn.",
        ],
        "precautions": (
            "Move slowly and gently, only as far as is comfortable. Do not force the end of "
            "the movement or bounce. It is normal for one side to feel stiffer than the "
            "other."
        ),
        "stop_if": (
            "Stop and contact your clinician if you feel dizzy or lightheaded or your vision "
            "blurs. Do the same if pain spreads into your arm, or you get numbness, tingling, or "
            "weakness in your arm or hand. " + URGENT_CARE
        ),
        "equipment": "None",
        "dosage": {
            "sets": 1,
            "reps": 10,
            "hold_seconds": 0,
            "rest_seconds": 0,
            "side": "both",
            "times_per_day": 3,
        },
        "progression": "isometric-neck-rotation",
        "regression": None,
    },
    {
        "slug": "neck-side-bend",
        "name": "Neck side bends",
        "category": "range_of_motion",
        "level": "beginner",
        "muscles": ["upper-trapezius", "scalenes", "levator-scapulae"],
        "summary": (
            "Slowly tipping your ear toward each shoulder keeps the sides of your neck moving "
            "and eases stiffness."
        ),
        "steps": [
            "Sit tall with your eyes level and your shoulders relaxed.",
            "Slowly tip your right ear toward your right shoulder, as far as is comfortable.",
            "Pause for a moment.",
            "Slowly come back to the middle.",
            "Repeat to the left. Keep going, alternating sides.",
        ],
        "cues": [
            "Bring your ear toward your shoulder, not your shoulder toward your ear.",
            "Keep your nose pointing forward.",
        ],
        "common_mistakes": [
            "Lifting your shoulder to meet your ear.",
            "Turning your head as you tip it.",
            "Moving fast or bouncing.",
        ],
        "precautions": (
            "Move slowly and gently, only as far as is comfortable. Do not force the end of "
            "the movement or bounce. It is normal for one side to feel stiffer than the "
            "other."
        ),
        "stop_if": (
            "Stop and contact your clinician if you feel dizzy or lightheaded or your vision "
            "blurs. Do the same if pain spreads into your arm, or you get numbness, tingling, or "
            "weakness in your arm or hand. " + URGENT_CARE
        ),
        "equipment": "None",
        "dosage": {
            "sets": 1,
            "reps": 10,
            "hold_seconds": 0,
            "rest_seconds": 0,
            "side": "both",
            "times_per_day": 3,
        },
        "progression": "isometric-neck-side-bend",
        "regression": None,
    },
    {
        "slug": "neck-flexion-extension",
        "name": "Nod down and look up",
        "category": "range_of_motion",
        "level": "beginner",
        "muscles": ["deep-neck-flexors", "cervical-extensors"],
        "summary": (
            "Slowly nodding your head down and then looking up keeps your neck moving forward "
            "and back."
        ),
        "steps": [
            "Sit tall with your eyes level.",
            "Slowly lower your chin toward your chest, as far as is comfortable.",
            "Slowly lift your head back to level.",
            "Look up toward the ceiling only as far as is comfortable, then come back to level.",
            "Repeat, moving slowly.",
        ],
        "cues": [
            "Move slowly and smoothly.",
            "Keep your mouth closed and your jaw relaxed.",
            "Keep the looking-up part small.",
        ],
        "common_mistakes": [
            "Dropping your head back fast.",
            "Looking up further than is comfortable.",
            "Holding your breath.",
        ],
        "precautions": (
            "Move slowly and gently, only as far as is comfortable. Do not force the end of "
            "the movement or bounce. Keep the looking-up part small. If looking up makes you "
            "dizzy or unwell, leave that part out and tell your clinician."
        ),
        "stop_if": (
            "Stop and contact your clinician if you feel dizzy or lightheaded or your vision "
            "blurs. Do the same if pain spreads into your arm, or you get numbness, tingling, or "
            "weakness in your arm or hand. " + URGENT_CARE
        ),
        "equipment": "None",
        "dosage": {
            "sets": 1,
            "reps": 10,
            "hold_seconds": 0,
            "rest_seconds": 0,
            "side": "none",
            "times_per_day": 3,
        },
        "progression": None,
        "regression": None,
    },
    {
        "slug": "shoulder-rolls",
        "name": "Shoulder rolls",
        "category": "range_of_motion",
        "level": "beginner",
        "muscles": ["upper-trapezius", "middle-trapezius", "rhomboids"],
        "summary": (
            "Slow backward circles with your shoulders loosen the top of your shoulders and "
            "upper back."
        ),
        "steps": [
            "Sit or stand tall with your arms relaxed at your sides.",
            "Lift your shoulders up toward your ears.",
            "Roll them back, squeezing your shoulder blades gently together.",
            "Let them drop down and relax.",
            "Bring them forward to the start and repeat the circle slowly.",
        ],
        "cues": [
            "Make big, slow circles.",
            "Breathe in as you lift, out as you roll down.",
        ],
        "common_mistakes": [
            "Moving fast.",
            "Poking your chin forward.",
        ],
        "precautions": (
            "Keep the circles slow and comfortable. Make them smaller if your shoulder clicks "
            "painfully or hurts."
        ),
        "stop_if": (
            "Stop and contact your clinician if pain spreads into your arm or you feel dizzy. Do "
            "the same if you get numbness, tingling, or weakness in your arm or hand, or your "
            "hands feel clumsy. " + URGENT_CARE
        ),
        "equipment": "None",
        "dosage": {
            "sets": 1,
            "reps": 10,
            "hold_seconds": 0,
            "rest_seconds": 0,
            "side": "none",
            "times_per_day": 3,
        },
        "progression": None,
        "regression": None,
    },
    {
        "slug": "thoracic-extension-chair",
        "name": "Upper back extension over a chair",
        "category": "range_of_motion",
        "level": "beginner",
        "muscles": ["thoracic-extensors"],
        "summary": (
            "Gently leaning back over the top of a chair helps your upper back straighten, so "
            "your head can sit more easily over your shoulders."
        ),
        "steps": [
            (
                "Sit in a sturdy chair without wheels whose backrest reaches about the bottom of "
                "your shoulder blades."
            ),
            "Clasp your hands behind your head to support it, with your elbows pointing forward.",
            (
                "Slowly lean back over the top of the backrest. Let your upper back, not your "
                "neck, do the bending."
            ),
            "Hold for 3 seconds while you breathe normally.",
            "Slowly sit back up. Repeat.",
        ],
        "cues": [
            "Your hands hold your head. Keep your neck relaxed.",
            "Lift your breastbone toward the ceiling.",
            "Breathe out as you lean back.",
        ],
        "common_mistakes": [
            "Letting your head drop back.",
            "Arching your lower back instead of your upper back.",
            "Using an office chair that rolls or tips back.",
        ],
        "precautions": (
            "Move gently and only as far as is comfortable. A mild stretch is fine; sharp "
            "pain is not. Ask your clinician before you do this if you have osteoporosis "
            "(thin bones) or have ever broken a bone in your spine."
        ),
        "stop_if": (
            "Stop and contact your clinician if pain spreads into your arm or you feel dizzy. Do "
            "the same if you get numbness, tingling, or weakness in your arm or hand, or your "
            "hands feel clumsy. Also stop if you get sharp pain in your back. " + URGENT_CARE
        ),
        "equipment": "Chair without wheels",
        "dosage": {
            "sets": 1,
            "reps": 10,
            "hold_seconds": 3,
            "rest_seconds": 0,
            "side": "none",
            "times_per_day": 2,
        },
        "progression": "thoracic-extension-foam-roller",
        "regression": None,
    },
    {
        "slug": "thoracic-extension-foam-roller",
        "name": "Upper back extension on a foam roller",
        "category": "range_of_motion",
        "level": "intermediate",
        "muscles": ["thoracic-extensors"],
        "summary": (
            "Lying back over a foam roller lets your upper back bend backward in a supported "
            "way, to ease a rounded upper back."
        ),
        "steps": [
            (
                "Sit on the floor with your knees bent. Place the foam roller on the floor behind "
                "you, crosswise."
            ),
            (
                "Lie back so the roller sits across your upper back, just below your shoulder "
                "blades. Keep your feet flat."
            ),
            "Clasp your hands behind your head to support it, with your elbows pointing forward.",
            (
                "Keep your hips on the floor and slowly let your upper back bend back over the "
                "roller. Hold for 3 seconds."
            ),
            "Come back up slowly. Repeat.",
            (
                "To work a new spot, lift your hips and move the roller an inch higher. Do not go "
                "higher than the top of your shoulder blades."
            ),
        ],
        "cues": [
            "Your hands hold your head. Keep your neck relaxed.",
            "Breathe out as you bend back.",
            "Keep the roller on your upper back only.",
        ],
        "common_mistakes": [
            "Rolling the roller under your neck or lower back.",
            "Letting your head drop back.",
            "Bending back too far or too fast.",
        ],
        "precautions": (
            "Move slowly and only as far as is comfortable. A mild stretch is fine; sharp "
            "pain is not. Ask your clinician before you do this if you have osteoporosis "
            "(thin bones) or have ever broken a bone in your spine. Getting down to and up "
            "from the floor should be easy for you before you try this."
        ),
        "stop_if": (
            "Stop and contact your clinician if pain spreads into your arm or you feel dizzy. Do "
            "the same if you get numbness, tingling, or weakness in your arm or hand, or your "
            "hands feel clumsy. Also stop if you get sharp pain in your back. " + URGENT_CARE
        ),
        "equipment": "Foam roller",
        "dosage": {
            "sets": 1,
            "reps": 10,
            "hold_seconds": 3,
            "rest_seconds": 0,
            "side": "none",
            "times_per_day": 1,
        },
        "progression": None,
        "regression": "thoracic-extension-chair",
    },
    {
        "slug": "open-book-rotation",
        "name": "Open book upper back turn",
        "category": "range_of_motion",
        "level": "beginner",
        "muscles": ["thoracic-extensors", "pectoralis-major"],
        "summary": (
            "Lying on your side and opening your top arm like a book helps your upper back "
            "turn, so your neck does not have to do all the turning."
        ),
        "steps": [
            "Lie on your left side with a pillow under your head. Bend your hips and knees.",
            "Stretch both arms out in front of you at shoulder height, palms together.",
            (
                "Slowly lift your right arm up and over toward the floor behind you, like opening "
                "a book."
            ),
            "Let your head and eyes follow your hand, and keep your knees together.",
            "Hold for 3 seconds, breathing out. Then slowly bring the arm back.",
            "Do all your reps, then turn over and do the other side.",
        ],
        "cues": [
            "Turn from your upper back, not your lower back.",
            "Keep your knees stacked and resting together.",
            "Open only as far as is comfortable.",
        ],
        "common_mistakes": [
            "Letting your knees come apart.",
            "Forcing your arm down to the floor.",
            "Turning your head further than your arm goes.",
        ],
        "precautions": (
            "Move slowly and stay in a comfortable range. A mild stretch across your chest is "
            "fine; sharp pain is not. If your shoulder hurts, bend your elbow to make the "
            "lever shorter."
        ),
        "stop_if": (
            "Stop and contact your clinician if pain spreads into your arm or you feel dizzy. Do "
            "the same if you get numbness, tingling, or weakness in your arm or hand, or your "
            "hands feel clumsy. " + URGENT_CARE
        ),
        "equipment": "Pillow",
        "dosage": {
            "sets": 1,
            "reps": 8,
            "hold_seconds": 3,
            "rest_seconds": 0,
            "side": "both",
            "times_per_day": 1,
        },
        "progression": None,
        "regression": None,
    },
    {
        "slug": "diaphragmatic-breathing-lying",
        "name": "Belly breathing lying down",
        "category": "breathing",
        "level": "beginner",
        "muscles": ["diaphragm"],
        "summary": (
            "Slow breathing into your belly instead of your upper chest, so the neck muscles "
            "that help with breathing can rest."
        ),
        "steps": [
            "Lie on your back with your knees bent and a pillow under your head.",
            "Place one hand on your chest and the other on your belly.",
            (
                "Breathe in slowly through your nose. Let your belly rise under your hand while "
                "your chest hand stays almost still."
            ),
            "Breathe out slowly through your nose or gently pursed lips. Let your belly fall.",
            "Keep your neck and shoulders soft. Repeat for 10 slow breaths.",
        ],
        "cues": [
            "Let your belly rise like a balloon filling.",
            "The hand on your chest barely moves.",
            "Make the breath out a little longer than the breath in.",
        ],
        "common_mistakes": [
            "Lifting your chest and shoulders to breathe in.",
            "Pushing your belly out with force.",
            "Taking very big, fast breaths.",
        ],
        "precautions": (
            "Breathe slowly and easily, not extra deep. If you feel lightheaded or get "
            "tingling around your mouth or fingers, you may be breathing too much; go back to "
            "normal breathing until it passes. If you have a lung or heart condition, check "
            "with your clinician first."
        ),
        "stop_if": (
            "Stop and contact your clinician if you feel short of breath, dizzy, or faint, or if "
            "the breathing brings on neck or chest discomfort. Chest pain, or shortness of breath "
            "that does not settle with rest, needs urgent care. " + URGENT_CARE
        ),
        "equipment": "Pillow",
        "dosage": {
            "sets": 1,
            "reps": 10,
            "hold_seconds": 0,
            "rest_seconds": 0,
            "side": "none",
            "times_per_day": 2,
        },
        "progression": "diaphragmatic-breathing-sitting",
        "regression": None,
    },
    {
        "slug": "diaphragmatic-breathing-sitting",
        "name": "Belly breathing sitting",
        "category": "breathing",
        "level": "beginner",
        "muscles": ["diaphragm"],
        "summary": (
            "Belly breathing done sitting up, so you can use it at your desk, in the car, or "
            "any time your neck and shoulders feel tense."
        ),
        "steps": [
            "Sit tall with your back supported and your shoulders relaxed.",
            "Place one hand on your chest and the other on your belly.",
            "Breathe in slowly through your nose and let your belly move out.",
            "Breathe out slowly and let your belly move in.",
            "Keep the hand on your chest almost still. Repeat for 10 slow breaths.",
        ],
        "cues": [
            "Shoulders stay down and soft.",
            "Breathe low and slow.",
        ],
        "common_mistakes": [
            "Shrugging your shoulders as you breathe in.",
            "Slumping in the chair.",
            "Breathing fast.",
        ],
        "precautions": (
            "Breathe slowly and easily, not extra deep. If you feel lightheaded or get "
            "tingling around your mouth or fingers, you may be breathing too much; go back to "
            "normal breathing until it passes. If you have a lung or heart condition, check "
            "with your clinician first."
        ),
        "stop_if": (
            "Stop and contact your clinician if you feel short of breath, dizzy, or faint, or if "
            "the breathing brings on neck or chest discomfort. Chest pain, or shortness of breath "
            "that does not settle with rest, needs urgent care. " + URGENT_CARE
        ),
        "equipment": "Chair",
        "dosage": {
            "sets": 1,
            "reps": 10,
            "hold_seconds": 0,
            "rest_seconds": 0,
            "side": "none",
            "times_per_day": 3,
        },
        "progression": "side-rib-breathing",
        "regression": "diaphragmatic-breathing-lying",
    },
    {
        "slug": "side-rib-breathing",
        "name": "Side rib breathing",
        "category": "breathing",
        "level": "intermediate",
        "muscles": ["diaphragm"],
        "summary": (
            "Breathing wide into the sides of your lower ribs trains a calm breathing pattern "
            "that keeps your neck muscles out of the way."
        ),
        "steps": [
            "Sit tall with your shoulders relaxed.",
            "Place your hands on the sides of your lower ribs, fingers pointing forward.",
            "Breathe in slowly through your nose and feel your ribs widen into your hands.",
            "Breathe out slowly and feel your ribs move back in.",
            "Keep your shoulders and neck still. Repeat for 10 slow breaths.",
        ],
        "cues": [
            "Breathe into your hands, like an umbrella opening.",
            "Your shoulders do not move.",
        ],
        "common_mistakes": [
            "Lifting your shoulders as you breathe in.",
            "Arching your back to breathe in.",
            "Breathing fast.",
        ],
        "precautions": (
            "Breathe slowly and easily, not extra deep. If you feel lightheaded or get "
            "tingling around your mouth or fingers, you may be breathing too much; go back to "
            "normal breathing until it passes. If you have a lung or heart condition, check "
            "with your clinician first."
        ),
        "stop_if": (
            "Stop and contact your clinician if you feel short of breath, dizzy, or faint, or if "
            "the breathing brings on neck or chest discomfort. Chest pain, or shortness of breath "
            "that does not settle with rest, needs urgent care. " + URGENT_CARE
        ),
        "equipment": "None",
        "dosage": {
            "sets": 1,
            "reps": 10,
            "hold_seconds": 0,
            "rest_seconds": 0,
            "side": "none",
            "times_per_day": 2,
        },
        "progression": None,
        "regression": "diaphragmatic-breathing-sitting",
    },
    {
        "slug": "slow-exhale-breathing",
        "name": "Slow breathing with a long breath out",
        "category": "breathing",
        "level": "beginner",
        "muscles": ["diaphragm"],
        "summary": (
            "Slow breaths with a longer breath out help your body relax, which can ease "
            "tension in your neck and shoulders."
        ),
        "steps": [
            "Sit or lie in a comfortable position with your shoulders relaxed.",
            "Breathe in gently through your nose for a count of 4.",
            "Breathe out slowly through your nose or pursed lips for a count of 6.",
            "Let your belly, not your shoulders, do the moving.",
            "Repeat for 10 slow breaths.",
        ],
        "cues": [
            "Out for longer than in.",
            "Soften your jaw and shoulders on each breath out.",
        ],
        "common_mistakes": [
            "Forcing the breath in.",
            "Holding your breath between breaths.",
            "Lifting your shoulders.",
        ],
        "precautions": (
            "Breathe slowly and easily, not extra deep. If you feel lightheaded or get "
            "tingling around your mouth or fingers, you may be breathing too much; go back to "
            "normal breathing until it passes. If you have a lung or heart condition, check "
            "with your clinician first. Shorten the counts if they feel like a strain."
        ),
        "stop_if": (
            "Stop and contact your clinician if you feel short of breath, dizzy, or faint, or if "
            "the breathing brings on neck or chest discomfort. Chest pain, or shortness of breath "
            "that does not settle with rest, needs urgent care. " + URGENT_CARE
        ),
        "equipment": "None",
        "dosage": {
            "sets": 1,
            "reps": 10,
            "hold_seconds": 0,
            "rest_seconds": 0,
            "side": "none",
            "times_per_day": 3,
        },
        "progression": None,
        "regression": "diaphragmatic-breathing-lying",
    },
    {
        "slug": "monitor-eye-height",
        "name": "Set your screen at eye height",
        "category": "ergonomic",
        "level": "beginner",
        "muscles": ["cervical-extensors", "deep-neck-flexors"],
        "summary": (
            "Placing your computer screen straight ahead at eye height stops you from looking "
            "down or leaning forward for hours."
        ),
        "steps": [
            "Sit in your usual work position, in your adjusted chair.",
            "Place the screen straight in front of you, about an arm's length away.",
            "Raise or lower it so the top of the screen is at, or just below, eye level.",
            (
                "Tilt the screen back slightly so you can see the middle by lowering your eyes, "
                "not your head."
            ),
            (
                "If you wear bifocals or progressive lenses, set the screen a little lower so you "
                "do not tip your head back."
            ),
            "Use a monitor stand or a stack of books if you need more height.",
        ],
        "cues": [
            "Eyes straight ahead should land near the top of the screen.",
            "You should read the screen without leaning in.",
        ],
        "common_mistakes": [
            "Putting the screen off to one side, so you turn your neck all day.",
            "Working for long periods on a laptop screen that sits too low.",
            "Setting the screen so far away that you lean forward to read.",
        ],
        "precautions": (
            "Make one change at a time and give yourself a few days to get used to it. Ask "
            "for help lifting heavy screens."
        ),
        "stop_if": (
            "Stop and contact your clinician if you notice numbness, tingling, or weakness in "
            "your arms or hands, clumsy hands, or dizziness. Also contact them if your neck pain "
            "gets worse after a change and does not settle within a few days. " + URGENT_CARE
        ),
        "equipment": "Monitor stand or books",
        "dosage": {
            "sets": 1,
            "reps": 1,
            "hold_seconds": 0,
            "rest_seconds": 0,
            "side": "none",
            "times_per_day": 1,
        },
        "progression": None,
        "regression": None,
    },
    {
        "slug": "chair-lumbar-support",
        "name": "Set up your chair and lower back support",
        "category": "ergonomic",
        "level": "beginner",
        "muscles": ["thoracic-extensors", "cervical-extensors"],
        "summary": (
            "A chair that supports your lower back helps you sit upright without effort, "
            "which keeps your head from drifting forward."
        ),
        "steps": [
            "Sit all the way back in the chair.",
            (
                "Adjust the seat height so your feet rest flat on the floor, or on a footrest, "
                "with your knees about level with your hips."
            ),
            (
                "Set the lower back support, or place a small cushion or rolled towel, so it "
                "fills the curve of your lower back."
            ),
            "Tilt the backrest slightly back, just past upright, so it supports your upper body.",
            (
                "Leave two or three fingers of space between the front of the seat and the back "
                "of your knees."
            ),
            "Set the armrests low enough that your shoulders stay relaxed.",
        ],
        "cues": [
            "The chair should hold you up, so your muscles do not have to.",
            "Feel the support touch your lower back.",
        ],
        "common_mistakes": [
            "Perching on the front edge of the seat.",
            "Armrests so high that your shoulders lift.",
            "Dangling feet that do not reach the floor.",
        ],
        "precautions": (
            "Change one thing at a time. Even a good chair needs breaks: stand up and move at "
            "least once an hour."
        ),
        "stop_if": (
            "Stop and contact your clinician if you notice numbness, tingling, or weakness in "
            "your arms or hands, clumsy hands, or dizziness. Also contact them if your neck pain "
            "gets worse after a change and does not settle within a few days. " + URGENT_CARE
        ),
        "equipment": "Chair; small cushion or rolled towel",
        "dosage": {
            "sets": 1,
            "reps": 1,
            "hold_seconds": 0,
            "rest_seconds": 0,
            "side": "none",
            "times_per_day": 1,
        },
        "progression": None,
        "regression": None,
    },
    {
        "slug": "pillow-height",
        "name": "Check your pillow height",
        "category": "ergonomic",
        "level": "beginner",
        "muscles": ["cervical-extensors", "sternocleidomastoid", "upper-trapezius"],
        "summary": (
            "A pillow of the right height keeps your neck in line with the rest of your spine "
            "while you sleep, on your side or your back."
        ),
        "steps": [
            (
                "If you sleep on your side, choose a pillow that fills the space between your ear "
                "and the bed. Your head should be level with the middle of your body."
            ),
            (
                "If you sleep on your back, choose a lower pillow that supports the curve of your "
                "neck without pushing your chin toward your chest."
            ),
            (
                "Ask someone to check: your nose should line up with the middle of your chest, "
                "and your neck should look straight, not bent up or down."
            ),
            (
                "If your clinician suggests it, roll a small towel and slide it into the "
                "pillowcase along the bottom edge to support your neck."
            ),
            "Try to avoid sleeping on your stomach, which keeps your neck turned for hours.",
            "Give a new setup about a week before you decide if it works.",
        ],
        "cues": [
            "Side sleeping: head level, not tipped up or down.",
            "Back sleeping: chin level, not pushed toward your chest.",
        ],
        "common_mistakes": [
            "Stacking two or more pillows when sleeping on your back.",
            "Using a pillow too flat for side sleeping, so your head drops.",
            "Sleeping with your arm under your pillow and head.",
        ],
        "precautions": (
            "There is no single best pillow. Choose the one that keeps your neck level and "
            "lets you wake up with less stiffness."
        ),
        "stop_if": (
            "Stop and contact your clinician if you notice numbness, tingling, or weakness in "
            "your arms or hands, clumsy hands, or dizziness. Also contact them if your neck pain "
            "gets worse after a change and does not settle within a few days. Also tell them "
            "about neck pain at night that does not ease when you change position. " + URGENT_CARE
        ),
        "equipment": "Pillow; rolled towel (optional)",
        "dosage": {
            "sets": 1,
            "reps": 1,
            "hold_seconds": 0,
            "rest_seconds": 0,
            "side": "none",
            "times_per_day": 1,
        },
        "progression": None,
        "regression": None,
    },
    {
        "slug": "phone-eye-height",
        "name": "Hold your phone at eye height",
        "category": "ergonomic",
        "level": "beginner",
        "muscles": ["cervical-extensors", "deep-neck-flexors", "upper-trapezius"],
        "summary": (
            "Raising your phone toward eye level stops your head from hanging forward while "
            "you read and type."
        ),
        "steps": [
            "Hold your phone up in front of your face instead of down in your lap.",
            "Rest your elbow on a table, an armrest, or your other hand so your arm does not tire.",
            "Lower your eyes, not your head, to read.",
            "Use voice typing or a phone stand for long messages or videos.",
            (
                "Use a headset or speaker for calls. Do not hold the phone between your ear and "
                "shoulder."
            ),
            "Every 15 minutes or so, put the phone down and look up and around.",
        ],
        "cues": [
            "Bring the phone up to you, not your head down to the phone.",
            "Ears over shoulders, even while scrolling.",
        ],
        "common_mistakes": [
            "Looking down at your phone in your lap for long periods.",
            "Wedging the phone between your ear and shoulder.",
            "Lying in bed with your head propped up on your hand to read.",
        ],
        "precautions": (
            "Change positions often, and keep your shoulders relaxed while you hold the phone up."
        ),
        "stop_if": (
            "Stop and contact your clinician if you notice numbness, tingling, or weakness in "
            "your arms or hands, clumsy hands, or dizziness. Also contact them if your neck pain "
            "gets worse after a change and does not settle within a few days. " + URGENT_CARE
        ),
        "equipment": "Phone stand (optional)",
        "dosage": {
            "sets": 1,
            "reps": 1,
            "hold_seconds": 0,
            "rest_seconds": 0,
            "side": "none",
            "times_per_day": 6,
        },
        "progression": None,
        "regression": None,
    },
    {
        "slug": "hourly-posture-break",
        "name": "Hourly posture break",
        "category": "ergonomic",
        "level": "beginner",
        "muscles": ["deep-neck-flexors", "upper-trapezius", "cervical-extensors"],
        "summary": (
            "A short break every hour to stand, move, and reset your posture, so your neck "
            "muscles do not stay stuck in one position."
        ),
        "steps": [
            "When the reminder goes off, stand up and walk for a minute or two.",
            "Do 5 gentle chin tucks and 5 slow shoulder rolls.",
            "Look at something far away for 20 seconds to rest your eyes.",
            "Take 3 slow belly breaths.",
            "Sit back down with your posture reset: tall, shoulders relaxed, ears over shoulders.",
        ],
        "cues": [
            "Move a little, often.",
            "Any movement counts. It does not have to be long.",
        ],
        "common_mistakes": [
            "Skipping breaks when you are busy.",
            "Spending the break looking down at your phone.",
        ],
        "precautions": (
            "Keep all movements gentle and pain-free. If standing up quickly makes you "
            "lightheaded, stand up slowly and hold onto your desk."
        ),
        "stop_if": (
            "Stop and contact your clinician if you notice numbness, tingling, or weakness in "
            "your arms or hands, clumsy hands, or dizziness. Also contact them if your neck pain "
            "gets worse after a change and does not settle within a few days. " + URGENT_CARE
        ),
        "equipment": "None",
        "dosage": {
            "sets": 1,
            "reps": 1,
            "hold_seconds": 0,
            "rest_seconds": 0,
            "side": "none",
            "times_per_day": 8,
        },
        "progression": None,
        "regression": None,
    },
    {
        "slug": "keyboard-mouse-position",
        "name": "Position your keyboard and mouse",
        "category": "ergonomic",
        "level": "beginner",
        "muscles": ["upper-trapezius", "levator-scapulae"],
        "summary": (
            "Keeping your keyboard and mouse close and low lets your shoulders relax, which "
            "takes strain off your neck."
        ),
        "steps": [
            "Place the keyboard straight in front of you, close to the edge of the desk.",
            (
                "Adjust your chair or desk so your elbows are bent at about a right angle and "
                "rest close to your sides."
            ),
            "Keep your wrists straight and your shoulders relaxed, not lifted.",
            "Place the mouse right next to the keyboard, at the same height.",
            "Move the mouse with your whole arm, without reaching out to the side.",
            "Learn a few keyboard shortcuts so you use the mouse less.",
        ],
        "cues": [
            "Elbows by your sides, shoulders down.",
            "If you have to reach, move the item closer.",
        ],
        "common_mistakes": [
            "Keyboard so high that your shoulders lift.",
            "Mouse far out to the side.",
            "Resting your wrists on a hard desk edge.",
        ],
        "precautions": (
            "Change one thing at a time. If you use a laptop all day, add a separate keyboard "
            "and mouse."
        ),
        "stop_if": (
            "Stop and contact your clinician if you notice numbness, tingling, or weakness in "
            "your arms or hands, clumsy hands, or dizziness. Also contact them if your neck pain "
            "gets worse after a change and does not settle within a few days. " + URGENT_CARE
        ),
        "equipment": "Desk and chair",
        "dosage": {
            "sets": 1,
            "reps": 1,
            "hold_seconds": 0,
            "rest_seconds": 0,
            "side": "none",
            "times_per_day": 1,
        },
        "progression": None,
        "regression": None,
    },
    {
        "slug": "laptop-setup",
        "name": "Set up your laptop",
        "category": "ergonomic",
        "level": "beginner",
        "muscles": ["cervical-extensors", "deep-neck-flexors", "upper-trapezius"],
        "summary": (
            "Raising your laptop screen and using a separate keyboard stops you from hunching "
            "over a small, low screen."
        ),
        "steps": [
            (
                "Raise the laptop on a stand or a stack of books so the top of the screen is near "
                "eye level."
            ),
            "Plug in a separate keyboard and mouse and place them at elbow height.",
            "Avoid working with the laptop on your lap or on a sofa for long periods.",
            (
                "If you have to work without a stand, take a short posture break every 20 to 30 "
                "minutes."
            ),
        ],
        "cues": [
            "Screen up, hands down.",
            "Eyes level with the top of the screen.",
        ],
        "common_mistakes": [
            "Typing on the laptop keyboard with the screen raised, which lifts your shoulders.",
            "Working in bed or on a low sofa.",
        ],
        "precautions": (
            "Check that the stand is stable and the laptop cannot slide off. Change one thing "
            "at a time and give yourself a few days to get used to it."
        ),
        "stop_if": (
            "Stop and contact your clinician if you notice numbness, tingling, or weakness in "
            "your arms or hands, clumsy hands, or dizziness. Also contact them if your neck pain "
            "gets worse after a change and does not settle within a few days. " + URGENT_CARE
        ),
        "equipment": "Laptop stand, keyboard, and mouse",
        "dosage": {
            "sets": 1,
            "reps": 1,
            "hold_seconds": 0,
            "rest_seconds": 0,
            "side": "none",
            "times_per_day": 1,
        },
        "progression": None,
        "regression": None,
    },
    {
        "slug": "car-seat-headrest",
        "name": "Set up your car seat and headrest",
        "category": "ergonomic",
        "level": "beginner",
        "muscles": ["cervical-extensors", "deep-neck-flexors"],
        "summary": (
            "A well-set car seat and headrest support your head while you drive, and can help "
            "protect your neck if the car is hit from behind."
        ),
        "steps": [
            "Sit with your hips all the way back in the seat.",
            (
                "Set the backrest fairly upright, so you can see the road without pushing your "
                "head forward."
            ),
            (
                "Raise the headrest so its top is level with the top of your head, or as close as "
                "it goes."
            ),
            (
                "If you can, tilt or move the headrest forward so it sits close to the back of "
                "your head."
            ),
            "Adjust your mirrors while sitting tall. They will remind you to sit up.",
            "On long drives, stop every 1 to 2 hours to get out and move.",
        ],
        "cues": [
            "Headrest high and close.",
            "Hands low on the wheel, shoulders relaxed.",
        ],
        "common_mistakes": [
            "Leaving the headrest in its lowest position.",
            "Reclining the seat so far that your head juts forward.",
        ],
        "precautions": (
            "Make these changes while the car is parked. Do not drive if you cannot turn your "
            "head far enough to check your blind spots safely, or if you feel dizzy."
        ),
        "stop_if": (
            "Stop and contact your clinician if you notice numbness, tingling, or weakness in "
            "your arms or hands, clumsy hands, or dizziness. Also contact them if your neck pain "
            "gets worse after a change and does not settle within a few days. " + URGENT_CARE
        ),
        "equipment": "Car seat",
        "dosage": {
            "sets": 1,
            "reps": 1,
            "hold_seconds": 0,
            "rest_seconds": 0,
            "side": "none",
            "times_per_day": 1,
        },
        "progression": None,
        "regression": None,
    },
]


_CATEGORIES = {
    "deep_neck_flexor",
    "stretching",
    "strengthening",
    "posture",
    "range_of_motion",
    "breathing",
    "ergonomic",
}
_LEVELS = {"beginner": 0, "intermediate": 1, "advanced": 2}
_DOSAGE_KEYS = {"sets", "reps", "hold_seconds", "rest_seconds", "side", "times_per_day"}
_TEXT_KEYS = ("summary", "precautions", "stop_if")


def _problems() -> list[str]:
    """Everything wrong with the data, as readable lines (empty when it is all valid)."""
    errors: list[str] = []
    muscles = [slug for slug, _ in MUSCLES]
    slugs = [ex["slug"] for ex in EXERCISES]
    by_slug = {ex["slug"]: ex for ex in EXERCISES}
    for name, values in (("muscle", muscles), ("exercise", slugs)):
        errors += [f"duplicate {name} slug {v}" for v in set(values) if values.count(v) > 1]
    used = {m for ex in EXERCISES for m in ex["muscles"]}
    errors += [f"muscle {m} is not used" for m in set(muscles) - used]
    for ex in EXERCISES:
        slug = ex["slug"]
        parts = slug.split("-")
        if not all(p.isascii() and p.isalnum() and p == p.lower() for p in parts):
            errors.append(f"{slug}: slug is not kebab-case")
        if ex["category"] not in _CATEGORIES or ex["level"] not in _LEVELS:
            errors.append(f"{slug}: bad category or level")
        if not ex["muscles"] or set(ex["muscles"]) - set(muscles):
            errors.append(f"{slug}: missing or unknown muscles")
        for key, low, high in (("steps", 3, 7), ("cues", 1, 4), ("common_mistakes", 1, 4)):
            if not low <= len(ex[key]) <= high or not all(ex[key]):
                errors.append(f"{slug}: {key} needs {low}-{high} items")
        texts = [ex["name"], ex["equipment"], *ex["steps"], *ex["cues"], *ex["common_mistakes"]]
        texts += [ex[key] for key in _TEXT_KEYS]
        if not all(t and t.isascii() and "  " not in t for t in texts):
            errors.append(f"{slug}: empty, non-ASCII or double-spaced text")
        if len(ex["name"]) > 120 or len(ex["summary"]) > 300 or len(ex["equipment"]) > 120:
            errors.append(f"{slug}: name, summary or equipment too long")
        if "clinician" not in ex["stop_if"] or not ex["stop_if"].endswith(URGENT_CARE):
            errors.append(f"{slug}: stop_if must name the clinician and end with URGENT_CARE")
        dose = ex["dosage"]
        if set(dose) != _DOSAGE_KEYS or dose["side"] not in {"none", "both", "left", "right"}:
            errors.append(f"{slug}: bad dosage keys or side")
            continue
        numbers = [dose[k] for k in _DOSAGE_KEYS - {"side"}]
        if not all(isinstance(n, int) and n >= 0 for n in numbers):
            errors.append(f"{slug}: dosage numbers must be whole and not negative")
        if dose["sets"] < 1 or dose["reps"] < 1 or not 1 <= dose["times_per_day"] <= 12:
            errors.append(f"{slug}: sets and reps at least 1, times_per_day 1-12")
        if dose["sets"] > 1 and dose["rest_seconds"] == 0:
            errors.append(f"{slug}: several sets need a rest")
        for link, harder in (("progression", True), ("regression", False)):
            target = ex[link]
            if target is None:
                continue
            if target == slug or target not in by_slug:
                errors.append(f"{slug}: {link} {target} is itself or unknown")
                continue
            step = _LEVELS[by_slug[target]["level"]] - _LEVELS[ex["level"]]
            if (step < 0) if harder else (step > 0):
                errors.append(f"{slug}: {link} {target} goes the wrong way in level")
            seen, current = {slug}, target
            while current in by_slug and by_slug[current][link] is not None:
                if current in seen:
                    errors.append(f"{slug}: {link} chain loops at {current}")
                    break
                seen.add(current)
                current = by_slug[current][link]
    counts = {c: sum(ex["category"] == c for ex in EXERCISES) for c in _CATEGORIES}
    errors += [f"category {c} has {n} (< 3)" for c, n in counts.items() if n < 3]
    if counts["ergonomic"] < 6 or len(EXERCISES) < 38:
        errors.append("need at least 6 ergonomic tasks and 38 exercises")
    return errors


if __name__ == "__main__":
    import sys

    found = _problems()
    for line in found:
        print(line)
    for category in sorted(_CATEGORIES):
        total = sum(ex["category"] == category for ex in EXERCISES)
        print(f"{category:<17} {total}")
    print(f"{'total':<17} {len(EXERCISES)} exercises, {len(MUSCLES)} muscles")
    sys.exit(1 if found else 0)
