"""Streamlit's own texts: each has a Swedish form, and a page is given the pairs to put in place."""

from __future__ import annotations

import json
import re

import pytest

from ui.streamlit_words import STREAMLIT_WORDS, page_script, word_pairs


def test_a_swedish_page_gets_streamlits_english_with_swedish_in_its_place() -> None:
    pairs = dict(word_pairs("sv"))
    assert pairs["Skip to main content"] == "Hoppa till huvudinnehållet"
    assert pairs["{size} per file • {types}"] == "Högst {size} per fil • {types}"
    assert pairs["Upload"] == "Välj fil"


def test_an_english_page_gets_the_swedish_back_where_streamlit_left_it() -> None:
    pairs = dict(word_pairs("en"))
    assert pairs["Hoppa till huvudinnehållet"] == "Skip to main content"
    assert pairs["timme, {label}"] == "hour, {label}"  # the time input follows the browser


@pytest.mark.parametrize("language", ["sv", "en"])
def test_each_text_is_put_in_place_one_way_only(language: str) -> None:
    sources = [source for source, _ in word_pairs(language)]
    assert len(sources) == len(set(sources))
    targets = {target for _, target in word_pairs(language)}
    assert not targets & set(sources)  # nothing is translated twice over


@pytest.mark.parametrize("language", ["sv", "en"])
def test_the_page_gets_its_language_and_texts_as_data_in_one_script(language: str) -> None:
    script = page_script(language)
    assert script.count("</") == 1  # its own </script>: no text ends it early
    data = json.loads(script[script.index("const words = ") + 14 : script.index(";\n")])
    assert data["lang"] == language
    assert data["map"] == {"sv": "Karta", "en": "Map"}[language]
    assert [tuple(pair) for pair in data["pairs"]] == word_pairs(language)
    assert all(re.fullmatch(r"[a-z_0-9]+", key) for key in STREAMLIT_WORDS)
