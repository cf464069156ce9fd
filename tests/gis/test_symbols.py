"""Marker symbols: every QGIS shape name draws, and nothing but a colour gets into the SVG."""

from __future__ import annotations

import re

import pytest

from gis.symbols import SHAPES, marker_svg, shape_path


@pytest.mark.parametrize("shape", SHAPES)
def test_every_shape_is_a_closed_path_inside_its_box(shape: str) -> None:
    path = shape_path(shape)
    assert path.startswith("M")
    assert path.endswith("Z")
    numbers = [float(n) for n in re.findall(r"-?\d+\.?\d*", path)]
    assert all(-1.0 <= n <= 1.0 for n in numbers if abs(n) != 0)


def test_shapes_differ_from_each_other() -> None:
    assert len({shape_path(shape) for shape in SHAPES}) == len(SHAPES)


def test_a_marker_is_an_svg_of_its_size_filled_with_its_colour() -> None:
    svg = marker_svg("star", "#E69F00", size=20)
    assert svg.startswith("<svg ")
    assert 'width="20"' in svg
    assert 'fill="#E69F00"' in svg


@pytest.mark.parametrize("colour", ["red", "#E69F0", '#E69F00" onload="alert(1)', ""])
def test_a_colour_that_is_not_rrggbb_is_refused(colour: str) -> None:
    with pytest.raises(ValueError, match="#RRGGBB"):
        marker_svg("circle", colour)


def test_an_unknown_shape_is_refused_with_the_known_ones() -> None:
    with pytest.raises(ValueError, match="circle, square"):
        marker_svg("blob", "#000000")
