"""Posture tracking: side photos for the craniovertebral angle, the workstation checklist and
posture breaks. Reads scoped to the viewer and the writes (services) of the posture part.

Photos are health data that may show a face. Who sees them: the patient and the therapists on
their care team. Clinic staff do not (they run accounts and exports, not clinical care): for
them, as for anyone else, a photo answers 404. Only the patient deletes a photo.

An upload is trusted for nothing but its bytes: it is decoded with Pillow (JPEG, PNG or WebP
only, with a size and pixel cap against decompression bombs), turned upright by its EXIF
orientation, shrunk to at most `MAX_SIDE` pixels and re-encoded as a fresh JPEG, so no EXIF
(GPS included), XMP, ICC profile or comment of the original survives. Only the re-encoded file
is stored, in the private storage (no URL).
"""

import io
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import IO, Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Count, QuerySet
from django.http import Http404
from PIL import Image, ImageOps, UnidentifiedImageError

from accounts import audit
from accounts.access import patients_visible_to
from accounts.models import Role, User
from rehab.programs.services import patient_today
from rehab.reminders.models import Kind, Notification

from . import services
from .models import (
    WORKSTATION_ITEMS,
    Measure,
    OutcomeRecord,
    PostureBreak,
    PosturePhoto,
    Side,
    WorkstationCheck,
)

# --- Photo rules --------------------------------------------------------------------------------

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
# Enough for a 48-megapixel phone photo; a bigger pixel count in a file of at most 10 MB is a
# decompression bomb (a small file that would take gigabytes of memory to decode).
MAX_PIXELS = 50_000_000
# Too small to see the ear and the base of the neck.
MIN_SIDE = 200
MAX_SIDE = 1600
JPEG_QUALITY = 85
ACCEPTED_FORMATS = ("JPEG", "PNG", "WEBP")
POSTURE_NOTIFICATION_KIND = Kind.POSTURE

NOT_AN_IMAGE = (
    "This file is not a photo we can use. Choose a JPEG, PNG or WebP photo "
    "(other types, such as GIF, HEIC, BMP, SVG or PDF, are not accepted)."
)
DAMAGED = "This photo could not be read; it may be damaged. Take or choose it again."
TOO_BIG = "This photo is larger than 10 MB. Choose a smaller one, or crop it first."
TOO_MANY_PIXELS = "This photo has too many pixels to process. Choose a smaller one."
TOO_SMALL = (
    f"This photo is too small (under {MIN_SIDE} pixels across). Use the original photo, "
    "not a thumbnail."
)


@dataclass(frozen=True)
class CleanImage:
    """A re-encoded upload: JPEG bytes without metadata, upright, at most MAX_SIDE pixels."""

    data: bytes
    width: int
    height: int


def _flatten_to_rgb(image: Image.Image) -> Image.Image:
    """RGB pixels only: transparency goes onto white, palettes and CMYK are converted."""
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    if image.mode.startswith("I;16") or image.mode in ("I", "F"):
        # 16-bit or float greyscale (some PNGs): scale into 8 bits before going to RGB.
        return image.convert("F").point(lambda v: v / 256).convert("L").convert("RGB")
    return image.convert("RGB")


