#!/usr/bin/env bash
# Herald's Jinja engine against Python's Jinja2 (with MarkupSafe's C speedups) on the same
# templates and data, side by side in one run: a mail with a 1,000-row table and filters, the alert
# mail, and a template with macros and inheritance; compile and render measured separately.
#
#   Benchmarks/jinja/run.sh
set -euo pipefail
cd "$(dirname "$0")"
../../scripts/setup >/dev/null
swift build -c release >&2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 bench_data.py "$work/bench.json"
"$(swift build -c release --show-bin-path)/JinjaBench" "$work/bench.json"
python3 bench_jinja2.py "$work/bench.json"
