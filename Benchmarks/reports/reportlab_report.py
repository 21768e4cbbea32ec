#!/usr/bin/env python3
"""ReportLab building the same report as Herald: a 1,000-row table with a repeated header, status
cells coloured, and 10 line charts of 1,440 points, DejaVu Sans from Herald's Fonts/."""
import json
import sys

from reportlab.graphics.charts.lineplots import LinePlot
from reportlab.graphics.shapes import Drawing, Line
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

data_dir, fonts, out = sys.argv[1], sys.argv[2], sys.argv[3]
pdfmetrics.registerFont(TTFont("DejaVu", f"{fonts}/DejaVuSans.ttf"))
pdfmetrics.registerFont(TTFont("DejaVu-Bold", f"{fonts}/DejaVuSans-Bold.ttf"))
data = json.load(open(f"{data_dir}/data.json"))
styles = getSampleStyleSheet()
for s in styles.byName.values():
    s.fontName = "DejaVu"
status_colors = {"OK": "#1a7f37", "WARN": "#9a6700", "CRIT": "#cf222e", "NO_DATA": "#57606a"}


def page(canvas, doc):
    canvas.setFont("DejaVu", 8)
    canvas.drawString(56, A4[1] - 40, "Acme · Availability report")
    canvas.drawRightString(A4[0] - 56, 40, f"Page {doc.page}")


story = [Paragraph("Availability report", styles["Heading1"]), Paragraph("1,000 services and 10 charts.", styles["Normal"])]
rows = [["Host", "Service", "Status", "Availability", "Outages"]]
style = [("FONT", (0, 0), (-1, -1), "DejaVu", 9), ("FONT", (0, 0), (-1, 0), "DejaVu-Bold", 9),
         ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8ecf0")), ("LINEBELOW", (0, 0), (-1, -1), 0.5, colors.HexColor("#d0d7de"))]
for i, (h, s, st, a, o) in enumerate(data["rows"], start=1):
    rows.append([h, s, st, f"{a:.3f} %", str(o)])
    style.append(("BACKGROUND", (2, i), (2, i), colors.HexColor(status_colors[st])))
    style.append(("TEXTCOLOR", (2, i), (2, i), colors.white))
    if i % 2 == 0:
        style.append(("BACKGROUND", (0, i), (1, i), colors.HexColor("#f6f8fa")))
table = Table(rows, repeatRows=1, colWidths=[170, 90, 60, 70, 50])
table.setStyle(TableStyle(style))
story.append(table)
for c in data["charts"]:
    d = Drawing(480, 170)
    lp = LinePlot()
    lp.x, lp.y, lp.width, lp.height = 30, 20, 440, 130
    segments, cur = [], []
    for t, v in c["points"]:
        if v is None:
            if cur: segments.append(cur); cur = []
        else:
            cur.append((t, v))
    if cur: segments.append(cur)
    lp.data = segments
    for k in range(len(segments)):
        lp.lines[k].strokeColor = colors.HexColor("#0969da")
    lp.yValueAxis.valueMin, lp.yValueAxis.valueMax = 0, 100
    lp.xValueAxis.labels.fontName = lp.yValueAxis.labels.fontName = "DejaVu"
    d.add(lp)
    d.add(Line(30, 20 + 130 * 0.9, 470, 20 + 130 * 0.9, strokeColor=colors.HexColor("#cf222e"), strokeDashArray=[4, 2]))
    story.append(Paragraph(c["title"] + " (%)", styles["Heading3"]))
    story.append(d)
SimpleDocTemplate(out, pagesize=A4, leftMargin=56, rightMargin=56, topMargin=72, bottomMargin=64).build(
    story, onFirstPage=page, onLaterPages=page)
