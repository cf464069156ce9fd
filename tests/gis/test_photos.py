"""Photos: EXIF position read, every byte of metadata gone, bad and hostile files refused."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from gis.photos import PhotoError, process_photo
from tests.files import jpeg_with_gps

MB = 1_000_000


def test_the_position_is_read_and_all_metadata_removed() -> None:
    data = jpeg_with_gps(17.8445, 59.3668)
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(0x8825)  # the input has GPS
    photo = process_photo(data, max_bytes=10 * MB)
    assert photo.lon == pytest.approx(17.8445, abs=1e-5)
    assert photo.lat == pytest.approx(59.3668, abs=1e-5)
    assert photo.taken_at is not None
    assert photo.taken_at.hour == 17
    stored = Image.open(io.BytesIO(photo.jpeg))
    assert len(stored.getexif()) == 0
    assert b"PhoneMaker" not in photo.jpeg
    assert b"Exif" not in photo.jpeg
    assert b"Exif" not in photo.thumbnail


def test_photos_are_stored_at_most_2048_px_with_a_small_thumbnail() -> None:
    photo = process_photo(jpeg_with_gps(17.8, 59.3), max_bytes=10 * MB)
    assert (photo.width, photo.height) == (2048, 1365)
    thumb = Image.open(io.BytesIO(photo.thumbnail))
    assert max(thumb.size) == 320


@pytest.mark.parametrize("kind", ["PNG", "WEBP", "HEIF"])
def test_png_webp_and_heic_are_accepted(kind: str) -> None:
    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), "green").save(buffer, format=kind)
    photo = process_photo(buffer.getvalue(), max_bytes=10 * MB)
    assert (photo.width, photo.height, photo.lon) == (640, 480, None)
    assert Image.open(io.BytesIO(photo.jpeg)).format == "JPEG"


def test_a_text_file_renamed_to_jpg_is_refused() -> None:
    with pytest.raises(PhotoError, match="not a readable image"):
        process_photo(b"<script>alert(1)</script>", max_bytes=MB)


def test_an_unsupported_image_format_is_named() -> None:
    buffer = io.BytesIO()
    Image.new("RGB", (10, 10)).save(buffer, format="BMP")
    with pytest.raises(PhotoError, match="format BMP is not supported"):
        process_photo(buffer.getvalue(), max_bytes=MB)


def test_a_decompression_bomb_is_refused_before_decoding() -> None:
    buffer = io.BytesIO()
    Image.new("1", (20_000, 20_000)).save(buffer, format="PNG")  # tiny file, 400 Mpx
    assert len(buffer.getvalue()) < MB
    with pytest.raises(PhotoError, match="unreasonably large"):
        process_photo(buffer.getvalue(), max_bytes=MB)


def test_an_oversize_upload_is_refused_with_the_limit() -> None:
    with pytest.raises(PhotoError, match=r"too large \(2\.0 MB; at most 1\.0 MB\)") as caught:
        process_photo(b"\0" * 2 * MB, max_bytes=MB)
    assert caught.value.message("sv") == "Fotot är för stort (2,0 MB; högst 1,0 MB)."
