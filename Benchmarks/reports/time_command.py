#!/usr/bin/env python3
"""Times commands round-robin, REPEATS rounds, and prints each one's median wall time in seconds
(perf_counter, finer than /usr/bin/time's 10 ms), one line per command. Interleaving puts every
command through the same moments of a shared, noisy machine.

    time_command.py REPEATS COMMAND... [--- COMMAND...]..."""
import statistics
import subprocess
import sys
import time

repeats = int(sys.argv[1])
commands, current = [], []
for arg in sys.argv[2:]:
    if arg == "---":
        commands.append(current)
        current = []
    else:
        current.append(arg)
commands.append(current)
times = [[] for _ in commands]
for _ in range(repeats):
    for i, command in enumerate(commands):
        start = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times[i].append(time.perf_counter() - start)
for t in times:
    print(f"{statistics.median(t):.3f}")
