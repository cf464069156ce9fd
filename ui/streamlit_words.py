"""Streamlit's own words (buttons, hints, screen-reader labels) in the page's language.

Streamlit writes its own texts in English and has no setting for them: "Skip to main content",
the file uploader's "Upload" and "200MB per file", "Press Enter to apply", the sidebar's and the
date input's labels for screen readers. Where a widget takes the text as a parameter (a
``placeholder``) the pages pass it; the rest is translated in the browser from the
``[streamlit]`` table of ``ui/texts.toml``, as the page is drawn: a script watches the page and
puts the chosen language's text in place of the other's, in text and in the attributes screen
readers read. Only the text and attributes change, never the elements (Streamlit's React keeps
them), and user text (markdown, tables, alerts, labels) is left as written. A file uploader's
button also gets its field's name (Streamlit names it only "Upload"), and the map frames get a
title (Streamlit titles them with the component's module name).

It also says the page's language on the document (``<html lang>``, which Streamlit leaves
"en"): screen readers pronounce the page by it (WCAG 3.1.1).

The uploaders stay Streamlit's own: files go to the server as uploads, not as widget state that
the browser would send again at every rerun, and the size limit and file types hold as before.
If Streamlit changes one of its texts, the English one shows again: the browser tests read each
page for them.
"""

from __future__ import annotations

import json
from typing import Final

import streamlit as st

from gis.i18n import Text, texts_from_file
from ui.i18n import TEXTS_FILE, t

STREAMLIT_WORDS: Final[dict[str, Text]] = texts_from_file(TEXTS_FILE, "streamlit")
"""Streamlit's texts: ``en`` as Streamlit writes it, ``sv`` the Swedish page's."""

_SCRIPT: Final = """
<script>
(() => {
  const words = %s;
  document.documentElement.lang = words.lang;
  if (window.safewalkWords) window.safewalkWords.disconnect();
  const exact = new Map();
  const patterns = [];
  const literal = (s) => s.replace(/[.*+?^${}()|[\\]\\\\]/g, '\\\\$&');
  for (const [from, to] of words.pairs) {
    const names = [];
    const parts = from.split(/(\\{\\w+\\})/).map((part) => {
      const name = part.match(/^\\{(\\w+)\\}$/);
      if (!name) return literal(part);
      names.push(name[1]);
      return '(.+?)';
    });
    if (names.length) patterns.push([new RegExp('^' + parts.join('') + '$'), names, to]);
    else exact.set(from, to);
  }
  const once = (core) => {
    if (exact.has(core)) return exact.get(core);
    for (const [pattern, names, to] of patterns) {
      const found = core.match(pattern);
      if (!found) continue;
      return names.reduce((s, name, k) => s.split('{' + name + '}').join(found[k + 1]), to);
    }
    return null;
  };
  // A text may hold several ("day, Dates start date"): each in turn, a few at most.
  const translated = (text) => {
    const core = text.trim();
    let into = core;
    for (let k = 0; k < 3; k++) {
      const next = once(into);
      if (next === null || next === into) break;
      into = next;
    }
    return !core || into === core ? null : text.replace(core, () => into);
  };
  // User text and the app's own are never translated: text in these, and attributes in the
  // first four (a heading's or a label's attributes are Streamlit's).
  const WRITTEN = '[data-testid="stMarkdown"], [data-testid="stText"], [data-testid="stTable"],' +
    ' [data-testid="stHtml"]';
  const USER = WRITTEN + ', [data-testid="stCode"], [data-testid="stHeading"],' +
    ' [data-testid="stCaptionContainer"], [data-testid="stAlert"],' +
    ' [data-testid="stWidgetLabel"], [data-testid="stTooltipContent"],' +
    ' [data-testid="stIconMaterial"], script, style';
  const ATTRIBUTES = ['aria-label', 'title', 'placeholder', 'aria-valuetext'];
  const text = (node) => {
    if (node.parentElement && node.parentElement.closest(USER)) return;
    const into = translated(node.nodeValue);
    if (into !== null) node.nodeValue = into;
  };
  const attribute = (element, name) => {
    const value = element.getAttribute(name);
    if (!value || element.closest(WRITTEN)) return;
    const into = translated(value);
    if (into !== null) element.setAttribute(name, into);
  };
  const named = () => {
    for (const zone of document.querySelectorAll('[data-testid="stFileUploaderDropzone"]')) {
      const button = zone.querySelector('button');
      const field = zone.getAttribute('aria-label');
      const shown = button && button.querySelector('[data-testid="stMarkdownContainer"]');
      if (!shown || !field) continue;
      const name = shown.innerText.trim() + ' (' + field + ')';
      if (button.getAttribute('aria-label') !== name) button.setAttribute('aria-label', name);
    }
    for (const frame of document.querySelectorAll('iframe[title^="streamlit_folium"],' +
                                                  ' iframe[data-safewalk-map]')) {
      frame.dataset.safewalkMap = '';
      if (frame.title !== words.map) frame.title = words.map;
    }
  };
  const visit = (root) => {
    if (root.nodeType === Node.TEXT_NODE) { text(root); return; }
    if (root.nodeType !== Node.ELEMENT_NODE) return;
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) text(node);
    for (const name of ATTRIBUTES) {
      if (root.hasAttribute(name)) attribute(root, name);
      for (const element of root.querySelectorAll('[' + name + ']')) attribute(element, name);
    }
  };
  const observer = new MutationObserver((records) => {
    for (const record of records) {
      if (record.type === 'childList') record.addedNodes.forEach(visit);
      else if (record.type === 'characterData') text(record.target);
      else attribute(record.target, record.attributeName);
    }
    named();
  });
  visit(document.body);
  named();
  observer.observe(document.body, {subtree: true, childList: true, characterData: true,
                                   attributes: true, attributeFilter: ATTRIBUTES});
  window.safewalkWords = observer;
})();
</script>
"""


def word_pairs(language: str) -> list[tuple[str, str]]:
    """Return (text on the page, text in ``language``) for each of Streamlit's texts.

    Streamlit writes English; the other direction puts the English back on a page switched
    from Swedish to English, where Streamlit does not draw the unchanged elements again.
    """
    other = "en" if language == "sv" else "sv"
    return [
        (text.in_language(other), text.in_language(language))
        for text in STREAMLIT_WORDS.values()
        if text.in_language(other) != text.in_language(language)
    ]


def page_script(language: str) -> str:
    """Return the script that makes the page speak ``language``: its lang, Streamlit's words."""
    words = {"lang": language, "pairs": word_pairs(language), "map": t("page_map", language)}
    # Inside a <script> a "</" would end it early: JSON may write it as "<\/".
    return _SCRIPT % json.dumps(words, ensure_ascii=False).replace("</", "<\\/")


def speak(language: str) -> None:
    """Make the page speak ``language``: its ``lang`` and Streamlit's own words.

    Draw it once per run, in the sidebar (the script has no place in the page's flow).
    """
    st.html(page_script(language), unsafe_allow_javascript=True)
