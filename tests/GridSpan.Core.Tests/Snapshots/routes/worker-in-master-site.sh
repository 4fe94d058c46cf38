#!/bin/sh
# Routes of tri-a-cpu-001 to the other sites through tri-master, rendered by GridSpan.
set -eu
dev=$(ip -o -4 addr show to 10.11.0.11/32 | awk '{print $2; exit}')
[ -n "$dev" ] || { echo "routes: no interface has 10.11.0.11, the planned address of tri-a-cpu-001" >&2; exit 1; }
ip link set dev "$dev" mtu 1500
ip route replace 10.12.0.0/24 via 10.11.0.10 mtu 1370
ip route replace 10.13.0.0/24 via 10.11.0.10 mtu 1320
ip route replace 10.99.0.0/24 via 10.11.0.10 mtu 1320
