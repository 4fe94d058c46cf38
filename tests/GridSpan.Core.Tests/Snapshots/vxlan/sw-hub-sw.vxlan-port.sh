#!/bin/sh
# vxlan-port add|del NODE: the port of an on-demand node on the switch sw-hub-sw. Rendered by GridSpan.
set -eu
port() {  # device vni remote
    ip -d link show dev "$1" 2>/dev/null | grep -q "vxlan id $2 remote $3 local 10.13.0.10 " || { ip link del dev "$1" 2>/dev/null || true; ip link add "$1" type vxlan id $2 local 10.13.0.10 remote $3 dstport 4789 nolearning; }
    ip link set dev "$1" mtu 1370 master br0 up
}
case "${2:-}" in
    sw-berlin-cpu-003) set -- "$1" vx5 5 10.11.0.13 "$2" ;;
    sw-berlin-cpu-004) set -- "$1" vx6 6 10.11.0.14 "$2" ;;
    *) echo "vxlan-port: '${2:-}' is not an on-demand node of this cluster" >&2; exit 2 ;;
esac
case "$1" in
    add) port "$2" "$3" "$4"; mkdir -p /var/lib/gridspan/vxlan-ports; : > /var/lib/gridspan/vxlan-ports/"$5" ;;
    del) rm -f /var/lib/gridspan/vxlan-ports/"$5"; ip link del dev "$2" 2>/dev/null || true ;;
    *) echo "usage: vxlan-port add|del NODE" >&2; exit 2 ;;
esac
