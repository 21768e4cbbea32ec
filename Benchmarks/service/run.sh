#!/usr/bin/env bash
# The midnight burst: N tenants (default 1,000) with 3 report schedules each, all due at the same
# minute, rendered and delivered by one `herald serve` (release build) into Postfix's smtp-sink;
# reports the time until every report mail is accepted, 2FA p50/p99 latency during the burst, and
# the service's peak memory.
#
#   Benchmarks/service/run.sh [TENANTS]
set -euo pipefail
cd "$(dirname "$0")"
tenants=${1:-1000}
../../scripts/setup >/dev/null
(cd ../.. && swift build -c release --product herald >&2)
herald=$(cd ../.. && swift build -c release --show-bin-path)/herald
source ../start_sink.sh
work=$(mktemp -d /tmp/herald-burst.XXXXXX)
http=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
token=burst-admin-token-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')
cat > "$work/herald.json" <<JSON
{
  "database": "$work/herald.sqlite",
  "smtp": {"server": "smtp://127.0.0.1:$port", "tls": "none"},
  "delivery": {"workers": 4},
  "service": {"port": $http, "renderers": 2, "from": "Herald <reports@herald.example>"}
}
JSON
HERALD_ADMIN_TOKEN=$token /usr/bin/time -f "  herald serve peak memory: %M KB" "$herald" serve --config "$work/herald.json" 2>"$work/serve.log" &
pid=$!
trap 'kill $sink 2>/dev/null || true; kill $pid 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$http/healthz" >/dev/null && break; sleep 0.2; done
python3 burst.py --url "http://127.0.0.1:$http" --token "$token" --tenants "$tenants"
server=$(pgrep -P "$pid" herald || echo "$pid")
kill -TERM "$server"
wait "$pid" || true
grep "peak memory" "$work/serve.log"
grep -c " error " "$work/serve.log" | sed 's/^/  errors logged: /'