def clean_image(upload: IO[bytes], size: int | None = None) -> CleanImage:
    """Decode, check and re-encode an uploaded photo; ValidationError {"image": ...} if unusable.

    `size` is the upload's size in bytes when known (checked before reading anything).
    """
    if size is not None and size > MAX_UPLOAD_BYTES:
        raise ValidationError({"image": TOO_BIG})
    upload.seek(0)
    raw = upload.read(MAX_UPLOAD_BYTES + 1)
    if len(raw) > MAX_UPLOAD_BYTES:
        raise ValidationError({"image": TOO_BIG})
    with warnings.catch_warnings():
        # Pillow only warns between MAX_IMAGE_PIXELS and twice that; our own cap comes first.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(raw), formats=ACCEPTED_FORMATS)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
            raise ValidationError({"image": TOO_MANY_PIXELS}) from error
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
            raise ValidationError({"image": NOT_AN_IMAGE}) from error
        with image:
            if image.format not in ACCEPTED_FORMATS:
                raise ValidationError({"image": NOT_AN_IMAGE})
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise ValidationError({"image": TOO_MANY_PIXELS})
            if min(width, height) < MIN_SIDE:
                raise ValidationError({"image": TOO_SMALL})
            try:
                if image.format == "JPEG":
                    # Decode a big JPEG at a reduced scale straight away (less memory).
                    image.draft("RGB", (MAX_SIDE, MAX_SIDE))
                image.load()
                upright = ImageOps.exif_transpose(image)
                upright.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
                rgb = _flatten_to_rgb(upright)
            except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
                raise ValidationError({"image": TOO_MANY_PIXELS}) from error
            except (OSError, SyntaxError, ValueError, EOFError) as error:
                raise ValidationError({"image": DAMAGED}) from error
    # A brand-new image holds the pixels only: nothing of the original's `info` (EXIF, GPS,
    # XMP, ICC profile, comments) can be written back out.
    fresh = Image.new("RGB", rgb.size)
    fresh.paste(rgb)
    out = io.BytesIO()
    fresh.save(out, format="JPEG", quality=JPEG_QUALITY, optimize=True)
    return CleanImage(data=out.getvalue(), width=fresh.width, height=fresh.height)


# --- Photo reads --------------------------------------------------------------------------------


def photos_visible_to(viewer: User) -> QuerySet[PosturePhoto]:
    """The photos `viewer` may see: their own (patient), their caseload's (therapist); no one
    else's, and none for clinic staff."""
    if viewer.role not in (Role.PATIENT, Role.THERAPIST):
        return PosturePhoto.objects.none()
    return PosturePhoto.objects.filter(
        patient__in=patients_visible_to(viewer).values("pk")
    ).select_related("outcome", "patient", "uploaded_by")


