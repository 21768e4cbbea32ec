#!/usr/bin/env python3
"""Python's Jinja2 as the oracle for Herald's own templates: reads [{"root", "name", "context"}]
as JSON on stdin, renders each with a FileSystemLoader on root, StrictUndefined and Herald's
autoescape rule (on for names ending, after dropping .j2 or .jinja, in .html, .htm or .xml), and
prints the outputs (or "ERROR: ..." per failure) as a JSON array."""
import json
import sys

import jinja2


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
    try:
        out.append(environments[root].get_template(request["name"]).render(**request["context"]))
    except Exception as e:  # the Swift side shows which template failed and why
        out.append(f"ERROR: {type(e).__name__}: {e}")
print(json.dumps(out, ensure_ascii=False))
