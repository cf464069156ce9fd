"""Writing a tertial report: ``.xlsx`` (openpyxl), ``.docx`` (python-docx), ``.pdf`` (ReportLab).

User text (titles of measures, names) is written as text everywhere: escaped in the PDF's
markup, and never taken for a formula in Excel.
"""

from __future__ import annotations

import io
import os
import tempfile
from collections.abc import Callable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any, Final
from xml.sax.saxutils import escape

from gis.i18n import Text
from gis.printmap import fonts
from walks.actions.tertial import COUNT_TITLES, COUNTS, AreaFollowUp, Counts
from walks.core.workspace import Workspace
from walks.documents.report_contents import (
    FORMATS,
    Block,
    Heading,
    Image,
    Paragraph,
    ReportError,
    Table,
    measure_columns,
    measure_rows,
    report_blocks,
    words_for,
)
from walks.documents.report_contents import T as REPORT_TEXTS

_SHEET_NAME_BAD: Final = str.maketrans(dict.fromkeys("[]:*?/\\", " "))


def _cell_text(value: object, language: str) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return REPORT_TEXTS["yes"].in_language(language) if value else ""
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


# ------------------------------------------------------------------ Word
def docx_bytes(blocks: Sequence[Block], *, title: str, language: str) -> bytes:
    """Return the blocks as an editable Word document (A4, headings, tables, pictures)."""
    from docx import Document
    from docx.shared import Cm, Pt

    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(2.0))
    document.core_properties.title = title
    document.core_properties.language = "sv-SE" if language == "sv" else "en-GB"
    for block in blocks:
        if isinstance(block, Heading):
            document.add_heading(block.text, level=0 if block.level == 1 else block.level - 1)
        elif isinstance(block, Paragraph):
            document.add_paragraph(block.text)
        elif isinstance(block, Image):
            document.add_picture(io.BytesIO(block.png), width=Cm(block.width_cm))
        else:
            table = document.add_table(rows=1, cols=len(block.columns))
            table.style = "Table Grid"
            for cell, heading in zip(table.rows[0].cells, block.columns, strict=True):
                cell.text = heading
                cell.paragraphs[0].runs[0].bold = True
            for row in block.rows:
                cells = table.add_row().cells
                for cell, value in zip(cells, row, strict=True):
                    cell.text = _cell_text(value, language)
            for row in table.rows:
                for cell in row.cells:
                    for run in cell.paragraphs[0].runs:
                        run.font.size = Pt(9)
            document.add_paragraph()
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# ------------------------------------------------------------------ PDF
def _column_widths(table: Table, width: float, language: str, font: str) -> list[float]:
    """Share ``width`` among the columns: each its longest word, the rest by text length."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    padding = 12.0  # ReportLab's default cell padding, both sides
    needs, wants = [], []
    for k, heading in enumerate(table.columns):
        texts = [heading] + [_cell_text(row[k], language) for row in table.rows]
        words = [w for text in texts for w in text.split()] or [""]
        needs.append(max(stringWidth(w, font, 8) for w in words) + padding)
        wants.append(max(min(stringWidth(t, font, 8), 200.0) for t in texts) + padding)
    spare = width - sum(needs)
    extra = [w - n for w, n in zip(wants, needs, strict=True)]
    if spare <= 0 or not sum(extra):
        return [width * n / sum(needs) for n in needs]
    share = min(1.0, spare / sum(extra))
    found = [n + e * share for n, e in zip(needs, extra, strict=True)]
    return [f * width / sum(found) for f in found]


def pdf_bytes(blocks: Sequence[Block], *, title: str, language: str) -> bytes:
    """Return the blocks as an A4 PDF whose text is text (searchable), with page numbers."""
    from PIL import Image as PillowImage
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import cm
    from reportlab.platypus import Image as PdfImage
    from reportlab.platypus import Paragraph as PdfParagraph
    from reportlab.platypus import SimpleDocTemplate, Spacer
    from reportlab.platypus import Table as PdfTable

    regular, bold = fonts()
    body = ParagraphStyle("body", fontName=regular, fontSize=9.5, leading=12.5, spaceAfter=4)
    cell = ParagraphStyle("cell", fontName=regular, fontSize=8, leading=9.5)
    head = ParagraphStyle("head", fontName=bold, fontSize=8, leading=9.5)
    headings = {
        level: ParagraphStyle(
            f"h{level}",
            fontName=bold,
            fontSize=size,
            leading=size * 1.25,
            spaceBefore=8,
            spaceAfter=5,
        )
        for level, size in ((1, 17), (2, 13), (3, 11))
    }
    width = A4[0] - 4 * cm
    story: list[Any] = []
    for block in blocks:
        if isinstance(block, Heading):
            story.append(PdfParagraph(escape(block.text), headings[min(block.level, 3)]))
        elif isinstance(block, Paragraph):
            story.append(PdfParagraph(escape(block.text), body))
        elif isinstance(block, Image):
            pixels = PillowImage.open(io.BytesIO(block.png)).size
            shown = min(block.width_cm * cm, width)
            story.append(PdfImage(io.BytesIO(block.png), width=shown,
                                  height=shown * pixels[1] / pixels[0]))  # fmt: skip
        else:
            rows = [[PdfParagraph(escape(c), head) for c in block.columns]]
            rows += [[PdfParagraph(escape(_cell_text(v, language)), cell) for v in row]
                     for row in block.rows]  # fmt: skip
            table = PdfTable(rows, repeatRows=1, hAlign="LEFT",
                             colWidths=_column_widths(block, width, language, bold))  # fmt: skip
            table.setStyle([
                ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#E8EEF4")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ])  # fmt: skip
            story += [table, Spacer(1, 8)]
    page_word = Text(sv="Sida", en="Page").in_language(language)

    def number_pages(canvas: Any, document: Any) -> None:
        canvas.saveState()
        canvas.setFont(regular, 8)
        canvas.drawRightString(A4[0] - 2 * cm, 1.2 * cm, f"{page_word} {document.page}")
        canvas.drawString(2 * cm, 1.2 * cm, title)
        canvas.restoreState()

    buffer = io.BytesIO()
    document = SimpleDocTemplate(buffer, pagesize=A4, title=title, author="safewalk",
                                 leftMargin=2 * cm, rightMargin=2 * cm,
                                 topMargin=2 * cm, bottomMargin=2 * cm)  # fmt: skip
    document.build(story, onFirstPage=number_pages, onLaterPages=number_pages)
    return buffer.getvalue()


# ------------------------------------------------------------------ Excel
def _sheet_name(name: str, taken: set[str]) -> str:
    """Return a sheet name Excel takes: at most 31 characters, none of ``[]:*?/``, unique."""
    base = name.translate(_SHEET_NAME_BAD).strip()[:31] or "-"
    found, k = base, 2
    while found.casefold() in taken:
        suffix = f" ({k})"
        found, k = base[: 31 - len(suffix)] + suffix, k + 1
    taken.add(found.casefold())
    return found


def xlsx_bytes(
    workspace: Workspace, follow_up: AreaFollowUp, *, language: str, now: datetime
) -> bytes:
    """Return the follow-up as a workbook: a summary sheet, then one sheet per area.

    Figures are numbers, deadlines dates, overdue a truth value; text is never a formula.
    """
    from openpyxl import Workbook
    from openpyxl.chart import BarChart, Reference
    from openpyxl.styles import Font

    words = words_for(workspace, language)
    workbook = Workbook()
    taken: set[str] = set()
    summary = workbook.worksheets[0]
    summary.title = _sheet_name(words.t("summary"), taken)
    bold = Font(bold=True)

    def put(sheet: Any, values: Sequence[object], *, heading: bool = False) -> int:
        row = sheet.max_row + 1 if sheet.max_row > 1 or sheet.cell(1, 1).value else 1
        for column, value in enumerate(values, start=1):
            target = sheet.cell(row, column)
            target.value = value
            if isinstance(value, str):
                target.data_type = "s"  # text, even when it starts with "="
            elif isinstance(value, date):
                target.number_format = "yyyy-mm-dd"
            if heading:
                target.font = bold
        return int(row)

    def counts_table(sheet: Any, first: str, rows: Sequence[tuple[str, Counts]]) -> int:
        start = put(sheet, [first, *(COUNT_TITLES[n].in_language(language) for n in COUNTS)],
                    heading=True)  # fmt: skip
        for name, counts in rows:
            put(sheet, [name, *(int(getattr(counts, n)) for n in COUNTS)])
        put(sheet, [])
        return start

    title = words.t("title").format(tertial=follow_up.tertial.label(language),
                                    name=follow_up.name)  # fmt: skip
    summary.cell(1, 1, title).font = Font(bold=True, size=14)
    put(summary, [])
    counts_table(summary, words.t("area"), [(follow_up.name, follow_up.counts)]
                 + [(a.name, a.counts) for a in follow_up.areas])  # fmt: skip
    start = counts_table(summary, words.t("tertial"),
                         [(t.label(language), c) for t, c in follow_up.trend])  # fmt: skip
    chart = BarChart()
    chart.title = words.t("trend")
    chart.y_axis.title = words.t("count")
    data = Reference(summary, min_col=2, max_col=1 + len(COUNTS), min_row=start,
                     max_row=start + len(follow_up.trend))  # fmt: skip
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(Reference(summary, min_col=1, min_row=start + 1,
                                   max_row=start + len(follow_up.trend)))  # fmt: skip
    chart.width, chart.height = 22, 9
    by_category = [(words.categories.get(k, k), c) for k, c in follow_up.by_category.items()]
    counts_table(summary, words.t("category"), by_category)
    counts_table(summary, words.t("organisation"),
                 [(words.organisations.get(k, k), c)
                  for k, c in follow_up.by_organisation.items()])  # fmt: skip
    summary.add_chart(chart, f"A{summary.max_row + 2}")
    summary.column_dimensions["A"].width = 34
    for area in follow_up.areas or (follow_up,):
        sheet = workbook.create_sheet(_sheet_name(area.name, taken))
        sheet.cell(1, 1, area.name).font = Font(bold=True, size=14)
        put(sheet, [])
        counts_table(sheet, words.t("area"), [(area.name, area.counts)])
        put(sheet, measure_columns(words), heading=True)
        for row in measure_rows(area, words, now):
            put(sheet, row)
        for column, size in zip("ABCDEFGHI", (6, 40, 30, 10, 12, 14, 10, 14, 12), strict=True):
            sheet.column_dimensions[column].width = size
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# ------------------------------------------------------------------ choosing and writing
def report_bytes(
    workspace: Workspace, follow_up: AreaFollowUp, kind: str, *, language: str, now: datetime
) -> bytes:
    """Return the report as a file of ``kind`` (xlsx, docx or pdf)."""
    if kind == "xlsx":
        return xlsx_bytes(workspace, follow_up, language=language, now=now)
    title = (
        words_for(workspace, language)
        .t("title")
        .format(tertial=follow_up.tertial.label(language), name=follow_up.name)
    )
    writers: dict[str, Callable[..., bytes]] = {"docx": docx_bytes, "pdf": pdf_bytes}
    blocks = report_blocks(workspace, follow_up, language, now=now)
    return writers[kind](blocks, title=title, language=language)


def report_kind(path: Path) -> str:
    """Return the report format a file name asks for; refuse others, naming the known ones.

    Raises
    ------
    ReportError
        Not ``.xlsx``, ``.docx`` or ``.pdf``.
    """
    kind = path.suffix.lower().lstrip(".")
    if kind not in FORMATS:
        known = ", ".join(f".{k}" for k in FORMATS)
        raise ReportError(
            Text(
                sv=f"{path.name}: okänt rapportformat; välj ett filnamn som slutar på {known}.",
                en=f"{path.name}: unknown report format; choose a file name ending in {known}.",
            )
        )
    return kind


def write_bytes(path: Path, data: bytes) -> None:
    """Write a file whole or not at all: a throw-away file beside it, then renamed.

    Raises
    ------
    ReportError
        The file cannot be written; an old one is left as it was.
    """
    name = None
    try:
        handle, name = tempfile.mkstemp(prefix=".safewalk-", dir=path.parent)
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        Path(name).replace(path)
    except OSError as error:
        if name is not None:
            Path(name).unlink(missing_ok=True)
        raise ReportError(
            Text(
                sv=f"{path} kan inte skrivas ({error.strerror}).",
                en=f"{path} cannot be written ({error.strerror}).",
            )
        ) from None


def write_report(
    workspace: Workspace, follow_up: AreaFollowUp, path: Path, *, language: str, now: datetime
) -> int:
    """Write the report to ``path`` (format from its suffix), whole or not at all; return bytes.

    Raises
    ------
    ReportError
        An unknown format, or a file that cannot be written (the old one is left as it was).
    """
    kind = report_kind(path)
    data = report_bytes(workspace, follow_up, kind, language=language, now=now)
    write_bytes(path, data)
    return len(data)