def get_photo_or_404(viewer: User, public_id: UUID | str) -> PosturePhoto:
    try:
        return audit.noted(photos_visible_to(viewer).get(public_id=public_id))
    except (PosturePhoto.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404("No such photo.") from exc


def may_delete_photo(viewer: User, photo: PosturePhoto) -> bool:
    """The patient's photo is theirs to delete; their therapists can't."""
    return viewer.pk == photo.patient_id


# --- Photo writes -------------------------------------------------------------------------------


def _check_taken_on(patient: User, taken_on: date) -> None:
    today = patient_today(patient)
    if taken_on > today:
        raise ValidationError({"taken_on": "The date can't be in the future."})
    if taken_on < today - timedelta(days=services.BACKDATE_DAYS):
        raise ValidationError({"taken_on": "Use a photo from the last year."})


def _may_upload(by: User, patient: User) -> bool:
    if by.pk == patient.pk:
        return by.role == Role.PATIENT
    return by.role == Role.THERAPIST and patients_visible_to(by).filter(pk=patient.pk).exists()


@transaction.atomic
def photo_upload(
    *,
    patient: User,
    by: User,
    side: str,
    taken_on: date,
    upload: IO[bytes],
    size: int | None = None,
) -> PosturePhoto:
    """Store a checked, re-encoded side photo. Nothing is stored (row or file) on any error."""
    if not _may_upload(by, patient):
        raise ValidationError({"patient": "You can't add photos for this person."})
    if side not in Side.values:
        raise ValidationError({"side": "Choose the left or the right side."})
    _check_taken_on(patient, taken_on)
    clean = clean_image(upload, size)
    assert patient.clinic_id is not None
    photo = PosturePhoto(
        clinic_id=patient.clinic_id,
        patient=patient,
        uploaded_by=by,
        taken_on=taken_on,
        side=side,
        width=clean.width,
        height=clean.height,
    )
    photo.image.save("side.jpg", ContentFile(clean.data), save=False)
    name = photo.image.name or ""
    try:
        photo.save()
    except BaseException:
        # The row failed: take the file back out, so nothing is left behind.
        photo.image.storage.delete(name)
        raise
    return photo


def _point(value: Any, field: str, photo: PosturePhoto) -> list[float]:
    """[x, y] in the photo's own pixels, inside the photo."""
    if not isinstance(value, list | tuple) or len(value) != 2:
        raise ValidationError({field: "Give the point as [x, y]."})
    try:
        x, y = (float(v) for v in value)
    except (TypeError, ValueError) as error:
        raise ValidationError({field: "Give the point as two numbers."}) from error
    if not (0 <= x <= photo.width and 0 <= y <= photo.height):
        raise ValidationError({field: "This point is outside the photo. Mark it on the photo."})
    return [round(x, 1), round(y, 1)]


@transaction.atomic
def photo_mark(*, photo: PosturePhoto, by: User, tragus: Any, c7: Any) -> OutcomeRecord:
    """Measure the angle from the marked points and link it to the photo.

    The first marking records a CVA outcome (services.outcome_record, dated the day the photo
    was taken). Marking again corrects that same outcome row in place (one photo, one angle;
    the audit log keeps the earlier values), so a re-mark never adds a second point to the trend.
    """
    locked = PosturePhoto.objects.select_for_update().select_related("patient").get(pk=photo.pk)
    if by.pk != locked.patient_id and not (
        by.role == Role.THERAPIST and patients_visible_to(by).filter(pk=locked.patient_id).exists()
    ):
        raise ValidationError({"photo": "You can't mark this photo."})
    inputs = {
        "side": locked.side,
        "tragus": _point(tragus, "tragus", locked),
        "c7": _point(c7, "c7", locked),
    }
    if locked.outcome_id is None:
        outcome = services.outcome_record(
            patient=locked.patient,
            by=by,
            measure=Measure.CVA,
            recorded_on=locked.taken_on,
            inputs=inputs,
        )
        locked.outcome = outcome
        locked.save(update_fields=["outcome"])
    else:
        result = services.score(Measure.CVA, inputs)
        outcome = OutcomeRecord.objects.select_for_update().get(pk=locked.outcome_id)
        outcome.inputs = inputs
        outcome.value = result.value
        outcome.band = result.band
        outcome.scoring_version = result.version
        outcome.detail = result.detail
        outcome.entered_by = by
        outcome.save(
            update_fields=["inputs", "value", "band", "scoring_version", "detail", "entered_by"]
        )
    photo.outcome = outcome
    return outcome


@transaction.atomic
def photo_delete(*, photo: PosturePhoto, by: User) -> None:
    """The patient deletes their photo: the row now, the file once that is committed (a
    rollback keeps both). The angle measured from it stays."""
    if not may_delete_photo(by, photo):
        raise ValidationError({"photo": "Only the patient can delete their photo."})
    name = photo.image.name or ""
    storage = photo.image.storage
    PosturePhoto.objects.filter(pk=photo.pk).delete()
    if name:
        transaction.on_commit(lambda: storage.delete(name))


# --- Workstation checklist ---------------------------------------------------------------------

WORKSTATION_TIPS: dict[str, str] = {
    "monitor": (
        "Raise a laptop on books or a stand and use a separate keyboard, so you look straight "
        "ahead rather than down."
    ),
    "chair": (
        "Adjust the seat height, or rest your feet on a box or footrest, so your knees are "
        "about level with your hips."
    ),
    "lumbar": (
        "Sit back in the chair. A rolled towel or small cushion behind the small of your back "
        "helps you sit tall without effort."
    ),
    "pillow": (
        "On your back or side, your nose should line up with the middle of your chest. Too "
        "high or too flat a pillow bends the neck all night."
    ),
    "phone": (
        "Bring the phone up to your eyes instead of your eyes down to the phone. Use a "
        "headset or speaker instead of holding the phone between ear and shoulder."
    ),
    "breaks": (
        "Stand up, roll your shoulders and gently tuck your chin a few times. A timer or the "
        "app's posture reminders can prompt you."
    ),
}


def workstation_checks_for(viewer: User, patient: User) -> QuerySet[WorkstationCheck]:
    """The patient's checklist history, newest first (the caller has checked access)."""
    del viewer  # access is the caller's check; kept for a uniform selector signature
    return WorkstationCheck.objects.filter(patient=patient).order_by("-checked_on", "-entered_at")


@transaction.atomic
def workstation_check_submit(
    *, patient: User, by: User, answers: Mapping[str, Any]
) -> WorkstationCheck:
    """Store one pass through the checklist: every item answered yes (True) or no (False);
    score = number of yes, out of len(WORKSTATION_ITEMS). Dated the patient's local today."""
    if by.pk != patient.pk or patient.role != Role.PATIENT:
        raise ValidationError({"patient": "Patients fill in their own checklist."})
    keys = [key for key, _ in WORKSTATION_ITEMS]
    errors = {
        key: "Please answer yes or no." for key in keys if not isinstance(answers.get(key), bool)
    }
    unknown = sorted(set(answers) - set(keys))
    if unknown:
        errors["answers"] = f"Not on the checklist: {', '.join(unknown)}."
    if errors:
        raise ValidationError(errors)
    clean = {key: bool(answers[key]) for key in keys}
    assert patient.clinic_id is not None
    return WorkstationCheck.objects.create(
        clinic_id=patient.clinic_id,
        patient=patient,
        checked_on=patient_today(patient),
        entered_by=by,
        answers=clean,
        score=sum(clean.values()),
        out_of=len(keys),
    )


# --- Posture breaks -----------------------------------------------------------------------------


def posture_break_record(
    *, patient: User, notification_id: UUID | str | None = None
) -> tuple[PostureBreak, bool]:
    """Count a posture break the patient took today (their local date), optionally answering
    one of their posture nudges. Answering the same nudge again counts once: returns the
    existing break and False. A notification that is not one of the patient's own posture
    nudges raises Notification.DoesNotExist (a 404 for the caller). Answering a nudge also
    marks it read.
    """
    if patient.role != Role.PATIENT:
        raise ValidationError({"patient": "Only patients record posture breaks."})
    notification = None
    if notification_id is not None:
        try:
            notification = Notification.objects.get(
                recipient=patient, kind=POSTURE_NOTIFICATION_KIND, public_id=notification_id
            )
        except (ValueError, ValidationError) as error:
            raise Notification.DoesNotExist from error
        existing = PostureBreak.objects.filter(notification=notification).first()
        if existing is not None:
            return existing, False
    try:
        with transaction.atomic():
            done = PostureBreak.objects.create(
                patient=patient, done_on=patient_today(patient), notification=notification
            )
            if notification is not None and notification.read_at is None:
                Notification.objects.filter(pk=notification.pk, read_at=None).update(
                    read_at=done.done_at
                )
    except IntegrityError:
        # Two taps at once on the same nudge: the other one counted it.
        return PostureBreak.objects.get(notification=notification), False
    return done, True


def posture_break_counts(patient: User, start: date, end: date) -> dict[date, int]:
    """Posture breaks per local day from `start` to `end` (both included), every day present
    (0 when none), in date order. One query."""
    rows = (
        PostureBreak.objects.filter(patient=patient, done_on__range=(start, end))
        .values("done_on")
        .annotate(n=Count("id"))
        .values_list("done_on", "n")
    )
    found = dict(rows)
    days = (end - start).days + 1
    return {start + timedelta(days=i): found.get(start + timedelta(days=i), 0) for i in range(days)}


def posture_breaks_today(patient: User) -> int:
    today = patient_today(patient)
    return PostureBreak.objects.filter(patient=patient, done_on=today).count()
