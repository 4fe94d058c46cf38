#!/bin/sh
# Routes of tri-b-gw into the tunnel, one per peer site, rendered by GridSpan (run by wg-quick on PostUp).
set -eu
dev=$(ip -o -4 addr show to 10.12.0.10/32 | awk '{print $2; exit}')
[ -n "$dev" ] || { echo "routes: no interface has 10.12.0.10, the planned address of tri-b-gw" >&2; exit 1; }
ip link set dev "$dev" mtu 1450
ip route replace 10.11.0.0/24 dev wg0 mtu 1370 src 10.12.0.10
ip route replace 10.99.0.1/32 dev wg0 mtu 1370
ip route replace 10.13.0.0/24 dev wg0 mtu 1320 src 10.12.0.10
ip route replace 10.99.0.3/32 dev wg0 mtu 1320
