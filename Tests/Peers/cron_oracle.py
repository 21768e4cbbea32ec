#!/usr/bin/env python3
"""Differential oracle for Herald's Cron module: cronsim (PyPI) as the reference for Debian cron.

Reads JSON lines on stdin: {"expr": "0 8 * * 1", "zone": "Europe/Berlin", "start": 1774746000, "count": 12}
("start" is seconds since 1970 UTC; "count" defaults to 12; with "reverse": true, the previous fire
times strictly before the start, newest first). For each line it writes one JSON line:
{"times": [[epoch_seconds, "2026-03-29T03:00:00+02:00"], ...]} with cronsim's next fire times strictly
after the start (as cronsim returns them, unfiltered; nicknames are expanded first), or {"error": "..."} if cronsim rejects the expression.
"""
import json
import sys
from datetime import datetime
from zoneinfo import ZoneInfo

from cronsim import CronSim, CronSimError

# cronsim does not read nicknames; Debian cron defines them as these five fields.
NICKNAMES = {
    "@yearly": "0 0 1 1 *", "@annually": "0 0 1 1 *", "@monthly": "0 0 1 * *",
    "@weekly": "0 0 * * 0", "@daily": "0 0 * * *", "@midnight": "0 0 * * *", "@hourly": "0 * * * *",
}


def main() -> None:
    zones: dict[str, ZoneInfo] = {}
    out = sys.stdout
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        req = json.loads(line)
        zone = zones.setdefault(req["zone"], ZoneInfo(req["zone"]))
        start = datetime.fromtimestamp(req["start"], zone)
        count = req.get("count", 12)
        try:
            expr = req["expr"].strip()
            it = CronSim(NICKNAMES.get(expr.lower(), expr), start, reverse=bool(req.get("reverse")))
            times = []
            for _ in range(count):
                try:
                    dt = next(it)
                except StopIteration:
                    break
                times.append([int(dt.timestamp()), dt.isoformat()])
            out.write(json.dumps({"times": times}) + "\n")
        except CronSimError as exc:
            out.write(json.dumps({"error": str(exc)}) + "\n")
    out.flush()


if __name__ == "__main__":
    main()
