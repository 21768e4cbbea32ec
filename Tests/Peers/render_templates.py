#!/usr/bin/env python3
"""Python's Jinja2 as the oracle for Herald's own templates: reads [{"root", "name", "context"}]
as JSON on stdin, renders each with a FileSystemLoader on root, StrictUndefined and Herald's
autoescape rule (on for names ending, after dropping .j2 or .jinja, in .html, .htm or .xml), and
prints the outputs (or "ERROR: ..." per failure) as a JSON array.

Herald's locale filters (number, percent, duration, date, datetime) are written here a second
time on Babel, the CLDR library Python reporting tools use, so that Herald's ICU-based ones are
checked against an independent implementation of the same patterns."""
import json
import math
import sys
from datetime import datetime, timezone

import jinja2
from babel.dates import format_datetime, get_timezone
from babel.numbers import format_decimal

NBSP = "\u00a0"


def _locale(ctx):
    return "de" if ctx.get("locale") == "de" else "en"


def _zone(ctx):
    try:
        return get_timezone(ctx.get("tz") or "UTC")
    except LookupError:
        return get_timezone("UTC")


def _number(ctx, x, decimals=0):
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(x + 0.0, format=pattern, locale=_locale(ctx), decimal_quantization=True)


def _instant(value):
    if isinstance(value, (int, float)):
        return datetime.fromtimestamp(value, timezone.utc)
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


@jinja2.pass_context
def number(ctx, x, decimals=0):
    return None if x is None else _number(ctx, x, decimals)


@jinja2.pass_context
def percent(ctx, x, decimals=2, method="common"):
    if x is None:
        return None
    if method == "floor":
        x = math.floor(x * 10**decimals + 1e-7) / 10**decimals
    elif method == "ceil":
        x = -math.floor(-x * 10**decimals + 1e-7) / 10**decimals
    return _number(ctx, x, decimals) + NBSP + "%"


@jinja2.pass_context
def duration(ctx, x, unit="seconds"):
    if x is None:
        return None
    minutes = x / 60 if unit == "seconds" else x
    de = _locale(ctx) == "de"
    total = int(math.copysign(math.floor(abs(minutes) + 0.5), minutes))  # half away from zero
    d, h, m = ("T.", "Std.", "Min.") if de else ("d", "h", "min")
    if minutes > 0 and total == 0:
        return f"<{NBSP}1{NBSP}{m}"
    days, hours, mins = total // 1440, total % 1440 // 60, total % 60
    if days > 0:
        parts = [(days, d), (hours, h)] if hours > 0 else [(days, d)]
    elif hours > 0:
        parts = [(hours, h), (mins, m)] if mins > 0 else [(hours, h)]
    else:
        parts = [(mins, m)]
    return NBSP.join(f"{n}{NBSP}{u}" for n, u in parts)


@jinja2.pass_context
def date(ctx, value):
    if value is None:
        return None
    pattern = "dd.MM.yyyy" if _locale(ctx) == "de" else "yyyy-MM-dd"
    return format_datetime(_instant(value), pattern, tzinfo=_zone(ctx), locale=_locale(ctx))


@jinja2.pass_context
def datetime_(ctx, value, form="long"):
    if value is None:
        return None
    de, at, zone = _locale(ctx) == "de", _instant(value), _zone(ctx)
    # German names the zone where CLDR has a German name for it (MEZ, MESZ), else gives the offset.
    name = format_datetime(at, "zzz", tzinfo=zone, locale="de") if de else ""
    named = name.isalpha() and name not in ("GMT", "UTC")
    pattern = {"long": ("dd.MM.yyyy HH:mm zzz" if named else "dd.MM.yyyy HH:mm xxx") if de else "yyyy-MM-dd HH:mm xxx",
               "short": "dd.MM. HH:mm" if de else "MMM d, HH:mm"}[form]
    return format_datetime(at, pattern, tzinfo=zone, locale=_locale(ctx))


FILTERS = {"number": number, "percent": percent, "duration": duration, "date": date, "datetime": datetime_}


def autoescape(name):
    if name is None:
        return False
    for suffix in (".j2", ".jinja"):
        if name.endswith(suffix):
            name = name[: -len(suffix)]
    return name.endswith((".html", ".htm", ".xml"))


environments = {}
out = []
for request in json.load(sys.stdin):
    root = request["root"]
    if root not in environments:
        environments[root] = jinja2.Environment(loader=jinja2.FileSystemLoader(root), autoescape=autoescape,
                                                undefined=jinja2.StrictUndefined)
        environments[root].filters.update(FILTERS)
    try:
        out.append(environments[root].get_template(request["name"]).render(**request["context"]))
    except Exception as e:  # the Swift side shows which template failed and why
        out.append(f"ERROR: {type(e).__name__}: {e}")
print(json.dumps(out, ensure_ascii=False))
