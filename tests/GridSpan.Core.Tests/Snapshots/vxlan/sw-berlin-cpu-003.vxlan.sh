#!/bin/sh
# vx0 of sw-berlin-cpu-003: a unicast VXLAN tunnel (VNI 5) to the switch sw-hub-sw at 10.13.0.10,
# so every frame to another node crosses the switch. Rendered by GridSpan.
set -eu
ip -d link show dev vx0 2>/dev/null | grep -q "vxlan id 5 remote 10.13.0.10 local 10.11.0.13 " || { ip link del dev vx0 2>/dev/null || true; ip link add vx0 type vxlan id 5 local 10.11.0.13 remote 10.13.0.10 dstport 4789 nolearning; }
ip link set dev vx0 mtu 1370
ip addr replace 10.99.0.5/24 dev vx0
ip link set dev vx0 up
