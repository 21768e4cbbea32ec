#!/usr/bin/env python3
"""Writes the same 20-page availability report three ways into DIR: Herald's report XML, an HTML
page for WeasyPrint (charts as inline SVG), and a JSON file ReportLab's script builds from.
Content: a 1,000-row table with a repeated header and 10 time-series charts of 1,440 points."""
import json
import math
import os
import random
import sys
from xml.sax.saxutils import escape

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
random.seed(42)
statuses = ["OK", "OK", "OK", "WARN", "CRIT", "NO_DATA"]
rows = [(f"host-{i:04d}.acme.example", ["PostgreSQL", "HTTPS", "SSH", "Disk /", "Ping"][i % 5],
         random.choice(statuses), round(100 - random.random() * 0.5, 3), random.randint(0, 4)) for i in range(1000)]
start = 1763856000
charts = []
for c in range(10):
    pts = []
    for i in range(1440):
        v = 40 + 20 * math.sin(i / 180 + c) + random.uniform(-4, 4)
        pts.append((start + i * 60, None if 600 <= i < 620 else round(v, 2)))
    charts.append({"title": f"CPU host-{c:04d}", "points": pts})
json.dump({"rows": rows, "charts": charts}, open(os.path.join(out, "data.json"), "w"))

# Herald's report XML.
x = ['<?xml version="1.0" encoding="UTF-8"?>',
     '<report title="Availability" author="Herald" created="2026-11-23T07:00:00Z">',
     '<header>Acme · Availability report</header><footer>Confidential</footer>',
     '<h1>Availability report</h1><p>1,000 services and 10 charts.</p>',
     '<table widths="4,2,1.3,1.6,1.2" align="left,left,center,right,right"><thead><tr><th>Host</th><th>Service</th><th>Status</th><th>Availability</th><th>Outages</th></tr></thead><tbody>']
for h, s, st, a, o in rows:
    x.append(f'<tr><td>{h}</td><td>{escape(s)}</td><td status="{st}"/><td>{a:.3f} %</td><td>{o}</td></tr>')
x.append('</tbody></table>')
for c in charts:
    pts = " ".join(f"{t}:{'-' if v is None else v}" for t, v in c["points"])
    x.append(f'<chart type="timeseries" title="{c["title"]}" unit="%" threshold="90" tz="Europe/Berlin" height="150"><series name="cpu">{pts}</series></chart>')
x.append('</report>')
open(os.path.join(out, "report.xml"), "w").write("\n".join(x))

# HTML for WeasyPrint.
colors = {"OK": "#1a7f37", "WARN": "#9a6700", "CRIT": "#cf222e", "NO_DATA": "#57606a"}
h = ['<!DOCTYPE html><html><head><meta charset="utf-8"><style>',
     '@page { size: A4; margin: 72pt 56pt 64pt 56pt; @top-left { content: "Acme · Availability report"; font-size: 8pt }',
     ' @bottom-right { content: "Page " counter(page) " of " counter(pages); font-size: 8pt } }',
     'body { font-family: "DejaVu Sans"; font-size: 10pt } table { width: 100%; border-collapse: collapse }',
     'thead { display: table-header-group } tr { page-break-inside: avoid } td, th { padding: 4pt; border-bottom: 0.5pt solid #d0d7de }',
     'tr:nth-child(even) { background: #f6f8fa } .s { color: white; font-weight: bold; text-align: center }',
     '</style></head><body><h1>Availability report</h1><p>1,000 services and 10 charts.</p>',
     '<table><thead><tr><th>Host</th><th>Service</th><th>Status</th><th>Availability</th><th>Outages</th></tr></thead><tbody>']
for host, s, st, a, o in rows:
    h.append(f'<tr><td>{host}</td><td>{escape(s)}</td><td class="s" style="background:{colors[st]}">{st}</td><td>{a:.3f} %</td><td>{o}</td></tr>')
h.append('</tbody></table>')
for c in charts:
    segs, cur = [], []
    for i, (t, v) in enumerate(c["points"]):
        if v is None:
            if cur: segs.append(cur); cur = []
            continue
        cur.append(f"{i * 480 / 1440:.1f},{150 - v * 1.5:.1f}")
    if cur: segs.append(cur)
    lines = "".join(f'<polyline fill="none" stroke="#0969da" stroke-width="1" points="{" ".join(s)}"/>' for s in segs)
    h.append(f'<h3>{c["title"]} (%)</h3><svg width="480" height="150" viewBox="0 0 480 150">{lines}'
             f'<line x1="0" x2="480" y1="15" y2="15" stroke="#cf222e" stroke-dasharray="4 2"/></svg>')
h.append('</body></html>')
open(os.path.join(out, "report.html"), "w").write("".join(h))
print(out)
