#!/usr/bin/env python3
"""WeasyPrint rendering the equivalent HTML (charts as inline SVG)."""
import sys

from weasyprint import HTML

HTML(filename=sys.argv[1]).write_pdf(sys.argv[2])
