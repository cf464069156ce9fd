"""Values kept per file version: an edited file is parsed again, an unchanged one is not."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from gis.filecache import FileCache, file_version


class Parser:
    """Reads a file's text and counts how often it was asked to."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.calls = 0

    def __call__(self) -> str:
        self.calls += 1
        return self.path.read_text(encoding="utf-8")


@pytest.fixture
def settings_file(tmp_path: Path) -> Path:
    path = tmp_path / "settings.toml"
    path.write_text("a = 1\n", encoding="utf-8")
    return path


def test_an_unchanged_file_is_parsed_once(settings_file: Path) -> None:
    cache: FileCache[str] = FileCache()
    parse = Parser(settings_file)
    assert cache.get([settings_file], parse) == "a = 1\n"
    assert cache.get([settings_file], parse) == "a = 1\n"
    assert parse.calls == 1


def test_an_edited_file_counts_at_the_next_call(settings_file: Path) -> None:
    cache: FileCache[str] = FileCache()
    parse = Parser(settings_file)
    cache.get([settings_file], parse)
    settings_file.write_text("a = 22\n", encoding="utf-8")
    assert cache.get([settings_file], parse) == "a = 22\n"
    assert parse.calls == 2


def test_an_edit_that_keeps_the_size_counts_by_its_modification_time(
    settings_file: Path,
) -> None:
    cache: FileCache[str] = FileCache()
    parse = Parser(settings_file)
    cache.get([settings_file], parse)
    before = settings_file.stat().st_mtime_ns
    settings_file.write_text("a = 2\n", encoding="utf-8")
    os.utime(settings_file, ns=(before + 1_000, before + 1_000))
    assert cache.get([settings_file], parse) == "a = 2\n"


def test_a_file_made_after_a_missing_one_was_asked_for_is_read(tmp_path: Path) -> None:
    path = tmp_path / "later.toml"
    cache: FileCache[str] = FileCache()

    def parse() -> str:
        return path.read_text(encoding="utf-8") if path.exists() else "none"

    assert file_version(path) == (str(path.resolve()), None, None)
    assert cache.get([path], parse) == "none"
    path.write_text("b = 1\n", encoding="utf-8")
    assert cache.get([path], parse) == "b = 1\n"


def test_a_parse_that_fails_is_tried_again_at_the_next_call(settings_file: Path) -> None:
    cache: FileCache[str] = FileCache()
    calls = []

    def broken() -> str:
        calls.append(1)
        msg = "not valid"
        raise ValueError(msg)

    for _ in range(2):
        with pytest.raises(ValueError, match="not valid"):
            cache.get([settings_file], broken)
    assert len(calls) == 2


def test_a_change_in_what_else_the_value_depends_on_parses_again(settings_file: Path) -> None:
    cache: FileCache[str] = FileCache()
    parse = Parser(settings_file)
    cache.get([settings_file], parse, also=("sl", "polisen"))
    cache.get([settings_file], parse, also=("sl", "polisen"))
    assert parse.calls == 1
    cache.get([settings_file], parse, also=("sl",))
    assert parse.calls == 2


def test_only_the_last_maxsize_values_are_kept(tmp_path: Path) -> None:
    cache: FileCache[str] = FileCache(maxsize=2)
    paths = [tmp_path / f"{name}.toml" for name in "abc"]
    parsers = [Parser(path) for path in paths]
    for path, parse in zip(paths, parsers, strict=True):
        path.write_text(path.stem, encoding="utf-8")
        cache.get([path], parse)
    cache.get([paths[2]], parsers[2])
    cache.get([paths[0]], parsers[0])
    assert [parse.calls for parse in parsers] == [2, 1, 1]


def test_maxsize_below_one_is_refused() -> None:
    with pytest.raises(ValueError, match="maxsize must be at least 1, got 0"):
        FileCache(maxsize=0)
