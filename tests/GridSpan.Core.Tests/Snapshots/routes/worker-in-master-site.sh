#!/bin/sh
# Routes of the workers of site a to the other sites through tri-master, rendered by GridSpan.
set -eu
dev=$(ip -o -4 addr show to 10.11.0.0/24 | awk '{print $2; exit}')
[ -n "$dev" ] || { echo "routes: no interface has an address in 10.11.0.0/24, the subnet of site a" >&2; exit 1; }
ip link set dev "$dev" mtu 1500
ip route replace 10.12.0.0/24 via 10.11.0.10 mtu 1370
ip route replace 10.13.0.0/24 via 10.11.0.10 mtu 1320
ip route replace 10.99.0.0/24 via 10.11.0.10 mtu 1320
