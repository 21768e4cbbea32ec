#!/usr/bin/env bash
# A 20-page availability report (1,000-row table, 10 charts of 1,440 points) rendered by Herald,
# ReportLab and WeasyPrint in one run: seconds per report (median of REPEATS), pages per second,
# peak memory and file size. The three run round-robin.
#
#   Benchmarks/reports/run.sh [REPEATS]    (default 5)
set -euo pipefail
cd "$(dirname "$0")"
repeats=${1:-5}
../../scripts/setup >/dev/null
python3 -c 'import reportlab, weasyprint' 2>/dev/null || python3 -m pip install -q reportlab weasyprint
(cd ../.. && swift build -c release --product herald >&2)
herald=$(cd ../.. && swift build -c release --show-bin-path)/herald
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 make_inputs.py "$work" >/dev/null

herald_cmd=("$herald" report render "$work/report.xml" --out "$work/herald.pdf")
reportlab_cmd=(python3 reportlab_report.py "$work" ../../Fonts "$work/reportlab.pdf")
weasyprint_cmd=(python3 weasyprint_report.py "$work/report.html" "$work/weasyprint.pdf")
# Round-robin, so the three see the same moments of a shared machine; medians of REPEATS rounds.
mapfile -t medians < <(python3 time_command.py "$repeats" "${herald_cmd[@]}" --- "${reportlab_cmd[@]}" --- "${weasyprint_cmd[@]}")

report() {  # LABEL MEDIAN OUT.pdf COMMAND...
  local label=$1 median=$2 out=$3; shift 3
  local kb pages size
  /usr/bin/time -o "$work/time" -f "%M" "$@" >/dev/null 2>&1
  kb=$(cat "$work/time")
  pages=$(pdfinfo "$out" | awk '/^Pages:/ {print $2}')
  size=$(stat -c %s "$out")
  printf "%-11s %8.3f s  %6.1f pages/s  %5d pages  %7.1f MB peak  %7.0f KB\n" "$label" "$median" \
    "$(echo "$pages / $median" | bc -l)" "$pages" "$(echo "$kb / 1024" | bc -l)" "$(echo "$size / 1024" | bc -l)"
}
report Herald "${medians[0]}" "$work/herald.pdf" "${herald_cmd[@]}"
report ReportLab "${medians[1]}" "$work/reportlab.pdf" "${reportlab_cmd[@]}"
report WeasyPrint "${medians[2]}" "$work/weasyprint.pdf" "${weasyprint_cmd[@]}"
printf "ratios: ReportLab / Herald %.1f×, WeasyPrint / Herald %.1f×\n" \
  "$(echo "${medians[1]} / ${medians[0]}" | bc -l)" "$(echo "${medians[2]} / ${medians[0]}" | bc -l)"
