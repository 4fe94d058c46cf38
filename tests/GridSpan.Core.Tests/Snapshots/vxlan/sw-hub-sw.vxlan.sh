#!/bin/sh
# The switch sw-hub-sw: bridge br0 with one unicast VXLAN port per node (5),
# every port of the segment's MTU. Rendered by GridSpan.
set -eu
# Bridged frames must not pass the host's iptables (bridge-nf-call-*), which could drop the nodes' traffic.
for f in /proc/sys/net/bridge/bridge-nf-call-iptables /proc/sys/net/bridge/bridge-nf-call-ip6tables /proc/sys/net/bridge/bridge-nf-call-arptables; do
    [ ! -e "$f" ] || [ "$(cat "$f")" = 0 ] || echo 0 > "$f"
done
ip link show dev br0 >/dev/null 2>&1 || ip link add br0 type bridge
ip link set dev br0 mtu 1370
ip addr replace 10.99.0.1/24 dev br0
ip link set dev br0 up
port() {  # device vni remote
    ip -d link show dev "$1" 2>/dev/null | grep -q "vxlan id $2 remote $3 local 10.13.0.10 " || { ip link del dev "$1" 2>/dev/null || true; ip link add "$1" type vxlan id $2 local 10.13.0.10 remote $3 dstport 4789 nolearning; }
    ip link set dev "$1" mtu 1370 master br0 up
}
port vx2 2 10.11.0.10  # sw-master, 10.99.0.2
port vx3 3 10.11.0.11  # sw-berlin-cpu-001, 10.99.0.3
port vx4 4 10.11.0.12  # sw-berlin-cpu-002, 10.99.0.4
# On-demand nodes' ports exist while their node does (vxlan-port add/del, run by the master's hooks).
for f in /var/lib/gridspan/vxlan-ports/*; do
    [ ! -e "$f" ] || /usr/local/libexec/gridspan/vxlan-port add "${f##*/}"
done
# Ports of nodes no longer planned go.
for dev in $(ip -o link show type vxlan | awk -F': ' '{print $2}' | cut -d@ -f1); do
    case " vx2 vx3 vx4 vx5 vx6 " in *" $dev "*) ;; *) ip link del dev "$dev" ;; esac
done
