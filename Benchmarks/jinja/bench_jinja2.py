#!/usr/bin/env python3
"""Python Jinja2 side of the benchmark: same templates and data as JinjaBench (bench.json)."""
import json
import sys
import time

import jinja2

path = sys.argv[1] if len(sys.argv) > 1 else "bench.json"
b = json.load(open(path))
env = jinja2.Environment(loader=jinja2.DictLoader(b["templates"]), autoescape=True)
for name in ["table.html", "alert.html", "page.html"]:
    t = env.get_template(name)
    t.render(**b["data"])
    n = 0
    start = time.perf_counter()
    while time.perf_counter() - start < 2:
        t.render(**b["data"])
        n += 1
    el = time.perf_counter() - start
    src = b["templates"][name]
    c = 0
    s2 = time.perf_counter()
    while time.perf_counter() - s2 < 1:
        jinja2.Environment(autoescape=True).from_string(src)
        c += 1
    print(f"jinja2 {name}: render {el / n * 1e6:.0f} us, compile {(time.perf_counter() - s2) / c * 1e6:.0f} us")
