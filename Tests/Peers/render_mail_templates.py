#!/usr/bin/env python3
"""Renders every default mail template in ReportTemplates/mail with Python's Jinja2 (the oracle)
and its sample data, strictly (an undefined variable is an error), and prints JSON:
{"kind/locale/part": output}. Autoescape follows Herald's rule: on for names that end, after
dropping .j2 or .jinja, in .html, .htm or .xml."""
import json
import os
import sys

import jinja2

root = sys.argv[1]


def autoescape(name):
    if name is None:
        return False
    for suffix in (".j2", ".jinja"):
        if name.endswith(suffix):
            name = name[: -len(suffix)]
    return name.endswith((".html", ".htm", ".xml"))


env = jinja2.Environment(loader=jinja2.FileSystemLoader(root), autoescape=autoescape,
                         undefined=jinja2.StrictUndefined, keep_trailing_newline=False)
out = {}
for kind in sorted(os.listdir(root)):
    if not os.path.isdir(os.path.join(root, kind)) or kind == "samples":
        continue
    data = json.load(open(os.path.join(root, "samples", kind + ".json")))
    for locale in sorted(os.listdir(os.path.join(root, kind))):
        for part in ("subject.txt.j2", "body.txt.j2", "body.html.j2"):
            name = f"{kind}/{locale}/{part}"
            out[name] = env.get_template(name).render(**data)
print(json.dumps(out, ensure_ascii=False))
