#!/usr/bin/env python3
"""Runs a command REPEATS times and prints the median wall time in seconds (perf_counter, so
finer than /usr/bin/time's 10 ms)."""
import statistics
import subprocess
import sys
import time

repeats = int(sys.argv[1])
times = []
for _ in range(repeats):
    start = time.perf_counter()
    subprocess.run(sys.argv[2:], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    times.append(time.perf_counter() - start)
print(f"{statistics.median(times):.3f}")
