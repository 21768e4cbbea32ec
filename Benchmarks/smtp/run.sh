#!/usr/bin/env bash
# Herald's SMTP sender against Postfix's smtp-source, side by side in one run, into one smtp-sink.
#
#   Benchmarks/smtp/run.sh [REPEATS]     (default 3; prints medians)
#
# Variants: 10,000 messages of 10 KB and 1,000 messages with a 1 MB PDF attachment (about
# 1.37 MB on the wire; smtp-source sends the same number of bytes), over 1 and 4 connections.
# Both clients keep their connections open across messages (smtp-source -d). Herald runs twice:
# sending one encoded message over and over, as smtp-source sends one fixed body (the sender
# alone, as the delivery workers send the bytes stored at enqueue), and encoding every message
# anew (its own Message-ID, MIME, base64) while the previous run is sent. Peak memory is the
# client's maximum resident set size from /usr/bin/time.
set -euo pipefail
cd "$(dirname "$0")"
repeats=${1:-3}
../../scripts/setup >/dev/null
swift build -c release >&2
bench=$(swift build -c release --show-bin-path)/SMTPBench

source ../start_sink.sh

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

# run_one LABEL COMMAND... -> prints "seconds maxrss_kb"
run_one() {
  local out
  out=$( { /usr/bin/time -f "%e %M" "$@" >/dev/null; } 2>&1 | tail -1 )
  echo "$out"
}

printf "%-16s %6s %5s | %10s %6s %6s | %10s %6s %6s | %10s %6s\n" variant msgs conns "sender/s" "MB" ratio "encoding/s" "MB" ratio "source/s" "MB"
for variant in "10KB 10000 10240 0" "1MB-PDF 1000 10240 1048576"; do
  read -r name count body attachment <<<"$variant"
  wire=$(( body + attachment * 4 / 3 + attachment / 38 + 1200 ))
  for conns in 1 4; do
    p_rates=(); h_rates=(); s_rates=(); p_mem=(); h_mem=(); s_mem=()
    for ((r = 0; r < repeats; r++)); do
      read -r secs mem < <(run_one "$bench" --port "$port" --count "$count" --connections "$conns" --body "$body" --attachment "$attachment" --prebuilt 1)
      p_rates+=("$(echo "$count / $secs" | bc -l)"); p_mem+=("$mem")
      read -r secs mem < <(run_one "$bench" --port "$port" --count "$count" --connections "$conns" --body "$body" --attachment "$attachment")
      h_rates+=("$(echo "$count / $secs" | bc -l)"); h_mem+=("$mem")
      read -r secs mem < <(run_one /usr/sbin/smtp-source -d -s "$conns" -m "$count" -l "$wire" -f bench@example.com -t sink@example.com 127.0.0.1:"$port")
      s_rates+=("$(echo "$count / $secs" | bc -l)"); s_mem+=("$mem")
    done
    p=$(printf "%s\n" "${p_rates[@]}" | median); h=$(printf "%s\n" "${h_rates[@]}" | median); s=$(printf "%s\n" "${s_rates[@]}" | median)
    pm=$(printf "%s\n" "${p_mem[@]}" | median); hm=$(printf "%s\n" "${h_mem[@]}" | median); sm=$(printf "%s\n" "${s_mem[@]}" | median)
    printf "%-16s %6d %5d | %10.0f %6.1f %6.2f | %10.0f %6.1f %6.2f | %10.0f %6.1f\n" "$name (plain)" "$count" "$conns" \
      "$p" "$(echo "$pm/1024" | bc -l)" "$(echo "$p / $s" | bc -l)" "$h" "$(echo "$hm/1024" | bc -l)" "$(echo "$h / $s" | bc -l)" \
      "$s" "$(echo "$sm/1024" | bc -l)"
  done
done
