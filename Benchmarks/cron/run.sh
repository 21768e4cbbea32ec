#!/usr/bin/env bash
# Cron benchmark: Herald's Cron module against cronsim and croniter, on the same expressions, zones and
# start instant, in one run; then the 100,000-schedule scenario with time and peak memory.
# Usage: Benchmarks/cron/run.sh   (from anywhere; needs swift, python3, cronsim; installs croniter if missing)
set -euo pipefail
cd "$(dirname "$0")"

python3 -c "import cronsim" 2>/dev/null || { echo "cronsim missing: pip install cronsim" >&2; exit 1; }
python3 -c "import croniter" 2>/dev/null || pip install --quiet croniter || echo "croniter unavailable; comparing with cronsim only" >&2

swift build -c release --product CronBench >&2
BIN="$(swift build -c release --show-bin-path)/CronBench"

echo "## Machine"
echo
echo "$(nproc) cores, $(. /etc/os-release && echo "$PRETTY_NAME"), $(uname -m); $(swift --version 2>/dev/null | head -1);" \
     "Python $(python3 -c 'import platform; print(platform.python_version())'), cronsim $(python3 -c 'import importlib.metadata as m; print(m.version("cronsim"))')," \
     "croniter $(python3 -c 'import importlib.metadata as m; print(m.version("croniter"))' 2>/dev/null || echo n/a)"
echo
echo "## Next fire time (ns per call, chained from 2026-01-01T00:00Z, median of runs)"
echo
"$BIN" next expressions.txt > .next.jsonl
python3 bench_peers.py < .next.jsonl
rm -f .next.jsonl
echo
echo "## 100,000 schedules (1,000 tenants x 100, 50 zones)"
echo
/usr/bin/time -v "$BIN" scale 2> .time.txt
grep -E "Maximum resident set size|Elapsed \(wall clock\)" .time.txt
rm -f .time.txt
