#!/usr/bin/env python3
"""Parses each document of a JSON list (base64 of the bytes) with Python's expat-based
ElementTree and prints, per document, null when it is not well-formed, or the element tree as
[name, {attributes}, [child nodes]] with text nodes as strings (adjacent text merged, comments
and processing instructions left out)."""
import base64
import json
import sys
import xml.etree.ElementTree as ET


def tree(element):
    nodes = []

    def text(t):
        if not t:
            return
        if nodes and isinstance(nodes[-1], str):
            nodes[-1] += t
        else:
            nodes.append(t)

    text(element.text)
    for child in element:
        nodes.append(tree(child))
        text(child.tail)
    return [element.tag, dict(sorted(element.attrib.items())), nodes]


results = []
for encoded in json.load(sys.stdin):
    try:
        results.append(tree(ET.fromstring(base64.b64decode(encoded))))
    except ET.ParseError:
        results.append(None)
print(json.dumps(results))
