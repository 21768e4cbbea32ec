# Sourced by the benchmark scripts: starts Postfix's smtp-sink on 127.0.0.1 and a free port,
# sets $port, and stops the sink when the script exits. smtp-sink refuses to run as root without
# a user to drop to.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
sink_user=(); [[ $(id -u) -eq 0 ]] && sink_user=(-u nobody)
/usr/sbin/smtp-sink "${sink_user[@]}" 127.0.0.1:"$port" 256 &
sink=$!
trap 'kill $sink 2>/dev/null || true' EXIT
sleep 0.5
