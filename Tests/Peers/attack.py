#!/usr/bin/env python3
"""A hostile tenant against a running `herald serve`, while others use it.

Attacker threads send template previews built to exhaust memory, stack and time (the attacks
of issue 13 and their variants); meanwhile a probe asks /healthz every 50 ms and a second tenant
reads its schedules and posts alerts. First the same probes run without the attack, as the
baseline. Prints one JSON object with latencies (ms) and the attacker's answers by status.
"""
import argparse
import http.client
import json
import statistics
import threading
import time
from urllib.parse import urlparse

ATTACKS = [
    "{% set a = 'x' * 9000000 %}" + "{% set a = a ~ a %}" * 10 + "{{ a|length }}",
    "{% set a = ['x'] * 9000000 %}" + "{% set a = a + a %}" * 10 + "{{ a|length }}",
    "{% set a = 'x' * 9000000 %}{{ (a ~ a ~ a ~ a)|replace('x', 'xxxxxxxx')|length }}",
    "{% set ns = namespace(l=[]) %}{% for i in range(100000) %}{% set ns.l = [ns.l] %}{% endfor %}{{ ns.l|length }}",
    "{{ ('<' * 160000)|striptags|length }}",
    "{{ ('x' * 3000000)|wordwrap(10)|length }}",
    "{% for i in range(100000) %}{% for j in range(100000) %}{{ i ~ j }}{% endfor %}{% endfor %}",
    "{% set ns = namespace(s='') %}{% for i in range(100000) %}{% set ns.s = ns.s ~ ('y' * 1000) %}{% endfor %}{{ ns.s|length }}",
]


class Client:
    def __init__(self, url, token=None):
        u = urlparse(url)
        self.host, self.port, self.token = u.hostname, u.port, token

    def call(self, method, path, body=None, timeout=60):
        conn = http.client.HTTPConnection(self.host, self.port, timeout=timeout)
        headers = {"Content-Type": "application/json"}
        if self.token:
            headers["Authorization"] = "Bearer " + self.token
        start = time.perf_counter()
        conn.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
        response = conn.getresponse()
        response.read()
        conn.close()
        return response.status, (time.perf_counter() - start) * 1000


def summary(values):
    if not values:
        return {"n": 0}
    ordered = sorted(values)
    return {"n": len(values), "p50": round(statistics.median(ordered), 1),
            "p99": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))], 1), "max": round(ordered[-1], 1)}


def probes(url, victim, tenant, seconds, out):
    """/healthz every 50 ms; the victim's GET and alert POST every 200 ms."""
    public, other = Client(url), Client(url, victim)
    health, reads, alerts, bad = [], [], [], []
    deadline = time.perf_counter() + seconds
    i = 0
    while time.perf_counter() < deadline:
        status, ms = public.call("GET", "/healthz")
        health.append(ms)
        if status != 200:
            bad.append(("healthz", status))
        if i % 4 == 0:
            status, ms = other.call("GET", f"/api/v1/tenants/{tenant}/schedules")
            reads.append(ms)
            if status != 200:
                bad.append(("read", status))
            status, ms = other.call("POST", f"/api/v1/tenants/{tenant}/alerts", {
                "host": {"name": f"web-{i}"}, "service": {"display_name": "HTTP"}, "status": "CRIT",
                "channel": {"recipients": [{"address": "ops@victim.example"}]}})
            alerts.append(ms)
            if status != 202:
                bad.append(("alert", status))
        i += 1
        time.sleep(0.05)
    out.update(healthz=summary(health), victim_read=summary(reads), victim_alert=summary(alerts), failures=bad)


def attacker(url, token, tenant, stop, statuses, lock, durations, offset):
    client = Client(url, token)
    k = offset
    while not stop.is_set():
        template = ATTACKS[k % len(ATTACKS)]
        k += 1
        try:
            status, ms = client.call("POST", f"/api/v1/tenants/{tenant}/templates/alert/en/preview",
                                     {"subject": "s", "text": template}, timeout=45)
        except (TimeoutError, OSError) as error:
            status, ms = type(error).__name__, 45000.0
        with lock:
            statuses[str(status)] = statuses.get(str(status), 0) + 1
            if status != 429:
                durations.append(ms)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--url", required=True)
    p.add_argument("--admin-token", required=True, help="creates the tenants attacker and victim (plan pro)")
    p.add_argument("--threads", type=int, default=6)
    p.add_argument("--seconds", type=float, default=8)
    args = p.parse_args()
    admin = Client(args.url, args.admin_token)
    tokens = {}
    for tenant in ["attacker", "victim"]:
        conn = http.client.HTTPConnection(admin.host, admin.port, timeout=30)
        conn.request("POST", "/api/v1/tenants", body=json.dumps({"id": tenant, "name": tenant, "plan": "pro"}),
                     headers={"Authorization": "Bearer " + args.admin_token, "Content-Type": "application/json"})
        response = conn.getresponse()
        tokens[tenant] = json.loads(response.read())["token"]
    # The worst case: a tenant whose preview rate the admin raised, so only the render budget stands between it and the others.
    status, _ = admin.call("PUT", "/api/v1/tenants/attacker/quotas", {"previews_per_minute": 1000000, "alerts_per_minute": 1000000})
    assert status == 200, status
    status, _ = admin.call("PUT", "/api/v1/tenants/victim/quotas", {"alerts_per_minute": 1000000})
    assert status == 200, status
    args.attacker, args.attacker_token, args.victim, args.victim_token = "attacker", tokens["attacker"], "victim", tokens["victim"]

    baseline = {}
    probes(args.url, args.victim_token, args.victim, 2, baseline)

    stop, lock, statuses, durations = threading.Event(), threading.Lock(), {}, []
    threads = [threading.Thread(target=attacker, args=(args.url, args.attacker_token, args.attacker, stop, statuses, lock, durations, i),
                                daemon=True)
               for i in range(args.threads)]
    for t in threads:
        t.start()
    time.sleep(0.5)  # the attack is under way before the probes start
    attacked = {}
    probes(args.url, args.victim_token, args.victim, args.seconds, attacked)
    stop.set()
    for t in threads:
        t.join(timeout=50)
    print(json.dumps({"baseline": baseline, "attacked": attacked, "attacker_statuses": statuses,
                      "attacker_render_ms": summary(durations)}))


if __name__ == "__main__":
    main()
