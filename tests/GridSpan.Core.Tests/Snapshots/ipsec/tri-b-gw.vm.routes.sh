#!/bin/sh
# Routes of tri-b-gw into the tunnel, one per peer site, rendered by GridSpan (run by strongswan.service once charon is up).
set -eu
dev=$(ip -o -4 addr show to 10.12.0.10/32 | awk '{print $2; exit}')
[ -n "$dev" ] || { echo "routes: no interface has 10.12.0.10, the planned address of tri-b-gw" >&2; exit 1; }
ip link set dev "$dev" mtu 1450
# ipsec0 is an XFRM interface: what is routed into it takes the SAs of interface id 1 (kernel ESP).
ip link show dev ipsec0 >/dev/null 2>&1 || ip link add ipsec0 type xfrm dev "$dev" if_id 1
# No ICMP redirects to the site's router while the tunnels are down (IpsecRenderer.NoRedirectsCommand).
for f in /proc/sys/net/ipv4/conf/*/send_redirects; do [ "$(cat "$f")" = 0 ] || echo 0 > "$f"; done
ip link set dev ipsec0 mtu 1365 up
ip addr replace 10.99.0.2/24 dev ipsec0
ip route replace 10.11.0.0/24 dev ipsec0 mtu 1365 src 10.12.0.10
ip route replace 10.99.0.1/32 dev ipsec0 mtu 1365
ip route replace 10.13.0.0/24 dev ipsec0 mtu 1315 src 10.12.0.10
ip route replace 10.99.0.3/32 dev ipsec0 mtu 1315
