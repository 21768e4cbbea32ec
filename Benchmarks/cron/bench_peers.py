#!/usr/bin/env python3
"""Runs cronsim and croniter on the cases the Swift benchmark measured and prints a comparison.

Input: the JSON lines written by `CronBench next` (one per expression x zone), on stdin.
For each case: the same start instant and zone, `chain` consecutive next() calls (restarting from the
start if an iterator passes year 2199, as the Swift side does), median of REPEATS runs, in ns per next().
Also "construct + first next" (ns), and whether the first 12 fire times agree with Herald's.
"""
import json
import statistics
import sys
import time
from datetime import datetime
from zoneinfo import ZoneInfo

REPEATS = 3

import cronsim
try:
    import croniter as croniter_module
    from croniter import croniter
except ImportError:  # run.sh installs it; without it only cronsim is compared
    croniter = None

NICKNAMES = {"@yearly": "0 0 1 1 *", "@annually": "0 0 1 1 *", "@monthly": "0 0 1 * *",
             "@weekly": "0 0 * * 0", "@daily": "0 0 * * *", "@midnight": "0 0 * * *", "@hourly": "0 * * * *"}


def cronsim_iter(expr, start):
    it = cronsim.CronSim(NICKNAMES.get(expr, expr), start)
    return lambda: next(it)


def croniter_iter(expr, start):
    it = croniter(expr, start)
    return lambda: it.get_next(datetime)


def measure(make, expr, start, chain):
    samples = []
    for _ in range(REPEATS):
        step = make(expr, start)
        t0 = time.perf_counter_ns()
        for _ in range(chain):
            dt = step()
            if dt.year >= 2200:
                step = make(expr, start)
        samples.append((time.perf_counter_ns() - t0) / chain)
    construct = []
    for _ in range(REPEATS):
        t0 = time.perf_counter_ns()
        for _ in range(100):
            make(expr, start)()
        construct.append((time.perf_counter_ns() - t0) / 100)
    step = make(expr, start)
    first = [step().isoformat() for _ in range(12)]
    return statistics.median(samples), statistics.median(construct), first


def main():
    cases = [json.loads(line) for line in sys.stdin if line.strip()]
    peers = [("cronsim", cronsim_iter)] + ([("croniter", croniter_iter)] if croniter else [])
    rows = []
    ratios = {name: [] for name, _ in peers}
    construct_ratios = {name: [] for name, _ in peers}
    for case in cases:
        zone = ZoneInfo(case["zone"])
        start = datetime.fromtimestamp(case["start"], zone)
        row = [case["expr"], case["zone"], f'{case["ns_per_next"]:.0f}']
        for name, make in peers:
            try:
                per_next, construct, first = measure(make, case["expr"], start, case["chain"])
            except Exception as exc:  # the peer does not support this expression
                row += ["unsupported", "", ""]
                continue
            ratio = per_next / case["ns_per_next"]
            ratios[name].append(ratio)
            construct_ratios[name].append(construct / case["ns_parse_and_first"])
            row += [f"{per_next:.0f}", f"{ratio:.0f}x", "yes" if first == case["first12"] else "NO"]
        rows.append(row)

    header = ["expression", "zone", "Herald ns/next"]
    for name, _ in peers:
        header += [f"{name} ns/next", f"{name}/Herald", f"same 12 as Herald"]
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for row in rows:
        print("| " + " | ".join(f"`{c}`" if i == 0 else c for i, c in enumerate(row)) + " |")
    print()
    herald = [c["ns_per_next"] for c in cases]
    herald_construct = [c["ns_parse_and_first"] for c in cases]
    print(f"Herald: median {statistics.median(herald):.0f} ns per next(), "
          f"median {statistics.median(herald_construct):.0f} ns for parse + first next()")
    for name, _ in peers:
        r = ratios[name]
        cr = construct_ratios[name]
        print(f"{name}: per next() ratio median {statistics.median(r):.0f}x, "
              f"min {min(r):.0f}x, max {max(r):.0f}x over {len(r)} cases; "
              f"parse + first next() ratio median {statistics.median(cr):.0f}x, min {min(cr):.0f}x")


if __name__ == "__main__":
    main()
