"""QR codes: what is drawn reads back, with an independent reader (zxing-cpp), as the text."""

from __future__ import annotations

import io

import zxingcpp
from PIL import Image

from gis.qrcodes import QUIET_ZONE, qr_matrix, qr_png

LINK = "https://trygghet.example.se/v/hasselby-gard/12"


def read_codes(image: Image.Image) -> list[str]:
    return [result.text for result in zxingcpp.read_barcodes(image)]


def test_the_png_reads_back_as_the_link() -> None:
    image = Image.open(io.BytesIO(qr_png(LINK)))
    assert read_codes(image) == [LINK]


def test_the_matrix_drawn_row_by_row_reads_back_as_the_link() -> None:
    matrix = qr_matrix(LINK)
    size = len(matrix)
    assert all(len(row) == size for row in matrix)
    assert (size - 21) % 4 == 0  # a QR code (versions 1–40), not a Micro QR code
    side = size + 2 * QUIET_ZONE
    image = Image.new("1", (side, side), 1)
    for y, row in enumerate(matrix):
        for x, dark in enumerate(row):
            if dark:
                image.putpixel((x + QUIET_ZONE, y + QUIET_ZONE), 0)
    assert read_codes(image.resize((side * 8, side * 8), Image.Resampling.NEAREST)) == [LINK]
