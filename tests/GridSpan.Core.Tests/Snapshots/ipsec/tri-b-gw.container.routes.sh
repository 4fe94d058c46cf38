#!/bin/sh
# Routes of tri-b-gw into the tunnel, one per peer site, rendered by GridSpan (run by strongswan.service once charon is up).
set -eu
dev=$(ip -o -4 addr show to 10.12.0.10/32 | awk '{print $2; exit}')
[ -n "$dev" ] || { echo "routes: no interface has 10.12.0.10, the planned address of tri-b-gw" >&2; exit 1; }
ip link set dev "$dev" mtu 1450
# ipsec0 is kernel-libipsec's TUN device: ESP in user space, as this kernel has none.
i=0; until ip link show dev ipsec0 >/dev/null 2>&1; do
    i=$((i + 1)); [ "$i" -le 50 ] || { echo "routes: charon made no ipsec0: is kernel-libipsec loaded?" >&2; exit 1; }; sleep 0.1
done
# kernel-libipsec routes the remote ranges into its TUN device in table 220 even with install_routes = no,
# without the tunnels' MTUs: the main table's routes below are looked up first (a default route excepted).
ip rule show pref 210 | grep -q . || ip rule add pref 210 table main suppress_prefixlength 0
# No ICMP redirects to the site's router while the tunnels are down (IpsecRenderer.NoRedirectsCommand).
for f in /proc/sys/net/ipv4/conf/*/send_redirects; do [ "$(cat "$f")" = 0 ] || echo 0 > "$f"; done
ip link set dev ipsec0 mtu 1365 up
ip addr replace 10.99.0.2/24 dev ipsec0
ip route replace 10.11.0.0/24 dev ipsec0 mtu 1365 src 10.12.0.10
ip route replace 10.99.0.1/32 dev ipsec0 mtu 1365
ip route replace 10.13.0.0/24 dev ipsec0 mtu 1315 src 10.12.0.10
ip route replace 10.99.0.3/32 dev ipsec0 mtu 1315
