"""Side photos: upload checks and re-encoding, the permission-checked image, marking the points
(the server computes the angle), deleting, and who may do what."""

import io
import os
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from PIL import Image

from rehab.outcomes import posture
from rehab.outcomes.models import Measure, OutcomeRecord, PosturePhoto
from rehab.programs.services import patient_today

PERSONAS = ("alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi")


@pytest.fixture
def storage(tmp_path, monkeypatch, settings):
    """Photos go to a private storage in tmp_path (the model field's storage is swapped)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    private = FileSystemStorage(location=tmp_path / "private", base_url="/no-public-url/")
    monkeypatch.setattr(PosturePhoto._meta.get_field("image"), "storage", private)
    return private


def stored_files(storage: FileSystemStorage) -> list[Path]:
    root = Path(storage.location)
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def image_bytes(fmt: str = "JPEG", size: tuple[int, int] = (800, 600), **save: object) -> bytes:
    image = Image.new("RGB", size, (200, 180, 160))
    # Something to tell the top from the bottom after rotation.
    image.paste((20, 20, 200), (0, 0, size[0], size[1] // 4))
    out = io.BytesIO()
    image.save(out, format=fmt, **save)
    return out.getvalue()


def upload(data: bytes, name: str = "photo.jpg", content_type: str = "image/jpeg") -> Any:
    return SimpleUploadedFile(name, data, content_type=content_type)


def form(world, data: bytes, **kwargs: Any) -> dict[str, Any]:
    return {
        "side": "right",
        "taken_on": patient_today(world.alice).isoformat(),
        "image": upload(data, **kwargs),
    }


@pytest.fixture
def photo(world, storage):
    return posture.photo_upload(
        patient=world.alice,
        by=world.alice,
        side="right",
        taken_on=patient_today(world.alice),
        upload=io.BytesIO(image_bytes(size=(800, 800))),
    )


# --- Upload -------------------------------------------------------------------------------------


def test_the_patient_uploads_a_side_photo_and_goes_on_to_mark_it(client, world, storage):
    client.force_login(world.alice)
    page = client.get("/photos/new/").content.decode()
    assert "Ask someone else to take it" in page
    assert "ear and the base of your neck" in page
    response = client.post("/photos/new/", form(world, image_bytes()))
    photo = PosturePhoto.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/photos/{photo.public_id}/"
    assert (photo.patient, photo.uploaded_by, photo.side) == (world.alice, world.alice, "right")
    assert (photo.width, photo.height) == (800, 600)
    assert len(stored_files(storage)) == 1


@pytest.mark.parametrize(
    ("data", "name", "content_type"),
    [
        pytest.param(b"just some text, not a photo", "photo.jpg", "image/jpeg", id="not-an-image"),
        pytest.param(image_bytes("GIF"), "photo.gif", "image/gif", id="gif"),
        pytest.param(image_bytes("GIF"), "photo.jpg", "image/jpeg", id="gif-renamed-jpg"),
        pytest.param(image_bytes("BMP"), "photo.bmp", "image/bmp", id="bmp"),
        pytest.param(image_bytes("PDF"), "photo.jpg", "image/jpeg", id="pdf-renamed-jpg"),
        pytest.param(
            b'<svg xmlns="http://www.w3.org/2000/svg" width="800" height="600"></svg>',
            "photo.svg",
            "image/svg+xml",
            id="svg",
        ),
        pytest.param(image_bytes("TIFF"), "photo.png", "image/png", id="tiff-renamed-png"),
    ],
)
def test_anything_but_a_jpeg_png_or_webp_photo_is_refused(
    client, world, storage, data, name, content_type
):
    client.force_login(world.alice)
    response = client.post("/photos/new/", form(world, data, name=name, content_type=content_type))
    assert response.status_code == 400
    assert "Choose a JPEG, PNG or WebP photo" in response.content.decode()
    assert not PosturePhoto.objects.exists()
    assert stored_files(storage) == []


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_jpeg_png_and_webp_are_accepted_whatever_their_name(client, world, storage, fmt):
    client.force_login(world.alice)
    response = client.post(
        "/photos/new/", form(world, image_bytes(fmt), name="x.gif", content_type="image/gif")
    )
    assert response.status_code == 302
    with Image.open(stored_files(storage)[0]) as stored:
        assert stored.format == "JPEG"


def test_a_photo_over_10_mb_is_refused(client, world, storage):
    # A valid JPEG, padded past 10 MB: only the size is wrong.
    data = image_bytes()
    data += b"\0" * (posture.MAX_UPLOAD_BYTES + 1 - len(data))
    client.force_login(world.alice)
    response = client.post("/photos/new/", form(world, data))
    assert response.status_code == 400
    assert "larger than 10 MB" in response.content.decode()
    assert not PosturePhoto.objects.exists()
    assert stored_files(storage) == []


def test_a_decompression_bomb_is_refused(client, world, storage):
    # 64 megapixels of one colour compress to a few kB of PNG.
    bomb = io.BytesIO()
    Image.new("1", (8000, 8000)).save(bomb, format="PNG")
    assert len(bomb.getvalue()) < 100_000
    client.force_login(world.alice)
    response = client.post(
        "/photos/new/", form(world, bomb.getvalue(), name="p.png", content_type="image/png")
    )
    assert response.status_code == 400
    assert "too many pixels" in response.content.decode()
    assert stored_files(storage) == []


def test_a_huge_bomb_that_pillow_itself_refuses_is_a_form_error_too(world, storage):
    bomb = io.BytesIO()
    Image.new("1", (20000, 10000)).save(bomb, format="PNG")
    with pytest.raises(ValidationError) as error:
        posture.clean_image(bomb)
    assert error.value.message_dict == {"image": [posture.TOO_MANY_PIXELS]}


def test_a_tiny_image_is_refused(client, world, storage):
    client.force_login(world.alice)
    response = client.post("/photos/new/", form(world, image_bytes(size=(150, 400))))
    assert response.status_code == 400
    assert "too small" in response.content.decode()
    assert stored_files(storage) == []


def test_a_truncated_photo_is_refused(client, world, storage):
    data = image_bytes(size=(1200, 900), quality=95)
    client.force_login(world.alice)
    response = client.post("/photos/new/", form(world, data[: len(data) // 2]))
    assert response.status_code == 400
    assert not PosturePhoto.objects.exists()
    assert stored_files(storage) == []


def test_a_future_date_or_no_side_is_refused_and_nothing_is_stored(client, world, storage):
    client.force_login(world.alice)
    future = form(world, image_bytes())
    future["taken_on"] = (patient_today(world.alice) + timedelta(days=1)).isoformat()
    assert client.post("/photos/new/", future).status_code == 400
    no_side = form(world, image_bytes())
    del no_side["side"]
    response = client.post("/photos/new/", no_side)
    assert response.status_code == 400
    assert "Choose the left or the right side." in response.content.decode()
    assert stored_files(storage) == []


def test_a_failed_row_insert_leaves_no_file(world, storage, monkeypatch):
    def fail(*args: object, **kwargs: object) -> None:
        raise RuntimeError("database went away")

    monkeypatch.setattr(PosturePhoto, "save", fail)
    with pytest.raises(RuntimeError):
        posture.photo_upload(
            patient=world.alice,
            by=world.alice,
            side="left",
            taken_on=patient_today(world.alice),
            upload=io.BytesIO(image_bytes()),
        )
    assert stored_files(storage) == []


# --- Re-encoding ---------------------------------------------------------------------------------


def test_exif_with_gps_and_every_other_metadata_is_gone_after_upload(client, world, storage):
    exif = Image.Exif()
    exif[0x010F] = "SecretPhoneMaker"  # Make
    exif[0x8825] = {1: "N", 2: (52.0, 22.0, 7.0), 3: "E", 4: (4.0, 53.0, 11.0)}  # GPS
    data = image_bytes(
        exif=exif.tobytes(),
        comment=b"SecretComment",
        icc_profile=b"SecretIccProfile",
        xmp=b"<x:xmpmeta>SecretXmp</x:xmpmeta>",
    )
    with Image.open(io.BytesIO(data)) as original:
        assert original.getexif().get_ifd(0x8825), "the test photo carries GPS"
    for secret in (b"SecretPhoneMaker", b"SecretComment", b"SecretIccProfile", b"SecretXmp"):
        assert secret in data, "the test photo carries every kind of metadata"
    client.force_login(world.alice)
    assert client.post("/photos/new/", form(world, data)).status_code == 302
    [path] = stored_files(storage)
    raw = path.read_bytes()
    for secret in (b"Secret", b"Exif\0\0", b"ICC_PROFILE", b"http://ns.adobe.com/xap"):
        assert secret not in raw
    with Image.open(path) as stored:
        assert stored.format == "JPEG"
        assert not stored.getexif()
        assert not {"exif", "icc_profile", "xmp", "comment"} & set(stored.info)


def test_exif_orientation_is_applied_before_it_is_dropped(client, world, storage):
    exif = Image.Exif()
    exif[0x0112] = 6  # shown rotated 90 degrees clockwise
    data = image_bytes(size=(800, 400), exif=exif.tobytes())
    client.force_login(world.alice)
    client.post("/photos/new/", form(world, data))
    photo = PosturePhoto.objects.get()
    assert (photo.width, photo.height) == (400, 800)
    with Image.open(stored_files(storage)[0]) as stored:
        assert stored.size == (400, 800)
        # The blue band at the top of the original is now on the right.
        right, left = stored.getpixel((390, 400)), stored.getpixel((10, 400))
        assert isinstance(right, tuple) and isinstance(left, tuple)
        assert right[0] < 100 < 150 < left[0]


def test_a_big_photo_is_shrunk_to_1600_pixels_on_the_long_side(world, storage):
    photo = posture.photo_upload(
        patient=world.alice,
        by=world.alice,
        side="left",
        taken_on=patient_today(world.alice),
        upload=io.BytesIO(image_bytes(size=(2000, 3200))),
    )
    assert (photo.width, photo.height) == (1000, 1600)
    with Image.open(stored_files(storage)[0]) as stored:
        assert stored.size == (1000, 1600)


def test_transparent_png_is_flattened_on_white(world, storage):
    out = io.BytesIO()
    Image.new("RGBA", (400, 400), (0, 0, 0, 0)).save(out, format="PNG")
    clean = posture.clean_image(io.BytesIO(out.getvalue()))
    with Image.open(io.BytesIO(clean.data)) as stored:
        assert stored.mode == "RGB"
        assert stored.getpixel((200, 200)) == (255, 255, 255)


# --- Serving the image ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["alice", "carol"])
def test_the_patient_and_their_therapist_get_the_image_uncached(client, world, photo, name):
    client.force_login(getattr(world, name))
    response = client.get(f"/photos/{photo.public_id}/image/")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Content-Type-Options"] == "nosniff"
    with Image.open(io.BytesIO(response.content)) as served:
        assert served.size == (800, 800)


@pytest.mark.parametrize("name", ["bob", "dave", "erin", "frank", "grace", "heidi"])
def test_the_photo_answers_404_to_every_other_user(client, world, photo, name):
    """Another patient, another therapist of the clinic, another clinic's therapist and staff,
    and the clinic's own staff: photos are for the patient and their care team only."""
    client.force_login(getattr(world, name))
    for url in (
        f"/photos/{photo.public_id}/image/",
        f"/photos/{photo.public_id}/",
        f"/photos/{photo.public_id}/delete/",
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/photos/{photo.public_id}/delete/").status_code == 404
    assert client.post(f"/photos/{photo.public_id}/", _marks(600, 300, 400, 560)).status_code == 404
    assert PosturePhoto.objects.filter(pk=photo.pk, outcome=None).exists()


def test_anonymous_is_sent_to_the_login_page(client, photo):
    response = client.get(f"/photos/{photo.public_id}/image/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_file_is_never_under_media_root_nor_given_a_public_url(client, world, photo):
    path = Path(photo.image.path).resolve()
    assert not path.is_relative_to(Path(django_settings.MEDIA_ROOT).resolve())
    # The real settings too: the private root is not inside the public one.
    from rehab import settings as real

    assert (
        not Path(real.PRIVATE_MEDIA_ROOT).resolve().is_relative_to(Path(real.MEDIA_ROOT).resolve())
    )
    private: Any = real.STORAGES["private"]
    assert private["OPTIONS"]["base_url"] != real.MEDIA_URL
    client.force_login(world.alice)
    assert client.get(f"{django_settings.MEDIA_URL}{photo.image.name}").status_code == 404
    page = client.get(f"/photos/{photo.public_id}/").content.decode()
    assert photo.image.name not in page
    assert f'src="/photos/{photo.public_id}/image/"' in page


def test_a_missing_file_is_a_404_not_an_error(client, world, photo, storage):
    os.remove(photo.image.path)
    client.force_login(world.alice)
    assert client.get(f"/photos/{photo.public_id}/image/").status_code == 404


# --- Marking ------------------------------------------------------------------------------------


def _marks(tx: float, ty: float, cx: float, cy: float) -> dict[str, float]:
    return {"tragus_x": tx, "tragus_y": ty, "c7_x": cx, "c7_y": cy}


def test_the_server_computes_the_angle_from_the_marked_points(client, world, photo):
    client.force_login(world.alice)
    page = client.get(f"/photos/{photo.public_id}/").content.decode()
    assert "js/cva.js" in page and 'name="tragus_x"' in page, "number inputs work without JS"
    # C7 at (400, 600), ear 300 px forward and 400 px up: atan2(400, 300) = 53.13 degrees.
    response = client.post(f"/photos/{photo.public_id}/", _marks(700, 200, 400, 600))
    assert response.status_code == 302
    photo.refresh_from_db()
    outcome = photo.outcome
    assert outcome is not None
    assert (outcome.measure, outcome.value, outcome.band) == (Measure.CVA, 53.1, "")
    assert outcome.inputs == {"side": "right", "tragus": [700.0, 200.0], "c7": [400.0, 600.0]}
    assert (outcome.recorded_on, outcome.entered_by) == (photo.taken_on, world.alice)
    assert outcome.detail["facing"] == "right"
    assert "53.1°" in client.get(f"/photos/{photo.public_id}/").content.decode()


def test_a_left_facing_photo_gives_the_same_angle(client, world, storage):
    photo = posture.photo_upload(
        patient=world.alice,
        by=world.alice,
        side="left",
        taken_on=patient_today(world.alice),
        upload=io.BytesIO(image_bytes(size=(800, 800))),
    )
    client.force_login(world.alice)
    client.post(f"/photos/{photo.public_id}/", _marks(100, 200, 400, 600))
    outcome = OutcomeRecord.objects.get()
    assert (outcome.value, outcome.detail["facing"], outcome.detail["side"]) == (
        53.1,
        "left",
        "left",
    )


def test_a_forward_head_is_banded_below_the_50_degree_line(client, world, photo):
    client.force_login(world.carol)
    # 260 up, 310 across: atan2(260, 310) = 39.98 degrees.
    client.post(f"/photos/{photo.public_id}/", _marks(710, 300, 400, 560))
    outcome = OutcomeRecord.objects.get()
    assert (outcome.value, outcome.band, outcome.entered_by) == (40.0, "forward head", world.carol)


@pytest.mark.parametrize(
    "marks",
    [
        pytest.param(_marks(801, 200, 400, 600), id="ear-right-of-photo"),
        pytest.param(_marks(700, 200, 400, 800.5), id="c7-below-photo"),
        pytest.param(_marks(-1, 200, 400, 600), id="negative"),
    ],
)
def test_points_outside_the_photo_are_refused(client, world, photo, marks):
    client.force_login(world.alice)
    response = client.post(f"/photos/{photo.public_id}/", marks)
    assert response.status_code == 400
    assert not OutcomeRecord.objects.exists()


def test_an_ear_point_below_c7_is_refused_with_the_reason(client, world, photo):
    client.force_login(world.alice)
    response = client.post(f"/photos/{photo.public_id}/", _marks(700, 650, 400, 600))
    assert response.status_code == 400
    assert "The ear point should be above the C7 point." in response.content.decode()
    assert not OutcomeRecord.objects.exists()


def test_marking_again_corrects_the_same_outcome(client, world, photo):
    client.force_login(world.alice)
    client.post(f"/photos/{photo.public_id}/", _marks(700, 200, 400, 600))
    first = OutcomeRecord.objects.get()
    client.force_login(world.carol)
    client.post(f"/photos/{photo.public_id}/", _marks(710, 300, 400, 560))
    again = OutcomeRecord.objects.get()
    assert again.pk == first.pk
    assert (again.value, again.entered_by) == (40.0, world.carol)
    photo.refresh_from_db()
    assert photo.outcome_id == first.pk


# --- Deleting -----------------------------------------------------------------------------------


def test_the_patient_deletes_a_photo_after_confirming_and_the_angle_stays(
    client, world, photo, storage, django_capture_on_commit_callbacks
):
    posture.photo_mark(photo=photo, by=world.alice, tragus=[700, 200], c7=[400, 600])
    client.force_login(world.alice)
    confirm = client.get(f"/photos/{photo.public_id}/delete/")
    assert "Delete this side photo?" in confirm.content.decode()
    assert PosturePhoto.objects.exists(), "GET only asks"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/photos/{photo.public_id}/delete/")
    assert response.status_code == 302
    assert not PosturePhoto.objects.exists()
    assert stored_files(storage) == []
    assert OutcomeRecord.objects.get().value == 53.1


def test_the_therapist_cannot_delete_the_patients_photo(client, world, photo, storage):
    client.force_login(world.carol)
    assert client.get(f"/photos/{photo.public_id}/delete/").status_code == 403
    assert client.post(f"/photos/{photo.public_id}/delete/").status_code == 403
    assert PosturePhoto.objects.exists()
    assert len(stored_files(storage)) == 1


# --- Lists and per-role access -----------------------------------------------------------------


def test_the_patient_lists_their_photos_with_date_side_and_angle(client, world, photo):
    posture.photo_mark(photo=photo, by=world.alice, tragus=[700, 200], c7=[400, 600])
    client.force_login(world.alice)
    page = client.get("/photos/").content.decode()
    assert "Right side" in page and "53.1°" in page
    assert f"/photos/{photo.public_id}/delete/" in page


def test_the_therapist_lists_and_uploads_for_a_patient_on_their_caseload(
    client, world, photo, storage
):
    client.force_login(world.carol)
    page = client.get(f"/patients/{world.alice.public_id}/photos/").content.decode()
    assert f"/photos/{photo.public_id}/" in page
    assert f"/photos/{photo.public_id}/delete/" not in page
    response = client.post(
        f"/patients/{world.alice.public_id}/photos/new/", form(world, image_bytes())
    )
    assert response.status_code == 302
    latest = PosturePhoto.objects.get(uploaded_by=world.carol)
    assert latest.patient == world.alice


def test_the_photo_list_query_count_does_not_grow(client, world, storage):
    client.force_login(world.alice)
    client.get("/photos/")  # the first request of a session does one-off work
    for _ in range(2):
        posture.photo_upload(
            patient=world.alice,
            by=world.alice,
            side="left",
            taken_on=patient_today(world.alice),
            upload=io.BytesIO(image_bytes()),
        )
    with CaptureQueriesContext(connection) as few:
        client.get("/photos/")
    for _ in range(3):
        posture.photo_upload(
            patient=world.alice,
            by=world.alice,
            side="right",
            taken_on=patient_today(world.alice),
            upload=io.BytesIO(image_bytes()),
        )
    with CaptureQueriesContext(connection) as more:
        client.get("/photos/")
    assert len(more) == len(few)


# Persona order of the codes below; URLs get alice's id or her photo's id filled in.
ORDER = ("anonymous", "alice", "bob", "carol", "dave", "erin", "frank", "grace")
PAGE_CODES = {
    "/photos/": (302, 200, 200, 403, 403, 403, 403, 403),
    "/photos/new/": (302, 200, 200, 403, 403, 403, 403, 403),
    "/patients/{patient}/photos/": (302, 403, 403, 200, 404, 404, 403, 403),
    "/patients/{patient}/photos/new/": (302, 403, 403, 200, 404, 404, 403, 403),
    "/photos/{photo}/": (302, 200, 404, 200, 404, 404, 404, 404),
    "/photos/{photo}/image/": (302, 200, 404, 200, 404, 404, 404, 404),
    "/photos/{photo}/delete/": (302, 200, 404, 403, 404, 404, 404, 404),
}


@pytest.mark.parametrize("url", list(PAGE_CODES))
@pytest.mark.parametrize("name", ORDER)
def test_who_may_open_each_photo_page(client, world, photo, url, name):
    user = world.persona(name)
    if user is not None:
        client.force_login(user)
    path = url.format(patient=world.alice.public_id, photo=photo.public_id)
    assert client.get(path).status_code == PAGE_CODES[url][ORDER.index(name)]


# --- API ----------------------------------------------------------------------------------------


def test_api_lists_photo_metadata_without_the_file(client, world, photo):
    posture.photo_mark(photo=photo, by=world.alice, tragus=[700, 200], c7=[400, 600])
    client.force_login(world.carol)
    body = client.get(f"/api/v1/photos/?patient={world.alice.public_id}").json()
    [item] = body["results"]
    assert item["id"] == str(photo.public_id)
    assert item["image_url"] == f"/photos/{photo.public_id}/image/"
    assert item["side"] == "right"
    assert item["cva"]["value"] == 53.1
    assert item["cva"]["tragus"] == [700.0, 200.0]
    assert photo.image.name not in str(body)


@pytest.mark.parametrize(
    ("name", "count"),
    [("alice", 1), ("bob", 0), ("carol", 1), ("dave", 0), ("erin", 0)],
)
def test_api_photo_list_is_scoped_to_the_viewer(client, world, photo, name, count):
    client.force_login(getattr(world, name))
    assert client.get("/api/v1/photos/").json()["count"] == count


@pytest.mark.parametrize("name", ["frank", "grace"])
def test_api_photos_are_not_for_staff(client, world, photo, name):
    client.force_login(getattr(world, name))
    assert client.get("/api/v1/photos/").status_code == 403
    assert client.get(f"/api/v1/photos/{photo.public_id}/").status_code == 404


def test_api_mark_computes_the_angle_and_refuses_points_outside(client, world, photo):
    client.force_login(world.alice)
    url = f"/api/v1/photos/{photo.public_id}/mark/"
    outside = client.post(
        url, {"tragus": [900, 200], "c7": [400, 600]}, content_type="application/json"
    )
    assert outside.status_code == 400
    assert "tragus" in outside.json()
    response = client.post(
        url, {"tragus": [100, 200], "c7": [400, 600]}, content_type="application/json"
    )
    assert response.status_code == 200
    assert response.json()["cva"]["value"] == 53.1
    assert OutcomeRecord.objects.get().detail["facing"] == "left"


@pytest.mark.parametrize(("name", "code"), [("bob", 404), ("dave", 404), ("frank", 404)])
def test_api_mark_answers_404_outside_the_care_team(client, world, photo, name, code):
    client.force_login(getattr(world, name))
    response = client.post(
        f"/api/v1/photos/{photo.public_id}/mark/",
        {"tragus": [100, 200], "c7": [400, 600]},
        content_type="application/json",
    )
    assert response.status_code == code
    assert not OutcomeRecord.objects.exists()


def test_api_upload_checks_the_file_like_the_page(client, world, storage):
    client.force_login(world.alice)
    bad = client.post(
        "/api/v1/photos/",
        {
            "side": "left",
            "taken_on": patient_today(world.alice).isoformat(),
            "image": upload(image_bytes("GIF"), name="x.jpg"),
        },
    )
    assert bad.status_code == 400
    assert "image" in bad.json()
    good = client.post(
        "/api/v1/photos/",
        {
            "side": "left",
            "taken_on": patient_today(world.alice).isoformat(),
            "image": upload(image_bytes()),
        },
    )
    assert good.status_code == 201
    assert good.json()["side"] == "left" and good.json()["cva"] is None
    assert len(stored_files(storage)) == 1


def test_api_therapist_uploads_for_a_caseload_patient_only(client, world, storage):
    client.force_login(world.dave)
    response = client.post(
        "/api/v1/photos/",
        {
            "patient": str(world.alice.public_id),
            "side": "left",
            "taken_on": patient_today(world.alice).isoformat(),
            "image": upload(image_bytes()),
        },
    )
    assert response.status_code == 404
    assert stored_files(storage) == []


def test_api_delete_is_for_the_patient_only(
    client, world, photo, storage, django_capture_on_commit_callbacks
):
    client.force_login(world.carol)
    assert client.delete(f"/api/v1/photos/{photo.public_id}/").status_code == 403
    client.force_login(world.alice)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.delete(f"/api/v1/photos/{photo.public_id}/").status_code == 204
    assert stored_files(storage) == []
