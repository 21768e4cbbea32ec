#!/usr/bin/env python3
"""Drives a running `herald serve` through a midnight burst: N tenants with 3 report schedules
each, all due at the same minute, delivered into smtp-sink; 2FA requests go in during the burst
and their latency (request sent until the notification log shows the mail accepted by the
server) is measured by polling the log.

    burst.py --url http://127.0.0.1:PORT --token ADMIN_TOKEN --tenants 1000
"""
import argparse
import datetime as dt
import http.client
import json
import statistics
import threading
import time
import urllib.parse


class API:
    def __init__(self, url, token):
        u = urllib.parse.urlparse(url)
        self.host, self.port, self.token = u.hostname, u.port, token
        self.local = threading.local()

    def conn(self):
        if not hasattr(self.local, "c"):
            self.local.c = http.client.HTTPConnection(self.host, self.port, timeout=60)
        return self.local.c

    def call(self, method, path, body=None, token=None):
        headers = {"Authorization": f"Bearer {token or self.token}"}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        for attempt in range(3):
            try:
                c = self.conn()
                c.request(method, path, body=data, headers=headers)
                r = c.getresponse()
                text = r.read()
                return r.status, (json.loads(text) if text and r.getheader("Content-Type", "").startswith("application/json") else text)
            except (http.client.HTTPException, ConnectionError):
                del self.local.c
                if attempt == 2:
                    raise


def iso(t):
    return dt.datetime.fromtimestamp(t, dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def metric(api, name, labels):
    _, text = api.call("GET", "/metrics")
    total = 0.0
    for line in text.decode().splitlines():
        if line.startswith(name + "{") and all(f'{k}="{v}"' in line for k, v in labels.items()):
            total += float(line.rsplit(" ", 1)[1])
    return total


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--url", required=True)
    p.add_argument("--token", required=True)
    p.add_argument("--tenants", type=int, default=1000)
    p.add_argument("--probe-interval", type=float, default=0.25)
    a = p.parse_args()
    api = API(a.url, a.token)
    n = a.tenants
    reports = [("availability", "previous-week"), ("alert-summary", "previous-month"), ("availability", "previous-day")]

    # Set-up: tenants, a week of history (an outage and its recovery per tenant), then wait until
    # those alert mails are delivered, so the burst starts from an empty queue.
    t0 = time.time()
    tokens = []
    for i in range(n):
        status, body = api.call("POST", "/api/v1/tenants", {"id": f"t{i:05d}", "name": f"Tenant {i}", "locale": "de" if i % 2 else "en",
                                                           "timezone": "UTC", "plan": "pro"})
        assert status == 201, body
        tokens.append(body["token"])
    now = time.time()
    channel = {"recipients": [{"address": "oncall@example.com"}]}
    for i in range(n):
        t = f"t{i:05d}"
        down = now - 3 * 86400 - i
        for ev in ({"status": "CRIT", "at": iso(down)}, {"status": "OK", "is_recovery": True, "at": iso(down + 1800)}):
            status, body = api.call("POST", f"/api/v1/tenants/{t}/alerts", dict(ev, host={"name": "web-01"}, service={"display_name": "HTTP"},
                                                                                channel=channel), token=tokens[i])
            assert status == 202, body
    while metric(api, "herald_queue_depth_mails", {}) > 0:
        time.sleep(0.5)
    # Every schedule falls due at the start of the next minute that leaves time to create them.
    due = (int(time.time()) // 60 + 2) * 60
    d = dt.datetime.fromtimestamp(due, dt.timezone.utc)
    for i in range(n):
        t = f"t{i:05d}"
        for j, (report, period) in enumerate(reports):
            status, body = api.call("POST", f"/api/v1/tenants/{t}/schedules", {
                "cron": f"{d.minute} {d.hour} * * *", "report": report, "period": {"type": period},
                "recipients": [{"address": f"report{j}@example.com"}]}, token=tokens[i])
            assert status == 201, body
    setup = time.time() - t0
    print(f"  set-up: {n} tenants, {2 * n} alert mails, {3 * n} schedules in {setup:.1f} s; due at {d:%H:%M:%S} UTC "
          f"({due - time.time():.0f} s from now)", flush=True)
    time.sleep(max(0, due - time.time()))

    expected = 3 * n
    sent_before = metric(api, "herald_mails_count", {"kind": "report", "status": "sent"})
    latencies, pending = [], {}
    done = threading.Event()
    lock = threading.Lock()

    def probe():
        probe_api = API(a.url, a.token)
        i = 0
        while not done.is_set():
            started = time.time()
            status, body = probe_api.call("POST", "/api/v1/tenants/t00000/2fa", {"address": f"probe{i}@example.com"}, token=tokens[0])
            if status == 202:
                with lock:
                    pending[body["outbox_id"]] = started
            i += 1
            time.sleep(a.probe_interval)

    def watch():
        watch_api = API(a.url, a.token)
        while not done.is_set() or pending:
            status, body = watch_api.call("GET", "/api/v1/tenants/t00000/notification-log?kind=2fa&limit=100", token=tokens[0])
            seen = time.time()
            with lock:
                for entry in body.get("entries", []):
                    if entry["status"] == "sent" and entry["id"] in pending:
                        latencies.append(seen - pending.pop(entry["id"]))
            time.sleep(0.02)
            if done.is_set() and time.time() - finished > 30:
                break

    finished = 0.0
    threads = [threading.Thread(target=probe), threading.Thread(target=watch)]
    for th in threads:
        th.start()
    last = sent_before
    while True:
        sent = metric(api, "herald_mails_count", {"kind": "report", "status": "sent"}) - sent_before
        if sent >= expected:
            break
        if sent != last:
            last = sent
        time.sleep(0.2)
    finished = time.time()
    done.set()
    for th in threads:
        th.join()
    elapsed = finished - due
    lat = sorted(latencies)
    p50 = statistics.median(lat) if lat else float("nan")
    p99 = lat[min(len(lat) - 1, int(len(lat) * 0.99))] if lat else float("nan")
    print(f"  burst: {expected} report mails accepted by smtp-sink {elapsed:.1f} s after the due minute "
          f"({expected / elapsed:.1f} reports/s)")
    print(f"  2FA during the burst: {len(lat)} probes, p50 {p50 * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms, max {lat[-1] * 1000 if lat else 0:.0f} ms")
    print(json.dumps({"tenants": n, "reports": expected, "burst_seconds": round(elapsed, 2), "twofa_probes": len(lat),
                      "twofa_p50_ms": round(p50 * 1000, 1), "twofa_p99_ms": round(p99 * 1000, 1)}))


if __name__ == "__main__":
    main()
