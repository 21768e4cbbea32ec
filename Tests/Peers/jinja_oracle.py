#!/usr/bin/env python3
"""Differential oracle: renders corpus cases with Python's Jinja2 and prints the outcomes as JSON.

Input: a JSON array (file given as argv[1], or stdin) of cases
  {name, source, context, autoescape?, templates?, options?, template_name?}
  - autoescape: true/false, or "ext" for Herald's rule (.html/.htm/.xml after dropping .j2/.jinja)
  - templates: extra named templates for include/import/extends
  - options: {trim_blocks, lstrip_blocks, keep_trailing_newline, strict}
  - template_name: render templates[template_name] instead of source
Output: a JSON array of {name, output} or {name, error: "<exception class name>"}.
"""
import json
import sys

import jinja2


def herald_autoescape(name):
    if name is None:
        return False
    n = name.lower()
    for suffix in (".j2", ".jinja"):
        if n.endswith(suffix):
            n = n[: -len(suffix)]
            break
    return n.endswith((".html", ".htm", ".xml"))


def run(case):
    opts = case.get("options") or {}
    autoescape = case.get("autoescape", False)
    if autoescape == "ext":
        autoescape = herald_autoescape
    env = jinja2.Environment(
        loader=jinja2.DictLoader(case.get("templates") or {}),
        autoescape=autoescape,
        trim_blocks=opts.get("trim_blocks", False),
        lstrip_blocks=opts.get("lstrip_blocks", False),
        keep_trailing_newline=opts.get("keep_trailing_newline", False),
        undefined=jinja2.StrictUndefined if opts.get("strict") else jinja2.Undefined,
    )
    try:
        if case.get("template_name"):
            t = env.get_template(case["template_name"])
        else:
            t = env.from_string(case["source"])
        return {"name": case["name"], "output": t.render(**(case.get("context") or {}))}
    except Exception as e:  # the class name is the outcome
        return {"name": case["name"], "error": type(e).__name__}


def main():
    data = open(sys.argv[1], encoding="utf-8").read() if len(sys.argv) > 1 else sys.stdin.read()
    cases = json.loads(data)
    json.dump([run(c) for c in cases], sys.stdout, ensure_ascii=True)


if __name__ == "__main__":
    main()
