"""The chronology as a printable PDF (reportlab platypus).

Every page carries the protective marking OFFICIAL-SENSITIVE (Government Security
Classifications: personal data about children), the child's name and LA child ID (so a
page found on its own can be returned to its file) and "page X of Y". All text from records
is escaped: a summary is data, never reportlab markup.
"""

import io
from collections.abc import Iterable
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from django.utils import dateformat, timezone
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas
from reportlab.platypus import LongTable, Paragraph, SimpleDocTemplate, Spacer, TableStyle

from safeguarding.concerns.models import ChronologyEntry
from safeguarding.concerns.selectors import category_label, kind_label
from safeguarding.people.models import Child

MARKING = "OFFICIAL-SENSITIVE"
PAGE = landscape(A4)
MARGIN = 15 * mm

# Names come from every community: a Unicode font, not Helvetica's Latin-1. DejaVu where the
# system has it; otherwise Bitstream Vera, which reportlab ships.
_FONT_CANDIDATES = [
    (
        Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
        Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"),
    ),
]


@lru_cache(maxsize=1)
def _fonts() -> tuple[str, str]:
    import reportlab

    vera = Path(reportlab.__file__).parent / "fonts"
    for regular, bold in [*_FONT_CANDIDATES, (vera / "Vera.ttf", vera / "VeraBd.ttf")]:
        if regular.exists() and bold.exists():
            pdfmetrics.registerFont(TTFont("ChronologySans", str(regular)))
            pdfmetrics.registerFont(TTFont("ChronologySans-Bold", str(bold)))
            return "ChronologySans", "ChronologySans-Bold"
    return "Helvetica", "Helvetica-Bold"


def _styles() -> dict[str, ParagraphStyle]:
    regular, bold = _fonts()
    return {
        "title": ParagraphStyle("title", fontName=bold, fontSize=16, leading=20, spaceAfter=4),
        "meta": ParagraphStyle("meta", fontName=regular, fontSize=9, leading=12),
        "marking": ParagraphStyle("marking", fontName=bold, fontSize=10, leading=12, alignment=TA_CENTER),
        "head": ParagraphStyle("head", fontName=bold, fontSize=8.5, leading=10.5),
        "cell": ParagraphStyle("cell", fontName=regular, fontSize=8.5, leading=10.5),
    }


def _when(value: datetime) -> str:
    return dateformat.format(timezone.localtime(value), "j M Y H:i")


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(text).replace("\n", "<br/>"), style)


def _make_canvas(footer: str) -> Any:
    regular, bold = _fonts()

    class NumberedCanvas(canvas.Canvas):
        """Draws the marking and "Page X of Y" once the total number of pages is known."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:  # reportlab's name
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self._decorate(total)
                super().showPage()
            super().save()

        def _decorate(self, total: int) -> None:
            width, height = PAGE
            self.setFont(bold, 10)
            self.drawCentredString(width / 2, height - 9 * mm, MARKING)
            self.drawCentredString(width / 2, 6 * mm, MARKING)
            self.setFont(regular, 8)
            self.drawString(MARGIN, 11 * mm, footer)
            self.drawRightString(width - MARGIN, 11 * mm, f"Page {self._pageNumber} of {total}")

    return NumberedCanvas


def chronology_pdf(
    *,
    child: Child,
    entries: Iterable[ChronologyEntry],
    printed_by: str,
    printed_at: datetime,
    filters_description: str = "",
    scope_description: str = "",
) -> bytes:
    """Render the given entries (already scoped and filtered by the caller) as a PDF."""
    s = _styles()
    dob = (
        dateformat.format(child.date_of_birth, "j F Y")
        if child.date_of_birth
        else (
            f"expected {dateformat.format(child.expected_date_of_birth, 'j F Y')}"
            if child.expected_date_of_birth
            else "not known"
        )
    )
    name = child.display_name or child.la_child_id
    story: list[Any] = [
        _p(f"Multi-agency chronology: {name}", s["title"]),
        _p(f"Date of birth: {dob}    LA child ID: {child.la_child_id}", s["meta"]),
        _p(
            f"Printed by {printed_by} on {_when(printed_at)}. {MARKING}: handle, store and destroy in line "
            "with your agency's information security policy.",
            s["meta"],
        ),
    ]
    if scope_description:
        story.append(_p(scope_description, s["meta"]))
    story.append(_p(f"Filtered by {filters_description}." if filters_description else "All entries.", s["meta"]))
    story.append(Spacer(1, 4 * mm))

    header = ["Date of event", "Recorded", "Agency", "Author", "Type", "Summary"]
    data: list[list[Any]] = [[_p(h, s["head"]) for h in header]]
    count = 0
    for e in entries:
        count += 1
        tags = [category_label(c) for c in e.categories]
        flags = [t for t, on in (("IMMEDIATE DANGER", e.immediate_danger), ("AMENDED", e.amended)) if on]
        summary = e.summary
        if tags:
            summary += "\nCategories: " + ", ".join(tags)
        if flags:
            summary += "\n" + " · ".join(flags)
        author = e.author_label or (e.author.get_full_name() if e.author else "")
        data.append(
            [
                _p(_when(e.occurred_at), s["cell"]),
                _p(_when(e.recorded_at), s["cell"]),
                _p(e.agency.name, s["cell"]),
                _p(author, s["cell"]),
                _p(kind_label(e.kind), s["cell"]),
                _p(summary, s["cell"]),
            ]
        )
    if count == 0:
        story.append(_p("There are no entries to print.", s["meta"]))
    else:
        usable = PAGE[0] - 2 * MARGIN
        widths = [26 * mm, 26 * mm, 38 * mm, 32 * mm, 30 * mm]
        table = LongTable(data, colWidths=[*widths, usable - sum(widths)], repeatRows=1)
        table.setStyle(
            TableStyle(
                [
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f3f2f1")),
                    ("LINEBELOW", (0, 0), (-1, 0), 1, colors.black),
                    ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.HexColor("#b1b4b6")),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("TOPPADDING", (0, 0), (-1, -1), 3),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
                ]
            )
        )
        story.append(table)

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=PAGE,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN + 4 * mm,
        title=f"Chronology {child.la_child_id}",
        author=printed_by,
        subject=MARKING,
    )
    doc.build(story, canvasmaker=_make_canvas(f"{name} · LA child ID {child.la_child_id}"))
    return buffer.getvalue()
