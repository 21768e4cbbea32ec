#!/usr/bin/env python3
"""Writes bench.json: the benchmark templates (1,000-row table, alert mail, macros + inheritance) and data."""
import json
rows = [{"name": "user %d <x>" % i, "email": ("U%d@Example.com" % i) if i % 3 else "", "amount": i * 1.25, "tags": ["a", "b&c", "d"][: i % 4], "active": i % 2 == 0} for i in range(1000)]
table = """<table>
{%- for r in rows %}
<tr class="{{ loop.cycle('odd', 'even') }}"><td>{{ loop.index }}</td><td>{{ r.name|title }}</td><td>{{ r.email|default('-', true)|lower }}</td><td>{{ '%.2f'|format(r.amount) }}</td><td>{{ r.tags|join(', ') }}</td><td>{% if r.active %}yes{% else %}no{% endif %}</td></tr>
{%- endfor %}
</table>
Total: {{ rows|sum(attribute='amount')|round(2) }}"""
layout = """<html><head><title>{% block title %}{% endblock %}</title></head><body>
<table>{% block content %}{% endblock %}</table><footer>{{ tenant.footer }}</footer></body></html>"""
macros = """{% macro badge(status) %}<span style="color:{{ {'OK': 'green', 'CRIT': 'red'}.get(status, 'grey') }}">{{ status }}</span>{% endmacro %}
{% macro row(a) %}<tr><td>{{ a.host }}</td><td>{{ badge(a.status) }}</td><td>{{ a.value|round(1) }}</td></tr>{% endmacro %}"""
page = """{% extends "layout.html" %}{% import "macros.html" as m %}
{% block title %}{{ alerts|length }} alerts for {{ tenant.name }}{% endblock %}
{% block content %}{% for a in alerts %}{{ m.row(a) }}{% endfor %}{% endblock %}"""
alert = """{% extends "layout.html" %}
{% block title %}[{{ alert.status }}] {{ alert.host.name }}{% endblock %}
{% block content %}
<h1>{{ alert.service.display_name }} on {{ alert.host.name }}</h1>
<p>{{ alert.message }}</p>
{% if alert.acknowledged_by %}<p>Acknowledged by {{ alert.acknowledged_by }}</p>{% endif %}
<p><a href="{{ alert.host_url }}">Open host</a></p>
{% endblock %}"""
data = {
  "rows": rows,
  "tenant": {"name": "ACME", "footer": "ACME GmbH · Berlin"},
  "alerts": [{"host": "web-%d" % i, "status": ["OK", "WARN", "CRIT"][i % 3], "value": i * 1.37} for i in range(200)],
  "alert": {"host": {"name": "db-01"}, "service": {"display_name": "Disk"}, "status": "CRIT", "message": "97% <full>", "host_url": "https://x/?a=1&b=2", "acknowledged_by": None},
}
templates = {"table.html": table, "layout.html": layout, "macros.html": macros, "page.html": page, "alert.html": alert}
import sys
out = sys.argv[1] if len(sys.argv) > 1 else "bench.json"
json.dump({"templates": templates, "data": data}, open(out, "w"))
print("wrote", out)
