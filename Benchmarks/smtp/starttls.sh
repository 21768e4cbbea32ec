#!/usr/bin/env bash
# The STARTTLS variant: neither smtp-source nor smtp-sink speaks TLS, so a private Postfix smtpd
# (STARTTLS with a throw-away CA) stands in front of smtp-sink as a before-queue proxy
# (smtpd_proxy_filter): every message goes through it to the sink and nothing is queued. Herald
# sends with STARTTLS and plain, smtp-source plain (the easier task), at 1 and 4 connections,
# all through the same front.
#
#   Benchmarks/smtp/starttls.sh [REPEATS] [COUNT]     (defaults 3 and 5000; prints medians)
set -euo pipefail
cd "$(dirname "$0")"
repeats=${1:-3}
count=${2:-5000}
[[ $(id -u) -eq 0 ]] || { echo "starttls.sh: run as root (it starts a private Postfix instance)" >&2; exit 1; }
../../scripts/setup >/dev/null
swift build -c release >&2
bench=$(swift build -c release --show-bin-path)/SMTPBench

source ../start_sink.sh
dir=$(mktemp -d)
chmod 755 "$dir"   # the postfix user must reach its queue below it
front=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
stop_all() {
  postfix -c "$dir/etc" stop >/dev/null 2>&1 || true
  kill "$sink" 2>/dev/null || true
  rm -rf "$dir"
}
trap stop_all EXIT
bash ../../Tests/Peers/make_test_ca.sh "$dir/ca" >/dev/null
mkdir -p "$dir/etc" "$dir/queue" "$dir/data"
chown postfix "$dir/queue" "$dir/data"
cat > "$dir/etc/main.cf" <<CONF
compatibility_level = 3.6
queue_directory = $dir/queue
data_directory = $dir/data
command_directory = /usr/sbin
daemon_directory = /usr/lib/postfix/sbin
meta_directory = /etc/postfix
shlib_directory = /usr/lib/postfix
mail_owner = postfix
setgid_group = postdrop
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
myhostname = front.herald.test
mydestination =
mynetworks = 127.0.0.0/8
smtpd_relay_restrictions = permit_mynetworks, reject
smtpd_reject_unlisted_recipient = no
smtpd_reject_unlisted_sender = no
local_recipient_maps =
relay_recipient_maps =
smtpd_client_connection_count_limit = 0
smtpd_client_connection_rate_limit = 0
smtpd_tls_security_level = may
smtpd_tls_cert_file = $dir/ca/server.pem
smtpd_tls_key_file = $dir/ca/server.key
smtpd_tls_session_cache_database =
smtpd_proxy_filter = 127.0.0.1:$port
smtpd_proxy_timeout = 100s
maillog_file_prefixes = $dir
maillog_file = $dir/maillog
CONF
cat > "$dir/etc/master.cf" <<CONF
127.0.0.1:$front inet n - n - 64 smtpd
tlsmgr    unix  -  -  n  1000?  1  tlsmgr
anvil     unix  -  -  n  -      1  anvil
proxymap  unix  -  -  n  -      -  proxymap
rewrite   unix  -  -  n  -      -  trivial-rewrite
postlog   unix-dgram n - n - 1 postlogd
CONF
postfix -c "$dir/etc" start >/dev/null 2>&1 || { echo "starttls.sh: Postfix did not start; see $dir/maillog" >&2; cat "$dir/maillog" >&2 2>/dev/null; exit 1; }
sleep 1

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
rate() {  # COMMAND... -> messages per second (the command must send $count messages)
  local start end
  start=$(date +%s.%N); "$@" >/dev/null; end=$(date +%s.%N)
  echo "$count / ($end - $start)" | bc -l
}
printf "%-22s %6s %5s | %12s %12s %12s | %6s\n" variant msgs conns "herald tls/s" "herald/s" "source/s" "tls/source"
for conns in 1 4; do
  t=(); p=(); s=()
  for ((r = 0; r < repeats; r++)); do
    t+=("$(rate "$bench" --port "$front" --count "$count" --connections "$conns" --tls starttls --ca "$dir/ca/ca.pem" --prebuilt 1)")
    p+=("$(rate "$bench" --port "$front" --count "$count" --connections "$conns" --prebuilt 1)")
    s+=("$(rate /usr/sbin/smtp-source -d -s "$conns" -m "$count" -l 11440 -f bench@example.com -t sink@example.com 127.0.0.1:"$front")")
  done
  tm=$(printf "%s\n" "${t[@]}" | median); pm=$(printf "%s\n" "${p[@]}" | median); sm=$(printf "%s\n" "${s[@]}" | median)
  printf "%-22s %6d %5d | %12.0f %12.0f %12.0f | %6.2f\n" "10KB via smtpd front" "$count" "$conns" "$tm" "$pm" "$sm" "$(echo "$tm / $sm" | bc -l)"
done
grep -c "proxy-accept: END-OF-MESSAGE: 250" "$dir/maillog" | sed 's/^/messages through the front: /'
