"""A subject access export as a readable PDF for the data protection officer's review.

Drawn from the export's own JSON (what was produced is what is printed). Every page carries
OFFICIAL-SENSITIVE, the request's reference and "page X of Y". A value marked as another
person's information is highlighted: yellow where redaction is recommended, grey where the
DPO should decide (a practitioner in their role), each with its reason beside it. Text from
records is escaped: it is data, never reportlab markup.
"""

import io
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from safeguarding.concerns.pdf import MARKING, _fonts

PAGE = A4
MARGIN = 15 * mm
RECOMMENDED = "#ffdd00"  # GOV.UK yellow: redact unless the DPO decides otherwise
REVIEW = "#dddcdb"  # grey: the DPO decides


def _styles() -> dict[str, ParagraphStyle]:
    regular, bold = _fonts()
    return {
        "title": ParagraphStyle("title", fontName=bold, fontSize=16, leading=20, spaceAfter=4),
        "h2": ParagraphStyle("h2", fontName=bold, fontSize=13, leading=16, spaceBefore=8, spaceAfter=4),
        "h3": ParagraphStyle("h3", fontName=bold, fontSize=10, leading=13, spaceBefore=5, spaceAfter=2),
        "meta": ParagraphStyle("meta", fontName=regular, fontSize=9, leading=12),
        "cell": ParagraphStyle("cell", fontName=regular, fontSize=8.5, leading=11),
        "label": ParagraphStyle("label", fontName=bold, fontSize=8.5, leading=11),
        "note": ParagraphStyle(
            "note", fontName=regular, fontSize=7.5, leading=9.5, textColor=colors.HexColor("#505a5f")
        ),
    }


def _highlight(text: str, colour: str) -> str:
    return f'<span backColor="{colour}">{escape(text)}</span>'


def _marked_text(value: str, mentions: list[dict[str, Any]]) -> str:
    """The value, escaped, with each mention highlighted and its reason after it."""
    out: list[str] = []
    at = 0
    for m in sorted(mentions, key=lambda m: m["start"]):
        if m["start"] < at:
            continue
        out.append(escape(value[at : m["start"]]))
        colour = RECOMMENDED if m.get("recommended") else REVIEW
        out.append(_highlight(value[m["start"] : m["end"]], colour))
        out.append(f" <font size='6.5'>[{escape(m['reason'])}]</font>")
        at = m["end"]
    out.append(escape(value[at:]))
    return "".join(out).replace("\n", "<br/>")


def _value(field: dict[str, Any]) -> str:
    value = field.get("value")
    if isinstance(value, list):
        text = ", ".join(str(v) for v in value)
    elif isinstance(value, bool):
        text = "Yes" if value else "No"
    else:
        text = str(value)
    mark = field.get("redaction")
    if isinstance(value, str) and field.get("mentions") and not mark:
        return _marked_text(value, field["mentions"])
    if mark:
        colour = RECOMMENDED if mark.get("recommended") else REVIEW
        body = _highlight(text, colour)
        return f"{body} <font size='6.5'>[{escape(mark['reason'])}]</font>"
    return escape(text).replace("\n", "<br/>")


def _fields_table(fields: list[dict[str, Any]], s: dict[str, ParagraphStyle], width: float) -> Table:
    rows: list[list[Any]] = []
    for f in fields:
        rows.append([Paragraph(escape(f["label"]), s["label"]), Paragraph(_value(f), s["cell"])])
        linked = f.get("record")
        if linked:
            for sub in linked.get("fields", []):
                rows.append([Paragraph("  " + escape(sub["label"]), s["cell"]), Paragraph(_value(sub), s["cell"])])
    if not rows:
        rows = [[Paragraph("", s["cell"]), Paragraph("No details recorded", s["cell"])]]
    table = Table(rows, colWidths=[45 * mm, width - 45 * mm])
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor("#b1b4b6")),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )
    return table


def _source(item: dict[str, Any]) -> str:
    src = item.get("source") or {}
    parts = [p for p in (src.get("agency"), src.get("author"), src.get("date")) if p]
    return "Source: " + " · ".join(str(p) for p in parts) if parts else "Source: not recorded"


