#!/usr/bin/env bash
# Herald's outbox against a plain SQLite queue in Python (same pragmas), in one run: one producer,
# and 16 concurrent producers whose acceptances Herald group-commits; then delivery
# into Postfix's smtp-sink with 1 and 4 workers, and 2FA latency while 10,000 report mails drain.
#
#   Benchmarks/outbox/run.sh [COUNT]     (default 10000)
set -euo pipefail
cd "$(dirname "$0")"
count=${1:-10000}
../../scripts/setup >/dev/null
swift build -c release >&2
bench=$(swift build -c release --show-bin-path)/OutboxBench
# Three rounds, Herald and the Python queue alternating, so both see the same moments of a shared machine.
for round in 1 2 3; do
  for durability in full normal; do
    "$bench" store --count "$count" --durability "$durability"
    "$bench" accept --count "$count" --durability "$durability" --producers 16
    python3 sqlite_queue.py "$count" "$durability"
  done
done
source ../start_sink.sh
for workers in 1 4; do
  /usr/bin/time -f "  peak memory %M KB" "$bench" e2e --port "$port" --count "$count" --workers "$workers"
done
"$bench" latency --port "$port" --count "$count" --workers 2 --probes 100