def _item(item: dict[str, Any], s: dict[str, ParagraphStyle], width: float, depth: int = 0) -> list[Any]:
    title = f"{item['title']} ({item['record']} {item['id']})"
    head: list[Any] = [Paragraph(("— " * depth) + escape(title), s["h3"]), Paragraph(escape(_source(item)), s["note"])]
    if item.get("included_because"):
        head.append(Paragraph(escape(f"Included because it {item['included_because']}."), s["note"]))
    if "changes" in item:
        fields = [{"label": "Reason", "value": item.get("reason", "")}] + [
            {"label": c["field"], "value": f"{c['old']} → {c['new']}"} for c in item["changes"]
        ]
        body: list[Any] = [_fields_table(fields, s, width)]
    else:
        body = [_fields_table(item.get("fields", []), s, width)]
    out: list[Any] = [KeepTogether([*head, *body[:1]]), *body[1:]]
    for part in item.get("parts", []):
        for sub in part["items"]:
            out += _item(sub, s, width - 6 * mm, depth + 1)
    return out


def _make_canvas(footer: str) -> Any:
    regular, bold = _fonts()

    class NumberedCanvas(canvas.Canvas):
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
                width, height = PAGE
                self.setFont(bold, 10)
                self.drawCentredString(width / 2, height - 9 * mm, MARKING)
                self.drawCentredString(width / 2, 6 * mm, MARKING)
                self.setFont(regular, 8)
                self.drawString(MARGIN, 11 * mm, footer)
                self.drawRightString(width - MARGIN, 11 * mm, f"Page {self._pageNumber} of {total}")
                super().showPage()
            super().save()

    return NumberedCanvas


def subject_access_pdf(export: dict[str, Any]) -> bytes:
    s = _styles()
    width = PAGE[0] - 2 * MARGIN
    subject = export["subject"]
    request = export.get("request") or {}
    summary = export.get("summary") or {}
    story: list[Any] = [
        Paragraph(escape(f"Subject access export: {subject.get('name', '')}"), s["title"]),
        Paragraph(
            escape(
                f"Request {request.get('reference') or 'without a reference'}, received "
                f"{request.get('received_on') or 'not known'}, due {request.get('due_on') or 'not known'}. "
                f"Produced by {export['generated_by']['name']} on {export['generated_at']}."
            ),
            s["meta"],
        ),
        Paragraph(
            escape(
                f"{MARKING}: for the data protection officer's review before release. "
                f"{summary.get('items', 0)} items; {summary.get('marked', 0)} marked as possibly other people's "
                f"information, {summary.get('recommended_for_redaction', 0)} recommended for redaction."
            ),
            s["meta"],
        ),
        Spacer(1, 2 * mm),
        Table(
            [
                [
                    Paragraph(_highlight("Highlighted", RECOMMENDED), s["cell"]),
                    Paragraph("third party: redaction recommended unless the DPO decides otherwise", s["cell"]),
                ],
                [
                    Paragraph(_highlight("Highlighted", REVIEW), s["cell"]),
                    Paragraph("marked for the DPO to decide (for example a practitioner in their role)", s["cell"]),
                ],
            ],
            colWidths=[30 * mm, width - 30 * mm],
        ),
        Paragraph(escape(export.get("redaction_rule", "")), s["note"]),
    ]
    for section in export["sections"]:
        story.append(Paragraph(escape(f"{section['title']} ({len(section['items'])})"), s["h2"]))
        if not section["items"]:
            story.append(Paragraph("Nothing held.", s["meta"]))
        for item in section["items"]:
            story += _item(item, s, width)
    story.append(Paragraph("Not included, and why", s["h2"]))
    for row in export.get("not_included", []):
        what = row.get("record") or row.get("child") or ""
        count = f" ({row['items']} items)" if "items" in row else ""
        story.append(Paragraph(escape(f"{what}{count}: {row['why']}"), s["cell"]))

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=PAGE,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN + 4 * mm,
        title=f"Subject access export {request.get('reference', '')}",
        author=export["generated_by"]["name"],
        subject=MARKING,
    )
    footer = f"Subject access {request.get('reference') or ''} · {subject.get('name', '')}"
    doc.build(story, canvasmaker=_make_canvas(footer))
    return buffer.getvalue()
